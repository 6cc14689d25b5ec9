"""Every vendor fixture, loaded through the real loader: rows_read = rows_loaded + rows_rejected,
and rows_read = the records of the file counted independently (json / csv modules)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.loader import connect_state, load_file
from orchestration.lib.parsers import parse_file
from tests.unit.test_parsers_csv import ASTERISK
from tests.unit.test_parsers_qualtrics import PROFILES as QUALTRICS_PROFILES

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"


def _json_records(path: Path) -> int:
    if path.suffix == ".jsonl":
        return sum(1 for line in path.read_text().splitlines() if line.strip())
    body = json.loads(path.read_text())
    if isinstance(body, list):
        return len(body)
    return len(next(body[k] for k in ("tickets", "results", "calls") if k in body))


def _csv_records(path: Path, header_rows: int) -> int:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return sum(1 for _ in csv.reader(handle)) - header_rows


CASES = [
    ("tickets", "zendesk/legacy_exports_tickets_time_based_page1.json", {}, _json_records),
    ("tickets", "zendesk/tickets_incremental_time_based_doc_example.json", {}, _json_records),
    ("tickets", "zendesk/tickets_list_offset_page1_ccd_tagged.json", {}, _json_records),
    ("tickets", "zendesk/tickets_list_offset_page1_requested.json", {}, _json_records),
    ("calls", "zendesk_talk/calls_records.json", {}, _json_records),
    ("calls", "zendesk_talk/airbyte_expected_records_subset.jsonl", {}, _json_records),
    ("calls", "asterisk/Master.csv", {"calls": ASTERISK}, lambda p: _csv_records(p, 0)),
    *[
        ("surveys", f"qualtrics/{name}", {"surveys": profile},
         lambda p: _csv_records(p, 2 if "legacy" in p.name else 3))
        for name, profile in QUALTRICS_PROFILES.items()
    ],
]


@pytest.mark.parametrize(("source", "fixture", "sources", "count"), CASES, ids=[c[1] for c in CASES])
def test_every_fixture_is_fully_accounted_for(tmp_path, source, fixture, sources, count):
    path = FIXTURES / fixture
    config = build_config({"sources": sources})
    con = connect_state(tmp_path / "state.duckdb")
    audit = load_file(con, run_id="r", source=source, table=source, path=path, relname=fixture,
                      chunks=lambda p: parse_file(p, source, config))
    assert audit.rows_read == audit.rows_loaded + audit.rows_rejected == count(path)
    loaded = con.execute(f"select count(*) from raw.{source}").fetchone()[0]  # fixed table names
    rejected = con.execute("select count(*) from raw.rejects").fetchone()[0]
    assert (loaded, rejected) == (audit.rows_loaded, audit.rows_rejected)
    con.close()
