"""The business's reference files (``reference/<name>.csv``, CONTRACT §2) → raw.<name> rows.

Headers are the contract's exact column names (order free; ``departments.parent_id`` and
``departments.volume_measure`` may be absent). A missing or unknown column is an InputError; a row
with a bad date/timestamp/number, an unknown ``kind`` or ``source``, an inverted validity range or
a missing key is a reject with its reason. Dates are ``YYYY-MM-DD``; incident timestamps without an
offset are read in the configured time zone. UTF-8, BOM tolerated, comma-delimited.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orchestration.lib.config import SOURCES, WhycallConfig, suggest
from orchestration.lib.parsers._common import RecordError, file_error, short, to_float
from orchestration.lib.parsers._csvio import UnreadableRecord, header_names, iter_records, raw_record
from orchestration.lib.raw_schema import REFERENCE_FIELDS
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser, parse_date

OPTIONAL_COLUMNS = {"departments": {"parent_id", "volume_measure"}, "holidays": {"department_id"}}
# Accepted in the header but not loaded into raw: the notifier reads them from the file itself
# (orchestration/lib/notify/recipients.py), so a manager's address never reaches the warehouse.
NOTIFY_COLUMNS = {"departments": ("manager_email", "language", "zendesk_group_id")}
REQUIRED_VALUES = {
    "departments": ("department_id",),
    "reasons": ("reason_code", "kind"),
    "reason_map": ("source", "source_value", "reason_code"),
    "incidents": ("incident_id", "started_at"),
    "actions": ("action_id", "reason_code", "implemented_on"),
    "volumes": ("date", "department_id", "measure", "value"),
    "targets": ("department_id", "metric", "target"),
    "holidays": ("date",),
}
KINDS = ("value", "unwanted")
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")


def _choice(allowed: tuple[str, ...], column: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in allowed:
            hint = suggest(value, allowed)
            raise RecordError(
                f"unknown {column} {short(value)} (expected {' or '.join(allowed)}"
                + (f"; {hint}" if hint else "")
                + ")"
            )
        return value

    return check


def _period(value: str) -> str:
    if not _PERIOD.match(value):
        raise RecordError(f"bad period {short(value)} (expected YYYY-MM, or empty for every month)")
    return value


def _converters(name: str, config: WhycallConfig) -> dict[str, Callable[[str], Any]]:
    parse_ts = TimestampParser(config.timezone)

    def timestamp(column: str) -> Callable[[str], Any]:
        def convert(value: str) -> Any:
            try:
                return parse_ts(value)
            except TimestampError as exc:
                raise RecordError(f"{exc} in {column}") from None

        return convert

    def date(column: str) -> Callable[[str], Any]:
        def convert(value: str) -> Any:
            try:
                return parse_date(value)
            except ValueError as exc:
                raise RecordError(f"{exc} in {column}") from None

        return convert

    def number(column: str) -> Callable[[str], Any]:
        def convert(value: str) -> Any:
            parsed = to_float(value, column)
            if parsed is not None and parsed < 0:
                raise RecordError(f"negative {column} {short(value)}")
            return parsed

        return convert

    out: dict[str, Callable[[str], Any]] = {}
    for column, dtype in REFERENCE_FIELDS[name]:
        kind = str(dtype)
        if kind.startswith("timestamp"):
            out[column] = timestamp(column)
        elif kind.startswith("date"):
            out[column] = date(column)
        elif kind == "double":
            out[column] = number(column)
        else:
            out[column] = str
    if name == "reasons":
        out["kind"] = _choice(KINDS, "kind")
    if name == "reason_map":
        out["source"] = _choice(SOURCES, "source")
    if name == "targets":
        out["period"] = _period
    return out


def _check_row(name: str, row: dict) -> None:
    for column in REQUIRED_VALUES[name]:
        if row[column] is None:
            raise RecordError(f"missing {column}")
    if name == "reasons" and row["valid_from"] and row["valid_to"] and row["valid_to"] < row["valid_from"]:
        raise RecordError(f"valid_to {row['valid_to']} is before valid_from {row['valid_from']}")
    if name == "incidents" and row["ended_at"] and row["ended_at"] < row["started_at"]:
        raise RecordError(f"ended_at {row['ended_at']} is before started_at {row['started_at']}")


def parse(path: Path, name: str, config: WhycallConfig) -> Iterator[Chunk]:
    if name not in REFERENCE_FIELDS:
        hint = suggest(name, REFERENCE_FIELDS)
        raise file_error(
            path,
            f"unknown reference file {name!r}",
            (hint + " " if hint else "") + f"known: {', '.join(REFERENCE_FIELDS)}",
        )
    expected = [column for column, _ in REFERENCE_FIELDS[name]]
    optional = OPTIONAL_COLUMNS.get(name, set())
    records = iter_records(path, encoding="utf-8-sig", encoding_key="the file (save it as UTF-8)")
    first = next(records, None)
    if first is None or isinstance(first[1], UnreadableRecord):
        raise file_error(path, "no header row", f"the first line must be: {','.join(expected)}")
    header = header_names(first[1])
    for column in header:
        if column not in expected and column not in NOTIFY_COLUMNS.get(name, ()):
            hint = suggest(column, expected)
            raise file_error(
                path,
                f"unknown column {column!r} in reference/{name}.csv",
                (hint + " " if hint else "") + f"expected header: {','.join(expected)}",
                line=first[0],
            )
    if len(set(header)) != len(header):
        dup = next(c for c in header if header.count(c) > 1)
        raise file_error(
            path, f"column {dup!r} appears twice", f"expected header: {','.join(expected)}", line=first[0]
        )
    for column in expected:
        if column not in header and column not in optional:
            hint = suggest(column, [c for c in header if c not in expected])
            raise file_error(
                path,
                f"missing required column {column!r} in reference/{name}.csv",
                (hint + " " if hint else "") + f"expected header: {','.join(expected)}",
                line=first[0],
            )
    converters = _converters(name, config)
    plan = [(column, header.index(column), converters[column]) for column in expected if column in header]
    template = {column: None for column in expected}
    width = len(header)

    chunk = Chunk()
    for number, (start, fields) in enumerate(records, start=1):
        if isinstance(fields, UnreadableRecord):
            chunk.rejects.append(Reject(start, fields.reason, fields.raw))
        elif len(fields) != width:
            chunk.rejects.append(
                Reject(start, f"expected {width} fields, found {len(fields)}", raw_record(fields, ",", '"'))
            )
        else:
            row = template.copy()
            try:
                for column, pos, convert in plan:
                    value = fields[pos].strip()
                    row[column] = convert(value) if value else None
                _check_row(name, row)
            except RecordError as exc:
                chunk.rejects.append(Reject(start, str(exc), raw_record(fields, ",", '"')))
            else:
                row["_record"] = number
                chunk.rows.append(row)
        if chunk.full:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk
