"""Delimited files through a CSV profile (CONTRACT §3) → raw rows."""

from __future__ import annotations

import csv
import random
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, parse_file
from orchestration.lib.raw_schema import CONTACT_FIELDS
from orchestration.lib.records import CHUNK_SIZE, InputError

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
FIELDS = {name for name, _ in CONTACT_FIELDS} | {"_record"}

# Asterisk cdr_custom columns (no header): clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,
# start,answer,end,duration,billsec,disposition,amaflags,accountcode,uniqueid,userfield,sequence
ASTERISK = {
    "format": "csv",
    "header": False,
    "timezone": "Indian/Antananarivo",
    "timestamp_format": "%Y-%m-%d %H:%M:%S",
    "columns": {
        "contact_id": 16,
        "customer_ref": 1,
        "started_at": 8,
        "ended_at": 10,
        "handle_seconds": 12,
        "outcome": 13,
        "agent_id": 2,
        "department_raw": 3,
    },
    "constants": {"channel": "phone", "direction": "inbound"},
}


def _parse(path: Path, source: str, profile: dict, **top):
    return collect(parse_file(path, source, build_config({"sources": {source: profile}, **top})))


def _write(tmp_path: Path, text: str, name: str = "data.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_asterisk_cdr_headerless_with_doubled_quotes():
    parsed = _parse(FIXTURES / "asterisk" / "Master.csv", "calls", ASTERISK)
    assert (len(parsed.rows), len(parsed.rejects)) == (14, 0)
    first = parsed.rows[0]
    assert set(first) == FIELDS
    assert {k: v for k, v in first.items() if v is not None} == {
        "source_system": "cdr",
        "native_id": "1690325492.2",
        "_record": 1,
        "is_deleted": False,
        "customer_ref": "client1",
        "agent_id": "6789",
        "department_raw": "default",
        "started_at": datetime(2023, 7, 25, 22, 51, 32),
        "ended_at": datetime(2023, 7, 25, 22, 52, 4),
        "handle_seconds": 13.0,
        "outcome": "ANSWERED",
        "channel": "phone",
        "direction": "inbound",
    }
    # the PBX's uniqueid is the epoch of the call start: local time + zone gives the same instant
    for row in parsed.rows:
        epoch = float(row["native_id"].split(".")[0])
        assert (row["started_at"] - datetime(1970, 1, 1)).total_seconds() == epoch
    assert Counter(r["outcome"] for r in parsed.rows) == {"ANSWERED": 11, "NO ANSWER": 3}


def test_tab_delimited_latin1_with_junk_lines_nulls_and_several_formats(tmp_path):
    text = (
        "export of 2024-03-02\r\nby: centre d'appels\r\n"
        "appel\tclient\tdébut\tfin\tmotif\tdurée\tattente\r\n"
        "A1\tC1\t01/03/2024 09:15\t01/03/2024 09:20\tfacturation élevée\t300\t0:01:05\r\n"
        "A2\t?\t2024-03-01T10:00:00\t\t-\t1:02:03\t\r\n"
        "A3\tC3\t31/02/2024 09:15\t\tx\t1\t1\r\n"
    )
    profile = {
        "format": "csv",
        "delimiter": "\t",
        "encoding": "latin-1",
        "skip_rows": 2,
        "null_values": ["?", "-"],
        "timestamp_format": ["%d/%m/%Y %H:%M", "iso"],
        "timezone": "Europe/Paris",
        "columns": {
            "contact_id": "appel",
            "customer_ref": "client",
            "started_at": "début",
            "ended_at": "fin",
            "reason_raw": "motif",
            "handle_seconds": "durée",
            "wait_seconds": "attente",
        },
        "constants": {"channel": "Phone"},
    }
    parsed = _parse(_write(tmp_path, text, encoding="latin-1"), "calls", profile)
    assert [
        (
            r["native_id"],
            r["customer_ref"],
            r["started_at"],
            r["ended_at"],
            r["reason_raw"],
            r["handle_seconds"],
            r["wait_seconds"],
            r["channel"],
            r["_record"],
        )
        for r in parsed.rows
    ] == [
        (
            "A1",
            "C1",
            datetime(2024, 3, 1, 8, 15),
            datetime(2024, 3, 1, 8, 20),
            "facturation élevée",
            300.0,
            65.0,
            "phone",
            1,
        ),
        ("A2", None, datetime(2024, 3, 1, 9, 0), None, None, 3723.0, None, "phone", 2),
    ]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (6, "bad timestamp '31/02/2024 09:15' (expected %d/%m/%Y %H:%M or iso) in started_at (début)")
    ]


