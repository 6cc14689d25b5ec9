"""Any delimited file through a CSV profile (CONTRACT §3) → raw.tickets / raw.calls / raw.surveys rows.

The profile maps canonical columns to source columns (by name, or by position with
``header: false``; a list of columns is joined by one space before parsing), fills constants, and
says how to read the file (delimiter, quotechar, encoding, skip_rows, null_values,
timestamp_format, timezone). ``group_by: {key, latest}`` turns an event log into one record per
key: the one with the latest parsed ``latest`` timestamp, ties to the later row; the others are
counted in ``Chunk.superseded``.

Streaming with the csv module: memory is one chunk, plus one row per key with ``group_by``.
``_record`` is the 1-based record number (records, not physical lines); a reject reports the
physical line where its record starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from orchestration.lib.config import CONTACT_COLUMNS, SURVEY_COLUMNS, SourceProfile, WhycallConfig, suggest
from orchestration.lib.parsers._common import (
    CONTACT_TEMPLATE,
    SURVEY_TEMPLATE,
    RecordError,
    file_error,
    future_limit,
    to_bool,
    to_duration,
    to_float,
    to_int,
)
from orchestration.lib.parsers._csvio import UnreadableRecord, header_names, iter_records, raw_record
from orchestration.lib.parsers.scores import score_converter
from orchestration.lib.raw_schema import CONTACT_FIELDS, SURVEY_FIELDS
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser

SOURCE_SYSTEMS = {"tickets": "csv", "calls": "cdr", "surveys": "csv"}
_DURATIONS = {"handle_seconds", "wait_seconds"}
_LOWERED = {"channel", "direction"}  # codes compared downstream (cost per channel, inbound/outbound)
_REQUIRED = {
    "tickets": ("native_id", "started_at"),
    "calls": ("native_id", "started_at"),
    "surveys": ("response_id", "responded_at"),
}


def _field_types(source: str) -> dict[str, str]:
    fields = SURVEY_FIELDS if source == "surveys" else CONTACT_FIELDS
    return {name: str(dtype) for name, dtype in fields}


def _converter(
    field: str, dtype: str, label: str, parse_ts: TimestampParser, limit: Any, profile: SourceProfile
) -> Callable[[str], Any]:
    if field in ("nps", "csat", "ces"):
        return score_converter(field, label, profile.scales)
    if dtype.startswith("timestamp"):
        check = field in ("started_at", "responded_at")

        def timestamp(value: str) -> Any:
            try:
                parsed = parse_ts(value)
            except TimestampError as exc:
                raise RecordError(f"{exc} in {label}") from None
            if check and parsed is not None and parsed > limit:
                raise RecordError(f"{label} {parsed.isoformat(sep=' ')} is in the future")
            return parsed

        return timestamp
    if field in _DURATIONS:
        return lambda value: to_duration(value, label)
    if dtype.startswith("int"):
        return lambda value: to_int(value, label)
    if dtype == "double":
        return lambda value: to_float(value, label)
    if dtype == "bool":
        return lambda value: to_bool(value, label)
    if field in _LOWERED:
        return str.lower
    return None  # text as it is


def parse(path: Path, profile: SourceProfile, config: WhycallConfig) -> Iterator[Chunk]:
    source = profile.name
    key = profile.key
    canon_to_field = SURVEY_COLUMNS if source == "surveys" else CONTACT_COLUMNS
    types = _field_types(source)
    try:
        parse_ts = TimestampParser(profile.timezone or config.timezone, profile.timestamp_format)
    except ValueError as exc:
        raise file_error(path, f"{key}: {exc}", "fix the profile in whycall.yml") from None
    limit = future_limit()
    delimiter, quotechar = profile.delimiter, profile.quotechar
    records = iter_records(
        path,
        encoding=profile.encoding,
        delimiter=delimiter,
        quotechar=quotechar,
        skip_rows=profile.skip_rows,
        encoding_key=f"{key}.encoding in whycall.yml",
    )

    # Header (or the first row's width when columns are positional).
    first: tuple[int, Any] | None = next(records, None)
    if first is None:
        if profile.header:
            raise file_error(
                path,
                "no header row"
                + (
                    f" after skipping {profile.skip_rows} line(s)"
                    if profile.skip_rows
                    else " (the file has no records)"
                ),
                f"check {key}.skip_rows and {key}.header",
            )
        return
    if isinstance(first[1], UnreadableRecord):
        raise file_error(path, first[1].reason, "check the delimiter and quotechar", line=first[0])
    if profile.header:
        names = header_names(first[1])
        width = len(names)
        index: dict[str, int] = {}
        for i, name in enumerate(names):
            index.setdefault(name, i)
        pending = None
    else:
        names = None
        width = len(first[1])
        index = {}
        pending = first

    def locate(spec: str | int, where: str) -> int:
        if isinstance(spec, int):
            if spec >= width:
                raise file_error(
                    path,
                    f"{where}: column position {spec} but records have {width} field(s) "
                    "(positions start at 0)",
                    f"fix {where} in whycall.yml",
                )
            return spec
        found = index.get(spec.strip())
        if found is None:
            hint = suggest(spec, index)
            present = ", ".join(names or [])
            other = next(
                (d for d in (";", "\t", "|", ",") if d != delimiter and width == 1 and d in present), None
            )
            if other is not None:  # the whole header landed in one column: wrong delimiter
                hint = f"the header is a single column: set {key}.delimiter: {other!r}."
            raise file_error(
                path,
                f"{where}: column {spec!r} not found in the header",
                (hint + " " if hint else "") + f"columns present: {present[:600]}",
            )
        return found

    # Column plan: (field, position or positions, converter, null values).
    global_nulls = frozenset(("",) + tuple(v.strip() for v in profile.null_values.get("*", ())))
    singles: list[tuple[str, int, Callable[[str], Any] | None, frozenset[str]]] = []
    joined: list[tuple[str, tuple[int, ...], Callable[[str], Any] | None, frozenset[str]]] = []
    for canon, spec in profile.columns.items():
        field = canon_to_field[canon]
        positions = tuple(locate(s, f"{key}.columns.{canon}") for s in spec)
        if profile.header:
            label = f"{canon} ({' + '.join(names[p] for p in positions)})"
        else:
            label = f"{canon} (column {' + '.join(map(str, positions))})"
        convert = _converter(field, types[field], label, parse_ts, limit, profile)
        nulls = global_nulls | frozenset(v.strip() for v in profile.null_values.get(canon, ()))
        (singles if len(positions) == 1 else joined).append(
            (field, positions[0] if len(positions) == 1 else positions, convert, nulls)
        )

    template = (SURVEY_TEMPLATE if source == "surveys" else CONTACT_TEMPLATE).copy()
    template["source_system"] = SOURCE_SYSTEMS[source]
    if source != "surveys":
        template["is_deleted"] = False
    for canon, value in profile.constants.items():
        field = canon_to_field[canon]
        convert = _converter(field, types[field], canon, parse_ts, limit, profile)
        text = str(value).strip()
        try:
            template[field] = (convert(text) if convert else text) if text else None
        except RecordError as exc:
            raise file_error(
                path, f"{key}.constants.{canon}: {exc}", "fix the constant in whycall.yml"
            ) from None
    required = _REQUIRED[source]
    labels = {"native_id": "contact_id"}

    group_key = group_latest = None
    if profile.group_by:
        group_key = locate(profile.group_by["key"], f"{key}.group_by.key")
        group_latest = locate(profile.group_by["latest"], f"{key}.group_by.latest")
        latest_name = names[group_latest] if names else str(group_latest)
    groups: dict[str, tuple[Any, dict]] = {}
    superseded = 0

    chunk = Chunk()

    def all_records() -> Iterator[tuple[int, Any]]:
        if pending is not None:
            yield pending
        yield from records

    for number, (start, row) in enumerate(all_records(), start=1):
        if isinstance(row, UnreadableRecord):
            chunk.rejects.append(Reject(start, row.reason, row.raw))
        elif len(row) != width:
            chunk.rejects.append(
                Reject(
                    start, f"expected {width} fields, found {len(row)}", raw_record(row, delimiter, quotechar)
                )
            )
        else:
            out = template.copy()
            try:
                for field, pos, convert, nulls in singles:
                    value = row[pos].strip()
                    if value not in nulls:
                        out[field] = convert(value) if convert else value
                for field, positions, convert, nulls in joined:
                    value = " ".join(row[p].strip() for p in positions).strip()
                    if value not in nulls:
                        out[field] = convert(value) if convert else value
                for field in required:
                    if out[field] is None:
                        raise RecordError(f"missing {labels.get(field, field)}")
                if group_key is not None:
                    key_value = row[group_key].strip()
                    if key_value in global_nulls:
                        raise RecordError(
                            f"missing group_by key ({names[group_key] if names else group_key})"
                        )
                    try:
                        latest = parse_ts(row[group_latest])
                    except TimestampError as exc:
                        raise RecordError(f"{exc} in group_by latest ({latest_name})") from None
                    if latest is None:
                        raise RecordError(f"missing group_by latest ({latest_name})")
            except RecordError as exc:
                chunk.rejects.append(Reject(start, str(exc), raw_record(row, delimiter, quotechar)))
            else:
                out["_record"] = number
                if group_key is None:
                    chunk.rows.append(out)
                else:
                    if "updated_at" in out and out["updated_at"] is None:
                        out["updated_at"] = latest
                    kept = groups.get(key_value)
                    if kept is not None:
                        superseded += 1
                    if kept is None or latest >= kept[0]:
                        groups[key_value] = (latest, out)
        if chunk.full:
            yield chunk
            chunk = Chunk()

    if groups:
        for _, out in groups.values():
            chunk.rows.append(out)
            if chunk.full:
                yield chunk
                chunk = Chunk()
    chunk.superseded = superseded
    if chunk:
        yield chunk
