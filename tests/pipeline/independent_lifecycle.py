"""Ticket lifecycle metrics recomputed from the generated landing files in plain Python (issue 20).

None of the pipeline's code: no parser, no SQL, no orchestration.lib. The audit pages of ``ticket_events/`` are read
with ``json``, the business hours from ``whycall.yml`` with ``yaml``, the holidays with ``csv``, and each metric
follows Zendesk's definition as docs/lifecycle_metrics.md states it:

- first reply: creation -> the first public comment by an agent or admin, the comment the ticket was created with
  not counted (an agent-created ticket's first reply is its second public agent comment);
- replies: public agent/admin comments after the creation comment;
- reopens: a status change from solved to any status but solved and closed;
- first / full resolution: creation -> the first / the last change to solved;
- business minutes: the part of a span inside the schedule's weekly local intervals, whole holiday days closed.
  A ticket's schedule is the one of the department owning its reason on the creation date, else ``default``.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
AGENT_ROLES = {"agent", "admin"}


@dataclass
class Lifecycle:
    ticket_id: str
    created: datetime  # aware, UTC
    first_reply: datetime | None
    first_solved: datetime | None
    last_solved: datetime | None
    replies: int
    reopens: int


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def read_histories(landing: Path) -> dict[str, Lifecycle]:
    """Every ticket's audits (all pages, an audit landed twice counted once) folded into its lifecycle facts."""
    roles: dict[int, str] = {}
    audits: dict[int, dict] = {}
    for page in sorted((landing / "ticket_events").glob("*audits*.json")):
        body = json.loads(page.read_text(encoding="utf-8"))
        roles.update({user["id"]: user["role"] for user in body.get("users", [])})
        for audit in body["audits"]:
            audits[audit["id"]] = audit
    per_ticket: dict[str, list[dict]] = {}
    for audit in audits.values():
        per_ticket.setdefault(str(audit["ticket_id"]), []).append(audit)

    out = {}
    for ticket_id, items in per_ticket.items():
        # the creation audit is the one with Create events (else the earliest); then time order
        items.sort(key=lambda a: (_utc(a["created_at"]), a["id"]))
        creation = next((a for a in items if any(e["type"] == "Create" for e in a["events"])), items[0])
        first_reply, replies, reopens = None, 0, 0
        first_solved = last_solved = None
        status = None
        for audit in items:
            at = _utc(audit["created_at"])
            for event in audit["events"]:
                public = event["type"] in ("Comment", "VoiceComment") and event.get("public")
                if public and audit is not creation and roles.get(event.get("author_id")) in AGENT_ROLES:
                    replies += 1
                    first_reply = first_reply or at
            statuses = [e["value"] for e in audit["events"] if e.get("field_name") == "status" and e.get("value")]
            if statuses:
                new = statuses[-1].lower()
                if status == "solved" and new not in ("solved", "closed"):
                    reopens += 1
                if new == "solved":
                    first_solved = first_solved or at
                    last_solved = at
                status = new
        out[ticket_id] = Lifecycle(ticket_id, _utc(creation["created_at"]), first_reply, first_solved, last_solved,
                                   replies, reopens)
    return out


class Schedules:
    """The landing's business hours: weekly local intervals per schedule, holidays per schedule or for all."""

    def __init__(self, landing: Path):
        settings = yaml.safe_load((landing / "whycall.yml").read_text())
        self.zone = ZoneInfo(settings["timezone"])
        hours = settings["business_hours"]
        self.weeks = {"default": self._week(hours["default"])}
        self.weeks.update({name: self._week(week) for name, week in (hours.get("by_department") or {}).items()})
        self.holidays: dict[date, set[str] | None] = {}
        with open(landing / "reference" / "holidays.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                day = date.fromisoformat(row["date"])
                department = (row.get("department_id") or "").strip()
                if not department:
                    self.holidays[day] = None  # every schedule
                elif self.holidays.get(day, set()) is not None:
                    self.holidays.setdefault(day, set()).add(department)

    @staticmethod
    def _week(week: dict) -> dict[int, list[tuple[time, time]]]:
        out = {}
        for name, text in week.items():
            out[DAYS.index(name)] = [
                (time.fromisoformat(a.strip()), time.fromisoformat(b.strip()))
                for a, b in (part.split("-") for part in str(text).split(","))
            ]
        return out

    def business_minutes(self, schedule: str, start: datetime, end: datetime) -> float:
        """Minutes of [start, end] inside the schedule's open hours, walking local day by local day."""
        week = self.weeks[schedule]
        total = 0.0
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        while day <= last:
            closed = day in self.holidays and (self.holidays[day] is None or schedule in self.holidays[day])
            if not closed:
                for opens, shuts in week.get(day.weekday(), []):
                    a = datetime.combine(day, opens, tzinfo=self.zone).astimezone(UTC)
                    b = datetime.combine(day, shuts, tzinfo=self.zone).astimezone(UTC)
                    overlap = (min(b, end) - max(a, start)).total_seconds()
                    total += max(0.0, overlap) / 60
            day += timedelta(days=1)
        return total


def minutes(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 60
