"""The contact queries give the same answers from marts.contacts_daily as from marts.fct_contacts.

The full fixture warehouse publishes the summary; a copy without it makes the same functions fall back to
fct_contacts. Every switched function is called on both, over filters that touch each CONTACT_WHERE clause
(suspects, channel, reason and department lists with their "none" buckets, a narrow period, no match).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from warehouse_fixture import CONTACTS_DAILY_SQL, FIRST_DAY, LAST_DAY

from app import data

FULL = data.ContactFilter(start=FIRST_DAY, end=LAST_DAY)
FILTERS = {
    "default": FULL,
    "suspects": FULL.with_(include_suspects=True),
    "channel": FULL.with_(channels=("chat",)),
    "channels_and_suspects": FULL.with_(channels=("email", "phone"), include_suspects=True),
    "reason": FULL.with_(reasons=("password_reset",)),
    "no_reason": FULL.with_(reasons=(data.NO_REASON, "late_delivery")),
    "department": FULL.with_(departments=("LOGI",)),
    "no_department": FULL.with_(departments=(data.NO_DEPARTMENT, "WEB"), include_suspects=True),
    "no_department_only": FULL.with_(departments=(data.NO_DEPARTMENT,)),  # no unwanted contact there
    "narrow": FULL.with_(start=dt.date(2026, 11, 4), end=dt.date(2026, 11, 5)),
    "burst_day": FULL.with_(start=dt.date(2026, 11, 18), end=dt.date(2026, 11, 18), include_suspects=True),
    "nothing": FULL.with_(channels=("fax",)),
}

MAY_BE_EMPTY = ("nothing", "no_department_only")

QUERIES: dict[str, Callable[[data.ContactFilter], Any]] = {
    "contact_kpis": data.contact_kpis,
    "contact_kpis_weekly": data.contact_kpis_weekly,
    "unwanted_change_by_reason": data.unwanted_change_by_reason,
    "reason_breakdown": data.reason_breakdown,
    "unwanted_by_department_reason": data.unwanted_by_department_reason,
    "daily_contacts_by_reason": data.daily_contacts_by_reason,
    "weekly_contacts_of_reason": lambda flt: data.weekly_contacts_of_reason(
        (flt.reasons or ("invoice_unclear",))[0], flt.start, flt.end
    ),
}


def _without_summary(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    with duckdb.connect(str(target)) as con:
        con.execute("drop table marts.contacts_daily")
    return target


@pytest.fixture(scope="module")
def fallback_warehouse(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full fixture warehouse less marts.contacts_daily."""
    return _without_summary(warehouse, tmp_path_factory.mktemp("no_summary") / "whycall.duckdb")


def on(monkeypatch: pytest.MonkeyPatch, path: Path, run: Callable[..., Any], *args: Any) -> Any:
    monkeypatch.setenv(data.WAREHOUSE_ENV, str(path))
    return run(*args)


def assert_same(summary: Any, fallback: Any) -> None:
    if isinstance(fallback, pd.DataFrame):
        pd.testing.assert_frame_equal(summary, fallback, check_exact=False, rtol=1e-9, atol=1e-9)
    else:
        assert summary.keys() == fallback.keys()
        assert summary == pytest.approx(fallback, rel=1e-9, abs=1e-9)


def test_the_summary_is_read_when_published(
    monkeypatch, warehouse: Path, fallback_warehouse: Path, minimal_warehouse
):
    assert on(monkeypatch, warehouse, data.contact_source) == data.ContactSource("marts.contacts_daily", True)
    for path in (fallback_warehouse, minimal_warehouse):
        assert on(monkeypatch, path, data.contact_source) == data.ContactSource("marts.fct_contacts", False)


@pytest.mark.parametrize("name", QUERIES)
def test_summary_and_fact_table_agree(
    monkeypatch, warehouse: Path, fallback_warehouse: Path, name: str
) -> None:
    run = QUERIES[name]
    for label, flt in FILTERS.items():
        summary = on(monkeypatch, warehouse, run, flt)
        fallback = on(monkeypatch, fallback_warehouse, run, flt)
        if label not in MAY_BE_EMPTY:  # a filter that matches nothing would prove little
            assert (fallback["contacts"] if isinstance(fallback, dict) else len(fallback)) > 0, (name, label)
        try:
            assert_same(summary, fallback)
        except AssertionError as exc:
            raise AssertionError(f"{name} differs with filter {label}: {exc}") from exc


def test_bounds_and_filter_options_agree(monkeypatch, warehouse: Path, fallback_warehouse: Path) -> None:
    for run in (data.date_bounds, data.filter_options):
        assert on(monkeypatch, warehouse, run) == on(monkeypatch, fallback_warehouse, run)
    options = on(monkeypatch, warehouse, data.filter_options)
    assert data.NO_REASON in options["reason"] and data.NO_DEPARTMENT in options["department"]
    assert options["incident"] == ["INC-1", "INC-2"]


def test_reason_breakdown_fallback_gives_what_the_single_pass_query_gave(
    monkeypatch, fallback_warehouse: Path
) -> None:
    # The fallback now counts per department first (to pick the reason's department as the summary does);
    # on the fixture, where every reason has one clear department, it must equal the former one-pass query.
    before = f"""
        select coalesce(c.reason_code, '{data.NO_REASON}') as reason_code,
               count(*) as contacts,
               count(*) filter (where c.is_unwanted) as unwanted,
               count(*) filter (where not coalesce(c.is_unwanted, false)) as value,
               coalesce(sum(c.cost), 0) as cost,
               coalesce(sum(c.cost) filter (where c.is_unwanted), 0) as unwanted_cost,
               avg(c.handle_seconds) / 60 as avg_handle_min,
               avg(case when c.is_repeat then 1.0 else 0.0 end) as repeat_rate,
               avg(c.transfers) as avg_transfers,
               mode(c.department_id) as department_id
        from marts.fct_contacts c where {data.CONTACT_WHERE}
        group by all order by contacts desc, reason_code
    """
    for flt in FILTERS.values():
        with duckdb.connect(str(fallback_warehouse), read_only=True) as con:
            expected = con.execute(before, flt.params()).df()
        assert_same(on(monkeypatch, fallback_warehouse, data.reason_breakdown, flt), expected)


def test_reason_department_is_the_most_frequent_first_id_on_a_tie(monkeypatch, tmp_path: Path) -> None:
    # reason r1: 2 contacts in B, 2 in A, 3 without department (not a department); r2: 1 in B, 2 in C.
    rows = [("B", "r1")] * 2 + [("A", "r1")] * 2 + [(None, "r1")] * 3 + [("B", "r2")] + [("C", "r2")] * 2
    path = tmp_path / "ties.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.register("rows_df", pd.DataFrame(rows, columns=["department_id", "reason_code"]))
        con.execute(
            """
            create table marts.fct_contacts as
            select 'c' || row_number() over () as contact_id, 'phone' as channel, 'inbound' as direction,
                   date '2026-11-02' as contact_date, department_id::varchar as department_id,
                   reason_code::varchar as reason_code, false as is_suspect, true as is_unwanted,
                   false as is_repeat, 1.5 as cost, 60.0 as handle_seconds, 0 as transfers
            from rows_df
            """
        )
        con.execute(CONTACTS_DAILY_SQL)
    fallback = _without_summary(path, tmp_path / "ties_fallback.duckdb")
    flt = data.ContactFilter(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30))
    for where in (path, fallback):
        frame = on(monkeypatch, where, data.reason_breakdown, flt)
        assert dict(zip(frame["reason_code"], frame["department_id"])) == {"r1": "A", "r2": "C"}, where
