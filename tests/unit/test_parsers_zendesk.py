"""Zendesk ticket pages (real recordings in shared/fixtures/zendesk) → raw.tickets rows."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config, load_config
from orchestration.lib.parsers import collect, parse_file
from orchestration.lib.raw_schema import CONTACT_FIELDS
from orchestration.lib.records import CHUNK_SIZE, InputError

ZENDESK = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "zendesk"
LEGACY = ZENDESK / "legacy_exports_tickets_time_based_page1.json"
FIELDS = {name for name, _ in CONTACT_FIELDS} | {"_record"}


def _parse(path: Path, config=None):
    return collect(parse_file(path, "tickets", config or load_config(Path("/nonexistent"))))


def _write(tmp_path: Path, page) -> Path:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page), encoding="utf-8")
    return path


def test_legacy_export_page_every_record_loaded():
    parsed = _parse(LEGACY)
    assert (len(parsed.rows), len(parsed.rejects), parsed.rows_read) == (1000, 0, 1000)
    rows = parsed.rows
    assert all(set(r) == FIELDS for r in rows)
    assert [r["_record"] for r in rows] == list(range(1000))
    assert Counter(r["is_deleted"] for r in rows) == {True: 652, False: 348}
    assert Counter(r["status"] for r in rows) == {"deleted": 652, "new": 283, "closed": 65}
    assert Counter(r["channel"] for r in rows) == {"api": 999, "web": 1}  # "Web service" / "Web form"
    assert Counter(r["satisfaction"] for r in rows) == {"unoffered": 935, "offered": 64, "good": 1}
    assert Counter(r["ticket_type"] for r in rows) == {"question": 647, None: 353}  # "-" is missing
    assert sum(r["tags"] is not None for r in rows) == 131
    assert Counter(r["organization_ref"] for r in rows) == {None: 917, "Smersh": 83}  # organization_name
    assert Counter(r["transfers"] for r in rows) == {0: 1000}  # group_stations "0"/"1" → max(n-1, 0)
    assert {r["source_system"] for r in rows} == {"zendesk"}


def test_legacy_export_first_record_exactly():
    first = _parse(LEGACY).rows[0]
    assert first == {
        "source_system": "zendesk",
        "native_id": "5",
        "_record": 0,
        "updated_at": datetime(2012, 9, 6, 20, 18, 56),
        "started_at": datetime(2012, 9, 6, 20, 18, 55),
        "ended_at": None,
        "is_deleted": True,
        "status": "deleted",
        "customer_ref": "20014192",
        "channel": "api",
        "direction": "inbound",
        "reason_raw": None,
        "tags": None,
        "department_raw": None,
        "subject": "TESTDATA",
        "text": None,
        "ticket_type": "question",
        "problem_id": None,
        "group_id": None,
        "agent_id": None,
        "reopens": 0,
        "transfers": 0,
        "replies": 0,
        "first_reply_minutes": None,
        "full_resolution_minutes": None,
        "handle_seconds": None,
        "wait_seconds": None,
        "outcome": None,
        "ticket_ref": None,
        "satisfaction": "unoffered",
        "organization_ref": None,  # organization_name "" (the legacy export names the account, no id)
    }


def test_legacy_local_times_with_offset_become_utc_across_dst():
    rows = {r["native_id"]: r for r in _parse(LEGACY).rows}
    assert rows["308"]["started_at"] == datetime(2012, 10, 8, 12, 0, 43)  # 04:00:43 -0800
    assert rows["641"]["started_at"] == datetime(2012, 11, 5, 12, 3, 23)  # 03:03:23 -0900
    web = rows["70"]  # the one "Web form" ticket, closed, with metrics
    assert (
        web["channel"],
        web["status"],
        web["replies"],
        web["first_reply_minutes"],
        web["full_resolution_minutes"],
        web["group_id"],
        web["agent_id"],
    ) == ("web", "closed", 1, 64.0, 243.0, "20001662", "20014182")
    assert rows["35"]["satisfaction"] == "good"


def test_legacy_reason_comes_from_the_flattened_custom_field(tmp_path):
    page = json.loads(LEGACY.read_text())
    page["results"] = page["results"][:3]
    page["results"][1]["field_20015156"] = "billing_question"
    config = build_config({"sources": {"tickets": {"reason_field_id": 20015156}}})
    rows = _parse(_write(tmp_path, page), config).rows
    assert [r["reason_raw"] for r in rows] == [None, "billing_question", None]


def test_time_based_incremental_doc_example():
    config = build_config({"sources": {"tickets": {"reason_field_id": 27642}}})
    parsed = _parse(ZENDESK / "tickets_incremental_time_based_doc_example.json", config)
    assert (len(parsed.rows), len(parsed.rejects)) == (1, 0)
    row = parsed.rows[0]
    assert {
        k: row[k]
        for k in (
            "native_id",
            "customer_ref",
            "organization_ref",
            "started_at",
            "updated_at",
            "channel",
            "direction",
            "reason_raw",
            "tags",
            "subject",
            "text",
            "status",
            "ticket_type",
            "problem_id",
            "group_id",
            "agent_id",
            "satisfaction",
            "is_deleted",
        )
    } == {
        "native_id": "35436",
        "customer_ref": "20978392",
        "organization_ref": "509974",
        "started_at": datetime(2009, 7, 20, 22, 55, 29),
        "updated_at": datetime(2011, 5, 5, 10, 38, 52),
        "channel": "web",
        "direction": "inbound",
        "reason_raw": "745",
        "tags": "enterprise other_tag",
        "subject": "Help, my printer is on fire!",
        "text": "The fire is very colorful.",
        "status": "open",
        "ticket_type": "incident",
        "problem_id": "9873764",
        "group_id": "98738",
        "agent_id": "235323",
        "satisfaction": "good",
        "is_deleted": False,
    }
    assert row["reopens"] is None and row["transfers"] is None  # no metric_sets side-load


def test_list_pages_read_like_export_pages():
    requested = _parse(ZENDESK / "tickets_list_offset_page1_requested.json").rows
    assert len(requested) == 100
    assert Counter(r["satisfaction"] for r in requested) == {"unoffered": 86, "offered": 14}
    assert {r["channel"] for r in requested} == {"api"}
    tagged = _parse(ZENDESK / "tickets_list_offset_page1_ccd_tagged.json").rows
    assert {r["tags"] for r in tagged} == {"awesome blossom"}


def test_cursor_page_joins_side_loaded_metric_sets(tmp_path):
    tickets = json.loads((ZENDESK / "tickets_list_offset_page1_ccd_tagged.json").read_text())["tickets"]
    metrics = json.loads((ZENDESK / "ticket_metrics_list_page1.json").read_text())["ticket_metrics"]
    users = json.loads((ZENDESK / "ticket_audits_page1_with_users_sideload.json").read_text())["users"]
    by_ticket = {m["ticket_id"]: m for m in metrics}
    by_ticket[8855].update(
        group_stations=3,
        reopens=2,
        replies=4,
        reply_time_in_minutes={"calendar": 17, "business": 5},
        full_resolution_time_in_minutes={"calendar": 1440, "business": 480},
    )
    page = {
        "tickets": tickets,
        "metric_sets": metrics,
        "users": users,
        "after_cursor": "MTUwMTU3NTI1Ni4wfHw0NTF8",
        "after_url": "https://x.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=MTU",
        "end_of_stream": True,
    }
    parsed = _parse(_write(tmp_path, page))
    assert (len(parsed.rows), len(parsed.rejects)) == (100, 0)  # side-loads are not records
    rows = {r["native_id"]: r for r in parsed.rows}
    assert sum(r["replies"] is not None for r in rows.values()) == 44  # tickets with a metric set
    assert {
        k: rows["8855"][k]
        for k in ("reopens", "transfers", "replies", "first_reply_minutes", "full_resolution_minutes")
    } == {
        "reopens": 2,
        "transfers": 2,
        "replies": 4,
        "first_reply_minutes": 17.0,
        "full_resolution_minutes": 1440.0,
    }
    plain = rows["8854"]
    assert (plain["reopens"], plain["transfers"], plain["replies"], plain["first_reply_minutes"]) == (
        0,
        0,
        0,
        None,
    )


def test_deleted_ticket_and_superseded_versions_are_all_rows(tmp_path):
    base = {"created_at": "2024-03-01T09:00:00Z", "requester_id": 7, "via": {"channel": "email"}}
    page = {
        "tickets": [
            {**base, "id": 1, "status": "open", "updated_at": "2024-03-01T09:00:00Z"},
            {**base, "id": 1, "status": "solved", "updated_at": "2024-03-02T09:00:00Z"},
            {**base, "id": 2, "status": "deleted", "updated_at": "2024-03-03T09:00:00Z"},
        ],
        "after_cursor": None,
        "end_of_stream": True,
    }
    rows = _parse(_write(tmp_path, page)).rows
    assert [(r["native_id"], r["status"], r["is_deleted"]) for r in rows] == [
        ("1", "open", False),
        ("1", "solved", False),
        ("2", "deleted", True),
    ]


def test_voice_ticket_outbound_via_source_rel(tmp_path):
    page = {
        "tickets": [
            {
                "id": 9,
                "created_at": "2024-03-01T09:00:00+01:00",
                "via": {"channel": "Voice", "source": {"rel": "outbound"}},
            }
        ]
    }
    row = _parse(_write(tmp_path, page)).rows[0]
    assert (row["channel"], row["direction"], row["started_at"]) == (
        "voice",
        "outbound",
        datetime(2024, 3, 1, 8),
    )


def test_records_without_id_or_with_bad_created_at_are_rejected_with_the_reason(tmp_path):
    page = {
        "tickets": [
            {"id": 1, "created_at": "2024-03-01T09:00:00Z"},
            {"created_at": "2024-03-01T09:00:00Z", "subject": "no id"},
            {"id": 3, "created_at": "yesterday"},
            {"id": 4},
            "not an object",
            {"id": 6, "created_at": "2024-03-01T09:00:00Z", "updated_at": "soon"},
        ]
    }
    parsed = _parse(_write(tmp_path, page))
    assert [r["native_id"] for r in parsed.rows] == ["1"]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (1, "missing id"),
        (
            2,
            "bad timestamp 'yesterday' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in created_at",
        ),
        (3, "missing created_at"),
        (4, "not a ticket object (str)"),
        (
            5,
            "bad timestamp 'soon' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in updated_at",
        ),
    ]
    assert json.loads(parsed.rejects[0].raw) == {"created_at": "2024-03-01T09:00:00Z", "subject": "no id"}
    assert parsed.rows_read == 6


def test_big_pages_come_in_bounded_chunks(tmp_path):
    n = 2 * CHUNK_SIZE + 1
    page = {
        "tickets": [{"id": i, "created_at": "2024-03-01T09:00:00Z"} for i in range(n)],
        "end_of_stream": True,
    }
    chunks = list(parse_file(_write(tmp_path, page), "tickets", load_config(tmp_path)))
    assert [len(c.rows) for c in chunks] == [CHUNK_SIZE, CHUNK_SIZE, 1]
    assert chunks[-1].rows[-1]["_record"] == n - 1


def test_a_talk_page_in_tickets_is_refused_with_the_fix(tmp_path):
    path = _write(tmp_path, {"calls": [], "next_page": None, "count": 0})
    with pytest.raises(
        InputError, match=r"page\.json: this is a Zendesk Talk calls page .*; move it to calls/"
    ):
        _parse(path)


def test_an_unknown_json_page_names_its_keys(tmp_path):
    path = _write(tmp_path, {"audits": [], "count": 0})
    with pytest.raises(InputError, match=r"no 'tickets' or 'results' array \(found \['audits', 'count'\]\)"):
        _parse(path)
