"""Hand-written Zendesk ticket histories for the lifecycle metrics (test_lifecycle_build.py), on top of seed_raw.

Business time zone Europe/Brussels (UTC+1 in winter, UTC+2 from Sunday 31 March 2024). Schedules (VARS below):
default Mon-Thu 08:00-18:00, Fri 08:00-12:00 + 13:00-17:00; LOGI Mon-Fri 09:00-17:00. Holidays: Monday
4 March 2024 for every schedule, Monday 1 April 2024 (Easter Monday) for LOGI only.

- 9001 (new_order, SALES -> default schedule): created by an agent with a public comment on Friday 1 March
  10:00 local; first reply in the last business minute of that Friday (16:59:30); pending over the weekend and the
  holiday; solved Tuesday, reopened Wednesday, solved again; moved from group G1 to G2.
- 9002 (late_delivery, LOGI schedule): created by a customer on Friday 29 March 16:00 local, put on hold, answered
  and solved Tuesday 2 April 09:30 local, after the DST change and the LOGI-only Easter Monday. SLA: first reply
  breached, resolution achieved.
- 9003 (no reason, default): unsolved, pending; its pages had no users side-load (roles unknown), and one audit was
  landed twice.
"""

from __future__ import annotations

from datetime import datetime

from seed_raw import dataset, ticket

from orchestration.lib.config import build_config

