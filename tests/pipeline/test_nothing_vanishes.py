"""Nothing vanishes (CONTRACT §4, issue 15): every file under the landing zone has a load_audit row.

Through the real ingest assets (Dagster materialize of raw/* and raw/load_audit, the loader, the
parsers) on a small generated landing zone with planted files. Every expected count is computed here
from the files themselves (json / gzip / zipfile / csv), never from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import zipfile
from datetime import date
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from generator.landing import generate_landing
from orchestration.defs.ingest.audit import raw_load_audit
from orchestration.defs.ingest.calls import raw_calls
from orchestration.defs.ingest.reference import raw_reference
from orchestration.defs.ingest.surveys import raw_surveys
from orchestration.defs.ingest.ticket_events import raw_ticket_events
from orchestration.defs.ingest.tickets import raw_tickets
from orchestration.defs.resources import WhycallResource
from orchestration.settings import get_settings

ASSETS = [raw_tickets, raw_ticket_events, raw_calls, raw_surveys, raw_reference, raw_load_audit]


def ingest(landing: Path, warehouse: Path) -> tuple[dg.ExecuteInProcessResult, Path]:
    resource = WhycallResource(landing_dir=str(landing), warehouse=str(warehouse))
    result = dg.materialize(ASSETS, resources={"whycall": resource}, raise_on_error=False)
    assert result.success
    return result, get_settings(landing, warehouse).state_db


def audit_rows(state: Path, run_id: str) -> dict[str, tuple]:
    con = duckdb.connect(str(state), read_only=True)
    try:
        rows = con.execute(
            "SELECT file, source, status, rows_read, rows_loaded, rows_rejected, reason, sha256 "
            "FROM raw.load_audit WHERE run_id = ?", [run_id]).fetchall()
    finally:
        con.close()
    return {row[0]: row[1:] for row in rows}


def rejects(state: Path, run_id: str) -> list[tuple]:
    con = duckdb.connect(str(state), read_only=True)
    try:
        return con.execute("SELECT file, line, reason FROM raw.rejects WHERE run_id = ? ORDER BY file, line",
                           [run_id]).fetchall()
    finally:
        con.close()


def _tickets(path: Path) -> int:
    return len(json.loads(path.read_bytes())["tickets"])


def _qualtrics_responses(text: str) -> int:
    return len(list(csv.reader(io.StringIO(text)))) - 3  # the 3-header-row layout


@pytest.fixture
def landing(tmp_path):
    land = tmp_path / "landing"
    generate_landing(land, days=3, contacts_per_day=20, seed=1, end=date(2026, 6, 28))
    return land


def test_every_file_under_the_landing_zone_has_an_audit_row(landing, tmp_path):
    pages = sorted((landing / "tickets").glob("*.json"))
    # a page delivered compressed, as an API client saves it
    gz = landing / "tickets" / "2026-06-29_p0001.json.gz"
    page = json.loads(pages[0].read_text())
    for ticket in page["tickets"]:
        ticket["id"] += 900_000  # other tickets, so the bytes differ from the plain page
    gz.write_bytes(gzip.compress(json.dumps(page).encode()))
    # a survey export zipped by the user, and a calls page gzipped
    survey = next((landing / "surveys").glob("*.csv"))
    survey_text = survey.read_text(encoding="utf-8")
    with zipfile.ZipFile(landing / "surveys" / "export.zip", "w") as archive:
        archive.writestr("responses.csv", survey_text.replace("R_", "RZ_"))
    calls_page = min((landing / "calls").glob("*.json"))
    calls = json.loads(calls_page.read_text())
    for call in calls["calls"]:
        call["id"] += 900_000
    (landing / "calls" / "late.json.gz").write_bytes(gzip.compress(json.dumps(calls).encode()))
    # what a user drops in by mistake
    (landing / "tickets" / "export.csv").write_text("id,subject\n1,hello\n")
    (landing / "tickets" / "README.txt").write_text("pages from the API\n")
    shutil.copy(landing / "reference" / "reasons.csv", landing / "reference" / "Reasons.csv")
    (landing / "README.txt").write_text("landing zone of ACME\n")
    (landing / "exports").mkdir()
    (landing / "exports" / "old.json").write_text("{}")
    (landing / "tickets" / ".partial-upload.json").write_text("{")  # hidden: an upload in progress

    result, state = ingest(landing, tmp_path / "wh" / "whycall.duckdb")
    rows = audit_rows(state, result.run_id)

    expected_files = sorted(p.relative_to(landing).as_posix() for p in landing.rglob("*")
                            if p.is_file() and p.name != "whycall.yml" and not p.name.startswith("."))
    assert sorted(rows) == expected_files  # every visible file, one row each

    assert rows["tickets/export.csv"][:2] == ("tickets", "ignored")
    assert rows["tickets/export.csv"][5].startswith("extension .csv is not read for tickets (format zendesk reads "
                                                    ".json (also .json.gz and .zip)")
    assert rows["tickets/export.csv"][5].endswith("set sources.tickets.format: csv with a profile (docs/profiles/))")
    assert rows["tickets/README.txt"][:2] == ("tickets", "ignored")
    assert rows["tickets/README.txt"][5].startswith("extension .txt is not read for tickets")
    assert rows["reference/Reasons.csv"][:2] == ("reference", "ignored")
    assert rows["reference/Reasons.csv"][5] == "unknown reference file 'Reasons.csv' (did you mean reasons.csv?)"
    assert rows["README.txt"][:2] == ("landing", "ignored")
    assert rows["README.txt"][5].startswith("not in a source folder")
    assert rows["exports/old.json"][:2] == ("landing", "ignored")
    assert rows["exports/old.json"][5].startswith("folder 'exports/' is not read")

    # compressed files: read, with the sha256 of the bytes as delivered
    import hashlib

    assert rows["tickets/2026-06-29_p0001.json.gz"][:5] == ("tickets", "loaded", len(page["tickets"]),
                                                           len(page["tickets"]), 0)
    assert rows["tickets/2026-06-29_p0001.json.gz"][6] == hashlib.sha256(gz.read_bytes()).hexdigest()
    assert rows["surveys/export.zip"][:3] == ("surveys", "loaded", _qualtrics_responses(survey_text))
    assert rows["calls/late.json.gz"][1:3] == ("loaded", len(calls["calls"]))
    for file, (_, status, read, loaded, rejected, _, _) in rows.items():
        assert read == loaded + rejected, file
        if status == "ignored":
            assert (read, loaded, rejected) == (0, 0, 0)

    # the run summary's warning comes from the audit asset's metadata
    (materialization,) = [m for m in result.get_asset_materialization_events()
                          if m.asset_key == dg.AssetKey(["raw", "load_audit"])]
    listed = materialization.step_materialization_data.materialization.metadata["not_loaded"].value
    assert len(listed) == sum(1 for r in rows.values() if r[1] == "ignored")
    assert "reference/Reasons.csv: ignored, unknown reference file 'Reasons.csv' (did you mean reasons.csv?)" in listed


def test_one_unreadable_file_does_not_stop_its_source_and_the_corrected_one_loads(landing, tmp_path):
    pages = sorted((landing / "tickets").glob("*.json"))
    good = pages[1:]
    broken = pages[0]
    text = broken.read_text()
    cut = len(text.encode()) // 2
    broken.write_bytes(text.encode()[:cut])  # the download was cut short
    survey = next((landing / "surveys").glob("*.csv"))
    latin = landing / "surveys" / "latin1.csv"
    latin.write_bytes(survey.read_text(encoding="utf-8").replace("R_", "RL_").encode("utf-8")
                      + b"\n" + b"caf\xe9\n")
    bad_zip = landing / "calls" / "cut.json.gz"
    bad_zip.write_bytes(gzip.compress(b'{"calls": []}')[:-6])

    warehouse = tmp_path / "wh" / "whycall.duckdb"
    result, state = ingest(landing, warehouse)
    rows = audit_rows(state, result.run_id)
    name = broken.relative_to(landing).as_posix()
    assert rows[name][:5] == ("tickets", "rejected_file", 1, 0, 1)
    assert "truncated JSON: the document ends before it is complete" in rows[name][5]
    assert f"at byte {cut}" in rows[name][5]  # the byte offset where the page stops
    for page in good:  # the other pages of the source loaded
        assert rows[page.relative_to(landing).as_posix()][1:4] == ("loaded", _tickets(page), _tickets(page))
    assert rows["surveys/latin1.csv"][1] == "rejected_file"
    assert "cannot be decoded as utf-8" in rows["surveys/latin1.csv"][5]
    assert rows["calls/cut.json.gz"][1] == "rejected_file"
    assert "the gzip archive cannot be read" in rows["calls/cut.json.gz"][5]
    files_rejected = [r for r in rejects(state, result.run_id) if r[0] in (name, "surveys/latin1.csv",
                                                                           "calls/cut.json.gz")]
    assert len(files_rejected) == 3  # one reject row per rejected file
    con = duckdb.connect(str(state), read_only=True)
    assert con.execute("SELECT count(*) FROM raw.tickets WHERE _file = ?", [name]).fetchone()[0] == 0
    con.close()

    broken.write_text(text)  # the page fetched again
    result, state = ingest(landing, warehouse)
    rows = audit_rows(state, result.run_id)
    assert rows[name][1:4] == ("loaded", _tickets(broken), _tickets(broken))


def test_a_rejected_file_blocks_by_default_and_the_check_names_it(landing, tmp_path):
    from expectations.runner import run_checks

    broken = min((landing / "calls").glob("*.json"))
    broken.write_text("<html>502 Bad Gateway</html>")
    result, state = ingest(landing, tmp_path / "wh" / "whycall.duckdb")
    con = duckdb.connect(str(state), read_only=True)
    audit = con.execute("SELECT * FROM raw.load_audit").df()
    con.close()
    results = {r.check: r for r in run_checks({"load_audit": audit, "calls": audit.iloc[0:0], "tickets": audit.iloc[0:0]},
                                              run_id=result.run_id)}
    verdict = results["calls.rejected_files"]
    assert (verdict.passed, verdict.severity, verdict.failing_rows) == (False, "block", 1)
    name = broken.relative_to(landing).as_posix()
    assert f"{name}: {broken}: not JSON (it starts with '<html>502 Bad Gateway</html>')" in verdict.details
    assert results["tickets.rejected_files"].passed
    assert results["calls.reject_ratio"].passed  # the other call pages are judged on their own rows
    warn = run_checks({"load_audit": audit, "calls": audit.iloc[0:0]}, {"checks": {"rejects": "warn"}},
                      run_id=result.run_id)
    assert {r.check: r.severity for r in warn}["calls.rejected_files"] == "warn"


def test_a_file_still_being_written_is_deferred_to_the_next_run(landing, tmp_path):
    import os
    import time

    config = landing / "whycall.yml"
    config.write_text(config.read_text().replace("rules:\n", "rules:\n  settle_seconds: 600\n", 1))
    assert "settle_seconds: 600" in config.read_text()
    an_hour_ago = time.time() - 3600
    for path in landing.rglob("*"):
        if path.is_file():
            os.utime(path, (an_hour_ago, an_hour_ago))
    fresh = max((landing / "tickets").glob("*.json"))
    os.utime(fresh, None)  # the copy is still going on: modified now
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    result, state = ingest(landing, warehouse)
    rows = audit_rows(state, result.run_id)
    name = fresh.relative_to(landing).as_posix()
    assert rows[name][1:5] == ("deferred", 0, 0, 0)
    assert "less than rules.settle_seconds (600 s)" in rows[name][5]
    assert {r[1] for f, r in rows.items() if f != name} == {"loaded"}
    os.utime(fresh, (an_hour_ago, an_hour_ago))  # settled
    result, state = ingest(landing, warehouse)
    assert audit_rows(state, result.run_id)[name][1:3] == ("loaded", _tickets(fresh))
