"""Zendesk Talk calls → raw.calls rows.

Reads the incremental calls page (``calls``, ``next_page``, ``end_time``, ``count``), a bare JSON
array of call objects, and JSON Lines (one call per line; an Airbyte record line
``{"stream": "calls", "data": {...}}`` is unwrapped, and a line of another stream is a reject,
since it is a record of the file that is not a call). ``_record``: the 0-based index in a JSON
array, the 1-based line number in JSON Lines.

Mapping: id, updated_at, customer_id, created_at → started_at, ended_at = created_at + duration,
channel ``phone``, direction, reason_raw = the field named by ``sources.calls.reason_field``,
handle_seconds = talk_time + hold_time + wrap_up_time when talk_time is present; without talk_time
(older exports, CDR-like feeds) the call's duration less its wait_time, and 0 for a call abandoned
before an agent took it (completion_status abandoned*: the caller only waited, nobody handled it),
wait_seconds = wait_time, transfers from ``sources.calls.transfer_field`` (or a ``transfers`` /
``transfer_count`` field when present), outcome = completion_status, ticket_ref = ticket_id,
agent_id. A negative duration of any kind is a reject. Ids of 0 mean "none" in Talk (call legs
use ``agent_id: 0``) and are read as null.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from orchestration.lib.config import SourceProfile, WhycallConfig
from orchestration.lib.parsers._common import (
    CONTACT_TEMPLATE,
    JSONL,
    RecordError,
    check_future,
    clip,
    file_error,
    future_limit,
    raw_json,
    read_json,
    short,
    to_duration,
    to_int,
    to_str,
)
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser

SOURCE_SYSTEM = "talk"
JSONL_SUFFIXES = (".jsonl", ".ndjson")
TRANSFER_FIELDS = ("transfers", "transfer_count", "transfers_count")


def detect(page: Any) -> bool:
    return isinstance(page, list) or (isinstance(page, dict) and isinstance(page.get("calls"), list))


def parse(
    path: Path, profile: SourceProfile, config: WhycallConfig, only: Collection[int] | None = None
) -> Iterator[Chunk]:
    """Chunks of the file's calls; with ``only`` (JSON arrays only), just the records at those indices
    (the native loader converts the others in DuckDB and hands the rest to this reference converter)."""
    convert = _converter(profile, config)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _chunks(_lines(path), convert)
        return
    page = read_json(
        path,
        expect="Zendesk Talk calls page",
        jsonl_ok=True,
        fix_other="calls/ holds Zendesk Talk JSON; for a CDR CSV set sources.calls.format: csv "
        "with a profile (docs/profiles/)",
    )
    if page is JSONL:
        yield from _chunks(_lines(path), convert)
        return
    if not detect(page):
        if isinstance(page, dict) and ("tickets" in page or "results" in page):
            raise file_error(
                path, "this is a Zendesk ticket export page, not a Talk calls page", "move it to tickets/"
            )
        keys = sorted(page)[:8] if isinstance(page, dict) else type(page).__name__
        raise file_error(
            path,
            f"not a Zendesk Talk calls page: no 'calls' array (found {keys})",
            "export /api/v2/channels/voice/stats/incremental/calls, or a JSON array of calls",
        )
    records = page if isinstance(page, list) else page["calls"]
    indices = range(len(records)) if only is None else sorted(only)
    yield from _chunks(((i, records[i], None) for i in indices), convert)


def _lines(path: Path) -> Iterator[tuple[int, Any, str | None]]:
    """(line number, decoded call or RecordError, raw text) for each non-blank line."""
    seen = False
    with open(path, encoding="utf-8-sig", newline="") as handle:
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                text = line.strip()
                if not text:
                    continue
                seen = True
                try:
                    obj = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield number, RecordError(f"invalid JSON line: {exc.msg} at column {exc.colno}"), text
                    continue
                if isinstance(obj, dict) and "stream" in obj and isinstance(obj.get("data"), dict):
                    if obj["stream"] != "calls":
                        yield (
                            number,
                            RecordError(f"not a call record (Airbyte stream {short(obj['stream'])})"),
                            text,
                        )
                        continue
                    obj = obj["data"]
                yield number, obj, text
        except UnicodeDecodeError as exc:
            raise file_error(
                path, f"not UTF-8 text ({exc.reason})", "export the JSON Lines as UTF-8", line=number + 1
            ) from None
    if not seen:
        raise file_error(path, "the file is empty", "export the calls again, or remove the file")


def _chunks(records: Iterable[tuple[int, Any, str | None]], convert) -> Iterator[Chunk]:
    chunk = Chunk()
    for index, record, text in records:
        try:
            if isinstance(record, RecordError):
                raise record
            row = convert(record)
        except RecordError as exc:
            chunk.rejects.append(
                Reject(index, str(exc), clip(text) if text is not None else raw_json(record))
            )
        else:
            row["_record"] = index
            chunk.rows.append(row)
        if chunk.full:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk


def _id(value: Any) -> str | None:
    text = to_str(value)
    return None if text == "0" else text


def _converter(profile: SourceProfile, config: WhycallConfig):
    parse_ts = TimestampParser(config.timezone)
    limit = future_limit()
    reason_field = profile.reason_field
    transfer_field = profile.transfer_field

    def convert(c: Any) -> dict:
        if not isinstance(c, dict):
            raise RecordError(f"not a call object ({type(c).__name__})")
        native = to_str(c.get("id"))
        if native is None:
            raise RecordError("missing id")
        try:
            started = parse_ts(c.get("created_at"))
        except TimestampError as exc:
            raise RecordError(f"{exc} in created_at") from None
        if started is None:
            raise RecordError("missing created_at")
        check_future(started, limit, "created_at")
        try:
            updated = parse_ts(c.get("updated_at"))
        except TimestampError as exc:
            raise RecordError(f"{exc} in updated_at") from None
        duration = to_duration(c.get("duration"), "duration")
        talk = to_duration(c.get("talk_time"), "talk_time")
        hold = to_duration(c.get("hold_time"), "hold_time")
        wrap = to_duration(c.get("wrap_up_time"), "wrap_up_time")
        wait = to_duration(c.get("wait_time"), "wait_time")
        row = CONTACT_TEMPLATE.copy()
        row["source_system"] = SOURCE_SYSTEM
        row["native_id"] = native
        row["updated_at"] = updated
        row["is_deleted"] = False
        row["customer_ref"] = _id(c.get("customer_id"))
        row["started_at"] = started
        row["ended_at"] = started + timedelta(seconds=duration) if duration is not None else None
        row["channel"] = "phone"
        direction = to_str(c.get("direction"))
        row["direction"] = direction.lower() if direction else "inbound"
        if reason_field is not None:
            row["reason_raw"] = to_str(c.get(reason_field))
        row["handle_seconds"] = handle_seconds(talk, hold, wrap, duration, wait, to_str(c.get("completion_status")))
        row["wait_seconds"] = wait
        field = transfer_field or next((f for f in TRANSFER_FIELDS if f in c), None)
        if field is not None:
            row["transfers"] = to_int(c.get(field), field)
        row["outcome"] = to_str(c.get("completion_status"))
        row["ticket_ref"] = _id(c.get("ticket_id"))
        row["agent_id"] = _id(c.get("agent_id"))
        return row

    return convert


def handle_seconds(
    talk: float | None, hold: float | None, wrap: float | None, duration: float | None, wait: float | None,
    status: str | None,
) -> float | None:
    """The agent's time on a call: talk + hold + wrap-up; without talk_time, duration less the wait.

    An abandoned call (completion_status ``abandoned_in_queue``, ``abandoned_in_ivr``...) was handled by
    nobody: 0 s, whatever its duration (which is the time the caller waited).
    """
    if talk is not None:
        return talk + (hold or 0.0) + (wrap or 0.0)
    if status is not None and status.strip().lower().startswith("abandoned"):
        return 0.0
    if duration is None:
        return None
    return max(duration - (wait or 0.0), 0.0)
