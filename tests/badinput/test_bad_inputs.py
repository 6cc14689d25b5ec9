"""Bad input, built in tmp_path: every case ends in an exact InputError or exact rejects (CONTRACT §4).

Nothing vanishes: a record is a row or a reject with its reason; a file that cannot be read at all
stops with a message naming the file (and line), the key and the fix.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config, load_config
from orchestration.lib.parsers import Parsed, collect, parse_file
from orchestration.lib.records import InputError

QUALTRICS = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "qualtrics"

CSV_TICKETS = {
    "format": "csv",
    "timestamp_format": "%Y-%m-%d %H:%M",
    "timezone": "UTC",
    "columns": {"contact_id": "id", "started_at": "created", "text": "text"},
}


def _file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def _csv(
    tmp_path: Path,
    content: str | bytes,
    profile: dict | None = None,
    source: str = "tickets",
    name: str = "data.csv",
) -> Parsed:
    config = build_config({"sources": {source: profile or CSV_TICKETS}})
    return collect(parse_file(_file(tmp_path, name, content), source, config))


def _json(tmp_path: Path, content: str | bytes, source: str = "tickets", name: str = "page.json") -> Parsed:
    return collect(parse_file(_file(tmp_path, name, content), source, load_config(tmp_path / "none")))


def _input_error(call, *args) -> str:
    with pytest.raises(InputError) as info:
        call(*args)
    return str(info.value)


def _rejects(parsed: Parsed) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in parsed.rejects]


# --- whole-file problems -----------------------------------------------------------------------


def test_truncated_json_page(tmp_path):
    page = json.dumps(
        {"tickets": [{"id": i, "created_at": "2024-03-01T09:00:00Z"} for i in range(50)]}, indent=1
    )
    message = _input_error(_json, tmp_path, page[: len(page) // 2])
    assert message.startswith(f"{tmp_path / 'page.json'} line ")
    assert "truncated JSON: the document ends before it is complete" in message
    assert message.endswith("; the download was cut short; fetch the page again")


def test_empty_json_file(tmp_path):
    assert _input_error(_json, tmp_path, b"") == (
        f"{tmp_path / 'page.json'}: the file is empty; export the Zendesk ticket export page again, or remove the file"
    )


def test_whitespace_only_calls_file(tmp_path):
    message = _input_error(_json, tmp_path, "\n  \n", "calls", "calls.json")
    assert (
        message
        == f"{tmp_path / 'calls.json'}: the file is empty; export the Zendesk Talk calls page again, or remove the file"
    )


def test_html_error_page_saved_as_json(tmp_path):
    message = _input_error(_json, tmp_path, "<html><body>429 Too Many Requests</body></html>", "calls")
    assert "page.json: not JSON (it starts with '<html><body>429 Too Many Requests</body>')" in message
    assert "for a CDR CSV set sources.calls.format: csv" in message


def test_json_that_is_not_utf8(tmp_path):
    message = _input_error(
        _json, tmp_path, '{"tickets": [{"id": 1, "subject": "caf\xe9"}]}'.encode("latin-1")
    )
    assert message == (
        f"{tmp_path / 'page.json'}: not UTF-8 text (invalid continuation byte at byte 38); "
        "export the JSON as UTF-8"
    )


def test_json_with_a_syntax_error_in_the_middle(tmp_path):
    message = _input_error(
        _json, tmp_path, '{"tickets": [\n{"id": 1,, "created_at": "2024-03-01T09:00:00Z"}\n]}'
    )
    assert (
        message
        == f"{tmp_path / 'page.json'} line 2: invalid JSON: Expecting property name enclosed in double "
        "quotes at column 10 (byte 23); fix or re-export the file"  # 14 bytes of line 1 + 9 before the 2nd comma
    )


def test_empty_csv_file(tmp_path):
    assert _input_error(_csv, tmp_path, b"") == (
        f"{tmp_path / 'data.csv'}: the file is empty; export it again, or remove it from the landing zone"
    )


def test_header_only_csv_is_a_day_without_contacts(tmp_path):
    parsed = _csv(tmp_path, "id,created,text\n")
    assert (parsed.rows, parsed.rejects, parsed.rows_read) == ([], [], 0)


def test_latin1_file_read_as_utf8_names_the_line_and_the_fix(tmp_path):
    content = "id,created,text\n1,2024-03-01 09:00,ok\n2,2024-03-01 09:05,d\xe9j\xe0 vu\n".encode("latin-1")
    message = _input_error(_csv, tmp_path, content)
    assert message == (
        f"{tmp_path / 'data.csv'} line 3: cannot be decoded as utf-8-sig (invalid continuation byte); "
        "set sources.tickets.encoding in whycall.yml to the file's real encoding (e.g. latin-1 or cp1252)"
    )
    parsed = _csv(tmp_path, content, {**CSV_TICKETS, "encoding": "latin-1"})
    assert [r["text"] for r in parsed.rows] == ["ok", "déjà vu"]


def test_cp1252_euro_sign(tmp_path):
    content = "id,created,text\n1,2024-03-01 09:00,refund 20\x80\n".encode("latin-1")
    assert "cannot be decoded as utf-8-sig" in _input_error(_csv, tmp_path, content)
    parsed = _csv(tmp_path, content, {**CSV_TICKETS, "encoding": "cp1252"})
    assert parsed.rows[0]["text"] == "refund 20€"


def test_bom_is_ignored_even_when_encoding_says_plain_utf8(tmp_path):
    content = "\ufeffid,created,text\n1,2024-03-01 09:00,hello\n"
    for encoding in ("utf-8", "utf-8-sig"):
        parsed = _csv(tmp_path, content, {**CSV_TICKETS, "encoding": encoding})
        assert [(r["native_id"], r["text"]) for r in parsed.rows] == [("1", "hello")]


def test_missing_mapped_column(tmp_path):
    message = _input_error(_csv, tmp_path, "id,created_at,text\n1,2024-03-01 09:00,x\n")
    assert message == (
        f"{tmp_path / 'data.csv'}: sources.tickets.columns.started_at: column 'created' not found in "
        "the header; did you mean created_at? columns present: id, created_at, text"
    )


def test_wrong_delimiter_is_spotted_from_the_header(tmp_path):
    message = _input_error(_csv, tmp_path, "id;created;text\n1;2024-03-01 09:00;x\n")
    assert (
        "column 'id' not found in the header; the header is a single column: set sources.tickets.delimiter: ';'."
        in message
    )


def test_unknown_profile_key(tmp_path):
    _file(
        tmp_path,
        "whycall.yml",
        "sources:\n  tickets:\n    format: csv\n    delimeter: ';'\n"
        "    columns: {contact_id: id, started_at: created}\n",
    )
    message = _input_error(load_config, tmp_path)
    assert message == (
        f"{tmp_path / 'whycall.yml'}: sources.tickets.delimeter: unknown key 'delimeter'; did you mean "
        "delimiter? allowed: format, delimiter, quotechar, encoding, header, skip_rows, null_values, "
        "timestamp_format, timezone, columns, constants, group_by"
    )


def test_impossible_timestamp_format_in_profile(tmp_path):
    _file(
        tmp_path,
        "whycall.yml",
        'sources:\n  calls:\n    format: csv\n    timestamp_format: "%d/%m/%Y %k:%M"\n'
        "    columns: {contact_id: id, started_at: created}\n",
    )
    message = _input_error(load_config, tmp_path)
    assert message == (
        f"{tmp_path / 'whycall.yml'}: sources.calls.timestamp_format: impossible timestamp format "
        "'%d/%m/%Y %k:%M': strptime rejects it ('k' is a bad directive in format '%d/%m/%Y %k:%M'); "
        'use Python strptime directives, e.g. "%d/%m/%Y %H:%M"'
    )


def test_skip_rows_beyond_the_end_of_the_file(tmp_path):
    message = _input_error(_csv, tmp_path, "junk\n", {**CSV_TICKETS, "skip_rows": 3})
    assert message == (
        f"{tmp_path / 'data.csv'}: the file has only 1 line(s) but skip_rows is 3; "
        "lower skip_rows to the number of junk lines before the header"
    )


def test_qualtrics_file_with_a_single_header_row(tmp_path):
    path = _file(tmp_path, "s.csv", "ResponseId,RecordedDate,Q1\n")
    with pytest.raises(InputError, match="s.csv: not a Qualtrics export: fewer than 2 header rows"):
        collect(parse_file(path, "surveys", build_config({})))


# --- record-level problems -----------------------------------------------------------------------


def test_extra_and_missing_fields_in_rows(tmp_path):
    parsed = _csv(
        tmp_path,
        "id,created,text\n1,2024-03-01 09:00,a\n2,2024-03-01 09:00,b,EXTRA\n3,2024-03-01 09:00\n"
        "4,2024-03-01 09:00,d\n",
    )
    assert [r["native_id"] for r in parsed.rows] == ["1", "4"]
    assert _rejects(parsed) == [(3, "expected 3 fields, found 4"), (4, "expected 3 fields, found 2")]
    assert [r.raw for r in parsed.rejects] == ["2,2024-03-01 09:00,b,EXTRA", "3,2024-03-01 09:00"]


def test_embedded_newlines_keep_record_numbers_and_start_lines(tmp_path):
    parsed = _csv(
        tmp_path,
        'id,created,text\n1,2024-03-01 09:00,"first\nsecond\n\nfourth"\n'
        '2,2024-03-01 09:00,"x"\n3,not a date,"y\nz"\n',
    )
    assert [(r["native_id"], r["_record"], r["text"]) for r in parsed.rows] == [
        ("1", 1, "first\nsecond\n\nfourth"),
        ("2", 2, "x"),
    ]
    assert _rejects(parsed) == [
        (7, "bad timestamp 'not a date' (expected %Y-%m-%d %H:%M) in started_at (created)")
    ]
    assert parsed.rows_read == 3  # records, not the 8 physical lines


def test_unterminated_quote_is_a_rejected_record_not_glued_text(tmp_path):
    parsed = _csv(
        tmp_path, 'id,created,text\n1,2024-03-01 09:00,a\n2,2024-03-01 09:00,"oops\n3,2024-03-01 09:00,c\n'
    )
    assert [r["native_id"] for r in parsed.rows] == ["1", "3"]  # record 3 is not swallowed
    assert _rejects(parsed) == [(3, ("unterminated quoted field: a quote opened on line 3 is not closed where the "
                                    "record should end (unexpected end of data); line 3 rejected, reading resumed "
                                    "on the next line"))]
    assert parsed.rejects[0].raw == '2,2024-03-01 09:00,"oops\n'
    assert parsed.rows_read == 3


def test_a_runaway_quote_closed_by_a_later_record_swallows_nothing(tmp_path):
    lines = ['id,created,text', '1,2024-03-01 09:00,"never closed', '2,2024-03-01 10:00,plain',
             '3,2024-03-01 11:00,"a quoted, field"', '4,2024-03-01 12:00,"two', 'lines"']
    parsed = _csv(tmp_path, "\n".join(lines) + "\n")
    assert [r["native_id"] for r in parsed.rows] == ["2", "3", "4"]
    assert [r["text"] for r in parsed.rows] == ["plain", "a quoted, field", "two\nlines"]
    assert [(r.line, r.raw) for r in parsed.rejects] == [(2, lines[1] + "\n")]
    assert parsed.rows_read == 4  # the 4 records a person counts


def test_stray_quote_inside_a_field(tmp_path):
    parsed = _csv(tmp_path, 'id,created,text\n1,2024-03-01 09:00,"say "hi" now"\n2,2024-03-01 09:00,ok\n')
    assert _rejects(parsed) == [(2, "unreadable CSV record: ',' expected after '\"'")]
    assert [r["native_id"] for r in parsed.rows] == ["2"]


def test_ten_megabyte_text_field(tmp_path):
    big = "complaint " * 1_000_000
    parsed = _csv(
        tmp_path, f'id,created,text\n1,2024-03-01 09:00,"{big}"\n2,2024-03-01 09:00,"{big}",extra\n'
    )
    assert len(parsed.rows[0]["text"]) == len(big.strip()) == 9_999_999
    assert _rejects(parsed) == [(3, "expected 3 fields, found 4")]
    assert len(parsed.rejects[0].raw) == 10_000  # the reject keeps the start of the record


def test_duplicated_ids_are_all_loaded_dedup_is_downstream(tmp_path):
    parsed = _csv(tmp_path, "id,created,text\n7,2024-03-01 09:00,first\n7,2024-03-01 09:00,again\n")
    assert [(r["native_id"], r["text"]) for r in parsed.rows] == [("7", "first"), ("7", "again")]
    page = {
        "tickets": [
            {"id": 7, "created_at": "2024-03-01T09:00:00Z", "updated_at": u}
            for u in ("2024-03-01T09:00:00Z", "2024-03-01T09:00:00Z")
        ]
    }
    assert [r["native_id"] for r in _json(tmp_path, json.dumps(page)).rows] == ["7", "7"]


def test_future_dates_are_rejected(tmp_path):
    parsed = _csv(tmp_path, "id,created,text\n1,2999-01-01 00:00,typo\n2,2024-03-01 09:00,ok\n")
    assert _rejects(parsed) == [(2, "started_at (created) 2999-01-01 00:00:00 is in the future")]
    page = {"tickets": [{"id": 1, "created_at": "2999-01-01T00:00:00Z"}]}
    assert _rejects(_json(tmp_path, json.dumps(page))) == [
        (0, "created_at 2999-01-01 00:00:00 is in the future")
    ]


def test_nps_14_and_csat_0_are_rejected_but_minus_99_is_no_answer(tmp_path):
    ids = "StartDate,EndDate,Finished,RecordedDate,ResponseId,Q1,Q2"
    import_row = ",".join(f'"{{""ImportId"":""{c}""}}"' for c in ids.split(","))
    rows = [
        "x,x,1,2024-03-01 10:00:00,R_1,14,4",
        "x,x,1,2024-03-01 10:00:00,R_2,9,0",
        "x,x,1,2024-03-01 10:00:00,R_3,-99,-1",
    ]
    path = _file(tmp_path, "s.csv", "\n".join([ids, ids, import_row, *rows]) + "\n")
    config = build_config({"sources": {"surveys": {"questions": {"nps": "Q1", "csat": "Q2"}, "link": {}}}})
    parsed = collect(parse_file(path, "surveys", config))
    assert _rejects(parsed) == [
        (4, "nps '14' outside its scale 0-10 in nps (Q1)"),
        (5, "csat '0' outside its scale 1-5 in csat (Q2)"),
    ]
    assert [(r["response_id"], r["nps"], r["csat"]) for r in parsed.rows] == [("R_3", None, None)]


def test_negative_durations_in_a_cdr(tmp_path):
    profile = {
        "format": "csv",
        "timestamp_format": "%Y-%m-%d %H:%M",
        "timezone": "UTC",
        "columns": {"contact_id": "id", "started_at": "at", "handle_seconds": "dur", "wait_seconds": "wait"},
    }
    parsed = _csv(
        tmp_path,
        "id,at,dur,wait\n1,2024-03-01 09:00,-30,0\n2,2024-03-01 09:00,0:02:00,-0:00:05\n"
        "3,2024-03-01 09:00,1:30,5\n",
        profile,
        "calls",
    )
    assert _rejects(parsed) == [
        (2, "negative duration '-30' in handle_seconds (dur)"),
        (3, "negative duration '-0:00:05' in wait_seconds (wait)"),
    ]
    assert [(r["native_id"], r["handle_seconds"], r["wait_seconds"]) for r in parsed.rows] == [
        ("3", 90.0, 5.0)
    ]


def test_values_not_matching_any_configured_format(tmp_path):
    profile = {**CSV_TICKETS, "timestamp_format": ["%d/%m/%Y %H:%M", "%Y-%m-%d"]}
    parsed = _csv(
        tmp_path, "id,created,text\n1,31/12/2024 23:59,a\n2,2024-12-31,b\n3,12/31/2024 23:59,c\n", profile
    )
    assert [(r["native_id"], r["started_at"]) for r in parsed.rows] == [
        ("1", datetime(2024, 12, 31, 23, 59)),
        ("2", datetime(2024, 12, 31)),
    ]
    assert _rejects(parsed) == [
        (4, "bad timestamp '12/31/2024 23:59' (expected %d/%m/%Y %H:%M or %Y-%m-%d) in started_at (created)")
    ]


def test_missing_id_and_start_in_csv_rows(tmp_path):
    parsed = _csv(tmp_path, "id,created,text\n,2024-03-01 09:00,no id\n5,,no date\n")
    assert _rejects(parsed) == [(2, "missing contact_id"), (3, "missing started_at")]


def test_json_main_array_of_wrong_things(tmp_path):
    parsed = _json(
        tmp_path, json.dumps({"tickets": [1, None, {"id": 3, "created_at": "2024-03-01T09:00:00Z"}]})
    )
    assert _rejects(parsed) == [(0, "not a ticket object (int)"), (1, "not a ticket object (NoneType)")]
    assert [r["native_id"] for r in parsed.rows] == ["3"]


def test_legacy_export_strings_that_are_not_numbers(tmp_path):
    record = {
        "id": 1,
        "created_at": "2012-09-06 12:18:55 -0800",
        "status": "Open",
        "via": "Mail",
        "reopens": "two",
        "replies": "-",
        "group_stations": "",
    }
    parsed = _json(tmp_path, json.dumps({"results": [record, {**record, "id": 2, "reopens": "1"}]}))
    assert _rejects(parsed) == [(0, "bad integer 'two' in reopens")]
    row = parsed.rows[0]
    assert (row["reopens"], row["replies"], row["transfers"], row["channel"], row["started_at"]) == (
        1,
        None,
        None,
        "email",
        datetime(2012, 9, 6, 20, 18, 55),
    )


def test_reference_file_with_a_renamed_column(tmp_path):
    path = _file(tmp_path, "volumes.csv", "date,department,measure,value\n2024-03-01,BILL,x,1\n")
    message = _input_error(lambda: collect(parse_file(path, "reference:volumes", build_config({}))))
    assert message == (
        f"{path} line 1: unknown column 'department' in reference/volumes.csv; did you mean "
        "department_id? expected header: date,department_id,measure,value"
    )


def test_yaml_that_does_not_parse(tmp_path):
    _file(tmp_path, "whycall.yml", "sources:\n  tickets:\n\tformat: csv\n")
    message = _input_error(load_config, tmp_path)
    assert message.startswith(f"{tmp_path / 'whycall.yml'} line 3 column 1: invalid YAML:")