def test_columns_joined_by_one_space_and_per_column_nulls(tmp_path):
    text = (
        "vru+line,call_id,customer_id,priority,date,vru_entry,ser_time\n"
        "AA0204,43678,0,0,2010-08-01,0:10:10,17\n"
        "AA0103,34480,123,0,2010-08-01,9:26:36,0\n"
    )
    profile = {
        "format": "csv",
        "timestamp_format": "%Y-%m-%d %H:%M:%S",
        "timezone": "Asia/Jerusalem",
        "null_values": {"customer_ref": ["0"]},
        "columns": {
            "contact_id": ["vru+line", "call_id"],
            "started_at": ["date", "vru_entry"],
            "customer_ref": "customer_id",
            "transfers": "priority",
            "handle_seconds": "ser_time",
        },
    }
    rows = _parse(_write(tmp_path, text), "calls", profile).rows
    assert [(r["native_id"], r["started_at"], r["customer_ref"], r["transfers"]) for r in rows] == [
        ("AA0204 43678", datetime(2010, 7, 31, 21, 10, 10), None, 0),
        ("AA0103 34480", datetime(2010, 8, 1, 6, 26, 36), "123", 0),
    ]


def test_group_by_keeps_the_latest_event_per_key_ties_to_the_later_row(tmp_path):
    text = (
        "number,state,updated,opened\n"
        "INC1,New,1/3/2016 10:00,1/3/2016 09:00\n"
        "INC2,New,1/3/2016 11:00,1/3/2016 11:00\n"
        "INC1,Closed,5/3/2016 12:00,1/3/2016 09:00\n"
        "INC1,Resolved,2/3/2016 08:00,1/3/2016 09:00\n"
        "INC2,Active,1/3/2016 11:00,1/3/2016 11:00\n"
        "INC3,New,yesterday,1/3/2016 11:00\n"
        "?,New,1/3/2016 11:00,1/3/2016 11:00\n"
    )
    profile = {
        "format": "csv",
        "null_values": ["?"],
        "timestamp_format": "%d/%m/%Y %H:%M",
        "timezone": "UTC",
        "group_by": {"key": "number", "latest": "updated"},
        "columns": {"contact_id": "number", "status": "state", "started_at": "opened"},
    }
    parsed = _parse(_write(tmp_path, text), "tickets", profile)
    assert [(r["native_id"], r["status"], r["updated_at"], r["_record"]) for r in parsed.rows] == [
        ("INC1", "Closed", datetime(2016, 3, 5, 12), 3),
        ("INC2", "Active", datetime(2016, 3, 1, 11), 5),  # same timestamp: the later row wins
    ]
    assert parsed.superseded == 3
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (7, "bad timestamp 'yesterday' (expected %d/%m/%Y %H:%M) in group_by latest (updated)"),
        (8, "missing contact_id"),
    ]
    assert (parsed.rows_read, parsed.rows_loaded, len(parsed.rejects)) == (7, 5, 2)


def test_quoted_fields_spanning_lines_count_as_one_record(tmp_path):
    text = (
        "id,created,text\r\n"
        '1,2024-03-01,"line one\nline two\nline three"\r\n'
        '2,2024-03-01,"a ""quoted"" word, and a comma"\r\n'
        "3,2024-03-01\r\n"
        '4,2024-03-01,"ok"\r\n'
    )
    profile = {"format": "csv", "columns": {"contact_id": "id", "started_at": "created", "text": "text"}}
    parsed = _parse(_write(tmp_path, text), "tickets", profile)
    assert [(r["native_id"], r["text"], r["_record"]) for r in parsed.rows] == [
        ("1", "line one\nline two\nline three", 1),
        ("2", 'a "quoted" word, and a comma', 2),
        ("4", "ok", 4),
    ]
    assert [(r.line, r.reason, r.raw) for r in parsed.rejects] == [
        (6, "expected 3 fields, found 2", "3,2024-03-01")
    ]


def test_surveys_through_a_csv_profile(tmp_path):
    text = (
        "id,when,nps,sat,effort,remark,ticket\n"
        "S1,2024-03-01 10:00,9,4,2,fine,T1\n"
        "S2,2024-03-01 11:00,11,4,2,,T2\n"
        "S3,2024-03-01 12:00,,,,,\n"
    )
    profile = {
        "format": "csv",
        "timestamp_format": "%Y-%m-%d %H:%M",
        "scales": {"csat": [1, 5], "ces": [1, 5]},
        "columns": {
            "response_id": "id",
            "responded_at": "when",
            "nps": "nps",
            "csat": "sat",
            "ces": "effort",
            "comment": "remark",
            "ticket_ref": "ticket",
        },
    }
    parsed = _parse(_write(tmp_path, text), "surveys", profile, timezone="UTC")
    assert [
        (r["source_system"], r["response_id"], r["nps"], r["csat"], r["ces"], r["comment"], r["ticket_ref"])
        for r in parsed.rows
    ] == [("csv", "S1", 9.0, 4.0, 2.0, "fine", "T1"), ("csv", "S3", None, None, None, None, None)]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (3, "nps '11' outside its scale 0-10 in nps (nps)")
    ]


