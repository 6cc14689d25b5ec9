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
