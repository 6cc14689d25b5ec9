"""The page "How hard is it to get an answer?" (app_pages/effort.py): AppTest in English and French, a real browser.

The fixture warehouse gets a marts.ticket_lifecycle of four hand-written tickets and four hand-written calls, so
every figure below is worked out by hand:

- T1 invoice_unclear/BILL: first reply 30 business min, resolution 120, 1 reply, no reopen, 1 group, SLA 2 of 2
- T2 invoice_unclear/BILL: 90, 600, 3 replies, reopened, 2 groups, SLA 0 of 2 (both breached)
- T3 late_delivery/LOGI: 60, 240, 2 replies, no reopen, 2 groups, first reply SLA achieved, no resolution SLA
- T4 late_delivery/LOGI, suspect: 600, 6000 (left out by default)

Without suspects: median first reply 60 min = 1.0 business h, median resolution 240 = 4.0 h, reopened 1 of 3 =
33.3 %, handed off 2 of 3 = 66.7 %, SLA 3 of 5 targets = 60.0 %. Calls: 4 inbound, 1 abandoned = 25.0 %.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import plotly.io
import pytest
from test_browser import APP, ROOT, SCREENSHOTS, _free_port, _visit, _wait_healthy, browser  # noqa: F401

PERIOD = {"from": "2026-11-01", "to": "2026-11-20"}

TICKETS = [
    # ticket, date, reason, department, suspect, first reply, resolution, replies, reopens, groups, touch, SLAs
    ("T1", "2026-11-03", "invoice_unclear", "BILL", False, 30, 120, 1, 0, 1, "one", "achieved", "achieved"),
    ("T2", "2026-11-05", "invoice_unclear", "BILL", False, 90, 600, 3, 1, 2, "multi", "breached", "breached"),
    ("T3", "2026-11-10", "late_delivery", "LOGI", False, 60, 240, 2, 0, 2, "two", "achieved", None),
    ("T4", "2026-11-12", "late_delivery", "LOGI", True, 600, 6000, 5, 2, 3, "multi", "breached", "breached"),
]
CALLS = [  # contact, local start, abandoned
    ("talk:c1", "2026-11-03 09:10:00", False),
    ("talk:c2", "2026-11-03 09:40:00", True),
    ("talk:c3", "2026-11-04 14:05:00", False),
    ("talk:c4", "2026-11-04 14:30:00", False),
]


@pytest.fixture(scope="module")
def effort_warehouse(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("effort") / "whycall.duckdb"
    shutil.copy(warehouse, path)
    con = duckdb.connect(str(path))
    try:
        con.execute("""
            create table marts.ticket_lifecycle (
                ticket_id varchar, contact_date date, reason_code varchar, department_id varchar, is_suspect boolean,
                first_reply_business_minutes double, full_resolution_business_minutes double, replies integer,
                reopens integer, group_stations integer, touch varchar, first_reply_sla varchar,
                resolution_sla varchar)
        """)
        con.executemany("insert into marts.ticket_lifecycle values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", TICKETS)
        # the fixture's phone contacts replaced by the four calls above
        con.execute("alter table marts.fct_contacts add column is_abandoned boolean")
        con.execute("alter table marts.fct_contacts add column started_at_local timestamp")
        con.execute("delete from marts.fct_contacts where channel = 'phone'")
        for contact_id, local, abandoned in CALLS:
            con.execute(
                "insert into marts.fct_contacts (contact_id, source, channel, direction, started_at, contact_date, "
                "started_at_local, is_abandoned, is_suspect, reason_code) "
                "values (?, 'talk', 'phone', 'inbound', ?::timestamp, ?::date, ?::timestamp, ?, false, 'none')",
                [contact_id, local, local[:10], local, abandoned],
            )
    finally:
        con.close()
    return path


def tiles(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def charts(at) -> list:
    return [plotly.io.from_json(chart.proto.spec) for chart in at.get("plotly_chart")]


def test_figures_in_english(open_app, effort_warehouse):
    at = open_app("effort", path=effort_warehouse, **PERIOD)
    assert at.title[0].value == "How hard is it to get an answer?"
    assert tiles(at) == {
        "Median first reply (business h)": "1.0 h", "Median resolution (business h)": "4.0 h", "Reopened": "33.3%",
        "Handed to another group": "66.7%", "SLA achieved": "60.0%", "Calls abandoned": "25.0%",
    }
    assert [s.value for s in at.subheader] == [
        "Which reasons make customers wait longest?", "Which reasons bounce between groups?",
        "Speed and effort by department", "SLA achievement per week", "Calls abandoned by hour of day"]
    # per reason, slowest first: invoice_unclear median resolution (120 + 600) / 2 = 360 min = 6.0 h; late
    # delivery 240 min = 4.0 h (its suspect ticket left out)
    table = at.dataframe[0].value
    assert list(table["Reason"]) == ["Unclear invoice", "Late delivery"]
    assert list(table["Resolution (median, business h)"]) == [6.0, 4.0]
    assert list(table["Handed off"]) == [0.5, 1.0]


def test_every_figure_explains_its_definition_on_hover(open_app, effort_warehouse):
    at = open_app("effort", path=effort_warehouse, **PERIOD)
    helps = {m.label: m.help for m in at.metric}
    assert "first public comment by an agent" in helps["Median first reply (business h)"]
    assert "hung up before an agent answered" in helps["Calls abandoned"]
    specs = charts(at)
    assert len(specs) == 5
    for fig in specs:
        for trace in fig.data:
            assert "<i>" in trace.hovertemplate, trace.name  # the definition, in italics
    hovers = " ".join(trace.hovertemplate for fig in specs for trace in fig.data).replace("<br>", " ")
    for words in ("last time the ticket", "two group stations", "fulfilled before their breach", "hung up"):
        assert words in hovers
    # abandoned calls per local hour (what the hover shows): 1 of 2 at 9h, 0 of 2 at 14h, no calls otherwise
    bars = next(trace for trace in specs[-1].data if trace.type == "bar")
    hours = [list(row) for row in bars.customdata]
    assert len(hours) == 24 and hours[9] == ["1", "2", "50.0%"] and hours[14] == ["0", "2", "0.0%"]
    assert all(hours[h] == ["0", "0", "–"] for h in range(24) if h not in (9, 14))


def test_figures_in_french(open_app, effort_warehouse):
    at = open_app("effort", path=effort_warehouse, lang="fr", **PERIOD)
    assert at.title[0].value == "Est-ce difficile d'obtenir une réponse ?"
    assert tiles(at) == {
        "1re réponse, médiane (h ouvrées)": "1,0 h", "Résolution, médiane (h ouvrées)": "4,0 h",
        "Réouverts": "33,3 %", "Transmis à un autre groupe": "66,7 %", "SLA respectés": "60,0 %",
        "Appels abandonnés": "25,0 %",
    }
    assert "premier commentaire public d'un agent" in {m.label: m.help for m in at.metric}[
        "1re réponse, médiane (h ouvrées)"]
    assert list(at.dataframe[0].value["Motif"]) == ["Facture peu claire", "Livraison en retard"]


def test_suspects_included_on_request(open_app, effort_warehouse):
    at = open_app("effort", path=effort_warehouse, suspects="1", **PERIOD)
    # with T4: first replies 30, 60, 90, 600 -> median 75 min = 1.25 h, shown 1.2 (round half to even) or 1.3
    assert tiles(at)["Median first reply (business h)"] in ("1.2 h", "1.3 h")
    assert tiles(at)["Reopened"] == "50.0%"  # T2 and T4 of 4


def test_a_warehouse_without_ticket_history_explains_why(open_app):
    at = open_app("effort", **PERIOD)
    assert "No ticket history is published" in at.info[0].value
    assert "No inbound calls" in at.info[1].value  # the fixture's fct_contacts has no call outcomes


@pytest.fixture(scope="module")
def effort_server(effort_warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit_effort") / "server.log"
    env = {**os.environ, "WHYCALL_WAREHOUSE": str(effort_warehouse), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


@pytest.mark.parametrize(("lang", "title"), [("en", "How hard is it to get an answer?"),
                                             ("fr", "Est-ce difficile d'obtenir une réponse ?")])
def test_the_page_renders_in_a_browser(effort_server: str, browser, lang: str, title: str) -> None:  # noqa: F811
    query = f"lang={lang}&from={PERIOD['from']}&to={PERIOD['to']}"
    _visit(browser, f"{effort_server}/effort?{query}", title, SCREENSHOTS / f"effort-{lang}.png")