def test_missing_mapped_column_names_file_key_and_present_columns(tmp_path):
    path = _write(tmp_path, "Complaint ID,Date recieved,Issue\n1,2024-03-01,x\n")
    profile = {"format": "csv", "columns": {"contact_id": "Complaint ID", "started_at": "Date received"}}
    with pytest.raises(InputError) as info:
        _parse(path, "tickets", profile)
    assert str(info.value) == (
        f"{path}: sources.tickets.columns.started_at: column 'Date received' not found in the header; "
        "did you mean Date recieved? columns present: Complaint ID, Date recieved, Issue"
    )


def test_positional_column_beyond_the_record_width(tmp_path):
    path = _write(tmp_path, "1,2024-03-01\n")
    with pytest.raises(
        InputError, match=r"sources\.tickets\.columns\.text: column position 5 but records have 2 field"
    ):
        _parse(
            path,
            "tickets",
            {"format": "csv", "header": False, "columns": {"contact_id": 0, "started_at": 1, "text": 5}},
        )


def test_a_bad_constant_is_a_profile_error(tmp_path):
    path = _write(tmp_path, "id,d\n1,2024-03-01\n")
    with pytest.raises(
        InputError, match=r"sources\.calls\.constants\.transfers: bad integer 'two' in transfers"
    ):
        _parse(
            path,
            "calls",
            {
                "format": "csv",
                "columns": {"contact_id": "id", "started_at": "d"},
                "constants": {"transfers": "two"},
            },
        )


def test_200k_rows_stream_in_bounded_chunks(tmp_path, capsys):
    path = tmp_path / "big.csv"
    rng = random.Random(7)
    variants = [  # 997 distinct rows, cycled: writing stays cheap, values still vary
        [
            rng.randint(1, 50_000),
            (
                f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2024 {rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}:"
                f"{rng.randint(0, 59):02d} {rng.choice(['AM', 'PM'])}"
            ),
            rng.choice(["billing", "tech"]),
            rng.choice(["AGENT", "HANG"]),
            rng.randint(0, 900),
            f"0:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}",
            rng.choice(["free text, with a comma", ""]),
        ]
        for _ in range(997)
    ]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["call_id", "customer", "start", "queue", "outcome", "handle", "wait", "notes"])
        writer.writerows([f"C{i}", *variants[i % 997]] for i in range(200_000))
    config = build_config(
        {
            "sources": {
                "calls": {
                    "format": "csv",
                    "timestamp_format": "%m/%d/%Y %I:%M:%S %p",
                    "timezone": "America/New_York",
                    "columns": {
                        "contact_id": "call_id",
                        "customer_ref": "customer",
                        "started_at": "start",
                        "reason_raw": "queue",
                        "outcome": "outcome",
                        "handle_seconds": "handle",
                        "wait_seconds": "wait",
                        "text": "notes",
                    },
                    "constants": {"channel": "phone", "direction": "inbound"},
                }
            }
        }
    )
    started = time.perf_counter()
    sizes = [len(c.rows) + len(c.rejects) for c in parse_file(path, "calls", config)]
    seconds = time.perf_counter() - started
    assert sum(sizes) == 200_000 and max(sizes) == CHUNK_SIZE
    with capsys.disabled():
        print(f"\n  csv profile: 200,000 rows in {seconds:.2f}s ({200_000 / seconds:,.0f} rows/s)")


def test_channel_map_renames_raw_channels_and_keeps_the_others(tmp_path):
    # CFPB 'Submitted via' values: the profile maps two of them; the others pass as they are (lower-cased here,
    # normalised in dbt), so Fax, Postal mail and Referral stay three channels
    path = _write(
        tmp_path,
        "id,created,via\n1,2024-01-02,Web\n2,2024-01-02,Postal mail\n3,2024-01-02,Fax\n4,2024-01-02,Referral\n"
        "5,2024-01-02, WEB REFERRAL \n6,2024-01-02,\n",
    )
    profile = {
        "format": "csv",
        "timestamp_format": "%Y-%m-%d",
        "columns": {"contact_id": "id", "started_at": "created", "channel": "via"},
        "channel_map": {"Web Referral": "referral", "Postal mail": "letter"},
    }
    parsed = _parse(path, "tickets", profile)
    assert parsed.rows_read == 6 and not parsed.rejects
    assert [r["channel"] for r in parsed.rows] == ["web", "letter", "fax", "referral", "referral", None]
