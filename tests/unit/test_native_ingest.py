"""The DuckDB fast path (parsers/native.py) loads exactly what the Python parsers load.

Every case loads the same files twice, through the pure-Python path and through the native path,
into two state databases, and compares raw.<table> (but _loaded_at), raw.rejects (but run_id) and
raw.load_audit (but run_id, loaded_at), or the error both paths stop with.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from generator.landing import generate_landing
from orchestration.lib import loader
from orchestration.lib.config import build_config, load_config
from orchestration.lib.loader import connect_state, load_file, load_files
from orchestration.lib.parsers import discover_files, native_reader, parse_file
from orchestration.lib.parsers import native as native_module

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
TICKET_FIXTURES = sorted((FIXTURES / "zendesk").glob("*.json"))
CALL_FIXTURES = sorted((FIXTURES / "zendesk_talk").glob("*.json*")) + sorted((FIXTURES / "twilio").glob("*.json"))
DEFAULT = load_config(Path("/nonexistent"))
FUTURE = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Spy:
    """The native reader, counting what the SQL converted and what it left to Python."""

    def __init__(self, source: str, config):
        self.reader = native_reader(source, config)
        self.sql_rows = 0
        self.left = 0
        self.pages = 0

    def load_batch(self, con, table, files):
        if self.reader is None:
            return {}
        done = self.reader.load_batch(con, table, files)
        self.pages += len(done)
        for result in done.values():
            self.sql_rows += result.rows
            rest = list(result.rest)
            self.left += sum(len(c.rows) + len(c.rejects) for c in rest)
            result.rest = iter(rest)
        return done


def _snapshot(con, table: str) -> dict:
    return {
        table: con.execute(f"SELECT * EXCLUDE (_loaded_at) FROM raw.{table} ORDER BY ALL").fetchall(),
        "rejects": con.execute("SELECT * EXCLUDE (run_id) FROM raw.rejects ORDER BY ALL").fetchall(),
        "audit": con.execute("SELECT * EXCLUDE (run_id, loaded_at) FROM raw.load_audit ORDER BY ALL").fetchall(),
    }


def _load(db: Path, landing: Path, files: list[Path], source: str, config, native) -> tuple[dict, str | None]:
    con = connect_state(db)
    error = None
    try:
        list(load_files(con, run_id="r", source=source, table=source, landing=landing, files=files,
                        chunks=lambda p: parse_file(p, source, config), native=native))  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - InputError, or a crash both paths must share
        error = f"{type(exc).__name__}: {exc}"
    try:
        return _snapshot(con, source), error
    finally:
        con.close()


def both(tmp_path: Path, files: list[Path], source: str, config=DEFAULT, landing: Path | None = None) -> Spy:
    """Load ``files`` through both paths; assert identical results; return the native spy."""
    landing = landing or files[0].parent
    spy = Spy(source, config)
    python = _load(tmp_path / "python.duckdb", landing, files, source, config, None)
    native = _load(tmp_path / "native.duckdb", landing, files, source, config, spy)
    assert native[1] == python[1]  # the same error, or none
    for key in python[0]:
        assert native[0][key] == python[0][key], key
    return spy


def _page(tmp_path: Path, data, name: str = "page.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# --- vendor fixtures (shared/fixtures) ---------------------------------------------------------------
@pytest.mark.parametrize("fixture", TICKET_FIXTURES, ids=lambda p: p.name)
def test_zendesk_fixture_pages(tmp_path, fixture):
    config = build_config({"sources": {"tickets": {"reason_field_id": 27642}}})
    for cfg in (DEFAULT, config):
        both(tmp_path / str(id(cfg)), [fixture], "tickets", cfg)


@pytest.mark.parametrize("fixture", CALL_FIXTURES, ids=lambda p: p.name)
def test_talk_fixture_pages(tmp_path, fixture):
    config = build_config({"sources": {"calls": {"reason_field": "completion_status", "transfer_field": "hop_count"}}})
    for cfg in (DEFAULT, config):
        both(tmp_path / str(id(cfg)), [fixture], "calls", cfg)


def test_fixture_pages_are_read_in_sql(tmp_path):
    """The comparisons above are not vacuous: the modern pages and the Talk array go through SQL."""
    spy = Spy("tickets", DEFAULT)
    con = connect_state(tmp_path / "state.duckdb")
    pages = [FIXTURES / "zendesk" / n for n in ("tickets_list_offset_page1_requested.json",
                                                 "tickets_incremental_time_based_doc_example.json")]  # fmt: skip
    list(load_files(con, run_id="r", source="tickets", table="tickets", landing=FIXTURES, files=pages,
                    chunks=lambda p: parse_file(p, "tickets", DEFAULT), native=spy))  # fmt: skip
    assert (spy.pages, spy.sql_rows, spy.left) == (2, 101, 0)
    calls = Spy("calls", DEFAULT)
    list(load_files(con, run_id="r", source="calls", table="calls", landing=FIXTURES,
                    files=[FIXTURES / "zendesk_talk" / "calls_records.json"],
                    chunks=lambda p: parse_file(p, "calls", DEFAULT), native=calls))  # fmt: skip
    assert (calls.pages, calls.sql_rows, calls.left) == (1, 8, 0)


# --- generated landing zones ---------------------------------------------------------------------
@pytest.fixture(scope="module", params=[False, True], ids=["no_metric_sets", "metric_sets"])
def generated(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("landing")
    generate_landing(out, days=6, contacts_per_day=60, seed=5, end=date(2026, 3, 29), metric_sets=request.param)
    return out


@pytest.mark.parametrize("source", ["tickets", "calls"])
def test_generated_landing_zone(tmp_path, generated, source):
    config = load_config(generated)
    files = discover_files(generated, source, config)
    spy = both(tmp_path, files, source, config, landing=generated)
    assert spy.pages == len(files) and spy.sql_rows > 100 and spy.left == 0


def test_generated_pages_in_small_batches(tmp_path, generated, monkeypatch):
    monkeypatch.setattr(loader, "NATIVE_BATCH_FILES", 3)
    monkeypatch.setattr(native_module, "STAGE_BYTES", 1)  # one statement per page
    config = load_config(generated)
    files = discover_files(generated, "tickets", config)
    assert both(tmp_path, files, "tickets", config, landing=generated).pages == len(files)


# --- bad or unusual records inside good pages: the Python converter takes them over -------------------
def _ticket(i, **fields):
    base = {
        "id": i,
        "created_at": "2024-03-01T09:00:00Z",
        "updated_at": "2024-03-01T10:00:00Z",
        "status": "open",
        "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
        "requester_id": 7000 + i,
        "subject": f"Subject {i}",
        "raw_subject": f"Subject {i}",
        "description": f"Text of {i}",
        "type": "question",
        "tags": ["a", "b"],
        "custom_fields": [{"id": 360000000001, "value": "billing"}, {"id": 2, "value": "x"}],
        "satisfaction_rating": {"score": "unoffered"},
        "group_id": 10,
        "assignee_id": 20,
        "problem_id": None,
    }
    return {**base, **fields}


UNUSUAL_TICKETS = [
    {"id": None}, {"id": ""}, {"id": " 7 "}, {"id": 8.0}, {"id": True}, {"id": "abc"},
    {"id": 123456789012345678901234567890}, {"id": "caf\u00e9"}, {"id": "\u00a0x"}, {"id": -5},
    {"created_at": "yesterday"}, {"created_at": None}, {"created_at": 1709283600}, {"created_at": "1709283600"},
    {"created_at": "2024-03-01 09:00:00"}, {"created_at": "2024-03-01T09:00:00+0100"},
    {"created_at": FUTURE}, {"created_at": "2999-01-01T00:00:00Z"}, {"created_at": "2024-03-01T09:00:00.123Z"},
    {"created_at": "2024-03-01T09:00:00.5+05:30"}, {"created_at": "2024-03-01T23:30:00-08:00"},
    {"created_at": "2024-02-30T09:00:00Z"}, {"created_at": "2024-03-01T24:00:00Z"},
    {"created_at": "2024-03-01t09:00:00z"}, {"created_at": " 2024-03-01T09:00:00Z"},
    {"created_at": "2024-03-01T09:00:00.1234567Z"}, {"created_at": "Fri, 01 Mar 2024 09:00:00 +0000"},
    {"updated_at": None}, {"updated_at": "soon"}, {"updated_at": ""}, {"updated_at": 1709283600},
    {"status": "deleted"}, {"status": "Deleted"}, {"status": " open "}, {"status": "\u00c9tat"}, {"status": 3},
    {"status": ""}, {"status": None},
    {"via": {"channel": "Voice", "source": {"rel": "outbound"}}}, {"via": {"channel": "voice", "source": {"rel": "Outbound_Call"}}},
    {"via": {"channel": "api", "source": {"rel": 5}}}, {"via": "web"}, {"via": {"channel": "web", "source": "x"}},
    {"via": {"channel": None}}, {"via": {"channel": "  "}}, {"via": None}, {"via": {"channel": "İnstagram"}},
    {"custom_fields": [{"id": 360000000001, "value": 5}]}, {"custom_fields": [{"id": 360000000001, "value": " spaced "}]},
    {"custom_fields": [{"id": "360000000001", "value": "as string id"}]}, {"custom_fields": [{"id": 360000000001.0, "value": "float id"}]},
    {"custom_fields": None, "fields": [{"id": 360000000001, "value": "from fields"}]},
    {"custom_fields": [{"id": 360000000001, "value": None}], "fields": [{"id": 360000000001, "value": "later"}]},
    {"custom_fields": [{"id": 2, "value": "x"}], "fields": [{"id": 360000000001, "value": "in fields"}]},
    {"custom_fields": ["junk", {"id": 360000000001, "value": ["a", "b"]}]}, {"custom_fields": {"id": 360000000001}},
    {"custom_fields": [{"id": 360000000001, "value": 1.5}]}, {"custom_fields": [{"id": 360000000001, "value": True}]},
    {"tags": []}, {"tags": ["x", "", None, "y"]}, {"tags": [" spaced ", "z"]}, {"tags": "one two"}, {"tags": [1, 2]},
    {"tags": None}, {"tags": [["nested"]]}, {"tags": "  "}, {"tags": ["caf\u00e9"]},
    {"description": ""}, {"description": "   "}, {"description": 0}, {"description": False}, {"description": None},
    {"description": "line\nbreak \"quoted\" \\ back\\slash \u2028"},
    {"satisfaction_rating": "Good"}, {"satisfaction_rating": {"score": "Bad"}}, {"satisfaction_rating": {"score": None}},
    {"satisfaction_rating": 5}, {"satisfaction_rating": {}}, {"satisfaction_rating": ""}, {"satisfaction_rating": None},
    {"satisfaction_rating": {"id": 1, "score": "good", "comment": "thanks"}}, {"satisfaction_rating": {"score": "\u00c9"}},
    {"subject": None, "raw_subject": "raw one"}, {"subject": "", "raw_subject": "raw"}, {"subject": 42},
    {"subject": "Caf\u00e9 \"quoted\" \\ back"}, {"subject": "\u3000wide space"}, {"subject": "tab\t"},
    {"subject": "nul\u0000inside"}, {"subject": "emoji \U0001F600"}, {"subject": "a/b </script>"}, {"subject": "x\u200b"},
    {"type": "Incident"}, {"type": None}, {"problem_id": "123"}, {"problem_id": 0}, {"group_id": -1},
    {"requester_id": 0}, {"requester_id": None}, {"assignee_id": "  "},
    {"metric_set": {"reopens": 1, "replies": 2, "group_stations": 3, "reply_time_in_minutes": {"calendar": 5, "business": 1},
                    "full_resolution_time_in_minutes": {"calendar": 60.5}}},
    {"metric_set": {"reopens": "2", "replies": None}}, {"metric_set": {"reopens": 2.0}}, {"metric_set": {"reopens": True}},
    {"metric_set": {"replies": 2.5}}, {"metric_set": {"group_stations": 0}}, {"metric_set": {"group_stations": "x"}},
    {"metric_set": {"reply_time_in_minutes": 12}}, {"metric_set": {"reply_time_in_minutes": "12"}},
    {"metric_set": {"reply_time_in_minutes": {"calendar": None}}}, {"metric_set": {"reply_time_in_minutes": [1]}},
    {"metric_set": {"full_resolution_time_in_minutes": {"calendar": True}}}, {"metric_set": {}}, {"metric_set": "x"},
    {"metric_set": {"reply_time_in_minutes": {"calendar": 1e300}}}, {"metric_set": {"replies": 2147483647}},
]  # fmt: skip


def _unusual_page(**envelope):
    tickets = [_ticket(i, **fields) for i, fields in enumerate(UNUSUAL_TICKETS, start=1)]
    tickets[3:3] = ["not an object", 12, None, ["a list"], {}]
    for i in range(len(tickets)):  # good records between the unusual ones
        if i % 3 == 0:
            tickets.insert(i, _ticket(1000 + i))
    return {"tickets": tickets, **envelope}


@pytest.mark.parametrize("reason", [None, 360000000001])
def test_unusual_ticket_records_go_to_python(tmp_path, reason):
    config = build_config({"sources": {"tickets": {"reason_field_id": reason}}})
    spy = both(tmp_path, [_page(tmp_path, _unusual_page(end_of_stream=True))], "tickets", config)
    assert spy.pages == 1 and spy.sql_rows > 60 and spy.left > 40  # both halves exercised


def test_unusual_records_in_a_bare_array(tmp_path):
    spy = both(tmp_path, [_page(tmp_path, _unusual_page()["tickets"])], "tickets")
    assert spy.pages == 1 and spy.sql_rows > 60 and spy.left > 40


def test_side_loaded_metric_sets(tmp_path):
    page = _unusual_page()
    ids = [t["id"] for t in page["tickets"] if isinstance(t, dict) and isinstance(t.get("id"), int)]
    page["metric_sets"] = [
        {"ticket_id": i, "reopens": i % 3, "replies": i % 5, "group_stations": i % 4,
         "reply_time_in_minutes": {"calendar": i, "business": 1}, "full_resolution_time_in_minutes": {"calendar": i * 1.5}}
        for i in ids[::2]
    ] + [{"ticket_id": "1001", "reopens": 9}, "junk", {"ticket_id": None}, {"reopens": 1},
         {"ticket_id": ids[1], "replies": "7"}, {"ticket_id": 99999, "reopens": 1}]  # fmt: skip
    spy = both(tmp_path, [_page(tmp_path, page)], "tickets")
    assert spy.sql_rows > 60


@pytest.mark.parametrize(
    "metric_sets",
    [
        [{"ticket_id": 1, "reopens": 1}, {"ticket_id": 1, "reopens": 2}],  # the last one wins: Python reads it
        [{"ticket_id": 1.0, "reopens": 1}],  # str(1.0) is "1.0"
        [{"ticket_id": True, "reopens": 1}],
        {"ticket_id": 1},  # not a list: no side-load
    ],
)
def test_unusual_metric_set_side_loads(tmp_path, metric_sets):
    page = {"tickets": [_ticket(1), _ticket(2)], "metric_sets": metric_sets}
    both(tmp_path, [_page(tmp_path, page)], "tickets")


def _call(i, **fields):
    base = {
        "id": 360000 + i,
        "created_at": "2024-03-01T09:00:00Z",
        "updated_at": "2024-03-01T09:10:00Z",
        "agent_id": 99,
        "customer_id": 55,
        "direction": "inbound",
        "duration": 300,
        "talk_time": 200,
        "hold_time": 30,
        "wrap_up_time": 45,
        "wait_time": 12,
        "completion_status": "completed",
        "ticket_id": None,
        "transfers": 1,
        "wrap_up_reason": "billing",
    }
    return {**base, **fields}


UNUSUAL_CALLS = [
    {"id": None}, {"id": "  "}, {"id": 7.5}, {"created_at": None}, {"created_at": "2024-03-01 09:00:00"},
    {"created_at": FUTURE}, {"created_at": "2024-03-01T09:00:00-03:30"}, {"updated_at": None}, {"updated_at": "x"},
    {"duration": -5}, {"duration": "1:00"}, {"duration": 18.5}, {"duration": None}, {"duration": "60"}, {"duration": 0},
    {"talk_time": None}, {"talk_time": 0}, {"talk_time": 1.25, "hold_time": None, "wrap_up_time": 0.5},
    {"hold_time": -1}, {"wrap_up_time": "00:45"}, {"wait_time": None}, {"wait_time": -0.0}, {"wait_time": True},
    {"customer_id": 0}, {"customer_id": "0"}, {"customer_id": " 0 "}, {"agent_id": 0}, {"ticket_id": 0},
    {"ticket_id": 987}, {"direction": "Outbound"}, {"direction": None}, {"direction": ""}, {"direction": "\u00e9"},
    {"transfers": None, "transfer_count": 2}, {"transfers": "2"}, {"transfers": 2.0}, {"transfers": None},
    {"transfer_count": 3}, {"completion_status": 5}, {"completion_status": " done "}, {"wrap_up_reason": 12},
    {"wrap_up_reason": None}, {"wrap_up_reason": ["a"]}, {"duration": 10**9}, {"duration": 2**31},
    {"talk_time": None, "completion_status": "abandoned_in_queue"}, {"talk_time": None, "completion_status": " Abandoned "},
    {"talk_time": None, "wait_time": 500}, {"talk_time": None, "wait_time": None}, {"talk_time": None, "duration": None},
]  # fmt: skip


@pytest.mark.parametrize(
    "profile",
    [{}, {"reason_field": "wrap_up_reason"}, {"reason_field": "wrap_up_reason", "transfer_field": "transfer_count"},
     {"reason_field": "Wrap Up"}, {"reason_field": "ID"}, {"reason_field": "created_at"}],
)
def test_unusual_call_records_go_to_python(tmp_path, profile):
    config = build_config({"sources": {"calls": profile}})
    calls = [_call(i, **fields) for i, fields in enumerate(UNUSUAL_CALLS, start=1)]
    calls[5:5] = ["not a call", None, {}]
    calls += [_call(1000 + i) for i in range(20)]
    calls[-1].pop("transfers")
    calls[-2].pop("transfers")
    calls[-2]["transfers_count"] = 4
    for envelope in ({"calls": calls, "count": len(calls)}, calls):
        spy = both(tmp_path / str(type(envelope).__name__), [_page(tmp_path, envelope)], "calls", config)
        if spy.reader is not None:  # odd field names are read in Python only
            assert spy.pages == 1 and spy.sql_rows >= 20 and spy.left > 20


# --- pages the SQL declines as a whole, and whole-file errors ------------------------------------------
GOOD = json.dumps({"tickets": [_ticket(1), _ticket(2)]})
WHOLE_FILE = {
    "trailing_comma": GOOD[:-2] + ",]}",
    "nan_literal": GOOD[:-2] + ', {"id": 3, "created_at": "2024-03-01T09:00:00Z", "x": nan}]}',
    "NaN_python_reads": GOOD[:-2] + ', {"id": 3, "created_at": "2024-03-01T09:00:00Z", "x": NaN}]}',
    "inf_spaced": GOOD[:-2] + ', {"id": 3, "created_at": "2024-03-01T09:00:00Z", "x": [ -Infinity]}]}',
    "truncated": GOOD[:-10],
    "empty": "",
    "blank": "  \n",
    "not_json": "id,created_at\n1,2024\n",
    "two_documents": GOOD + "\n" + GOOD,
    "bom": "\ufeff" + GOOD,
    "legacy": json.dumps({"results": [{"id": 1, "created_at": "2012-09-06 12:18:55 -0800"}]}),
    "calls_page": json.dumps({"calls": []}),
    "unknown_page": json.dumps({"audits": []}),
    "tickets_not_a_list": json.dumps({"tickets": {"id": 1}, "results": []}),
    "empty_page": json.dumps({"tickets": [], "end_of_stream": True}),
    "scalar": "5",
    "pretty": json.dumps({"tickets": [_ticket(1), _ticket(2)]}, indent=2),
    "leading_space": "   " + GOOD,
}


@pytest.mark.parametrize("case", list(WHOLE_FILE))
def test_whole_file_cases(tmp_path, case):
    both(tmp_path, [_page(tmp_path, WHOLE_FILE[case])], "tickets")


def test_a_bad_file_in_a_batch_stops_where_python_stops(tmp_path):
    """Files after the failing one were converted with the batch: none of their rows may stay."""
    files = [_page(tmp_path, {"tickets": [_ticket(i)]}, f"p{i}.json") for i in range(1, 4)]
    files.insert(2, _page(tmp_path, GOOD[:-10], "p2b.json"))
    files.append(_page(tmp_path, {"tickets": [_ticket(9)]}, "p9.json"))
    both(tmp_path, files, "tickets")


def test_duplicates_and_reruns(tmp_path):
    files = [_page(tmp_path, {"tickets": [_ticket(i)]}, f"p{i}.json") for i in range(1, 4)]
    files.append(_page(tmp_path, {"tickets": [_ticket(1)]}, "copy_of_p1.json"))
    spy = Spy("tickets", DEFAULT)
    for native in (None, spy):
        con = connect_state(tmp_path / f"{native is None}.duckdb")
        for _ in range(2):  # the second run finds every file loaded
            list(load_files(con, run_id="r", source="tickets", table="tickets", landing=tmp_path, files=files,
                            chunks=lambda p: parse_file(p, "tickets", DEFAULT), native=native))  # fmt: skip
        snapshot = _snapshot(con, "tickets")
        assert [a[3] for a in snapshot["audit"]].count("duplicate") == 5
        con.close()
    assert spy.pages == 3


def test_load_file_with_native(tmp_path):
    path = _page(tmp_path, _unusual_page())
    results = []
    for native in (None, native_reader("tickets", DEFAULT)):
        con = connect_state(tmp_path / f"{native is None}.duckdb")
        audit = load_file(con, run_id="r", source="tickets", table="tickets", path=path, relname="p.json",
                          chunks=lambda p: parse_file(p, "tickets", DEFAULT), native=native)  # fmt: skip
        results.append((audit, _snapshot(con, "tickets")["tickets"]))
        con.close()
    assert results[0] == results[1]


@pytest.mark.parametrize("fields", [{"duration": 10**12}, {"description": 5}, {"metric_set": {"replies": 2**31}}])
def test_records_python_cannot_load_fail_the_same_way(tmp_path, fields):
    source = "calls" if "duration" in fields else "tickets"
    record = _call(1, **fields) if source == "calls" else _ticket(1, **fields)
    both(tmp_path, [_page(tmp_path, {source: [_call(2) if source == "calls" else _ticket(2), record]})], source)


def test_the_switch_turns_it_off(monkeypatch):
    monkeypatch.setenv("WHYCALL_NATIVE_INGEST", "0")
    assert native_reader("tickets", DEFAULT) is None
    monkeypatch.delenv("WHYCALL_NATIVE_INGEST")
    assert native_reader("tickets", DEFAULT) is not None
    assert native_reader("surveys", DEFAULT) is None
    assert native_reader("tickets", build_config({"sources": {"tickets": {"format": "csv", "columns": {
        "contact_id": "id", "started_at": "created"}}}})) is None  # fmt: skip
