"""Every page in AppTest: it runs, and the numbers it shows are those computed here with plain SQL.

The expected values are computed straight from the fixture warehouse and formatted here by hand (f-strings),
not through the app's own helpers, so a wrong query or a wrong format both fail.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import urllib.parse
from pathlib import Path

import duckdb
import pytest
from warehouse_fixture import LAST_DAY, build_warehouse

# The default period: the last four weeks of data, compared with the four weeks before.
END = LAST_DAY
START = END - dt.timedelta(days=27)
PREV_END = START - dt.timedelta(days=1)
PREV_START = PREV_END - dt.timedelta(days=27)

INBOUND = "direction = 'inbound'"
PAGES = ["overview", "why", "departments", "incidents", "actions", "closed_loop", "explorer", "data_health"]


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def one(warehouse: Path, sql: str, params: list | None = None):
    return query(warehouse, sql, params)[0][0]


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return found[0]


def frame_with(at, column: str):
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert found, f"no table with column {column!r}"
    return found[0]


def en(n: float, decimals: int = 0) -> str:
    return f"{n:,.{decimals}f}"


def fr(n: float, decimals: int = 0) -> str:
    return f"{n:,.{decimals}f}".replace(",", " ").replace(".", ",")


def contact_totals(warehouse: Path, start: dt.date, end: dt.date, suspects: bool = False) -> tuple:
    return query(
        warehouse,
        f"""select count(*), count(*) filter (where is_unwanted), sum(cost) filter (where is_unwanted),
                   count(*) filter (where is_repeat)
            from marts.fct_contacts where contact_date between ? and ? and {INBOUND}
              and (? or not is_suspect)""",
        [start, end, suspects],
    )[0]


def test_every_page_runs_in_french_with_french_numbers(open_app, warehouse: Path) -> None:
    at = open_app(lang="fr")
    titles = {}
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        titles[page] = at.title[0].value
    assert titles == {
        "overview": "Vue d'ensemble",
        "why": "Pourquoi nous contacte-t-on ?",
        "departments": "Départements",
        "incidents": "Incidents",
        "actions": "Actions",
        "closed_loop": "Boucle de rappel",
        "explorer": "Explorateur de contacts",
        "data_health": "Santé des données",
    }
    # the last page shown (data health) formats its numbers the French way, computed here independently
    assert metric(at, "Lignes lues").value == fr(one(warehouse, "select sum(rows_read) from marts.load_audit"))


def test_every_page_runs_and_has_its_title(open_app) -> None:
    at = open_app()
    titles = {}
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        titles[page] = at.title[0].value
    assert titles == {
        "overview": "Overview",
        "why": "Why do customers contact us?",
        "departments": "Departments",
        "incidents": "Incidents",
        "actions": "Actions",
        "closed_loop": "Closed loop",
        "explorer": "Contact explorer",
        "data_health": "Data health",
    }


def test_overview_kpis_match_the_warehouse(open_app, warehouse: Path) -> None:
    at = open_app()
    contacts, _, cost, repeats = contact_totals(warehouse, START, END)
    before = contact_totals(warehouse, PREV_START, PREV_END)
    assert metric(at, "Contacts").value == en(contacts)
    assert metric(at, "Contacts").delta == f"{(contacts - before[0]) / before[0] * 100:+.1f}%"
    # Over classified contacts only; the unclassified share beside it, with its change.
    (classified, unwanted_classified), (classified_before,) = query(
        warehouse,
        f"""select count(*) filter (where reason_code is not null),
                   count(*) filter (where reason_code is not null and is_unwanted)
            from marts.fct_contacts where contact_date between ? and ? and {INBOUND} and not is_suspect""",
        [START, END],
    )[0], query(
        warehouse,
        f"""select count(*) filter (where reason_code is not null) from marts.fct_contacts
            where contact_date between ? and ? and {INBOUND} and not is_suspect""",
        [PREV_START, PREV_END],
    )[0]
    assert classified < contacts  # the fixture has unclassified contacts: the two definitions differ
    assert metric(at, "Unwanted share").value == f"{unwanted_classified / classified * 100:.1f}%"
    unclassified, unclassified_before = 1 - classified / contacts, 1 - classified_before / before[0]
    assert metric(at, "Unclassified share").value == f"{unclassified * 100:.1f}%"
    assert metric(at, "Unclassified share").delta == f"{(unclassified - unclassified_before) * 100:+.1f} pts"
    assert metric(at, "Unwanted cost").value == f"€{en(cost)}"
    assert metric(at, "Repeat rate").value == f"{repeats / contacts * 100:.1f}%"

    csat, nps, ces, responses = query(
        warehouse,
        """select avg(case when is_satisfied then 1.0 else 0.0 end) filter (where csat is not null),
                  100.0 * (count(*) filter (where nps >= 9) - count(*) filter (where nps <= 6)) / count(nps),
                  avg(ces), count(*)
           from marts.survey_responses where responded_at::date between ? and ? and not is_suspect""",
        [START, END],
    )[0]
    assert metric(at, "CSAT").value == f"{csat * 100:.1f}%"
    assert metric(at, "NPS").value == en(nps)
    assert metric(at, "CES").value == en(ces, 2)
    assert metric(at, "Survey responses").value == en(responses)


def test_overview_what_changed_most_this_week(open_app, warehouse: Path) -> None:
    at = open_app()
    rows = query(
        warehouse,
        f"""select r.label_en,
                   count(*) filter (where contact_date > ?::date - 7) - count(*) filter (where contact_date <= ?::date - 7)
            from marts.fct_contacts c join marts.dim_reasons r using (reason_code)
            where contact_date between ?::date - 13 and ? and {INBOUND} and not is_suspect and is_unwanted
            group by 1 order by 2 desc""",
        [END, END, END, END],
    )
    rise_label, rise = rows[0]
    assert rise > 0
    texts = " ".join(m.value for m in at.markdown)
    assert f"Biggest rise: **{rise_label}** +{rise}" in texts


def test_suspect_toggle_counts_suspect_contacts(open_app, warehouse: Path) -> None:
    at = open_app(suspects="1")
    with_suspects = contact_totals(warehouse, START, END, suspects=True)[0]
    assert with_suspects > contact_totals(warehouse, START, END)[0]  # the fixture has a burst in the period
    assert metric(at, "Contacts").value == en(with_suspects)
    assert at.toggle(key="w_suspects").value is True


def test_overview_in_french(open_app, warehouse: Path) -> None:
    at = open_app(lang="fr")
    contacts, _, cost, _ = contact_totals(warehouse, START, END)
    assert at.title[0].value == "Vue d'ensemble"
    assert metric(at, "Contacts").value == fr(contacts)
    classified, unwanted_classified = query(
        warehouse,
        f"""select count(*) filter (where reason_code is not null),
                   count(*) filter (where reason_code is not null and is_unwanted)
            from marts.fct_contacts where contact_date between ? and ? and {INBOUND} and not is_suspect""",
        [START, END],
    )[0]
    assert metric(at, "Part évitable").value == f"{fr(unwanted_classified / classified * 100, 1)} %"
    assert metric(at, "Part non classée").value == f"{fr((1 - classified / contacts) * 100, 1)} %"
    assert metric(at, "Coût évitable").value == f"{fr(cost)} €"
    assert at.date_input(key="w_start").value == (START, END)


def test_period_from_the_url(open_app, warehouse: Path) -> None:
    week = (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    at = open_app(**{"from": week[0].isoformat(), "to": week[1].isoformat()})
    assert at.date_input(key="w_start").value == week
    assert metric(at, "Contacts").value == en(contact_totals(warehouse, *week)[0])
    assert at.query_params["from"] == "2026-11-02" and at.query_params["to"] == "2026-11-08"


def test_no_change_shown_without_a_full_previous_period(open_app) -> None:
    at = open_app(**{"from": "2026-09-12", "to": "2026-10-01"})
    assert not metric(at, "Contacts").delta
    assert any("does not cover the whole previous period" in c.value for c in at.caption)


def test_why_page_breakdown_and_drill(open_app, warehouse: Path) -> None:
    at = open_app("why", channel="phone")
    matrix = frame_with(at, "Recommended move").set_index("Reason")
    expected = dict(
        query(
            warehouse,
            f"""select r.label_en, count(*) from marts.fct_contacts c join marts.dim_reasons r using (reason_code)
            where contact_date between ? and ? and {INBOUND} and not is_suspect and channel = 'phone'
            group by 1""",
            [START, END],
        )
    )
    assert matrix["Contacts"].to_dict() == expected
    assert matrix.loc["New contract", "Recommended move"] == "Leverage"
    assert matrix.loc["Opening hours", "Recommended move"] == "Automate / deflect"
    # The drill-down reads the texts of the reason with most unwanted contacts.
    top_reason = at.selectbox(key="w_reason_one").value
    texts = frame_with(at, "Text")
    expected_text = one(
        warehouse,
        "select max(text_excerpt) from marts.fct_contacts where reason_code = ? and channel = 'phone' "
        "and direction = 'inbound'",
        [top_reason],
    )
    assert set(texts["Text"]) == {expected_text}


def test_why_page_in_french_follows_the_reason_in_the_url(open_app) -> None:
    at = open_app("why", lang="fr", reason="late_delivery")
    assert at.title[0].value == "Pourquoi nous contacte-t-on ?"
    assert at.selectbox(key="w_reason_one").value == "late_delivery"
    assert set(frame_with(at, "Texte")["Texte"]) == {"My parcel has still not arrived, where is it?"}
    assert "Livraison en retard" in set(frame_with(at, "Action recommandée")["Motif"])


def test_departments_ranking_uses_own_volume(open_app, warehouse: Path) -> None:
    at = open_app("departments")
    # Volumes of the fixture: BILL 2,000 / LOGI 800 / WEB 5,000 a day, over the 28 selected days; unwanted
    # contacts over the same days, counted as on the Why page (one period everywhere).
    days = (END - START).days + 1
    volume = {"Billing": 2_000 * days, "Logistics": 800 * days, "Digital": 5_000 * days}
    unwanted = dict(
        query(
            warehouse,
            f"""select d.department_name, count(*) from marts.fct_contacts c
           join marts.dim_departments d using (department_id)
           where contact_date between ? and ? and {INBOUND} and not is_suspect and is_unwanted group by 1""",
            [START, END],
        )
    )
    expected = {name: unwanted[name] * 1000 / volume[name] for name in volume}
    ranking = frame_with(at, "Unwanted per 1,000")
    ranked = ranking.dropna(subset=["Unwanted per 1,000"])
    assert ranked["Department"].tolist() == sorted(expected, key=expected.get, reverse=True)
    assert ranked.set_index("Department")["Unwanted per 1,000"].round(6).to_dict() == {
        k: round(v, 6) for k, v in expected.items()
    }
    assert ranked.set_index("Department")["Unwanted contacts"].to_dict() == {k: unwanted[k] for k in volume}
    assert "Sales" in ranking.loc[ranking["Unwanted per 1,000"].isna(), "Department"].tolist()


def test_department_scorecard_against_target(open_app, warehouse: Path) -> None:
    at = open_app("departments", department="LOGI")
    # November is in progress (data to the 20th): 1–20 November against 1–20 October, the monthly target of 8
    # pro-rated to 20 of 30 days.
    mtd, before = (dt.date(2026, 11, 1), dt.date(2026, 11, 20)), (dt.date(2026, 10, 1), dt.date(2026, 10, 20))
    recontacted = one(
        warehouse,
        "select count(*) from marts.alerts a join marts.survey_responses r using (response_id) "
        "where a.department_id = 'LOGI' and status = 'recontacted' and not r.is_suspect "
        "and created_at::date between ? and ?",
        list(mtd),
    )
    target = 8 * 20 / 30
    assert metric(at, "Alerts recontacted in time").value == f"{recontacted} / {target:.0f}"
    assert metric(at, "Alerts recontacted in time").delta == f"{recontacted - target:+.0f} vs pro-rated target"
    csat = one(
        warehouse,
        "select avg(case when is_satisfied then 1.0 else 0.0 end) from marts.survey_responses s "
        "join marts.fct_contacts f using (contact_id) where f.department_id = 'LOGI' and not s.is_suspect "
        "and s.csat is not null and s.responded_at::date between ? and ?",
        list(mtd),
    )
    assert metric(at, "CSAT").value == f"{csat * 100:.1f}%"
    contacts = [
        one(
            warehouse,
            f"select count(*) from marts.fct_contacts where department_id = 'LOGI' and {INBOUND} "
            "and not is_suspect and contact_date between ? and ?",
            list(days),
        )
        for days in (mtd, before)
    ]
    assert metric(at, "Contacts").value == en(contacts[0])
    assert metric(at, "Contacts").delta == f"{(contacts[0] - contacts[1]) / contacts[1] * 100:+.1f}%"
    assert any("Month to date: 2026-11-01 → 2026-11-20 (20 of 30 days)" in c.value for c in at.caption)
    owned = frame_with(at, "Share of all unwanted")
    assert owned["Reason"].tolist() == ["Late delivery", "Damaged parcel"]


def test_department_scorecard_of_a_whole_month(open_app, warehouse: Path) -> None:
    at = open_app("departments", department="LOGI", **{"from": "2026-10-01", "to": "2026-10-31"})
    october = query(
        warehouse,
        "select contacts, alerts_recontacted, target_alerts_recontacted from marts.department_scorecard "
        "where department_id = 'LOGI' and month in (date '2026-10-01', date '2026-09-01') order by month desc",
    )
    assert metric(at, "Contacts").value == en(october[0][0])
    assert metric(at, "Alerts recontacted in time").value == f"{october[0][1]} / {october[0][2]:.0f}"
    assert any("2026-10, compared with the month before" in c.value for c in at.caption)
    # September's data starts on the 12th: a whole October is not compared with 19 days of September.
    assert not metric(at, "Contacts").delta


def test_department_unwanted_share_is_over_classified_contacts(open_app, warehouse: Path, tmp_path: Path) -> None:
    """The scorecard's unwanted share is the Overview's: over classified contacts. Unclassified contacts can be
    attributed to a department (linked to its incident); the contract's unwanted_share counts them as wanted."""
    copy = tmp_path / "w.duckdb"
    shutil.copy(warehouse, copy)
    with duckdb.connect(str(copy)) as con:
        # 40 of LOGI's November contacts and its October share made unclassified / different on purpose
        con.execute(
            "update marts.fct_contacts set reason_code = null where contact_id in (select contact_id "
            "from marts.fct_contacts where department_id = 'LOGI' and direction = 'inbound' and not is_suspect "
            "and contact_date between date '2026-11-01' and date '2026-11-20' order by contact_id limit 40)"
        )
        con.execute(
            "update marts.department_scorecard set unwanted_share = 0.75, unwanted_share_classified = 0.25 "
            "where department_id = 'LOGI' and month = date '2026-10-01'"
        )
    at = open_app("departments", path=copy, department="LOGI", **{"from": "2026-10-01", "to": "2026-10-31"})
    assert metric(at, "Unwanted share").value == "25.0%"
    assert "classified" in metric(at, "Unwanted share").help
    at = open_app("departments", path=copy, department="LOGI")
    classified, unwanted = query(
        copy,
        "select count(*), count(*) filter (where is_unwanted) from marts.fct_contacts where department_id = 'LOGI' "
        "and direction = 'inbound' and not is_suspect and reason_code is not null "
        "and contact_date between date '2026-11-01' and date '2026-11-20'",
    )[0]
    assert metric(at, "Unwanted share").value == f"{unwanted / classified * 100:.1f}%"


def test_incidents_excess_and_unregistered_spike(open_app, warehouse: Path) -> None:
    at = open_app("incidents", **{"from": "2026-09-12", "to": "2026-11-20"})
    excess, cost = query(
        warehouse, "select sum(excess_contacts), sum(excess_cost) from marts.incident_impact"
    )[0]
    assert metric(at, "Incidents").value == "2"
    assert metric(at, "Excess contacts").value == en(excess)
    assert metric(at, "Excess cost").value == f"€{en(cost)}"
    spikes = frame_with(at, "Score")
    assert spikes["Reason"].tolist() == ["Password reset"]
    assert str(spikes["Date"].iloc[0])[:10] == "2026-11-12"
    told, not_told = query(
        warehouse,
        "select avg(excess_contacts) filter (where proactive), avg(excess_contacts) filter (where not proactive) "
        "from marts.incident_impact",
    )[0]
    assert any(f"**{en(told)}**" in m.value and f"**{en(not_told)}**" in m.value for m in at.markdown)


def test_incidents_outside_the_period_are_not_shown(open_app, warehouse: Path) -> None:
    at = open_app("incidents", **{"from": "2026-09-12", "to": "2026-09-30"})
    assert any("No incident in this period" in i.value for i in at.info)
    # ... and the page is not empty: the most recent incident (INC-2, 4-5 November) is shown instead, with its
    # timeline from 14 days before to 14 days after it, its reason first and at most 5 lines.
    assert any("most recent incident is shown instead" in i.value and "2026-10-21 to 2026-11-19" in i.value
               for i in at.info)  # fmt: skip
    assert metric(at, "Incidents").value == "1"
    assert frame_with(at, "Excess contacts")["Incident"].tolist() == ["INC-2 · Card processor outage"]
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if "Daily contacts per reason" in json.loads(c.proto.spec)["layout"]["title"]["text"])  # fmt: skip
    lines = [tr["name"] for tr in spec["data"] if tr.get("mode") == "lines"]
    spike_reasons = {r for (r,) in query(
        warehouse, "select reason_code from marts.incident_candidates "
        "where contact_date between date '2026-10-21' and date '2026-11-19'")}  # fmt: skip
    assert "Payment failed" in lines and 1 < len(lines) <= 5, lines
    assert len(lines) == min(5, len(spike_reasons | {"payment_failed"}))
    # the legend sits beside the plot, never over the title
    assert spec["layout"]["legend"]["orientation"] == "v" and spec["layout"]["legend"]["x"] > 1


def test_actions_verdicts_and_contacts_avoided(open_app, warehouse: Path) -> None:
    at = open_app("actions")
    avoided = one(
        warehouse, "select sum(contacts_avoided) from marts.action_effect where verdict = 'reduced'"
    )
    assert metric(at, "Contacts avoided").value == en(avoided)
    assert metric(at, "Actions that worked").value == "1 / 3"
    table = frame_with(at, "Verdict").set_index("Action")
    assert table["Verdict"].to_dict() == {"A-1": "reduced", "A-2": "no evidence", "A-3": "increased"}


def test_closed_loop_matches_the_alerts(open_app, warehouse: Path) -> None:
    at = open_app("closed_loop")
    open_count = one(
        warehouse,
        "select count(*) from marts.alerts a join marts.survey_responses r using (response_id) "
        "where status = 'open' and not r.is_suspect",
    )
    alerts, in_time, median = query(
        warehouse,
        """select count(*), count(*) filter (where status = 'recontacted'),
                  median(hours_to_recontact) filter (where recontacted_at is not null)
           from marts.alerts a join marts.survey_responses r using (response_id)
           where created_at::date between ? and ? and not r.is_suspect""",
        [START, END],
    )[0]
    assert metric(at, "Open alerts").value == en(open_count)
    assert metric(at, "Recontacted within 48 h").value == f"{in_time / alerts * 100:.1f}%"
    assert metric(at, "Recontacted within 48 h").delta == f"{in_time} / {alerts}"
    assert metric(at, "Median time to recontact").value == f"{median:.1f} h"
    # every open alert is listed: those to act on, and the expired ones apart (issue 19)
    assert sum(len(d.value) for d in at.dataframe if "Age (h)" in d.value.columns) == open_count


def test_closed_loop_in_french(open_app) -> None:
    at = open_app("closed_loop", lang="fr")
    assert at.title[0].value == "Boucle de rappel"
    assert metric(at, "Délai médian de rappel").value.endswith(" h")
    assert "," in metric(at, "Rappelés sous 48 h").value


def test_explorer_filters_table_and_download(open_app, warehouse: Path) -> None:
    at = open_app("explorer", channel="phone", reason="late_delivery", repeat="no")
    expected = one(
        warehouse,
        f"""select count(*) from marts.fct_contacts where contact_date between ? and ? and {INBOUND}
            and channel = 'phone' and reason_code = 'late_delivery' and not is_repeat and not is_suspect""",
        [START, END],
    )
    assert metric(at, "Matching contacts").value == en(expected)
    table = frame_with(at, "Contact")
    assert len(table) == expected and set(table["Channel"]) == {"Phone"}  # the channel in the page language
    assert len(at.get("download_button")) == 1
    # Changing a filter keeps it in the URL.
    at.multiselect(key="w_channel").select("email").run()
    assert at.query_params["channel"] == ["phone", "email"]
    assert at.query_params["repeat"] == "no"


def test_explorer_caps_its_rows(open_app, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import data

    monkeypatch.setattr(data, "EXPLORER_MAX_ROWS", 25)
    at = open_app("explorer")
    assert len(frame_with(at, "Contact")) == 25
    assert any("Showing the first 25" in w.value for w in at.warning)


def test_explorer_download_holds_every_matching_row(open_app, warehouse: Path, monkeypatch) -> None:
    """The page shows at most EXPLORER_MAX_ROWS; the CSV it offers is every matching contact, read in batches."""
    import csv
    import io

    from app import data

    monkeypatch.setattr(data, "EXPLORER_MAX_ROWS", 25)
    at = open_app("explorer", reason="late_delivery")
    expected = one(
        warehouse,
        f"""select count(*) from marts.fct_contacts where contact_date between ? and ? and {INBOUND}
            and reason_code = 'late_delivery' and not is_suspect""",
        [START, END],
    )
    assert expected > 25
    assert any(f"every matching contact ({en(expected)})" in c.value for c in at.caption)
    flt = data.ContactFilter(start=START, end=END, reasons=("late_delivery",))
    rows = list(csv.reader(io.TextIOWrapper(data.explore_csv(flt, "any", "any", "no", batch_rows=7), "utf-8")))
    assert "contact_id" in rows[0]
    assert len(rows) - 1 == expected
    assert len({r[rows[0].index("contact_id")] for r in rows[1:]}) == expected  # no row twice across batches


def test_data_health(open_app, warehouse: Path) -> None:
    at = open_app("data_health")
    assert metric(at, "Rows rejected").value == en(
        one(warehouse, "select sum(rows_rejected) from marts.load_audit")
    )
    assert metric(at, "Rows read").value == en(one(warehouse, "select sum(rows_read) from marts.load_audit"))
    assert metric(at, "Checks failed").value == "1"
    assert any("contract is present" in s.value for s in at.success)
    assert len(frame_with(at, "Failing rows")) == 4
    # The latest run is the one checked last, whatever its id.
    assert any("Latest run `b07d-latest`: 2 passed, 1 failed" in c.value for c in at.caption)
    # share of inbound contacts of the period per classification method, computed here with plain SQL
    (method, share), = query(warehouse, "select reason_method, count(*) * 1.0 / sum(count(*)) over () from "
                                        "marts.fct_contacts where coalesce(direction, 'inbound') = 'inbound' "
                                        "and contact_date between ? and ? group by 1 order by 2 desc limit 1",
                             [START, END])
    method_names = {"field": "Explicit field", "map": "Reason map", "keywords": "Keywords", "none": "Not classified"}
    assert metric(at, method_names[method]).value == f"{share * 100:.1f}%"


def test_shorter_column_names_are_accepted(open_app, tmp_path: Path) -> None:
    """name / text / run instead of the dbt project's department_name / text_excerpt / run_id + checked_at,
    and CSAT from the 1–5 scale when there is no is_satisfied."""
    path = build_warehouse(tmp_path / "short.duckdb", short_names=True)
    at = open_app("why", path=path, reason="late_delivery")
    assert set(frame_with(at, "Text")["Text"]) == {"My parcel has still not arrived, where is it?"}
    assert "Logistics" in set(frame_with(at, "Recommended move")["Department"])
    at.switch_page("app_pages/overview.py").run()
    csat = one(
        path,
        "select avg(case when csat >= 4 then 1.0 else 0.0 end) from marts.survey_responses "
        "where responded_at::date between ? and ? and not is_suspect and csat is not null",
        [START, END],
    )
    assert metric(at, "CSAT").value == f"{csat * 100:.1f}%"
    at.switch_page("app_pages/data_health.py").run()
    assert any("Latest run `2026-11-20 05:03:00`" in c.value for c in at.caption)


def test_language_switch_in_the_sidebar(open_app) -> None:
    at = open_app("departments")
    at.segmented_control(key="w_lang").set_value("fr").run()
    assert at.title[0].value == "Départements"
    assert at.query_params["lang"] == "fr"
    at.switch_page("app_pages/actions.py").run()
    assert at.title[0].value == "Actions" and metric(at, "Contacts évités")


def test_minimal_warehouse_falls_back_to_codes(open_app, minimal_warehouse: Path) -> None:
    at = open_app("why", path=minimal_warehouse)
    assert "invoice_unclear" in set(frame_with(at, "Recommended move")["Reason"])
    assert any("publishes no contact text" in i.value for i in at.info)
    for page in ("departments", "incidents", "actions", "closed_loop", "explorer"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    at.switch_page("app_pages/data_health.py").run()
    assert any("quality_results" in i.value for i in at.info)


def test_missing_warehouse_is_explained(open_app, tmp_path: Path) -> None:
    at = open_app("why", path=tmp_path / "nowhere.duckdb")
    assert at.title[0].value == "No warehouse published yet"
    assert any("whycall run" in i.value for i in at.info)


def test_a_file_that_is_not_a_warehouse_is_explained(open_app, tmp_path: Path) -> None:
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    at = open_app(path=other)
    assert at.title[-1].value == "The warehouse could not be read"
    assert any("whycall run --full-refresh" in w.value for w in at.warning)


def test_a_new_publish_shows_at_once(open_app, tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "whycall.duckdb", seed=1)
    at = open_app(path=path)
    first = metric(at, "Contacts").value
    build_warehouse(path, seed=2)  # a new file at the same path, as a publish does
    at.run()
    expected = en(contact_totals(path, START, END)[0])
    assert metric(at, "Contacts").value == expected != first


def test_action_detail_description_french_date_unit_and_partial_weeks(open_app) -> None:
    """A-1 (5 October 2026, 8 weeks either side: 10 August → 30 November) on data of 12 September → 20 November
    (the fixture names no volume measure, so the generic unit):
    the week of 7 September has 2 days in the data, the week of 16 November 5; both are hatched, no other."""
    at = open_app("actions", lang="fr")
    assert any(m.value == "**Clearer invoice layout**" for m in at.markdown)
    assert any(c.value.startswith("Mise en œuvre le 05/10/2026") and "taux : Contacts par unité de volume" in c.value
               for c in at.caption), [c.value for c in at.caption]  # fmt: skip
    spec = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if json.loads(c.proto.spec)["layout"]["title"]["text"].startswith("Contacts hebdomadaires"))  # fmt: skip
    hatched = {
        week[:10]
        for trace in spec["data"] if trace.get("x") and trace["x"][0] is not None
        for week, shape in zip(trace["x"], trace["marker"]["pattern"]["shape"], strict=True) if shape
    }  # fmt: skip
    assert hatched == {"2026-09-07", "2026-11-16"}
    assert any(tr["name"] == "Semaine partielle (hachurée)" for tr in spec["data"])
    assert "05/10/2026" in spec["layout"]["annotations"][0]["text"]


def test_drill_down_department_to_reasons_to_contacts_by_url(open_app, warehouse: Path) -> None:
    """Two clicks from a department's number to its contacts: the ranking links to the explorer filtered on the
    department, the department's reasons link to it filtered on the department and the reason, over the selected
    days; the link is a plain URL (shareable) and the explorer it opens counts what the warehouse says."""
    period = {"from": "2026-10-01", "to": "2026-10-31"}
    at = open_app("departments", lang="fr", department="LOGI", **period)
    ranking = frame_with(at, "Évitables pour 1 000")
    link = ranking.set_index("Département").at["Logistics", "Contacts concernés"]
    assert link == "explorer?from=2026-10-01&to=2026-10-31&lang=fr&department=LOGI"
    reasons = frame_with(at, "Part de tous les évitables").set_index("Motif")["Contacts concernés"]
    link = reasons["Livraison en retard"]
    query_string = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)
    assert query_string == {"from": ["2026-10-01"], "to": ["2026-10-31"], "lang": ["fr"],
                            "department": ["LOGI"], "reason": ["late_delivery"]}  # fmt: skip
    at = open_app(urllib.parse.urlsplit(link).path, **{k: v[0] for k, v in query_string.items()})
    expected = one(
        warehouse,
        f"""select count(*) from marts.fct_contacts where contact_date between '2026-10-01' and '2026-10-31'
            and {INBOUND} and department_id = 'LOGI' and reason_code = 'late_delivery' and not is_suspect""",
    )
    assert metric(at, "Contacts trouvés").value == fr(expected)
    assert set(frame_with(at, "Motif")["Motif"]) == {"Livraison en retard"}
