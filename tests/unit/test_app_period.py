"""Month-to-date windows and pro-rated targets (app/period.py), checked against dates worked out by hand."""

import datetime as dt

from app.period import month_to_date, prorated_targets

D = dt.date


def test_a_month_in_progress_is_compared_with_the_same_days_of_the_previous_month() -> None:
    mtd = month_to_date(
        D(2026, 12, 1), period_end=D(2026, 12, 7), data_first=D(2026, 6, 1), data_last=D(2026, 12, 7)
    )
    assert (mtd.start, mtd.end) == (D(2026, 12, 1), D(2026, 12, 7))
    assert (mtd.previous_start, mtd.previous_end) == (D(2026, 11, 1), D(2026, 11, 7))
    assert mtd.partial and mtd.days == 7 and mtd.month_days == 31
    assert mtd.prorate(117) == 117 * 7 / 31


def test_a_whole_month_is_not_partial() -> None:
    mtd = month_to_date(
        D(2026, 11, 1), period_end=D(2026, 12, 7), data_first=D(2026, 6, 1), data_last=D(2026, 12, 7)
    )
    assert not mtd.partial
    assert (mtd.previous_start, mtd.previous_end) == (D(2026, 10, 1), D(2026, 10, 30))
    assert mtd.prorate(10) == 10


def test_the_end_of_a_long_month_compares_with_the_end_of_february() -> None:
    mtd = month_to_date(
        D(2027, 3, 1), period_end=D(2027, 3, 30), data_first=D(2026, 1, 1), data_last=D(2027, 5, 1)
    )
    assert (mtd.previous_start, mtd.previous_end) == (D(2027, 2, 1), D(2027, 2, 28))


def test_a_month_whose_data_starts_late_is_partial() -> None:
    mtd = month_to_date(
        D(2026, 9, 1), period_end=D(2026, 9, 30), data_first=D(2026, 9, 12), data_last=D(2026, 11, 20)
    )
    assert mtd.partial and (mtd.start, mtd.days) == (D(2026, 9, 12), 19)
    assert (mtd.previous_start, mtd.previous_end) == (D(2026, 8, 12), D(2026, 8, 30))
    assert mtd.prorate(None) is None


def test_chart_targets_are_pro_rated_to_the_days_the_data_covers() -> None:
    months = [D(2026, 9, 1), D(2026, 10, 1), D(2026, 11, 1)]
    assert prorated_targets(months, [30, 31, None], D(2026, 9, 12), D(2026, 11, 20)) == [
        30 * 19 / 30,
        31,
        None,
    ]


def test_week_days_covered_counts_the_days_inside_the_window():
    import datetime as dt

    from app import period

    lo, hi = dt.date(2026, 9, 12), dt.date(2026, 11, 20)  # a Saturday, a Friday
    assert period.week_days_covered(dt.date(2026, 9, 7), lo, hi) == 2  # Sat 12 + Sun 13
    assert period.week_days_covered(dt.date(2026, 9, 14), lo, hi) == 7
    assert period.week_days_covered(dt.date(2026, 11, 16), lo, hi) == 5  # Mon 16 .. Fri 20
    assert period.week_days_covered(dt.date(2026, 11, 23), lo, hi) == 0


def test_column_widths_fit_the_budget_numbers_whole():
    from app.ui import column_widths

    kinds = {"Reason": "text", "Description": "text", "Contacts": "int", "Cost": "money"}
    texts = {"Reason": ["Late delivery"], "Description": ["x" * 200], "Contacts": ["12,345"], "Cost": ["€1,234"]}
    widths = column_widths(kinds, texts, 500)
    assert sum(widths.values()) <= 500
    assert widths["Contacts"] == int(len("Contacts") * 7.5 + 26)  # its header is its longest text
    assert widths["Reason"] == int(len("Late delivery") * 7.5 + 26)  # a short text keeps its width
    assert widths["Description"] == 500 - widths["Contacts"] - widths["Cost"] - widths["Reason"]
    assert column_widths(kinds, texts, None)["Description"] == int(200 * 7.5 + 26)  # no budget: natural


def test_column_widths_of_a_table_with_many_columns_still_fit():
    from app.ui import column_widths

    kinds = {f"Text column {i}": "text" for i in range(5)} | {f"A long number header {i}": "int" for i in range(6)}
    texts = {label: ["x" * 40] if kind == "text" else ["123,456"] for label, kind in kinds.items()}
    widths = column_widths(kinds, texts, 940)
    assert sum(widths.values()) <= 940 and min(widths.values()) >= 70


def test_a_link_column_is_measured_by_the_text_it_shows_not_by_its_url():
    from app.ui import _link_text

    url = "http://127.0.0.1:8501/explorer?department=billing&reason=invoice_unclear&from=2026-01-01&to=2026-06-30"
    assert _link_text("contacts", url) == "contacts"  # a fixed display text
    assert _link_text(r"https://acme\.zendesk\.com/agent/tickets/(\d+)", "https://acme.zendesk.com/agent/tickets/4711") == "4711"
    assert _link_text(r"manager=(\w+)", "http://x/closed_loop?manager=sofia") == "sofia"
