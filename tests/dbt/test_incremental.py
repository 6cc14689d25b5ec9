"""An incremental build gives the marts a full refresh gives (issue 8).

A generated landing zone arrives in three deliveries into one state database, with a dbt build after each;
the third delivery also carries late changes that reach back weeks: a new version of an old ticket (other
reason, so other repeat chains), the deletion of an old ticket, and a call that arrives after its voice
ticket was built as a contact of its own (the two must become one contact). A second database loads
everything at once and builds with --full-refresh. Every published mart must be identical, row for row.
Then a backfill of a date range (vars rebuild_from / rebuild_to) must change nothing either.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_dbt_build import DBT_DIR, dbt

from generator.landing import generate_landing
from orchestration.lib.config import load_config
from orchestration.lib.loader import connect_state, load_files
from orchestration.lib.parsers import discover_files, parse_file
from orchestration.lib.raw_schema import REFERENCE_FIELDS

pytestmark = pytest.mark.timeout(600)

END = date(2026, 6, 28)
VOLATILE = {"load_audit", "rejects", "quality_results"}  # run ids and load times differ by design


def _late_changes(landing: Path, out: Path) -> tuple[Path, Path, Path]:
    """Pull one call out of its page (delivered late), and write a late ticket page changing two old tickets."""
    config = load_config(landing)
    field_id = int(config.sources["tickets"].reason_field_id)
    tickets = {p: json.loads(p.read_text()) for p in sorted((landing / "tickets").glob("*.json"))}
    voice = {t["id"] for page in tickets.values() for t in page["tickets"] if t["via"]["channel"] == "voice"}
    call_pages = sorted((landing / "calls").glob("*.json"))
    held_call = None
    for page_path in call_pages[:5]:  # an early call that was merged with its voice ticket
        page = json.loads(page_path.read_text())
        for index, call in enumerate(page["calls"]):
            if call.get("ticket_id") in voice:
                held_call = page["calls"].pop(index)
                page_path.write_text(json.dumps(page))
                break
        if held_call:
            break
    assert held_call, "the generator made no voice ticket with a call"
    late_calls = out / "late_calls.json"
    late_calls.write_text(json.dumps({"calls": [held_call], "next_page": None, "count": 1}))

    first_page = next(iter(tickets.values()))
    with_reason = [t for t in first_page["tickets"]
                   if any(f["id"] == field_id and f["value"] for f in t.get("custom_fields", []))]
    changed, deleted = with_reason[0], with_reason[1]
    reasons = sorted({f["value"] for page in tickets.values() for t in page["tickets"]
                      for f in t.get("custom_fields", []) if f["id"] == field_id and f["value"]})
    old_reason = next(f["value"] for f in changed["custom_fields"] if f["id"] == field_id)
    new_reason = next(r for r in reasons if r != old_reason)
    changed = json.loads(json.dumps(changed))
    changed["updated_at"] = f"{END.isoformat()}T12:00:00Z"
    changed["custom_fields"] = [{**f, "value": new_reason} if f["id"] == field_id else f
                                for f in changed["custom_fields"]]
    deleted = {**deleted, "status": "deleted", "updated_at": f"{END.isoformat()}T12:05:00Z"}
    late_tickets = out / "late_tickets.json"
    late_tickets.write_text(json.dumps({"tickets": [changed, deleted], "end_of_stream": True}))
    return late_tickets, late_calls, held_call


def _load(database: Path, landing: Path, files: dict[str, list[Path]], run_id: str) -> None:
    config = load_config(landing)
    con = connect_state(database)
    try:
        for source, paths in files.items():
            if source.startswith("reference:"):
                table, replace = source.split(":")[1], True
            else:
                table, replace = source, False
            list(load_files(con, run_id=run_id, source=source.split(":")[0], table=table, landing=landing,
                            files=paths, chunks=lambda p, s=source: parse_file(p, s, config),
                            replace_previous=replace))
    finally:
        con.close()


def _build(database: Path, work: Path, vars_: dict, *flags: str) -> None:
    env = {**os.environ, "WHYCALL_BUILD_DB": str(database), "WHYCALL_SALT": "test-salt"}
    result = dbt("run", "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
                 "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
                 "--vars", json.dumps(vars_), *flags, env=env)
    assert result.returncode == 0, result.stdout[-4000:]


def _marts(database: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(database), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1").fetchall()]
        # _built_in names the dbt build that wrote a row: it differs between an incremental and a full build by design
        return {t: sorted(con.execute(f"select * exclude (_built_in) from marts.{t}" if t == "fct_contacts"
                                      else f"select * from marts.{t}").fetchall(), key=repr)
                for t in tables if t not in VOLATILE}
    finally:
        con.close()


def _diff(got: dict, want: dict) -> list[str]:
    problems = [f"tables differ: {sorted(set(got) ^ set(want))}"] if set(got) != set(want) else []
    for table in sorted(set(got) & set(want)):
        if got[table] != want[table]:
            extra = set(got[table]) - set(want[table])
            missing = set(want[table]) - set(got[table])
            problems.append(f"{table}: {len(extra)} rows only incremental, {len(missing)} only full refresh; "
                            f"e.g. {sorted(extra, key=repr)[:1]} vs {sorted(missing, key=repr)[:1]}")
    return problems


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    work = tmp_path_factory.mktemp("incremental")
    landing = work / "landing"
    generate_landing(landing, days=35, contacts_per_day=80, seed=11, end=END)
    late_tickets, late_calls, held_call = _late_changes(landing, work)
    shutil.copy(late_tickets, landing / "tickets" / "zz_late_tickets.json")
    shutil.copy(late_calls, landing / "calls" / "zz_late_calls.json")
    config = load_config(landing)
    vars_ = config.dbt_vars()

    def files(source: str, before: str | None = None, late: bool = False) -> list[Path]:
        found = discover_files(landing, source, config)
        if source in {"tickets", "calls"}:
            found = [p for p in found if (p.name.startswith("zz_") == late)
                     and (before is None or p.name[:10] < before)]
        return found

    reference = {f"reference:{name}": [landing / "reference" / f"{name}.csv"] for name in REFERENCE_FIELDS
                 if (landing / "reference" / f"{name}.csv").exists()}
    incremental = work / "incremental.duckdb"
    deliveries = [
        {**reference, "surveys": files("surveys"), "tickets": files("tickets", "2026-06-15"),
         "calls": files("calls", "2026-06-15")},
        {"tickets": [p for p in files("tickets", "2026-06-23") if p.name[:10] >= "2026-06-15"],
         "calls": [p for p in files("calls", "2026-06-23") if p.name[:10] >= "2026-06-15"]},
        {"tickets": [p for p in files("tickets") if p.name[:10] >= "2026-06-23"] + files("tickets", late=True),
         "calls": [p for p in files("calls") if p.name[:10] >= "2026-06-23"] + files("calls", late=True)},
    ]
    for number, delivery in enumerate(deliveries):
        _load(incremental, landing, delivery, run_id=f"delivery-{number}")
        _build(incremental, work, vars_)

    full = work / "full.duckdb"
    everything = {**reference, "surveys": files("surveys"), "tickets": files("tickets") + files("tickets", late=True),
                  "calls": files("calls") + files("calls", late=True)}
    _load(full, landing, everything, run_id="all")
    _build(full, work, vars_, "--full-refresh")
    return {"work": work, "incremental": incremental, "full": full, "vars": vars_, "held_call": held_call}


def test_incremental_builds_equal_a_full_refresh(builds):
    assert _diff(_marts(builds["incremental"]), _marts(builds["full"])) == []


def test_late_changes_reached_the_marts(builds):
    con = duckdb.connect(str(builds["incremental"]), read_only=True)
    try:
        merged = con.execute("select merged_ticket_id from marts.fct_contacts where contact_id = ?",
                             [f"talk:{builds['held_call']['id']}"]).fetchone()
        ticket_alone = con.execute("select count(*) from marts.fct_contacts where contact_id = ?",
                                   [f"zendesk:{builds['held_call']['ticket_id']}"]).fetchone()[0]
        scope = con.execute("select count(*) from intermediate.int_contact_scope").fetchone()[0]
        total = con.execute("select count(*) from marts.fct_contacts").fetchone()[0]
    finally:
        con.close()
    assert merged == (f"zendesk:{builds['held_call']['ticket_id']}",)  # the late call took its voice ticket
    assert ticket_alone == 0
    assert 0 < scope < total / 2  # the last build recomputed a part, not everything


def test_backfill_of_a_date_range_changes_nothing(builds):
    work = builds["work"]
    copy = work / "backfill.duckdb"
    shutil.copy(builds["incremental"], copy)
    _build(copy, work, {**builds["vars"], "rebuild_from": "2026-06-01", "rebuild_to": "2026-06-10"})
    con = duckdb.connect(str(copy), read_only=True)
    try:
        scope = con.execute("select count(*) from intermediate.int_contact_scope").fetchone()[0]
    finally:
        con.close()
    assert scope > 0  # the range was re-derived
    assert _diff(_marts(copy), _marts(builds["full"])) == []
