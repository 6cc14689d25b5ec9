"""A generated ticket's Zendesk history: its audits and ticket metric events, consistent with its metric set.

``ticket_history`` is pure: from the ticket's facts (creation, first reply, solve, reopens, replies, groups,
assignees; local seconds 'lt') it returns audits and metric events, each with the local time it happens. The
landing writes the ones before the export's end into ``ticket_events/`` pages. The facts agree with what the
ticket's side-loaded metric set says (replies, reopens, reply time, full resolution, stations), so whycall's
computed lifecycle figures can be checked against Zendesk's.

Shape of a life: the creation audit (status new/open/pending, group, assignee, the requester's public comment,
or an agent's for a voice ticket the agent created); the first public agent reply (status pending); the
customer's answer (open); for each reopen a solve then the customer's comment reopening it; the other agent
replies just before the final solve; Zendesk's automatic close four days later when it happens. Metric events:
a first-reply SLA (reply_time instance 1) and a resolution SLA (requester_wait_time) applied at creation, with
the breach time, pauses while pending (the breach withdrawn and set again later), and the fulfil events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

HOUR = 3600
POLICIES = {"urgent": ("Priority", 60, 8 * 60), "high": ("Priority", 60, 8 * 60)}
DEFAULT_POLICY = ("Standard", 8 * 60, 3 * 24 * 60)  # first reply, resolution targets in minutes


@dataclass
class Facts:
    ticket_id: int
    created: int  # lt
    first_reply_minutes: int | None  # None: never answered
    solved: int | None  # the final solve (lt); None: never solved
    reopens: int
    replies: int
    initial_status: str
    requester: int
    agent: int
    second_agent: int
    first_group: int
    final_group: int
    priority: str
    agent_created: bool  # a voice ticket: the agent wrote the creation comment
    closed: int | None = None


@dataclass
class Audit:
    lt: int
    author: int
    events: list[dict] = field(default_factory=list)


def _status(value: str, previous: str | None) -> dict:
    return {"type": "Change", "field_name": "status", "value": value, "previous_value": previous}


def _comment(author: int, public: bool = True, body: str = "") -> dict:
    return {"type": "Comment", "author_id": author, "public": public, "body": body}


def ticket_history(f: Facts, rng: Random) -> tuple[list[Audit], list[tuple[int, dict]]]:
    """Audits in time order and metric events as (lt, event)."""
    creator = f.agent if f.agent_created else f.requester
    first = Audit(f.created, creator, [
        _comment(creator, True, "Request"),
        {"type": "Create", "field_name": "status", "value": f.initial_status},
        {"type": "Create", "field_name": "group_id", "value": str(f.first_group)},
        {"type": "Create", "field_name": "priority", "value": f.priority},
    ])
    if f.initial_status != "new":
        first.events.append({"type": "Create", "field_name": "assignee_id", "value": str(f.agent)})
    audits = [first]
    status = f.initial_status
    end = f.solved
    reply_at = None
    if f.first_reply_minutes is not None:
        reply_at = f.created + 60 * f.first_reply_minutes
        if end is not None:
            reply_at = min(reply_at, end)
    pauses: list[tuple[int, int]] = []
    if reply_at is not None:
        final_is_first = end is not None and reply_at >= end and f.reopens == 0
        reply = Audit(reply_at, f.agent, [_comment(f.agent, True, "Answer")])
        if f.initial_status == "new":
            reply.events.append({"type": "Change", "field_name": "assignee_id", "value": str(f.agent),
                                 "previous_value": None})
        if f.final_group != f.first_group:
            reply.events.append({"type": "Change", "field_name": "group_id", "value": str(f.final_group),
                                 "previous_value": str(f.first_group)})
        if final_is_first:
            reply.events.append(_status("solved", status))
            status = "solved"
            audits.append(reply)
        else:
            reply.events.append(_status("pending", status))
            status = "pending"
            audits.append(reply)
            if end is None:  # never solved: the customer answers within a few days
                answer = reply_at + int(3 * 24 * HOUR * rng.uniform(0.1, 0.3))
                audits.append(Audit(answer, f.requester, [_comment(f.requester), _status("open", status)]))
                pauses.append((reply_at, answer))
                status = "open"
            else:
                # between the first reply and the final solve, evenly: the customer's answer, each reopen
                # (a solve, then the customer reopening), the other agent replies
                extra = max(0, f.replies - 1 - f.reopens)
                steps = 1 + 2 * f.reopens + max(0, extra - 1)
                step = (end - reply_at) / (steps + 1)
                times = iter(reply_at + int(step * k) for k in range(1, steps + 1))
                answer = next(times)
                audits.append(Audit(answer, f.requester, [_comment(f.requester), _status("open", status)]))
                pauses.append((reply_at, answer))
                status = "open"
                for n in range(f.reopens):
                    solve = Audit(next(times), f.agent, [_comment(f.agent, True, "Fixed"), _status("solved", status)])
                    if n == 0:
                        solve.events.append({"type": "Change", "field_name": "assignee_id",
                                             "value": str(f.second_agent), "previous_value": str(f.agent)})
                    audits.append(solve)
                    audits.append(Audit(next(times), f.requester, [_comment(f.requester, True, "Still broken"),
                                                                   _status("open", "solved")]))
                for _ in range(extra - 1):
                    audits.append(Audit(next(times), f.agent, [_comment(f.agent, True, "Update")]))
                final = Audit(end, f.agent, [_status("solved", status)])
                if extra >= 1:
                    final.events.insert(0, _comment(f.agent, True, "Solved"))
                audits.append(final)
                status = "solved"
    if f.closed is not None and status == "solved":
        audits.append(Audit(f.closed, -1, [_status("closed", "solved")]))
    audits.sort(key=lambda a: a.lt)  # stable: audits of the same second keep their order
    return audits, _metric_events(f, audits, reply_at, pauses)


def _metric_events(f: Facts, audits: list[Audit], reply_at: int | None,
                   pauses: list[tuple[int, int]]) -> list[tuple[int, dict]]:
    name, reply_target, resolution_target = POLICIES.get(f.priority, DEFAULT_POLICY)
    sla = {"business_hours": False, "policy": {"id": 1 if name == "Standard" else 2, "title": name}}
    out: list[tuple[int, dict]] = [
        (f.created, {"metric": "reply_time", "instance_id": 1, "type": "activate"}),
        (f.created, {"metric": "reply_time", "instance_id": 1, "type": "apply_sla",
                     "sla": {**sla, "target": reply_target}}),
        (f.created + 60 * reply_target, {"metric": "reply_time", "instance_id": 1, "type": "breach"}),
        (f.created, {"metric": "requester_wait_time", "instance_id": 0, "type": "activate"}),
        (f.created, {"metric": "requester_wait_time", "instance_id": 0, "type": "apply_sla",
                     "sla": {**sla, "target": resolution_target}}),
    ]
    if reply_at is not None:
        out.append((reply_at, {"metric": "reply_time", "instance_id": 1, "type": "fulfill"}))
    # the requester's wait pauses while the ticket is pending: the planned breach moves by the pause
    breach = f.created + 60 * resolution_target
    for start, stop in pauses:
        if start < breach:
            out.append((start, {"metric": "requester_wait_time", "instance_id": 0, "type": "pause"}))
            out.append((breach, {"metric": "requester_wait_time", "instance_id": 0, "type": "breach",
                                 "deleted": True}))
            out.append((stop, {"metric": "requester_wait_time", "instance_id": 0, "type": "activate"}))
            breach += stop - start
    out.append((breach, {"metric": "requester_wait_time", "instance_id": 0, "type": "breach"}))
    if f.solved is not None:
        out.append((f.solved, {"metric": "requester_wait_time", "instance_id": 0, "type": "fulfill"}))
    return out
