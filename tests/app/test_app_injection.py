"""Hostile URL parameters and filter values: no exception, no data, and the warehouse untouched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

HOSTILE = [
    "'; drop table marts.fct_contacts; --",
    "../../etc/passwd",
    "x" * 100_000,
    "phone' OR '1'='1",
    "<script>alert(1)</script>",
]
HOSTILE_PARAMS = {
    "channel": HOSTILE,
    "reason": HOSTILE,
    "department": HOSTILE,
    "incident": HOSTILE[0],
    "repeat": HOSTILE[1],
    "suspect": HOSTILE[0],
    "lang": "../../etc/passwd",
    "suspects": "1; drop table x",
    "from": "'; select 1; --",
    "to": "2026-13-45",
}


def contact_count(warehouse: Path) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select count(*) from marts.fct_contacts").fetchone()[0]


@pytest.mark.parametrize("page", ["explorer", "why"])
def test_hostile_filters_yield_no_data(open_app, warehouse: Path, page: str) -> None:
    before = contact_count(warehouse)
    at = open_app(page, **HOSTILE_PARAMS)  # open_app asserts there is no exception
    assert any("No data for these filters" in i.value for i in at.info)
    assert at.title[0].value in (
        "Contact explorer",
        "Why do customers contact us?",
    )  # hostile lang -> English
    assert contact_count(warehouse) == before


def test_hostile_parameters_on_every_other_page(open_app) -> None:
    at = open_app(None, **HOSTILE_PARAMS)
    for page in ("overview", "departments", "incidents", "actions", "closed_loop", "data_health"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
    # Invalid dates fall back to the default period; values are trimmed before they reach SQL.
    assert at.toggle(key="w_suspects").value is False
    assert all(len(v) <= 100 for v in at.query_params.get("channel", []))


def test_data_layer_binds_hostile_values(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    monkeypatch.setenv("WHYCALL_WAREHOUSE", str(warehouse))
    from app import data

    flt = data.ContactFilter(start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 31), include_suspects=True)
    assert data.contact_kpis(flt)["contacts"] > 0
    for value in HOSTILE:
        hostile = flt.with_(channels=(value,), reasons=(value,), departments=(value,))
        assert data.contact_kpis(hostile)["contacts"] == 0
        assert data.explore_count(flt, value, value, value) == 0
        assert data.department_scorecard(value).empty
        assert data.reason_breakdown(flt.with_(channels=(value,))).empty
