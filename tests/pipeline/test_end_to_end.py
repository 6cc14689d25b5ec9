"""Generate a small landing zone, run the real pipeline through the `whycall` CLI, check the marts.

Expected figures come from the generated files (tests/pipeline/independent.py) and from what the
generator says it planted — never from the SQL under test.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SHARED
from tests.pipeline import independent
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


@pytest.fixture(scope="module")
def from_files(built):
    """Every figure recomputed from the landing files by plain Python (tests/pipeline/independent.py)."""
    return independent.read_landing(built["landing"])


def test_contact_facts_match_the_files(built, from_files):
    """Reason, department, incident and suspect flag of every contact, decided from the files alone."""
    got = {row[0]: row[1:] for row in query(built["warehouse"], "select contact_id, reason_code, department_id, "
                                                                "incident_id, is_suspect from marts.fct_contacts")}
    expected = {c.contact_id: (c.reason, c.department, c.incident, c.suspect) for c in from_files.contacts.values()}
    assert got == expected


def test_repeats_match_the_files(built, from_files):
    got = {cid for (cid,) in query(built["warehouse"], "select contact_id from marts.fct_contacts where is_repeat")}
    expected = independent.expected_repeats(from_files)
    assert len(expected) > 100
    assert got == expected


def test_survey_links_match_the_files(built, from_files):
    got = dict(query(built["warehouse"], "select response_id, contact_id from marts.survey_responses"))
    expected = independent.expected_survey_links(from_files)
    assert sum(1 for v in expected.values() if v is None) > 0  # straight-liners and customers without a contact
    assert got == expected


def test_alerts_by_department_and_status_match_the_files(built, from_files):
    got = {(d, s): n for d, s, n in query(built["warehouse"], "select department_id, status, count(*) "
                                                              "from marts.alerts group by all")}
    expected = independent.expected_alerts(from_files)
    assert {status for _, status in expected} == {"open", "recontacted", "late"}
    assert got == expected


def test_contacts_per_1000_match_the_files(built, from_files):
    got = {(d, m): v for d, m, v in query(built["warehouse"], "select department_id, month, contacts_per_1000 "
                                                              "from marts.department_scorecard")}
    expected = independent.expected_contacts_per_1000(from_files)
    assert len(expected) >= 12  # 6 departments x 3 months, two of them partial
    assert {k: v for k, v in got.items() if v is not None} == pytest.approx(expected, rel=1e-12)


def test_planted_incident_excess_matches_the_files(built, from_files):
    """Excess = the incident's local days' inbound contacts of the reason - the median of the same weekday over
    the 4 weeks before the start, recomputed from the files (exact: counts and medians of counts)."""
    inc = built["summary"].incident
    (excess, baseline), = query(built["warehouse"], "select excess_contacts, baseline_contacts "
                                                    "from marts.incident_impact where incident_id = ?",
                                [inc["incident_id"]])
    assert excess == pytest.approx(independent.expected_incident_excess(from_files, inc["incident_id"]), abs=1e-9)
    assert excess > 0.5 * baseline  # planted x3 on the incident days


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