BUSINESS_HOURS = {
    "default": {"mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00", "thu": "08:00-18:00",
                "fri": "08:00-12:00,13:00-17:00"},
    "by_department": {"LOGI": {d: "09:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}},
}
VARS = build_config({"business_hours": BUSINESS_HOURS}).dbt_vars()


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _event(ticket_id, audit_id, event_id, at, *, author=None, role=None, event_type="Change", field=None,
           value=None, previous=None, public=None, file="ticket_events/audits_1.json", record=0) -> dict:
    return {"kind": "audit", "ticket_id": str(ticket_id), "audit_id": str(audit_id), "event_id": str(event_id),
            "created_at": ts(at), "author_id": author, "author_role": role, "via_channel": "web",
            "event_type": event_type, "field_name": field, "value": value, "previous_value": previous,
            "is_public": public, "_file": file, "_record": record}


def _comment(ticket_id, audit_id, event_id, at, author, role, public=True, **kw) -> dict:
    return _event(ticket_id, audit_id, event_id, at, author=author, role=role, event_type="Comment", public=public, **kw)


def _metric(event_id, ticket_id, metric, instance, kind, at, **sla) -> dict:
    return {"kind": "metric", "ticket_id": str(ticket_id), "event_id": str(event_id), "created_at": ts(at),
            "metric": metric, "instance_id": instance, "event_type": kind, "_file": "ticket_events/metrics.json",
            "_record": 0, **sla}


def events() -> list[dict]:
    agent, agent2, customer = ("501", "agent"), ("502", "agent"), ("601", "end-user")
    t1 = [
        _comment(9001, "a1", "a1c", "2024-03-01 09:00:00", *agent),  # the creation comment, by an agent
        _event(9001, "a1", "a1s", "2024-03-01 09:00:00", event_type="Create", field="status", value="open"),
        _event(9001, "a1", "a1g", "2024-03-01 09:00:00", event_type="Create", field="group_id", value="G1"),
        _event(9001, "a1", "a1a", "2024-03-01 09:00:00", event_type="Create", field="assignee_id", value="501"),
        _comment(9001, "a2", "a2c", "2024-03-01 15:59:30", *agent),
        _event(9001, "a2", "a2s", "2024-03-01 15:59:30", field="status", value="pending", previous="open"),
        _comment(9001, "a3", "a3c", "2024-03-04 10:00:00", *customer),
        _event(9001, "a3", "a3s", "2024-03-04 10:00:00", field="status", value="open", previous="pending"),
        _comment(9001, "a4", "a4c", "2024-03-05 08:00:00", *agent),
        _event(9001, "a4", "a4s", "2024-03-05 08:00:00", field="status", value="solved", previous="open"),
        _event(9001, "a4", "a4g", "2024-03-05 08:00:00", field="group_id", value="G2", previous="G1"),
        _comment(9001, "a5", "a5c", "2024-03-06 09:00:00", *customer),
        _event(9001, "a5", "a5s", "2024-03-06 09:00:00", field="status", value="open", previous="solved"),
        _comment(9001, "a6", "a6c", "2024-03-06 10:00:00", *agent),
        _event(9001, "a6", "a6s", "2024-03-06 10:00:00", field="status", value="solved", previous="open"),
    ]
    t2 = [
        _comment(9002, "b1", "b1c", "2024-03-29 15:00:00", *customer),
        _event(9002, "b1", "b1s", "2024-03-29 15:00:00", event_type="Create", field="status", value="new"),
        _event(9002, "b1", "b1g", "2024-03-29 15:00:00", event_type="Create", field="group_id", value="G3"),
        _comment(9002, "b2", "b2c", "2024-03-29 15:30:00", *agent2, public=False),  # an internal note
        _event(9002, "b2", "b2s", "2024-03-29 15:30:00", field="status", value="hold", previous="new"),
        _event(9002, "b2", "b2a", "2024-03-29 15:30:00", field="assignee_id", value="502"),
        _comment(9002, "b3", "b3c", "2024-04-02 07:30:00", *agent2),
        _event(9002, "b3", "b3s", "2024-04-02 07:30:00", field="status", value="solved", previous="hold"),
    ]
    duplicate = {"file": "ticket_events/audits_2.json", "record": 5}
    t3 = [
        _comment(9003, "c1", "c1c", "2024-03-05 09:00:00", "701", None),
        _event(9003, "c1", "c1s", "2024-03-05 09:00:00", event_type="Create", field="status", value="open"),
        _comment(9003, "c2", "c2c", "2024-03-05 10:00:00", "501", None),
        _event(9003, "c2", "c2s", "2024-03-05 10:00:00", field="status", value="pending", previous="open"),
        _comment(9003, "c2", "c2c", "2024-03-05 10:00:00", "501", None, **duplicate),
        _event(9003, "c2", "c2s", "2024-03-05 10:00:00", field="status", value="pending", previous="open", **duplicate),
        _event(9003, "c3", "c3p", "2024-03-05 12:00:00", field="priority", value="high", previous="normal"),
    ]
    gold = {"sla_policy": "Gold", "sla_target_minutes": 240.0, "sla_business_hours": False}
    metrics = [
        _metric("m1", 9001, "reply_time", 1, "apply_sla", "2024-03-01 09:00:00", sla_policy="Silver",
                sla_target_minutes=480.0, sla_business_hours=False),
        _metric("m2", 9001, "reply_time", 1, "breach", "2024-03-01 17:00:00"),
        _metric("m3", 9001, "reply_time", 1, "fulfill", "2024-03-01 15:59:30"),
        _metric("m4", 9002, "reply_time", 1, "apply_sla", "2024-03-29 15:00:00", **gold),
        _metric("m5", 9002, "reply_time", 1, "breach", "2024-03-29 19:00:00"),
        _metric("m6", 9002, "reply_time", 1, "fulfill", "2024-04-02 07:30:00"),
        _metric("m7", 9002, "requester_wait_time", 0, "apply_sla", "2024-03-29 15:00:00", **gold),
        _metric("m8", 9002, "requester_wait_time", 0, "breach", "2024-03-30 15:00:00", is_deleted=True),  # withdrawn
        _metric("m9", 9002, "requester_wait_time", 0, "breach", "2024-04-05 15:00:00"),
        _metric("m10", 9002, "requester_wait_time", 0, "fulfill", "2024-04-02 07:30:00"),
    ]
    return t1 + t2 + t3 + metrics


def lifecycle_dataset() -> dict[str, list[dict]]:
    data = dataset()
    data["tickets"] = data["tickets"] + [
        ticket(9001, "2024-03-01 09:00:00", "cust-l1", "email", reason_raw="new_order", status="solved", _record=9001),
        ticket(9002, "2024-03-29 15:00:00", "cust-l2", "web", reason_raw="late_delivery", status="solved", _record=9002),
        ticket(9003, "2024-03-05 09:00:00", "cust-l3", "email", status="pending", _record=9003),
    ]
    data["ticket_events"] = events()
    data["holidays"] = [
        {"date": datetime(2024, 3, 4).date(), "name": "Closing day", "department_id": None,
         "_file": "reference/holidays.csv", "_record": 2},
        {"date": datetime(2024, 4, 1).date(), "name": "Easter Monday", "department_id": "LOGI",
         "_file": "reference/holidays.csv", "_record": 3},
    ]
    return data
