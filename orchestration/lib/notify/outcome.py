"""What a follow-up ticket says once the manager has dealt with it: solved when, with which outcome."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

OUTCOME_TAG_PREFIX = "callback_"  # e.g. tag callback_resolved when no outcome field is configured
SOLVED = ("solved", "closed")


def _utc(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    parsed = dt.datetime.fromisoformat(value)  # 3.11 reads a trailing Z
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def follow_up_state(
    ticket: Mapping[str, Any], outcome_field_id: str | None, outcome_map: Mapping[str, str] | None = None
) -> tuple[str, dt.datetime | None, str | None]:
    """(status, solved_at, outcome) of a Zendesk ticket: solved_at = its updated_at while solved or closed;
    the outcome is the configured field's value, else a ``callback_<outcome>`` tag, else None; a value found in
    ``outcome_map`` (notify.zendesk.outcome_map, keys lower case: e.g. ``client_rappele: resolved``) is renamed."""
    status = str(ticket.get("status") or "")
    solved_at = _utc(ticket.get("updated_at")) if status in SOLVED else None
    outcome = None
    if outcome_field_id:
        for f in ticket.get("custom_fields") or []:
            if str(f.get("id")) == outcome_field_id and f.get("value") not in (None, ""):
                outcome = str(f["value"]).strip().lower()
    if outcome is None:
        for tag in ticket.get("tags") or []:
            if str(tag).startswith(OUTCOME_TAG_PREFIX) and len(tag) > len(OUTCOME_TAG_PREFIX):
                outcome = str(tag)[len(OUTCOME_TAG_PREFIX) :]
                break
    if outcome is not None and outcome_map:
        outcome = outcome_map.get(outcome, outcome)
    return status, solved_at, outcome
