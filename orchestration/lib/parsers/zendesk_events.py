"""Zendesk ticket history pages (``ticket_events/``) → raw.ticket_events rows.

Three page kinds, told apart by the page's top-level array (CONTRACT §2):
- ticket audits (``audits``; ``GET /api/v2/tickets/{id}/audits`` or ``/ticket_audits``): each audit has
  id, ticket_id, created_at, author_id, via and ``events`` (``Create`` / ``Change`` with field_name,
  value, previous_value; ``Comment`` with author_id and public). The side-loaded ``users`` give each
  author's ``role`` (end-user, agent, admin);
- the incremental ticket event export (``ticket_events``, ``include=comment_events``): each has id,
  ticket_id, created_at (or epoch ``timestamp``), updater_id, via and ``child_events`` of the same kinds
  (``event_type`` for the type, ``comment_public`` for a comment's visibility, and a changed field
  either as field_name/value or as its own key, e.g. ``"status": "open"``);
- ticket metric events (``ticket_metric_events``): id, ticket_id, metric, instance_id, type, time, and
  for ``apply_sla`` an ``sla`` object (target minutes, business_hours, policy).

The audit (or ticket event, or metric event) is the record: ``_record`` is its index in the main
array; an audit's child events are rows of that one record (``Chunk.exploded`` tells the loader, so
rows_read still counts records). An audit without events still leaves one row (event_type NULL)
so the ticket's history shows it was seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from orchestration.lib.config import WhycallConfig
from orchestration.lib.parsers._common import (
    RecordError,
    check_future,
    file_error,
    future_limit,
    raw_json,
    read_json,
    short,
    to_float,
    to_int,
    to_str,
)
from orchestration.lib.raw_schema import TICKET_EVENT_FIELDS
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser

TEMPLATE: dict[str, Any] = {name: None for name, _ in TICKET_EVENT_FIELDS}
PAGE_KINDS = {"audits": "audit", "ticket_events": "event", "ticket_metric_events": "metric"}
# Ticket fields a child event of the incremental event export may carry as its own key.
_FIELD_KEYS = ("status", "group_id", "assignee_id", "priority", "type", "tags", "requester_id", "subject")
METRIC_TYPES = ("activate", "pause", "fulfill", "apply_sla", "breach", "update_status", "measure", "apply_group_sla")


def detect(page: Any) -> str | None:
    """'audit', 'event' or 'metric' from the page's main array, else None."""
    if isinstance(page, dict):
        for key, kind in PAGE_KINDS.items():
            if isinstance(page.get(key), list):
                return kind
    return None


def user_roles(page: dict) -> dict[str, str]:
    """author id → role from the ``users`` side-load (absent: unknown roles, NULL in the rows)."""
    users = page.get("users")
    if not isinstance(users, list):
        return {}
    return {to_str(u.get("id")): to_str(u.get("role")) for u in users if isinstance(u, dict) and u.get("id")}


