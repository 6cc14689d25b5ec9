"""Zendesk Support ticket export pages → raw.tickets rows.

Reads, one page file at a time (a page is one JSON object of at most a few MB):
- incremental ticket export, cursor-based (``tickets``, ``after_cursor``, ``after_url``,
  ``end_of_stream``) and time-based (``tickets``, ``next_page``, ``end_time``, ``end_of_stream``),
  with optional side-loads ``metric_sets`` (joined by ``ticket_id``) and ``users`` (not needed);
  a list endpoint page (``tickets``, ``count``) or a bare JSON array of tickets reads the same way;
- the legacy ``/api/v2/exports/tickets`` page (``results``): string-typed fields, local times with
  an offset (``2012-09-06 12:18:55 -0800``), ``status``/``via``/``satisfaction_score`` as labels,
  ``current_tags`` as one string, custom fields flattened as ``field_<id>``, metrics inline.

Every record of the main array (``tickets`` / ``results``) becomes a row or a reject; ``_record``
is its 0-based index. Superseded versions and deleted tickets are rows (``updated_at``,
``is_deleted``): dbt keeps the latest version and drops deleted tickets.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any

from orchestration.lib.config import SourceProfile, WhycallConfig
from orchestration.lib.parsers._common import (
    CONTACT_TEMPLATE,
    MISSING,
    RecordError,
    check_future,
    file_error,
    future_limit,
    raw_json,
    read_json,
    to_float,
    to_int,
    to_str,
)
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser

SOURCE_SYSTEM = "zendesk"

# Legacy export ``via`` labels → the API's ``via.channel`` codes.
VIA_LABELS = {
    "web service": "api",
    "api": "api",
    "web form": "web",
    "web": "web",
    "web widget": "web",
    "mail": "email",
    "email": "email",
    "voice": "voice",
    "phone call (incoming)": "voice",
    "phone call (outgoing)": "voice",
    "voicemail": "voice",
    "chat": "chat",
    "twitter": "twitter",
    "facebook": "facebook",
    "closed ticket": "closed_ticket",
    "ticket sharing": "ticket_sharing",
    "mobile sdk": "mobile_sdk",
    "sms": "sms",
}
SATISFACTION_LABELS = {"not offered": "unoffered", "good with comment": "good", "bad with comment": "bad"}


def detect(page: Any) -> str | None:
    """'modern' (``tickets``), 'legacy' (``results``) or None, from a page's envelope keys."""
    if isinstance(page, list):
        return "modern"
    if isinstance(page, dict):
        if isinstance(page.get("tickets"), list):
            return "modern"
        if isinstance(page.get("results"), list):
            return "legacy"
    return None


def parse(
    path: Path, profile: SourceProfile, config: WhycallConfig, only: Collection[int] | None = None
) -> Iterator[Chunk]:
    """Chunks of the page's records; with ``only``, just the records at those indices (the native
    loader converts the others in DuckDB and hands the rest to this reference converter)."""
    page = read_json(
        path,
        expect="Zendesk ticket export page",
        fix_other="tickets/ holds Zendesk JSON pages; for a CSV export set "
        "sources.tickets.format: csv with a profile (docs/profiles/)",
    )
    kind = detect(page)
    if kind is None:
        keys = sorted(page)[:8] if isinstance(page, dict) else type(page).__name__
        if isinstance(page, dict) and isinstance(page.get("calls"), list):
            raise file_error(
                path, "this is a Zendesk Talk calls page ('calls'), not a ticket export", "move it to calls/"
            )
        raise file_error(
            path,
            f"not a Zendesk ticket export page: no 'tickets' or 'results' array (found {keys})",
            "export with /api/v2/incremental/tickets (cursor or time based) or /exports/tickets",
        )
    if kind == "legacy":
        records = page["results"]
        convert = _legacy_converter(profile, config)
    else:
        records = page if isinstance(page, list) else page["tickets"]
        metrics = _metric_sets(page)
        convert = _modern_converter(profile, config, metrics)

    chunk = Chunk()
    for index in range(len(records)) if only is None else sorted(only):
        record = records[index]
        try:
            row = convert(record)
        except RecordError as exc:
            chunk.rejects.append(Reject(index, str(exc), raw_json(record)))
        else:
            row["_record"] = index
            chunk.rows.append(row)
        if chunk.full:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk


def _metric_sets(page: Any) -> dict[str, dict]:
    if not isinstance(page, dict) or not isinstance(page.get("metric_sets"), list):
        return {}
    return {
        str(m["ticket_id"]): m
        for m in page["metric_sets"]
        if isinstance(m, dict) and m.get("ticket_id") is not None
    }


def _timestamps(config: WhycallConfig):
    parse_ts = TimestampParser(config.timezone)
    limit = future_limit()

    def created(value: Any) -> Any:
        try:
            started = parse_ts(value)
        except TimestampError as exc:
            raise RecordError(f"{exc} in created_at") from None
        if started is None:
            raise RecordError("missing created_at")
        check_future(started, limit, "created_at")
        return started

    def updated(value: Any) -> Any:
        try:
            return parse_ts(value)
        except TimestampError as exc:
            raise RecordError(f"{exc} in updated_at") from None

    return created, updated


def _ticket_id(record: Any) -> str:
    if not isinstance(record, dict):
        raise RecordError(f"not a ticket object ({type(record).__name__})")
    native = to_str(record.get("id"))
    if native is None:
        raise RecordError("missing id")
    return native


def _modern_converter(profile: SourceProfile, config: WhycallConfig, metrics: dict[str, dict]):
    created, updated = _timestamps(config)
    reason_id = profile.reason_field_id

    def convert(t: Any) -> dict:
        native = _ticket_id(t)
        row = CONTACT_TEMPLATE.copy()
        row["source_system"] = SOURCE_SYSTEM
        row["native_id"] = native
        row["started_at"] = created(t.get("created_at"))
        row["updated_at"] = updated(t.get("updated_at"))
        status = to_str(t.get("status"))
        row["status"] = status.lower() if status else None
        row["is_deleted"] = row["status"] == "deleted"
        via = t.get("via")
        direction = "inbound"
        if isinstance(via, dict):
            channel = to_str(via.get("channel"))
            row["channel"] = channel.lower() if channel else None
            source = via.get("source")
            rel = source.get("rel") if isinstance(source, dict) else None
            if isinstance(rel, str) and "outbound" in rel.lower():
                direction = "outbound"
        row["direction"] = direction
        row["customer_ref"] = to_str(t.get("requester_id"))
        row["organization_ref"] = to_str(t.get("organization_id"))
        if reason_id is not None:
            row["reason_raw"] = _custom_field(t, reason_id)
        tags = t.get("tags")
        row["tags"] = to_str(tags)  # a list joins by one space
        row["subject"] = to_str(t.get("subject") if t.get("subject") is not None else t.get("raw_subject"))
        row["text"] = t.get("description") or None
        kind = to_str(t.get("type"))
        row["ticket_type"] = kind.lower() if kind else None
        row["problem_id"] = to_str(t.get("problem_id"))
        row["group_id"] = to_str(t.get("group_id"))
        row["agent_id"] = to_str(t.get("assignee_id"))
        rating = t.get("satisfaction_rating")
        score = rating.get("score") if isinstance(rating, dict) else rating
        row["satisfaction"] = score.lower() if isinstance(score, str) and score else None
        metric = metrics.get(native) or (
            t.get("metric_set") if isinstance(t.get("metric_set"), dict) else None
        )
        if metric:
            _apply_metrics(row, metric, "metric_sets.")
        return row

    return convert


def _custom_field(t: dict, field_id: str) -> str | None:
    for key in ("custom_fields", "fields"):
        fields = t.get(key)
        if isinstance(fields, list):
            for f in fields:
                if isinstance(f, dict) and str(f.get("id")) == field_id:
                    return to_str(f.get("value"))
    return None


def _calendar(value: Any) -> Any:
    """Zendesk metric durations are ``{"calendar": n, "business": n}``; plain numbers also pass."""
    return value.get("calendar") if isinstance(value, dict) else value


def _apply_metrics(row: dict, m: dict, prefix: str) -> None:
    row["reopens"] = to_int(m.get("reopens"), prefix + "reopens")
    row["replies"] = to_int(m.get("replies"), prefix + "replies")
    stations = to_int(m.get("group_stations"), prefix + "group_stations")
    row["transfers"] = max(stations - 1, 0) if stations is not None else None
    row["first_reply_minutes"] = to_float(
        _calendar(m.get("reply_time_in_minutes")), prefix + "reply_time_in_minutes.calendar"
    )
    row["full_resolution_minutes"] = to_float(
        _calendar(m.get("full_resolution_time_in_minutes")),
        prefix + "full_resolution_time_in_minutes.calendar",
    )


def _label(value: Any) -> str | None:
    """Legacy string fields: "" and "-" mean missing."""
    text = to_str(value)
    return None if text is None or text in MISSING else text


def _legacy_converter(profile: SourceProfile, config: WhycallConfig):
    created, updated = _timestamps(config)
    reason_key = f"field_{profile.reason_field_id}" if profile.reason_field_id is not None else None

    def convert(t: Any) -> dict:
        native = _ticket_id(t)
        row = CONTACT_TEMPLATE.copy()
        row["source_system"] = SOURCE_SYSTEM
        row["native_id"] = native
        row["started_at"] = created(t.get("created_at"))
        row["updated_at"] = updated(t.get("updated_at"))
        status = _label(t.get("status"))
        row["status"] = status.lower() if status else None
        row["is_deleted"] = row["status"] == "deleted"
        via = _label(t.get("via"))
        if via:
            low = via.lower()
            row["channel"] = VIA_LABELS.get(low, low.replace(" ", "_"))
            row["direction"] = "outbound" if "outgoing" in low or "outbound" in low else "inbound"
        else:
            row["direction"] = "inbound"
        row["customer_ref"] = _label(t.get("req_id", t.get("requester_id")))
        # the legacy export names the organization, it carries no id
        row["organization_ref"] = _label(t.get("organization_id", t.get("organization_name")))
        if reason_key is not None:
            row["reason_raw"] = _label(t.get(reason_key))
        row["tags"] = _label(t.get("current_tags"))
        row["subject"] = to_str(t.get("subject"))
        row["text"] = t.get("description") or None
        kind = _label(t.get("ticket_type"))
        row["ticket_type"] = kind.lower() if kind else None
        row["problem_id"] = _label(t.get("problem_id"))
        row["group_id"] = _label(t.get("group_id"))
        row["agent_id"] = _label(t.get("assignee_id"))
        score = _label(t.get("satisfaction_score"))
        if score:
            low = score.lower()
            row["satisfaction"] = SATISFACTION_LABELS.get(low, low)
        row["reopens"] = to_int(t.get("reopens"), "reopens")
        row["replies"] = to_int(t.get("replies"), "replies")
        stations = to_int(t.get("group_stations"), "group_stations")
        row["transfers"] = max(stations - 1, 0) if stations is not None else None
        row["first_reply_minutes"] = to_float(
            t.get("first_reply_time_in_minutes"), "first_reply_time_in_minutes"
        )
        row["full_resolution_minutes"] = to_float(
            t.get("full_resolution_time_in_minutes"), "full_resolution_time_in_minutes"
        )
        return row

    return convert
