"""Generate a small landing zone, run the real pipeline through the `whycall` CLI, check the marts.

Expected figures come from the generated files (tests/pipeline/independent.py) and from what the
generator says it planted — never from the SQL under test.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SHARED
from tests.pipeline.conftest import query, whycall
from tests.pipeline.independent import expected_contacts, records_per_file

pytestmark = pytest.mark.slow


def test_run_succeeds_prints_a_summary_and_publishes(built):
    run = built["first"]
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ingest tickets" in run.stdout and "dbt build" in run.stdout
    assert f"warehouse published: {built['warehouse']}" in run.stdout
    assert built["warehouse"].exists()


def test_a_warning_does_not_block(built):
    """One ticket has a channel no check knows (planted by the fixture): warned about, still published."""
    run = built["first"]
    assert "warning: check channel_allowed" in run.stdout and "carrier_pigeon" in run.stdout
    assert query(built["warehouse"], "select count(*) from marts.quality_results where not passed "
                                     "and severity = 'warn' and \"check\" = 'tickets.channel_allowed'") == [(1,)]


def test_published_warehouse_meets_the_contract(built):
    check = subprocess.run([sys.executable, str(SHARED / "tools" / "contract_check.py"), str(built["warehouse"])],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout


def test_load_audit_counts_every_record_of_every_file(built):
    expected = records_per_file(built["landing"])
    rows = query(built["warehouse"], "select file, rows_read, rows_loaded, rows_rejected, status from marts.load_audit "
                                     "where source <> 'reference'")
    seen = {file: (read, loaded, rejected, status) for file, read, loaded, rejected, status in rows}
    assert set(seen) == set(expected)
    for file, (read, loaded, rejected, status) in seen.items():
        assert status == "loaded"
        assert read == loaded + rejected == expected[file], file


def test_contacts_merge_calls_with_their_voice_ticket(built):
    exp = expected_contacts(built["landing"])
    (n, outbound), = query(built["warehouse"], "select count(*), count(*) filter (where direction = 'outbound') "
                                                "from marts.fct_contacts")
    assert exp["merged"] > 0
    assert n == exp["contacts"]
    assert outbound == exp["outbound"]
    ids = query(built["warehouse"], "select count(*) from marts.fct_contacts where contact_id like 'zendesk:%' "
                                    "or contact_id like 'talk:%'")[0][0]
    assert ids == n


def test_daily_mart_adds_up_to_the_contacts(built):
    (suspect, clean), = query(built["warehouse"],
                              "select count(*) filter (where is_suspect), count(*) filter (where not is_suspect) "
                              "from marts.fct_contacts")
    (contacts, suspects), = query(built["warehouse"], "select sum(contacts), sum(suspect_contacts) "
                                                      "from marts.unwanted_contacts_daily")
    assert (contacts, suspects) == (clean, suspect)
    assert suspect > 0  # the generator planted a troll and copy-paste texts


def test_planted_top_driver_is_found(built):
    s = built["summary"]
    top = query(built["warehouse"], "select reason_code, department_id from marts.driver_ranking where rank = 1")
    assert top == [(s.top_driver_reason, s.top_driver_department)]


def _marts_fingerprint(warehouse: Path) -> dict[str, str]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute("select table_name from information_schema.tables "
                                            "where table_schema = 'marts' order by 1").fetchall()]
        out = {}
        for table in tables:
            if table in {"load_audit", "quality_results", "rejects"}:
                continue  # bookkeeping of each run, not facts
            # _built_in names the dbt build that wrote a row (publishing syncs by it): bookkeeping, not facts
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'marts' "
                "and table_name = ? and column_name <> '_built_in' order by ordinal_position", [table]).fetchall()]
            select = ", ".join(f'"{c}"' for c in columns)
            rows = con.execute(f'select {select} from marts."{table}" order by all').fetchall()
            out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
        return out
    finally:
        con.close()


def test_rerun_loads_nothing_twice_and_gives_identical_marts(built):
    before = _marts_fingerprint(built["warehouse"])
    again = whycall("run", "--landing", str(built["landing"]), "--warehouse", str(built["warehouse"]))
    assert again.returncode == 0, again.stdout + again.stderr
    assert _marts_fingerprint(built["warehouse"]) == before
    statuses = query(built["warehouse"], "select status, count(*), sum(rows_loaded) from marts.load_audit "
                                         "where run_id = (select max_by(run_id, loaded_at) from marts.load_audit) "
                                         "group by 1")
    assert statuses and all(status == "duplicate" and loaded == 0 for status, _, loaded in statuses)


def test_planted_incident_excess_matches_an_independent_baseline(built):
    """Excess = incident-day contacts of the reason − median of the same weekday over 4 prior weeks."""
    import statistics
    from datetime import timedelta

    inc = built["summary"].incident
    daily = dict(query(built["warehouse"],
                       "select contact_date, count(*) from marts.fct_contacts where reason_code = ? "
                       "and direction = 'inbound' and not is_suspect group by 1", [inc["reason_code"]]))
    (excess, baseline), = query(built["warehouse"], "select excess_contacts, baseline_contacts "
                                                    "from marts.incident_impact where incident_id = ?",
                                [inc["incident_id"]])
    start, end = date.fromisoformat(inc["start_date"]), date.fromisoformat(inc["end_date"]) + timedelta(days=1)
    expected = 0.0
    day = start
    while day <= end:  # the incident's local days plus the grace day
        prior = [daily.get(day - timedelta(weeks=w), 0) for w in range(1, 5)]
        expected += daily.get(day, 0) - statistics.median(prior)
        day += timedelta(days=1)
    assert excess == pytest.approx(expected, rel=0.10)
    assert excess > 0.5 * baseline  # planted ×3 on the incident days


def test_planted_unregistered_spike_is_a_candidate_without_incident(built):
    spike = built["summary"].unregistered_spike
    rows = query(built["warehouse"], "select contact_date::varchar, matched_incident_id from marts.incident_candidates "
                                     "where reason_code = ?", [spike["reason_code"]])
    found = {d for d, matched in rows if matched is None}
    assert set(spike["dates"]) & found, (spike, rows)


def test_planted_action_reduces_its_reason(built):
    act = built["summary"].action
    (verdict, ratio), = query(built["warehouse"], "select verdict, rate_ratio from marts.action_effect "
                                                  "where action_id = ?", [act["action_id"]])
    assert verdict == "reduced"
    assert ratio == pytest.approx(1 - act["expected_reduction"], abs=0.2)
