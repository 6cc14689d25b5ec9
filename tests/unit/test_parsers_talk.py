"""Zendesk Talk calls (real connector records in shared/fixtures/zendesk_talk) → raw.calls rows."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config, load_config
from orchestration.lib.parsers import collect, parse_file
from orchestration.lib.records import InputError

TALK = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "zendesk_talk"
CALLS = json.loads((TALK / "calls_records.json").read_text())


def _parse(path: Path, config=None):
    return collect(parse_file(path, "calls", config or load_config(Path("/nonexistent"))))


def _write(tmp_path: Path, data, name: str = "calls.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _call(**fields):
    return {
        "id": 1,
        "created_at": "2024-03-01T09:00:00Z",
        "updated_at": "2024-03-01T09:10:00Z",
        "direction": "inbound",
        "duration": 300,
        **fields,
    }


def test_bare_array_of_calls_keeps_the_duplicate():
    parsed = _parse(TALK / "calls_records.json")
    assert (len(parsed.rows), len(parsed.rejects)) == (8, 0)
    ids = Counter(r["native_id"] for r in parsed.rows)
    assert ids["360120313416"] == 2  # both versions loaded; dbt keeps the latest updated_at
    assert [r["_record"] for r in parsed.rows] == list(range(8))
    assert Counter(r["outcome"] for r in parsed.rows) == {"completed": 7, "failed": 1}
    assert {(r["channel"], r["direction"], r["source_system"]) for r in parsed.rows} == {
        ("phone", "outbound", "talk")
    }


def test_first_call_mapped_exactly():
    row = _parse(TALK / "calls_records.json").rows[0]
    assert {k: v for k, v in row.items() if v is not None} == {
        "source_system": "talk",
        "native_id": "360088814475",
        "_record": 0,
        "is_deleted": False,
        "updated_at": datetime(2021, 4, 1, 14, 23, 15),
        "started_at": datetime(2021, 4, 1, 13, 42, 47),
        "ended_at": datetime(2021, 4, 1, 13, 43, 5),  # created_at + duration 18 s
        "channel": "phone",
        "direction": "outbound",
        "handle_seconds": 18.0,  # talk_time null → duration 18 less wait_time 0
        "wait_seconds": 0.0,
        "outcome": "failed",
    }


def test_handle_time_is_talk_hold_wrap_when_talk_time_is_present():
    rows = {r["native_id"]: r for r in _parse(TALK / "calls_records.json").rows}
    call = rows["360120313696"]  # duration 288, talk_time 0, hold 0, wrap 0
    assert (call["handle_seconds"], call["ended_at"]) == (0.0, datetime(2021, 10, 20, 14, 55, 16))


def test_without_talk_time_an_abandoned_call_costs_nothing_and_the_wait_is_not_handling(tmp_path):
    # an export without talk_time: duration is the whole call, queue wait included (worked by hand)
    calls = [
        _call(id=1, duration=300, wait_time=120, completion_status="completed"),  # 300 - 120 handled
        _call(id=2, duration=95, wait_time=95, completion_status="abandoned_in_queue"),  # nobody took it
        _call(id=3, duration=40, completion_status="Abandoned_in_IVR"),  # no wait_time, still abandoned
        _call(id=4, duration=30, wait_time=45),  # inconsistent export: never negative
        _call(id=5, duration=None, wait_time=10),  # nothing known
    ]
    rows = {r["native_id"]: r["handle_seconds"] for r in _parse(_write(tmp_path, calls)).rows}
    assert rows == {"1": 180.0, "2": 0.0, "3": 0.0, "4": 0.0, "5": None}


def test_airbyte_jsonl_unwraps_calls_and_rejects_other_streams():
    parsed = _parse(TALK / "airbyte_expected_records_subset.jsonl")
    assert (len(parsed.rows), len(parsed.rejects), parsed.rows_read) == (8, 9, 17)
    assert [r["_record"] for r in parsed.rows] == list(range(2, 10))  # 1-based line numbers
    expected = _parse(TALK / "calls_records.json").rows
    assert [{**r, "_record": 0} for r in parsed.rows] == [{**r, "_record": 0} for r in expected]
    assert Counter(r.reason for r in parsed.rejects) == {
        "not a call record (Airbyte stream 'agents_activity')": 1,
        "not a call record (Airbyte stream 'call_legs')": 8,
    }
    assert [r.line for r in parsed.rejects] == [1, *range(10, 18)]


def test_incremental_calls_page_envelope(tmp_path):
    page = {
        "calls": CALLS,
        "next_page": "https://x.zendesk.com/api/v2/channels/voice/stats/incremental/calls.json?start_time=1634751038",
        "end_time": 1634751038,
        "count": 8,
    }
    parsed = _parse(_write(tmp_path, page))
    assert [r["native_id"] for r in parsed.rows] == [c["id"].__str__() for c in CALLS]


def test_reason_field_transfers_and_ids(tmp_path):
    calls = [
        _call(
            id=1,
            wrap_up_reason="billing",
            transfers=2,
            talk_time=200,
            hold_time=30,
            wrap_up_time=45,
            wait_time=12,
            customer_id=55,
            agent_id=0,
            ticket_id=987,
            completion_status="completed",
        ),
        _call(id=2, hop_count=3),
    ]
    config = build_config({"sources": {"calls": {"reason_field": "wrap_up_reason", "transfer_field": None}}})
    rows = _parse(_write(tmp_path, {"calls": calls}), config).rows
    first = rows[0]
    assert (
        first["reason_raw"],
        first["transfers"],
        first["handle_seconds"],
        first["wait_seconds"],
        first["customer_ref"],
        first["agent_id"],
        first["ticket_ref"],
        first["direction"],
    ) == ("billing", 2, 275.0, 12.0, "55", None, "987", "inbound")
    assert rows[1]["transfers"] is None and rows[1]["reason_raw"] is None
    configured = build_config({"sources": {"calls": {"transfer_field": "hop_count"}}})
    assert _parse(_write(tmp_path, {"calls": calls}), configured).rows[1]["transfers"] == 3


def test_negative_durations_and_bad_records_are_rejected(tmp_path):
    calls = [
        _call(id=1),
        _call(id=2, duration=-5),
        _call(id=3, wait_time=-1),
        _call(id=4, talk_time="1:00"),
        _call(id=5, created_at=None),
        {"created_at": "2024-03-01T09:00:00Z"},
        _call(id=7, duration="long"),
    ]
    parsed = _parse(_write(tmp_path, calls))
    assert [r["native_id"] for r in parsed.rows] == ["1", "4"]
    assert parsed.rows[1]["handle_seconds"] == 60.0
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (1, "negative duration -5 in duration"),
        (2, "negative duration -1 in wait_time"),
        (4, "missing created_at"),
        (5, "missing id"),
        (6, "bad duration 'long' in duration (expected seconds or H:MM:SS)"),
    ]


def test_jsonl_bad_line_is_a_reject_not_the_end(tmp_path):
    path = tmp_path / "calls.jsonl"
    path.write_text(
        json.dumps(_call(id=1)) + '\n\n{"id": 2, "created_at": \n' + json.dumps(_call(id=3)) + "\n"
    )
    parsed = _parse(path)
    assert [r["native_id"] for r in parsed.rows] == ["1", "3"]
    assert [r["_record"] for r in parsed.rows] == [1, 4]
    assert [(r.line, r.reason[:28]) for r in parsed.rejects] == [(3, "invalid JSON line: Expecting")]


def test_jsonl_saved_as_json_is_read_line_by_line(tmp_path):
    path = tmp_path / "calls.json"
    path.write_text("\n".join(json.dumps(c) for c in CALLS[:3]) + "\n")
    assert [r["_record"] for r in _parse(path).rows] == [1, 2, 3]


def test_a_ticket_page_in_calls_is_refused_with_the_fix(tmp_path):
    with pytest.raises(
        InputError, match="this is a Zendesk ticket export page, not a Talk calls page; move it to tickets/"
    ):
        _parse(_write(tmp_path, {"tickets": [], "end_of_stream": True}))