class _Converter:
    def __init__(self, config: WhycallConfig, roles: dict[str, str]):
        self.parse_ts = TimestampParser("UTC")
        self.roles = roles
        self.limit = future_limit()

    def time(self, value: Any, name: str) -> datetime:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            parsed = datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
        else:
            try:
                parsed = self.parse_ts(value)
            except TimestampError as exc:
                raise RecordError(f"{exc} in {name}") from None
        if parsed is None:
            raise RecordError(f"missing {name}")
        check_future(parsed, self.limit, name)
        return parsed

    def ticket_id(self, record: dict) -> str:
        ticket = to_str(record.get("ticket_id"))
        if ticket is None:
            raise RecordError("missing ticket_id")
        return ticket

    def audit(self, record: Any, children_key: str) -> list[dict]:
        if not isinstance(record, dict):
            raise RecordError(f"expected an object, found {short(record)}")
        audit_id = to_str(record.get("id"))
        if audit_id is None:
            raise RecordError("missing id")
        ticket = self.ticket_id(record)
        stamp = record.get("created_at") if record.get("created_at") is not None else record.get("timestamp")
        created = self.time(stamp, "created_at")
        author = to_str(record.get("author_id") if "author_id" in record else record.get("updater_id"))
        via = record.get("via")
        channel = to_str(via.get("channel")) if isinstance(via, dict) else to_str(via)
        base = TEMPLATE | {
            "kind": "audit", "ticket_id": ticket, "audit_id": audit_id, "created_at": created,
            "author_id": author, "author_role": self.roles.get(author), "via_channel": channel,
        }
        children = record.get(children_key) or []
        if not isinstance(children, list):
            raise RecordError(f"{children_key} is not a list ({short(children)})")
        rows = [self.child(base, child) for child in children]
        return rows or [base]

    def child(self, base: dict, child: Any) -> dict:
        if not isinstance(child, dict):
            raise RecordError(f"an event is not an object ({short(child)})")
        kind = to_str(child.get("type") or child.get("event_type"))
        row = base | {"event_id": to_str(child.get("id")), "event_type": kind}
        if kind in ("Comment", "VoiceComment"):
            author = to_str(child.get("author_id")) or base["author_id"]
            public = child.get("public", child.get("comment_public"))
            if public is not None and not isinstance(public, bool):
                raise RecordError(f"bad boolean {short(public)} in public")
            row |= {"author_id": author, "author_role": self.roles.get(author), "is_public": public}
            return row
        field = to_str(child.get("field_name"))
        value = child.get("value")
        if field is None:  # incremental event export: the changed field is its own key
            field = next((k for k in _FIELD_KEYS if k in child), None)
            value = child.get(field) if field else None
        row |= {"field_name": field, "value": to_str(value), "previous_value": to_str(child.get("previous_value"))}
        return row

    def metric(self, record: Any) -> list[dict]:
        if not isinstance(record, dict):
            raise RecordError(f"expected an object, found {short(record)}")
        event_id = to_str(record.get("id"))
        if event_id is None:
            raise RecordError("missing id")
        kind = to_str(record.get("type"))
        if kind is None:
            raise RecordError("missing type")
        metric = to_str(record.get("metric"))
        if metric is None:
            raise RecordError("missing metric")
        row = TEMPLATE | {
            "kind": "metric", "ticket_id": self.ticket_id(record), "event_id": event_id,
            "created_at": self.time(record.get("time"), "time"), "event_type": kind, "metric": metric,
            "instance_id": to_int(record.get("instance_id"), "instance_id"),
            "is_deleted": bool(record.get("deleted")) if record.get("deleted") is not None else None,
        }
        sla = record.get("sla")
        if isinstance(sla, dict):
            policy = sla.get("policy")
            if isinstance(policy, dict):
                policy = policy.get("title") or policy.get("id")
            business = sla.get("business_hours")
            row |= {
                "sla_policy": to_str(policy),
                "sla_target_minutes": to_float(sla.get("target"), "sla.target"),
                "sla_business_hours": business if isinstance(business, bool) else None,
            }
        status = record.get("status")
        if kind == "update_status" and isinstance(status, dict):
            row["value"] = to_str(status.get("calendar"))
        return [row]


def parse(path: Path, config: WhycallConfig) -> Iterator[Chunk]:
    page = read_json(path, expect="Zendesk ticket audits / ticket events / ticket metric events page")
    kind = detect(page)
    if kind is None:
        keys = sorted(page)[:8] if isinstance(page, dict) else type(page).__name__
        hint = "move it to tickets/" if isinstance(page, dict) and "tickets" in page else (
            "export with /api/v2/tickets/{id}/audits, /api/v2/incremental/ticket_events?include=comment_events "
            "or /api/v2/incremental/ticket_metric_events")
        raise file_error(path, f"not a Zendesk ticket history page: no 'audits', 'ticket_events' or "
                               f"'ticket_metric_events' array (found {keys})", hint)
    records = page[{"audit": "audits", "event": "ticket_events", "metric": "ticket_metric_events"}[kind]]
    convert = _Converter(config, user_roles(page))
    chunk = Chunk()
    for index, record in enumerate(records):
        try:
            if kind == "metric":
                rows = convert.metric(record)
            else:
                rows = convert.audit(record, "events" if kind == "audit" else "child_events")
        except RecordError as exc:
            chunk.rejects.append(Reject(index, str(exc), raw_json(record)))
        else:
            for row in rows:
                row["_record"] = index
            chunk.rows.extend(rows)
            chunk.exploded += len(rows) - 1
        if chunk.full:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk
