"""Zendesk ticket history pages (real recordings in shared/fixtures/zendesk) → raw.ticket_events rows.

Expected values were read off the fixture files by a person (counts from the SOURCES.md notes and a look at
the events), not computed by the parser's code.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, discover_files, parse_file
from orchestration.lib.raw_schema import TICKET_EVENT_FIELDS
from orchestration.lib.records import InputError

ZENDESK = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "zendesk"
AUDITS = ZENDESK / "ticket_audits_page1_with_users_sideload.json"
METRIC_EVENTS = ZENDESK / "ticket_metric_events_incremental_doc_example.json"
CONFIG = build_config({})


def _parse(path: Path):
    return collect(parse_file(path, "ticket_events", CONFIG))


def test_real_audits_page_one_row_per_child_event_counted_as_audits():
    parsed = _parse(AUDITS)
    # 100 audits of ticket 1 holding 110 events (Change 80, Comment 22, Create 8)
    assert parsed.rows_read == 100 and parsed.rows_loaded == 100 and not parsed.rejects
    assert len(parsed.rows) == 110
    assert {r["ticket_id"] for r in parsed.rows} == {"1"}
    assert set(parsed.rows[0]) - {"_record"} == {name for name, _ in TICKET_EVENT_FIELDS}
    kinds = [r["event_type"] for r in parsed.rows]
    assert (kinds.count("Change"), kinds.count("Comment"), kinds.count("Create")) == (80, 22, 8)


def test_real_audits_creation_comment_roles_and_status_change():
    rows = _parse(AUDITS).rows
    first = [r for r in rows if r["audit_id"] == "21078917"]
    comment = next(r for r in first if r["event_type"] == "Comment")
    # the ticket was created by the admin Steven Davidovitz with a public comment
    assert comment["author_id"] == "20014182" and comment["author_role"] == "admin" and comment["is_public"] is True
    assert comment["created_at"] == datetime(2012, 9, 6, 20, 17, 9) and comment["via_channel"] == "web"
    status = [r for r in rows if r["field_name"] == "status"]
    assert [(r["event_type"], r["previous_value"], r["value"]) for r in status] == [
        ("Create", None, "open"), ("Change", "open", "pending")]
    tags = next(r for r in first if r["field_name"] == "tags")
    assert tags["value"] == "sample zendesk"  # an array value, joined by one space
    agent = [r for r in rows if r["event_type"] == "Comment" and r["author_id"] == "20014187"]
    assert len(agent) == 18 and {r["author_role"] for r in agent} == {"agent"}
    assert all(r["is_public"] for r in agent)


def test_real_metric_events_doc_example():
    parsed = _parse(METRIC_EVENTS)
    assert parsed.rows_read == 1
    (row,) = parsed.rows
    assert (row["kind"], row["ticket_id"], row["event_id"], row["metric"], row["event_type"], row["instance_id"]) == (
        "metric", "155", "926232157301", "agent_work_time", "measure", 0)
    assert row["created_at"] == datetime(2020, 10, 26, 12, 53, 12) and row["sla_policy"] is None


def test_incremental_ticket_events_with_comment_events(tmp_path):
    page = {"ticket_events": [{
        "id": 7, "ticket_id": 42, "timestamp": 1700000000, "updater_id": 5, "via": "Web form",
        "child_events": [
            {"id": 71, "event_type": "Comment", "author_id": 5, "comment_public": True, "body": "hi"},
            {"id": 72, "event_type": "Change", "status": "solved", "previous_value": "open"},
        ]}], "end_of_stream": True}
    path = tmp_path / "events.json"
    path.write_text(json.dumps(page))
    parsed = _parse(path)
    assert parsed.rows_read == 1 and len(parsed.rows) == 2
    comment, change = parsed.rows
    assert comment["is_public"] is True and comment["author_id"] == "5" and comment["author_role"] is None
    assert (change["field_name"], change["previous_value"], change["value"]) == ("status", "open", "solved")
    assert change["created_at"] == datetime(2023, 11, 14, 22, 13, 20) and change["via_channel"] == "Web form"


def test_apply_sla_metric_event_and_rejects(tmp_path):
    page = {"ticket_metric_events": [
        {"id": 1, "ticket_id": 9, "metric": "reply_time", "instance_id": 1, "type": "apply_sla",
         "time": "2024-03-01T09:00:00Z", "sla": {"target": 60, "business_hours": True,
                                                 "policy": {"id": 3, "title": "Gold"}}},
        {"id": 2, "ticket_id": 9, "metric": "reply_time", "instance_id": 1, "type": "breach", "time": "yesterday"},
        {"id": 3, "metric": "reply_time", "type": "fulfill", "time": "2024-03-01T09:30:00Z"},
    ]}
    path = tmp_path / "metric_events.json"
    path.write_text(json.dumps(page))
    parsed = _parse(path)
    assert parsed.rows_read == 3 and len(parsed.rows) == 1
    (row,) = parsed.rows
    assert (row["sla_policy"], row["sla_target_minutes"], row["sla_business_hours"]) == ("Gold", 60.0, True)
    assert [(r.line, r.reason.split(" in ")[-1] if "time" in r.reason else r.reason) for r in parsed.rejects] == [
        (1, "time"), (2, "missing ticket_id")]


def test_a_ticket_page_in_ticket_events_is_a_clear_error(tmp_path):
    path = tmp_path / "tickets.json"
    path.write_text(json.dumps({"tickets": []}))
    with pytest.raises(InputError, match="tickets.json.*no 'audits'.*move it to tickets/"):
        _parse(path)


def test_discover_reads_json_pages_of_the_folder(tmp_path):
    folder = tmp_path / "ticket_events" / "2024-03-01"
    folder.mkdir(parents=True)
    (folder / "a.json").write_text("{}")
    (folder / "notes.txt").write_text("x")
    assert [p.name for p in discover_files(tmp_path, "ticket_events")] == ["a.json"]


def test_loader_audits_count_audits_not_child_events(tmp_path):
    import shutil

    from orchestration.lib.loader import connect_state, load_files

    landing = tmp_path / "landing"
    (landing / "ticket_events").mkdir(parents=True)
    shutil.copy(AUDITS, landing / "ticket_events" / "audits.json")
    con = connect_state(tmp_path / "state.duckdb")
    files = discover_files(landing, "ticket_events")
    (audit,) = list(load_files(con, run_id="r1", source="ticket_events", table="ticket_events", landing=landing,
                               files=files, chunks=lambda p: parse_file(p, "ticket_events", CONFIG)))
    assert (audit.rows_read, audit.rows_loaded, audit.rows_rejected) == (100, 100, 0)
    assert con.execute("SELECT count(*), count(DISTINCT _record) FROM raw.ticket_events").fetchone() == (110, 100)
