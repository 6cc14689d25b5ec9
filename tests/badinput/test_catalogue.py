"""The bad-input catalogue (docs/bad_input.md, issue 15): every kind of bad input through the real loader.

Each case plants one file in a landing zone (or one whycall.yml) and runs the real ingest assets (Dagster
materialize of raw/* and raw/load_audit: discovery, the loader, the parsers) once per landing zone. For each
case the test checks, against values written here by hand (never taken from the code under test):
- the exact reject reason or error message the user gets ({path} is the planted file's absolute path);
- the audit row: status, and rows_read = rows_loaded + rows_rejected with the record count of the file as a
  person counts it (a file rejected whole counts as one rejected unit; an ignored or deferred file as none);
- whether it blocks: rejected files fail the blocking `<source>.rejected_files` check, a file whose rejected
  share is over quality.reject_ratio_max (5 %) fails the blocking `<source>.reject_ratio` check (the share
  computed here from the hand counts), a whycall.yml error stops the run before anything is loaded.
docs/bad_input.md must list exactly these cases with the same message and verdict (test_the_doc_lists_...).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from expectations.runner import run_checks
from orchestration.defs.ingest.audit import raw_load_audit
from orchestration.defs.ingest.calls import raw_calls
from orchestration.defs.ingest.reference import raw_reference
from orchestration.defs.ingest.surveys import raw_surveys
from orchestration.defs.ingest.tickets import raw_tickets
from orchestration.defs.resources import WhycallResource
from orchestration.settings import get_settings

BATCHES = (
    "tickets",
    "calls",
    "surveys",
    "departments",
    "reasons",
    "reason_map",
    "incidents",
    "actions",
    "volumes",
    "targets",
)
ASSETS = [raw_tickets, raw_calls, raw_surveys, raw_reference, raw_load_audit]
DOC = Path(__file__).resolve().parents[2] / "docs" / "bad_input.md"

# Verdicts, as the doc writes them.
STOPS = "yes: the run stops"
FILE = "yes: rejected_files check"
RATIO = "over 5 % of the file: reject_ratio check"
NO = "no (warned in the run summary)"


@dataclass(frozen=True)
class Case:
    id: str
    input: str  # tickets | calls | surveys | CSV profile | reference | landing zone | whycall.yml
    kind: str  # what is wrong, in a person's words
    outcome: str  # reject | rejected_file | ignored | deferred | error
    message: str  # exact; {path} is the planted file's absolute path
    blocks: str
    file: str = ""  # landing path of the planted file
    content: str | bytes = ""
    records: int = 0  # records in the file, counted by hand (0: rejected whole, ignored or deferred)
    rejected: int = 0  # how many of them are rejected (each with `message`)
    landing: str = "native"  # native (Zendesk / Talk / Qualtrics) | csv (CSV profiles) | own (whycall.yml)
    yml: str = ""  # the whycall.yml of an error case


def _ticket(n: int, **fields) -> dict:
    return {"id": n, "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T09:00:00Z",
            "status": "open", "via": {"channel": "email"}, "requester_id": 7, **fields}  # fmt: skip


def _page(*tickets) -> str:
    return json.dumps({"tickets": list(tickets), "end_of_stream": True})


def _call(n: int, **fields) -> dict:
    return {"id": n, "created_at": "2024-03-01T09:00:00Z", "updated_at": "2024-03-01T09:00:00Z",
            "direction": "inbound", "duration": 60, "talk_time": 50, "customer_id": 7, **fields}  # fmt: skip


def _calls(*calls) -> str:
    return json.dumps({"calls": list(calls), "end_of_stream": True})


QUALTRICS_IDS = "StartDate,EndDate,Finished,RecordedDate,ResponseId,Q1,Q2"
QUALTRICS_HEAD = "\n".join(
    [QUALTRICS_IDS, QUALTRICS_IDS, ",".join(f'"{{""ImportId"":""{c}""}}"' for c in QUALTRICS_IDS.split(","))]
)


def _qualtrics(*rows: str) -> str:
    return QUALTRICS_HEAD + "\n" + "\n".join(rows) + "\n"


GOOD_RESPONSE = "x,x,1,2024-03-01 10:00:00,R_ok{n},9,4"
TRUNCATED = _page(*[_ticket(n) for n in range(1, 6)])
TRUNCATED = TRUNCATED[: len(TRUNCATED) // 2]

NATIVE_YML = """
rules: {settle_seconds: 600}
sources:
  surveys: {questions: {nps: Q1, csat: Q2}, link: {}}
"""
CSV_YML = """
rules: {settle_seconds: 600}
sources:
  tickets:
    format: csv
    timestamp_format: "%Y-%m-%d %H:%M"
    timezone: UTC
    columns: {contact_id: id, started_at: created, text: text}
  calls:
    format: csv
    timestamp_format: "%Y-%m-%d %H:%M"
    timezone: UTC
    columns: {contact_id: id, started_at: at, handle_seconds: dur, wait_seconds: wait}
  surveys:
    format: csv
    timestamp_format: "%Y-%m-%d %H:%M"
    timezone: UTC
    columns: {response_id: id, responded_at: at, nps: nps, csat: csat}
"""
T_HEAD = "id,created,text\n"
T_OK = "1,2024-03-01 09:00,hello\n2,2024-03-01 09:05,again\n"
C_HEAD = "id,at,dur,wait\n"
C_OK = "1,2024-03-01 09:00,60,5\n2,2024-03-01 09:05,0:02:00,0\n"
S_HEAD = "id,at,nps,csat\n"
S_OK = "1,2024-03-01 09:00,9,4\n2,2024-03-01 09:05,3,2\n"
BAD_FORMAT = "sources:\n  tickets: {format: csv, columns: {contact_id: id, started_at: d}, "

CASES: list[Case] = [
    # --- Zendesk ticket pages -----------------------------------------------------------------------------------
    Case(
        "T01",
        "tickets",
        "page cut short (truncated download)",
        "rejected_file",
        "{path} line 1: truncated JSON: the document ends before it is complete, at byte 400 (Unterminated string starting at); the download was cut short; fetch the page again",
        FILE,
        "tickets/t01.json",
        TRUNCATED,
    ),
    Case(
        "T02",
        "tickets",
        "empty page",
        "rejected_file",
        "{path}: the file is empty; export the Zendesk ticket export page again, or remove the file",
        FILE,
        "tickets/t02.json",
        "",
    ),
    Case(
        "T03",
        "tickets",
        "HTML error page saved as .json",
        "rejected_file",
        "{path}: not JSON (it starts with '<html><body>429 Too Many Requests</body>'); tickets/ holds Zendesk JSON pages; for a CSV export set sources.tickets.format: csv with a profile (docs/profiles/)",
        FILE,
        "tickets/t03.json",
        "<html><body>429 Too Many Requests</body></html>",
    ),
    Case(
        "T05",
        "tickets",
        "JSON syntax error in the middle",
        "rejected_file",
        "{path} line 2: invalid JSON: Expecting property name enclosed in double quotes at column 10 (byte 23); fix or re-export the file",
        FILE,
        "tickets/t05.json",
        '{"tickets": [\n{"id": 1,, "created_at": "2024-03-01T09:00:00Z"}\n]}',
    ),
    Case(
        "T06",
        "tickets",
        "JSON page of unknown shape",
        "rejected_file",
        "{path}: not a Zendesk ticket export page: no 'tickets' or 'results' array (found ['count', 'items']); export with /api/v2/incremental/tickets (cursor or time based) or /exports/tickets",
        FILE,
        "tickets/t06.json",
        json.dumps({"items": [], "count": 0}),
    ),
    Case(
        "T07",
        "tickets",
        "a Talk calls page dropped in tickets/",
        "rejected_file",
        "{path}: this is a Zendesk Talk calls page ('calls'), not a ticket export; move it to calls/",
        FILE,
        "tickets/t07.json",
        _calls(_call(1)),
    ),
    Case(
        "T08",
        "tickets",
        "record that is not an object",
        "reject",
        "not a ticket object (int)",
        RATIO,
        "tickets/t08.json",
        json.dumps({"tickets": [_ticket(1), 2, _ticket(3)]}),
        3,
        1,
    ),
    Case(
        "T09",
        "tickets",
        "ticket without id",
        "reject",
        "missing id",
        RATIO,
        "tickets/t09.json",
        _page(_ticket(1), {k: v for k, v in _ticket(2).items() if k != "id"}, _ticket(3)),
        3,
        1,
    ),
    Case(
        "T10",
        "tickets",
        "created_at that is not a timestamp",
        "reject",
        "bad timestamp 'yesterday' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in created_at",
        RATIO,
        "tickets/t10.json",
        _page(_ticket(1), _ticket(2, created_at="yesterday"), _ticket(3)),
        3,
        1,
    ),
    Case(
        "T11",
        "tickets",
        "created_at missing",
        "reject",
        "missing created_at",
        RATIO,
        "tickets/t11.json",
        _page(_ticket(1), _ticket(2, created_at=None), _ticket(3)),
        3,
        1,
    ),
    Case(
        "T12",
        "tickets",
        "created_at in the future",
        "reject",
        "created_at 2999-01-01 00:00:00 is in the future",
        RATIO,
        "tickets/t12.json",
        _page(_ticket(1), _ticket(2, created_at="2999-01-01T00:00:00Z"), _ticket(3)),
        3,
        1,
    ),
    Case(
        "T13",
        "tickets",
        "updated_at that is not a timestamp",
        "reject",
        "bad timestamp 'soon' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in updated_at",
        RATIO,
        "tickets/t13.json",
        _page(_ticket(1), _ticket(2, updated_at="soon"), _ticket(3)),
        3,
        1,
    ),
    Case(
        "T14",
        "tickets",
        "legacy export: a count that is not a number",
        "reject",
        "bad integer 'two' in reopens",
        RATIO,
        "tickets/t14.json",
        json.dumps(
            {
                "results": [
                    {
                        "id": n,
                        "created_at": "2012-09-06 12:18:55 -0800",
                        "status": "Open",
                        "via": "Mail",
                        "reopens": r,
                    }
                    for n, r in ((1, "1"), (2, "two"), (3, "0"))
                ]
            }
        ),
        3,
        1,
    ),
    Case(
        "T15",
        "tickets",
        "side-loaded metric_sets with a bad count",
        "reject",
        "bad integer 'many' in metric_sets.reopens",
        RATIO,
        "tickets/t15.json",
        json.dumps(
            {
                "tickets": [_ticket(1), _ticket(2), _ticket(3)],
                "metric_sets": [{"ticket_id": 2, "reopens": "many"}],
            }
        ),
        3,
        1,
    ),
    Case(
        "T16",
        "tickets",
        "gzip page cut short",
        "rejected_file",
        "{path}: the gzip archive cannot be read (Compressed file ended before the end-of-stream marker was reached); the transfer was cut short or the file is not a gzip archive: deliver it again",
        FILE,
        "tickets/t16.json.gz",
        gzip.compress(_page(_ticket(1)).encode())[:-6],
    ),
    Case(
        "T17",
        "tickets",
        "zip holding two files",
        "rejected_file",
        "{path}: a .zip must hold exactly one file, this one holds 2 (a.json, b.json); deliver one archive per export",
        FILE,
        "tickets/t17.zip",
        b"zip",
    ),  # replaced by a real two-member zip in _plant
    Case(
        "T18",
        "tickets",
        "a CSV under the zendesk format",
        "ignored",
        "extension .csv is not read for tickets (format zendesk reads .json (also .json.gz and .zip); for a CSV export set sources.tickets.format: csv with a profile (docs/profiles/))",
        NO,
        "tickets/t18.csv",
        "id,subject\n1,hello\n",
    ),
    Case(
        "T19",
        "tickets",
        "page still being copied (modified seconds ago)",
        "deferred",
        "modified <n> s ago, less than rules.settle_seconds (600 s): it may still be being written; left for the next run",
        NO,
        "tickets/t19.json",
        _page(_ticket(1)),
    ),
    # --- Zendesk Talk call pages --------------------------------------------------------------------------------
    Case(
        "C01",
        "calls",
        "empty calls page",
        "rejected_file",
        "{path}: the file is empty; export the Zendesk Talk calls page again, or remove the file",
        FILE,
        "calls/c01.json",
        "\n  \n",
    ),
    Case(
        "C02",
        "calls",
        "HTML error page saved as .json",
        "rejected_file",
        "{path}: not JSON (it starts with '<html>502 Bad Gateway</html>'); calls/ holds Zendesk Talk JSON; for a CDR CSV set sources.calls.format: csv with a profile (docs/profiles/)",
        FILE,
        "calls/c02.json",
        "<html>502 Bad Gateway</html>",
    ),
    Case(
        "C03",
        "calls",
        "call without id",
        "reject",
        "missing id",
        RATIO,
        "calls/c03.json",
        _calls(_call(1), {k: v for k, v in _call(2).items() if k != "id"}, _call(3)),
        3,
        1,
    ),
    Case(
        "C04",
        "calls",
        "call created_at not a timestamp",
        "reject",
        "bad timestamp '2024-13-45' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in created_at",
        RATIO,
        "calls/c04.json",
        _calls(_call(1), _call(2, created_at="2024-13-45"), _call(3)),
        3,
        1,
    ),
    Case(
        "C05",
        "calls",
        "duration that is not a number",
        "reject",
        "bad duration 'long' in duration (expected seconds or H:MM:SS)",
        RATIO,
        "calls/c05.json",
        _calls(_call(1), _call(2, duration="long"), _call(3)),
        3,
        1,
    ),
    Case(
        "C06",
        "calls",
        "record that is not an object",
        "reject",
        "not a call object (str)",
        RATIO,
        "calls/c06.json",
        json.dumps({"calls": [_call(1), "call 2", _call(3)]}),
        3,
        1,
    ),
    Case(
        "C07",
        "calls",
        "a ticket page dropped in calls/",
        "rejected_file",
        "{path}: this is a Zendesk ticket export page, not a Talk calls page; move it to tickets/",
        FILE,
        "calls/c07.json",
        _page(_ticket(1)),
    ),
    # --- Qualtrics survey exports -------------------------------------------------------------------------------
    Case(
        "S01",
        "surveys",
        "NPS outside 0-10",
        "reject",
        "nps '14' outside its scale 0-10 in nps (Q1)",
        RATIO,
        "surveys/s01.csv",
        _qualtrics(
            GOOD_RESPONSE.format(n=1), "x,x,1,2024-03-01 10:00:00,R_2,14,4", GOOD_RESPONSE.format(n=3)
        ),
        3,
        1,
    ),
    Case(
        "S02",
        "surveys",
        "CSAT outside its scale",
        "reject",
        "csat '0' outside its scale 1-5 in csat (Q2)",
        RATIO,
        "surveys/s02.csv",
        _qualtrics(GOOD_RESPONSE.format(n=4), "x,x,1,2024-03-01 10:00:00,R_5,9,0", GOOD_RESPONSE.format(n=6)),
        3,
        1,
    ),
    Case(
        "S03",
        "surveys",
        "score that is not a number",
        "reject",
        "bad number 'nine' in nps (Q1)",
        RATIO,
        "surveys/s03.csv",
        _qualtrics(
            GOOD_RESPONSE.format(n=7), "x,x,1,2024-03-01 10:00:00,R_8,nine,4", GOOD_RESPONSE.format(n=9)
        ),
        3,
        1,
    ),
    Case(
        "S04",
        "surveys",
        "RecordedDate not a timestamp",
        "reject",
        "bad timestamp 'someday' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in responded_at (RecordedDate)",
        RATIO,
        "surveys/s04.csv",
        _qualtrics(GOOD_RESPONSE.format(n=10), "x,x,1,someday,R_11,9,4", GOOD_RESPONSE.format(n=12)),
        3,
        1,
    ),
    Case(
        "S05",
        "surveys",
        "response without ResponseId",
        "reject",
        "missing response_id (ResponseId)",
        RATIO,
        "surveys/s05.csv",
        _qualtrics(GOOD_RESPONSE.format(n=13), "x,x,1,2024-03-01 10:00:00,,9,4", GOOD_RESPONSE.format(n=15)),
        3,
        1,
    ),
    Case(
        "S06",
        "surveys",
        "export with a single header row",
        "rejected_file",
        "{path}: not a Qualtrics export: no ImportId row 3 and no legacy V1..V10 header; for a plain CSV set sources.surveys.format: csv with a profile (docs/profiles/)",
        FILE,
        "surveys/s06.csv",
        QUALTRICS_IDS + "\nx,x,1,2024-03-01 10:00:00,R_16,9,4\n",
    ),
    Case(
        "S07",
        "surveys",
        "export not in UTF-8",
        "rejected_file",
        "{path} line 4: cannot be decoded as utf-8-sig (invalid continuation byte); set sources.surveys.encoding in whycall.yml to the file's real encoding (e.g. latin-1 or cp1252)",
        FILE,
        "surveys/s07.csv",
        _qualtrics("x,x,1,2024-03-01 10:00:00,R_caf\xe9,9,4").encode("latin-1"),
    ),
    Case(
        "S08",
        "surveys",
        "row one field short",
        "reject",
        "expected 7 fields, found 6",
        RATIO,
        "surveys/s08.csv",
        _qualtrics(
            GOOD_RESPONSE.format(n=17), "x,x,1,2024-03-01 10:00:00,R_18,9", GOOD_RESPONSE.format(n=19)
        ),
        3,
        1,
    ),
    # --- reference files ----------------------------------------------------------------------------------------
    Case(
        "R01",
        "reference",
        "unknown reference name (case)",
        "ignored",
        "unknown reference file 'Reasons.csv' (did you mean reasons.csv?)",
        NO,
        "reference/Reasons.csv",
        "reason_code,label_en\nx,y\n",
    ),
    Case(
        "R02",
        "reference",
        "renamed column",
        "rejected_file",
        "{path} line 1: unknown column 'boss' in reference/departments.csv; expected header: department_id,name,manager,parent_id,volume_measure",
        FILE,
        "reference/departments.csv",
        "department_id,name,boss,parent_id,volume_measure\nBILL,Billing,Ann,,x\n",
    ),
    Case(
        "R03",
        "reference",
        "date that is not a date",
        "reject",
        "bad timestamp 'tomorrow' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) in started_at",
        RATIO,
        "reference/incidents.csv",
        "incident_id,title,department_id,reason_code,started_at,ended_at,proactive_notice_at\n"
        "I1,Outage,LOG,late_delivery,2024-03-01 08:00,2024-03-01 20:00,\n"
        "I2,Outage,LOG,late_delivery,tomorrow,2024-03-02 20:00,\n",
        2,
        1,
    ),
    Case(
        "R04",
        "reference",
        "volume that is not a number",
        "reject",
        "bad number 'many' in value",
        RATIO,
        "reference/volumes.csv",
        "date,department_id,measure,value\n2024-03-01,BILL,invoices_sent,12\n"
        "2024-03-02,BILL,invoices_sent,many\n",
        2,
        1,
    ),
    Case(
        "R05",
        "reference",
        "not a reference file extension",
        "ignored",
        "extension .txt is not read for reference (save the sheet as CSV, UTF-8)",
        NO,
        "reference/notes.txt",
        "remember the reasons\n",
    ),
    # --- the landing zone ---------------------------------------------------------------------------------------
    Case(
        "L01",
        "landing zone",
        "a file outside the source folders",
        "ignored",
        "not in a source folder (whycall reads tickets/, calls/, surveys/, ticket_events/, reference/ and whycall.yml)",
        NO,
        "README.txt",
        "landing zone of ACME\n",
    ),
    Case(
        "L02",
        "landing zone",
        "a folder whycall does not read",
        "ignored",
        "folder 'exports/' is not read (whycall reads tickets/, calls/, surveys/, ticket_events/, reference/)",
        NO,
        "exports/old.json",
        "{}",
    ),
    # --- CSV profiles -------------------------------------------------------------------------------------------
    Case(
        "P01",
        "CSV profile",
        "row with an extra field",
        "reject",
        "expected 3 fields, found 4",
        RATIO,
        "tickets/p01.csv",
        T_HEAD + T_OK + "3,2024-03-01 09:00,b,EXTRA\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P02",
        "CSV profile",
        "row with a missing field",
        "reject",
        "expected 3 fields, found 2",
        RATIO,
        "tickets/p02.csv",
        T_HEAD + T_OK + "3,2024-03-01 09:00\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P03",
        "CSV profile",
        "timestamp matching no format",
        "reject",
        "bad timestamp 'not a date' (expected %Y-%m-%d %H:%M) in started_at (created)",
        RATIO,
        "tickets/p03.csv",
        T_HEAD + T_OK + "3,not a date,x\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P04",
        "CSV profile",
        "missing contact_id",
        "reject",
        "missing contact_id",
        RATIO,
        "tickets/p04.csv",
        T_HEAD + T_OK + ",2024-03-01 09:00,no id\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P05",
        "CSV profile",
        "missing started_at",
        "reject",
        "missing started_at",
        RATIO,
        "tickets/p05.csv",
        T_HEAD + T_OK + "3,,no date\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P06",
        "CSV profile",
        "started_at in the future",
        "reject",
        "started_at (created) 2999-01-01 00:00:00 is in the future",
        RATIO,
        "tickets/p06.csv",
        T_HEAD + T_OK + "3,2999-01-01 00:00,typo\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P07",
        "CSV profile",
        "quote never closed (runaway quote)",
        "reject",
        "unterminated quoted field: a quote opened on line 3 is not closed where the record should end "
        "(unexpected end of data); line 3 rejected, reading resumed on the next line",
        RATIO,
        "tickets/p07.csv",
        'id,created,text\n1,2024-03-01 09:00,a\n2,2024-03-01 09:00,"oops\n3,2024-03-01 09:00,c\n',
        3,
        1,
        "csv",
    ),
    Case(
        "P08",
        "CSV profile",
        "stray quote inside a field",
        "reject",
        "unreadable CSV record: ',' expected after '\"'",
        RATIO,
        "tickets/p08.csv",
        T_HEAD + T_OK + '3,2024-03-01 09:00,"say "hi" now"\n',
        3,
        1,
        "csv",
    ),
    Case(
        "P09",
        "CSV profile",
        "file in another encoding",
        "rejected_file",
        "{path} line 3: cannot be decoded as utf-8-sig (invalid continuation byte); set sources.tickets.encoding "
        "in whycall.yml to the file's real encoding (e.g. latin-1 or cp1252)",
        FILE,
        "tickets/p09.csv",
        (T_HEAD + "1,2024-03-01 09:00,ok\n2,2024-03-01 09:05,d\xe9j\xe0 vu\n").encode("latin-1"),
        landing="csv",
    ),
    Case(
        "P10",
        "CSV profile",
        "mapped column missing from the header",
        "rejected_file",
        "{path}: sources.tickets.columns.started_at: column 'created' not found in the header; did you mean "
        "created_at? columns present: id, created_at, text",
        FILE,
        "tickets/p10.csv",
        "id,created_at,text\n1,2024-03-01 09:00,x\n",
        landing="csv",
    ),
    Case(
        "P11",
        "CSV profile",
        "wrong delimiter",
        "rejected_file",
        "{path}: sources.tickets.columns.contact_id: column 'id' not found in the header; the header is a single column: set sources.tickets.delimiter: ';'. columns present: id;created;text",
        FILE,
        "tickets/p11.csv",
        "id;created;text\n1;2024-03-01 09:00;x\n",
        landing="csv",
    ),
    Case(
        "P12",
        "CSV profile",
        "empty file",
        "rejected_file",
        "{path}: the file is empty; export it again, or remove it from the landing zone",
        FILE,
        "tickets/p12.csv",
        "",
        landing="csv",
    ),
    Case(
        "P13",
        "CSV profile",
        "negative duration",
        "reject",
        "negative duration '-30' in handle_seconds (dur)",
        RATIO,
        "calls/p13.csv",
        C_HEAD + C_OK + "3,2024-03-01 09:00,-30,0\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P14",
        "CSV profile",
        "duration that is not a number",
        "reject",
        "bad duration 'ten' in handle_seconds (dur) (expected seconds or H:MM:SS)",
        RATIO,
        "calls/p14.csv",
        C_HEAD + C_OK + "3,2024-03-01 09:00,ten,0\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P15",
        "CSV profile",
        "survey score outside its scale",
        "reject",
        "nps '11' outside its scale 0-10 in nps (nps)",
        RATIO,
        "surveys/p15.csv",
        S_HEAD + S_OK + "3,2024-03-01 09:00,11,4\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P16",
        "CSV profile",
        "missing response_id",
        "reject",
        "missing response_id",
        RATIO,
        "surveys/p16.csv",
        S_HEAD + S_OK + ",2024-03-01 09:00,9,4\n",
        3,
        1,
        "csv",
    ),
    Case(
        "P17",
        "CSV profile",
        "a JSON page under a CSV profile",
        "ignored",
        "extension .json is not read for tickets (format csv reads .csv, .tsv, .txt (also .csv.gz, .tsv.gz, .txt.gz and .zip))",
        NO,
        "tickets/p17.json",
        _page(_ticket(1)),
        landing="csv",
    ),
    # --- whycall.yml --------------------------------------------------------------------------------------------
    Case(
        "Y01",
        "whycall.yml",
        "misspelt profile key",
        "error",
        "{path}: sources.tickets.delimeter: unknown key 'delimeter'; did you mean delimiter? allowed: format, delimiter, quotechar, encoding, header, skip_rows, null_values, timestamp_format, timezone, columns, constants, channel_map, group_by",
        STOPS,
        landing="own",
        yml="sources:\n  tickets:\n    format: csv\n    delimeter: ';'\n"
        "    columns: {contact_id: id, started_at: created}\n",
    ),
    Case(
        "Y02",
        "whycall.yml",
        "unknown canonical column",
        "error",
        "{path}: sources.tickets.columns.strated_at: unknown canonical column 'strated_at'; did you mean started_at? allowed: contact_id, updated_at, is_deleted, customer_ref, started_at, ended_at, channel, direction, reason_raw, tags, department_raw, subject, text, status, ticket_type, problem_id, group_id, agent_id, reopens, transfers, replies, first_reply_minutes, full_resolution_minutes, handle_seconds, wait_seconds, outcome, ticket_ref, satisfaction, organization_ref",
        STOPS,
        landing="own",
        yml=BAD_FORMAT.replace("started_at: d", "strated_at: d") + "}\n",
    ),
    Case(
        "Y03",
        "whycall.yml",
        "required column not mapped",
        "error",
        "{path}: sources.tickets.columns: started_at is required for tickets but not mapped; add started_at: <the source column holding it>",
        STOPS,
        landing="own",
        yml="sources:\n  tickets: {format: csv, columns: {contact_id: id}}\n",
    ),
    Case(
        "Y04",
        "whycall.yml",
        "impossible timestamp format",
        "error",
        "{path}: sources.tickets.timestamp_format: impossible timestamp format '%d/%m/%Y %k:%M': strptime rejects it ('k' is a bad directive in format '%d/%m/%Y %k:%M'); use Python strptime directives, e.g. \"%d/%m/%Y %H:%M\"",
        STOPS,
        landing="own",
        yml=BAD_FORMAT + 'timestamp_format: "%d/%m/%Y %k:%M"}\n',
    ),
    Case(
        "Y05",
        "whycall.yml",
        "YAML that does not parse",
        "error",
        "{path} line 3 column 1: invalid YAML: found character '\\t' that cannot start any token. Fix the syntax there; quote values that start with % or contain ': ' (e.g. timestamp_format: \"%d/%m/%Y %H:%M\")",
        STOPS,
        landing="own",
        yml="sources:\n  tickets:\n\tformat: csv\n",
    ),
    Case(
        "Y06",
        "whycall.yml",
        "a key given twice",
        "error",
        "{path} line 2 column 1: invalid YAML: key 'timezone' is given twice in the same mapping. Fix the syntax there; quote values that start with % or contain ': ' (e.g. timestamp_format: \"%d/%m/%Y %H:%M\")",
        STOPS,
        landing="own",
        yml="timezone: UTC\ntimezone: Europe/Paris\n",
    ),
    Case(
        "Y07",
        "whycall.yml",
        "unknown format",
        "error",
        "{path}: sources.calls.format: unknown format 'zendesk' for calls; did you mean zendesk_talk? allowed: zendesk_talk, csv",
        STOPS,
        landing="own",
        yml="sources:\n  calls: {format: zendesk}\n",
    ),
    Case(
        "Y08",
        "whycall.yml",
        "unknown time zone",
        "error",
        "{path}: timezone: unknown time zone 'Europe/Bruxelles'; did you mean Europe/Brussels?",
        STOPS,
        landing="own",
        yml="timezone: Europe/Bruxelles\n",
    ),
    Case(
        "Y09",
        "whycall.yml",
        "unknown encoding",
        "error",
        "{path}: sources.tickets.encoding: unknown encoding 'latin-9'; e.g. utf-8, utf-8-sig, latin-1, cp1252, utf-16",
        STOPS,
        landing="own",
        yml=BAD_FORMAT + "encoding: latin-9}\n",
    ),
    Case(
        "Y10",
        "whycall.yml",
        "channel_map without a channel column",
        "error",
        "{path}: sources.tickets.channel_map: channel is not mapped to a column, so there is no raw value to map; add columns.channel: <the source column holding the channel>, or remove sources.tickets.channel_map",
        STOPS,
        landing="own",
        yml=BAD_FORMAT + "channel_map: {Fax: letter}}\n",
    ),
    Case(
        "Y11",
        "whycall.yml",
        "a cost that is not a number",
        "error",
        "{path}: cost_per_minute.phone: expected a number, found a string ('cheap')",
        STOPS,
        landing="own",
        yml="cost_per_minute: {phone: cheap, default: 0.6}\n",
    ),
    Case(
        "Y12",
        "whycall.yml",
        "settings that are a list",
        "error",
        "{path}: (top level): expected a mapping of settings, found a list (['just', 'a list']); start the file with keys such as 'timezone:' and 'sources:'",
        STOPS,
        landing="own",
        yml="- just\n- a list\n",
    ),
]


# --- running the real ingest ------------------------------------------------------------------------------------


def _plant(landing: Path, case: Case) -> Path:
    path = landing / case.file
    path.parent.mkdir(parents=True, exist_ok=True)
    if case.id == "T17":
        import zipfile

        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("a.json", _page(_ticket(1)))
            archive.writestr("b.json", _page(_ticket(2)))
    else:
        content = case.content
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _ingest(landing: Path, tmp: Path, assets=ASSETS) -> tuple[dg.ExecuteInProcessResult, Path]:
    warehouse = tmp / "wh" / "whycall.duckdb"
    resource = WhycallResource(landing_dir=str(landing), warehouse=str(warehouse))
    result = dg.materialize(assets, resources={"whycall": resource}, raise_on_error=False)
    return result, get_settings(landing, warehouse).state_db


def _run_landing(tmp: Path, name: str, yml: str) -> dict:
    """Plant every case of landing `name`, ingest once; per case: audit row, rejects, paths."""
    landing = tmp / name
    landing.mkdir()
    (landing / "whycall.yml").write_text(yml)
    cases = [c for c in CASES if c.landing == name]
    paths = {c.id: _plant(landing, c) for c in cases}
    an_hour_ago = time.time() - 3600
    for path in landing.rglob("*"):
        if path.is_file():
            os.utime(path, (an_hour_ago, an_hour_ago))
    for case in cases:
        if case.outcome == "deferred":
            os.utime(paths[case.id], None)  # still being copied: modified just now
    result, state = _ingest(landing, tmp / name)
    assert result.success
    con = duckdb.connect(str(state), read_only=True)
    try:
        audit = con.execute("SELECT * FROM raw.load_audit WHERE run_id = ?", [result.run_id]).df()
        rejects = con.execute("SELECT file, line, reason FROM raw.rejects WHERE run_id = ?",
                              [result.run_id]).fetchall()  # fmt: skip
    finally:
        con.close()
    # the rejects checks of every batch (an empty frame for the batch's own rows: only the audit is judged here)
    batches = {name: audit.iloc[0:0] for name in BATCHES}
    checks = {r.check: r for r in run_checks({"load_audit": audit, **batches}, run_id=result.run_id)}
    return {"audit": audit, "rejects": rejects, "paths": paths, "checks": checks}


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("catalogue")
    return {"native": _run_landing(tmp, "native", NATIVE_YML), "csv": _run_landing(tmp, "csv", CSV_YML)}


def _failure(result: dg.ExecuteInProcessResult) -> str:
    failures = [e for e in result.all_events if e.is_step_failure]
    assert failures, "the run did not stop"
    data = failures[0].step_failure_data
    return data.user_failure_data.description if data.user_failure_data else data.error.message


FILE_CASES = [c for c in CASES if c.outcome != "error"]
CONFIG_CASES = [c for c in CASES if c.outcome == "error"]


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.id)
def test_a_bad_file_is_accounted_for_with_its_exact_reason(runs, case):
    run = runs[case.landing]
    path = run["paths"][case.id]
    message = case.message.replace("{path}", str(path))
    rows = run["audit"][run["audit"]["file"] == case.file]
    assert len(rows) == 1, f"{case.file}: one audit row, found {len(rows)}"
    row = rows.iloc[0]
    assert row["status"] == {"reject": "loaded"}.get(case.outcome, case.outcome)
    expected = {
        "reject": (case.records, case.records - case.rejected, case.rejected),
        "rejected_file": (1, 0, 1),  # the file, rejected whole
    }.get(case.outcome, (0, 0, 0))
    assert (row["rows_read"], row["rows_loaded"], row["rows_rejected"]) == expected
    assert row["rows_read"] == row["rows_loaded"] + row["rows_rejected"]
    reasons = [reason for file, _, reason in run["rejects"] if file == case.file]
    if case.outcome == "reject":
        assert reasons == [message] * case.rejected
    elif case.outcome == "rejected_file":
        assert row["reason"] == message
        assert reasons == [message]
    else:  # ignored, deferred (how long ago the file changed is the clock's, not the case's)
        assert re.sub(r"modified \d+ s ago", "modified <n> s ago", row["reason"]) == message
        assert reasons == []
    # whether it blocks, from the blocking checks over the audit
    folder = case.file.split("/")[0] if "/" in case.file else "landing"
    source = (
        Path(case.file).name.split(".")[0] if folder == "reference" else folder
    )  # a reference file's batch
    file_check = run["checks"].get(f"{source}.rejected_files")
    ratio_check = run["checks"].get(f"{source}.reject_ratio")
    if case.blocks == FILE:
        assert file_check is not None and not file_check.passed and file_check.severity == "block"
        assert case.file in file_check.details
    elif case.blocks == RATIO:
        assert case.rejected / case.records > 0.05  # the share, from the hand counts
        assert ratio_check is not None and not ratio_check.passed and ratio_check.severity == "block"
        assert case.file in ratio_check.details
    else:
        for check in (file_check, ratio_check):
            assert check is None or case.file not in check.details


@pytest.mark.parametrize("case", CONFIG_CASES, ids=lambda c: c.id)
def test_a_bad_whycall_yml_stops_the_run_with_its_exact_message(tmp_path, case):
    landing = tmp_path / "landing"
    (landing / "tickets").mkdir(parents=True)
    (landing / "tickets" / "page.json").write_text(_page(_ticket(1)))
    (landing / "whycall.yml").write_text(case.yml)
    result, state = _ingest(landing, tmp_path, [raw_tickets])  # the first asset to read whycall.yml
    assert not result.success
    assert _failure(result) == case.message.replace("{path}", str(landing / "whycall.yml"))
    if state.exists():  # nothing was loaded
        con = duckdb.connect(str(state), read_only=True)
        try:
            tables = {t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw'")
                      .fetchall()}  # fmt: skip
            if "tickets" in tables:
                assert con.execute("SELECT count(*) FROM raw.tickets").fetchone() == (0,)
        finally:
            con.close()


# --- the doc ----------------------------------------------------------------------------------------------------


def doc_row(case: Case) -> str:
    """The catalogue row of a case, as docs/bad_input.md writes it."""
    message = case.message.replace("{path}", "<file>").replace("|", "\\|")
    where = case.file or "whycall.yml"
    return f"| {case.id} | {case.input} | {case.kind} | `{where}` | {case.outcome} | `{message}` | {case.blocks} |"


def test_the_doc_lists_every_case_and_only_them():
    rows = [
        line for line in DOC.read_text(encoding="utf-8").splitlines() if re.match(r"\| [A-Z]\d\d \|", line)
    ]
    assert rows == [doc_row(c) for c in CASES]
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
