"""Expected figures computed straight from the generated landing files, without the pipeline's code.

Plain json/csv reading: if the parsers or the SQL drift from the contract, these numbers do not.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import statistics
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)  # "Z" is UTC since Python 3.11


def latest_versions(folder: Path, key: str) -> dict[str, dict]:
    """Latest updated_at per id across every page (order of files must not matter)."""
    latest: dict[str, dict] = {}
    for page in sorted(folder.glob("*.json")):
        for record in json.loads(page.read_text())[key]:
            rid = str(record["id"])
            if rid not in latest or _ts(record["updated_at"]) >= _ts(latest[rid]["updated_at"]):
                latest[rid] = record
    return latest


def records_per_file(landing: Path) -> dict[str, int]:
    counts = {}
    for source, key in (("tickets", "tickets"), ("calls", "calls")):
        for page in sorted((landing / source).glob("*.json")):
            counts[f"{source}/{page.name}"] = len(json.loads(page.read_text())[key])
    for page in sorted((landing / "ticket_events").glob("*.json")):  # audits or metric events pages
        body = json.loads(page.read_text())
        counts[f"ticket_events/{page.name}"] = len(body.get("audits", body.get("ticket_metric_events", [])))
    for survey in sorted((landing / "surveys").glob("*.csv")):
        with open(survey, newline="", encoding="utf-8-sig") as handle:
            counts[f"surveys/{survey.name}"] = sum(1 for _ in csv.reader(handle)) - 3  # 3 header rows
    return counts


def expected_contacts(landing: Path) -> dict[str, int]:
    """Contacts per CONTRACT §2: live tickets + calls, a call and the voice ticket it created being one."""
    tickets = {k: v for k, v in latest_versions(landing / "tickets", "tickets").items() if v["status"] != "deleted"}
    calls = latest_versions(landing / "calls", "calls")
    merged = 0
    for call in calls.values():
        ticket = tickets.get(str(call.get("ticket_id")))
        if ticket and ticket["via"]["channel"] == "voice":
            gap = abs(_ts(ticket["created_at"]) - _ts(call["created_at"]))
            if gap <= timedelta(hours=1):
                merged += 1
    outbound = sum(1 for c in calls.values() if c["direction"] == "outbound")
    return {"tickets": len(tickets), "calls": len(calls), "merged": merged,
            "contacts": len(tickets) + len(calls) - merged, "outbound": outbound}


# --- the marts' definitions (CONTRACT section 5), recomputed from the files ----------------------------------
# Plain Python over the generated landing files: the same definitions, none of the pipeline's code (no parser,
# no SQL). Only the fields the generator writes are read; anything else about the vendor formats is the parsers'
# business and is tested there.

# A ticket's channel is its via.channel as it is (the generator writes lower-case codes; CONTRACT §5 keeps them
# distinct); those the customer writes (channel group written) are these, by hand. voice and an unknown code
# (the planted carrier_pigeon) are not written.
WRITTEN_CHANNELS = {"email", "web", "chat", "api"}


@dataclass
class Contact:
    contact_id: str
    ticket_id: str | None  # the Zendesk ticket behind the contact (itself, or a call's merged voice ticket)
    customer: str | None
    started: datetime  # UTC, naive
    day: date  # local business date
    channel: str
    direction: str
    reason_raw: str | None
    reason_family: str
    call_reason_raw: str | None
    tags: list[str]
    subject: str | None
    text: str | None
    problem_id: str | None
    reason: str = "none"
    owner: str | None = None
    incident: str | None = None
    department: str | None = None
    suspect: bool = False
    repeat: bool = False


@dataclass
class Response:
    response_id: str
    responded: datetime  # UTC, naive
    customer: str | None
    ticket_ref: str | None
    nps: float | None
    csat: float | None
    ces: float | None
    contact_id: str | None = None
    suspect: bool = False


@dataclass
class Landing:
    """Everything the checks below need, read once from a landing zone."""

    contacts: dict[str, Contact]
    responses: dict[str, Response]
    incidents: list[dict]
    volumes: dict[tuple[str, date], float]  # (department, local date) -> the department's denominator
    first_day: date
    last_day: date


def _utc(value: str) -> datetime:
    return _ts(value).astimezone(UTC).replace(tzinfo=None)


def _fold(text: str) -> str:
    """Lower case without accents (unicode marks dropped)."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", _fold(text)).strip()


def fold_spacing(text: str) -> str:
    return re.sub(r"\s+", " ", _fold(text)).strip()


def _reference(landing: Path, name: str) -> list[dict]:
    with open(landing / "reference" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _date(value: str) -> date | None:
    return date.fromisoformat(value) if value else None


def read_landing(landing: Path) -> Landing:
    settings = yaml.safe_load((landing / "whycall.yml").read_text())
    zone = ZoneInfo(settings["timezone"])
    field_id = int(settings["sources"]["tickets"]["reason_field_id"])
    wrap_up_field = settings["sources"]["calls"]["reason_field"]

    def local_day(moment: datetime) -> date:
        return moment.replace(tzinfo=UTC).astimezone(zone).date()

    tickets = {k: v for k, v in latest_versions(landing / "tickets", "tickets").items() if v["status"] != "deleted"}
    calls = latest_versions(landing / "calls", "calls")

    # a call and the voice ticket it created (within an hour) are one contact: one ticket per call and back
    pairs = []
    for call in calls.values():
        ticket = tickets.get(str(call.get("ticket_id")))
        if ticket and ticket["via"]["channel"] == "voice":
            gap = abs((_ts(ticket["created_at"]) - _ts(call["created_at"])).total_seconds())
            if gap <= 3600:
                pairs.append((gap, str(call["id"]), str(ticket["id"])))
    merged_ticket, used_tickets = {}, set()
    for _gap, call_id, ticket_id in sorted(pairs):
        if call_id not in merged_ticket and ticket_id not in used_tickets:
            merged_ticket[call_id] = ticket_id
            used_tickets.add(ticket_id)

    def reason_field(ticket: dict) -> str | None:
        value = next((f["value"] for f in ticket.get("custom_fields", []) if f["id"] == field_id), None)
        return str(value) if value not in (None, "") else None

    contacts: dict[str, Contact] = {}
    for tid, t in tickets.items():
        if tid in used_tickets:
            continue
        started = _utc(t["created_at"])
        rel = (t["via"].get("source") or {}).get("rel") or ""
        contacts[f"zendesk:{tid}"] = Contact(
            f"zendesk:{tid}", tid, str(t["requester_id"]) if t.get("requester_id") is not None else None,
            started, local_day(started), t["via"]["channel"],
            "outbound" if "outbound" in rel.lower() else "inbound", reason_field(t), "tickets", None,
            list(t.get("tags") or []), t.get("subject") or None, t.get("description") or None,
            str(t["problem_id"]) if t.get("problem_id") is not None else None,
        )  # fmt: skip
    for cid, c in calls.items():
        started = _utc(c["created_at"])
        wrap_up = c.get(wrap_up_field) or None
        customer = str(c["customer_id"]) if c.get("customer_id") is not None else None
        t = tickets.get(merged_ticket.get(cid, ""))
        if t is None:
            contact = Contact(f"talk:{cid}", None, customer, started, local_day(started), "phone",
                              c.get("direction") or "inbound", wrap_up, "calls", None, [], None, None, None)
        else:
            contact = Contact(
                f"talk:{cid}", str(t["id"]), customer or str(t["requester_id"]), started, local_day(started),
                "phone", c.get("direction") or "inbound", reason_field(t), "tickets", wrap_up,
                list(t.get("tags") or []), t.get("subject") or None, t.get("description") or None,
                str(t["problem_id"]) if t.get("problem_id") is not None else None,
            )  # fmt: skip
        contacts[contact.contact_id] = contact

    reasons = _reference(landing, "reasons")
    _classify(contacts.values(), reasons, _reference(landing, "reason_map"))
    incidents = [
        {**i, "started_at": _utc(i["started_at"]), "ended_at": _utc(i["ended_at"]) if i["ended_at"] else None}
        for i in _reference(landing, "incidents")
    ]
    _attribute(contacts, reasons, incidents)
    _flag_suspects(list(contacts.values()))
    _flag_repeats(list(contacts.values()))

    departments = {d["department_id"]: d for d in _reference(landing, "departments")}
    volumes: dict[tuple[str, date], float] = {}
    for row in _reference(landing, "volumes"):
        if row["measure"] == departments[row["department_id"]]["volume_measure"]:
            key = (row["department_id"], date.fromisoformat(row["date"]))
            volumes[key] = volumes.get(key, 0.0) + float(row["value"])

    responses = _read_responses(landing, zone)
    _link_responses(responses, contacts)
    days = [c.day for c in contacts.values()]
    return Landing(contacts, responses, incidents, volumes, min(days), max(days))


def _classify(contacts, reasons: list[dict], reason_map: list[dict]) -> None:
    """field (a raw value that is a reason code), then reason_map (raw values, then tags), then keywords."""
    codes = {r["reason_code"] for r in reasons}
    mapped: dict[tuple[str, str], set[str]] = {}
    for row in reason_map:
        if row["reason_code"] in codes:
            mapped.setdefault((row["source"], row["source_value"]), set()).add(row["reason_code"])
    keywords = {
        (r["reason_code"], fold_words(k))
        for r in reasons
        for k in (r["keywords_en"] or "").split("|") + (r["keywords_fr"] or "").split("|")
        if fold_words(k)
    }
    for c in contacts:
        values = [(c.reason_family, c.reason_raw, 1, True), ("calls", c.call_reason_raw, 2, True)]
        values += [("tickets", tag, 3, False) for tag in c.tags if tag]
        hits = []
        for family, value, priority, is_field in values:
            if value is None:
                continue
            if is_field and value in codes:
                hits.append((1, priority, value))
            hits += [(2, priority, code) for code in mapped.get((family, value), ())]
        if hits:
            c.reason = min(hits)[2]
        elif c.subject is not None or c.text is not None:
            text = f" {fold_words((c.subject or '') + ' ' + (c.text or ''))} "
            found = [(-len(k), code) for code, k in keywords if f" {k} " in text]
            c.reason = min(found)[1] if found else "none"


def _owner(reasons: list[dict], code: str, day: date) -> str | None:
    covering = [
        r for r in reasons
        if r["reason_code"] == code and (_date(r["valid_from"]) or date.min) <= day <= (_date(r["valid_to"]) or date.max)
    ]  # fmt: skip
    if not covering:
        return None
    return max(covering, key=lambda r: _date(r["valid_from"]) or date.min)["department_id"] or None


def _attribute(contacts: dict[str, Contact], reasons: list[dict], incidents: list[dict]) -> None:
    """Owner on the contact date; incident (same reason, inside the window + 24 h grace, or a problem ticket's
    child); department = the incident's, else the owner."""
    grace = timedelta(hours=24)
    for c in contacts.values():
        c.owner = _owner(reasons, c.reason, c.day)
        linked = [
            i for i in incidents
            if i["reason_code"] == c.reason and c.started >= i["started_at"]
            and (i["ended_at"] is None or c.started <= i["ended_at"] + grace)
        ]  # fmt: skip
        if linked:
            c.incident = max(linked, key=lambda i: (i["started_at"], i["incident_id"]))["incident_id"]
    by_ticket = {c.ticket_id: c for c in contacts.values() if c.ticket_id}
    register = {c.contact_id: c.incident for c in contacts.values() if c.incident}
    for c in contacts.values():
        problem = by_ticket.get(c.problem_id) if c.problem_id else None
        if c.contact_id not in register and problem is not None and problem.contact_id in register:
            c.incident = register[problem.contact_id]
    incident_department = {i["incident_id"]: i["department_id"] for i in incidents}
    for c in contacts.values():
        c.department = incident_department[c.incident] if c.incident else c.owner


def _flag_suspects(contacts: list[Contact]) -> None:
    inbound = [c for c in contacts if c.direction == "inbound"]
    per_day: dict[tuple[str, date], int] = {}
    for c in inbound:
        if c.customer is not None:
            per_day[(c.customer, c.day)] = per_day.get((c.customer, c.day), 0) + 1
    senders: dict[str, set[str]] = {}
    for c in inbound:
        if c.text is not None and len(fold_spacing(c.text)) >= 10 and c.customer is not None:
            senders.setdefault(fold_spacing(c.text), set()).add(c.customer)
    for c in inbound:
        c.suspect = (
            per_day.get((c.customer, c.day), 0) > 8
            or (c.channel in WRITTEN_CHANNELS and len((c.text or "").strip()) < 3)
            or (c.text is not None and len(senders.get(fold_spacing(c.text), ())) >= 5)
        )


def _flag_repeats(contacts: list[Contact]) -> None:
    """Inbound, known customer, a reason: a repeat when the previous one is at most 7 local days before."""
    chains: dict[tuple[str, str], list[Contact]] = {}
    for c in contacts:
        if c.direction == "inbound" and c.customer is not None and c.reason != "none":
            chains.setdefault((c.customer, c.reason), []).append(c)
    for chain in chains.values():
        chain.sort(key=lambda c: (c.started, c.contact_id))
        for previous, current in itertools.pairwise(chain):
            current.repeat = (current.day - previous.day).days <= 7


def _score(value: str) -> float | None:
    return float(value) if value not in ("", None) else None


def _read_responses(landing: Path, zone: ZoneInfo) -> dict[str, Response]:
    """Qualtrics 3-header-row exports: RecordedDate is local time in the declared time zone."""
    responses = {}
    for path in sorted((landing / "surveys").glob("*.csv")):
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
        header, data = rows[0], rows[3:]
        for values in data:
            r = dict(zip(header, values))
            local = datetime.fromisoformat(r["RecordedDate"]).replace(tzinfo=zone)
            responses[r["ResponseId"]] = Response(
                r["ResponseId"], local.astimezone(UTC).replace(tzinfo=None), r["customer_id"] or None,
                r["ticket_id"] or None, _score(r["Q1"]), _score(r["Q2"]), _score(r["Q3"]),
            )  # fmt: skip
    return responses


def _link_responses(responses: dict[str, Response], contacts: dict[str, Contact]) -> None:
    """The ticket reference first; else the customer's latest inbound contact in the 7 days before."""
    by_ticket = {c.ticket_id: c.contact_id for c in contacts.values() if c.ticket_id}
    by_customer: dict[str, list[Contact]] = {}
    for c in contacts.values():
        if c.direction == "inbound" and c.customer is not None:
            by_customer.setdefault(c.customer, []).append(c)
    for r in responses.values():
        r.contact_id = by_ticket.get(r.ticket_ref) if r.ticket_ref else None
        if r.contact_id is None and r.customer is not None:
            window = [c for c in by_customer.get(r.customer, [])
                      if r.responded - timedelta(days=7) <= c.started <= r.responded]  # fmt: skip
            if window:
                r.contact_id = max(window, key=lambda c: (c.started, c.contact_id)).contact_id
        answered = [s for s in (r.nps, r.csat, r.ces) if s is not None]
        r.suspect = r.contact_id is None and len(answered) >= 2 and len(set(answered)) == 1


def expected_repeats(data: Landing) -> set[str]:
    return {c.contact_id for c in data.contacts.values() if c.repeat}


def expected_survey_links(data: Landing) -> dict[str, str | None]:
    return {r.response_id: r.contact_id for r in data.responses.values()}


def expected_alerts(data: Landing, within_hours: float = 48) -> dict[tuple[str | None, str], int]:
    """Alerts by (department of the linked contact, status): csat <= 2, nps <= 6 or ces <= 3 (high is easy);
    recontacted = the customer's first outbound contact after the response."""
    outbound: dict[str, list[datetime]] = {}
    for c in data.contacts.values():
        if c.direction == "outbound" and c.customer is not None:
            outbound.setdefault(c.customer, []).append(c.started)
    counts: dict[tuple[str | None, str], int] = {}
    for r in data.responses.values():
        if not ((r.csat is not None and r.csat <= 2) or (r.nps is not None and r.nps <= 6)
                or (r.ces is not None and r.ces <= 3)):  # fmt: skip
            continue
        linked = data.contacts[r.contact_id] if r.contact_id else None
        customer = r.customer or (linked.customer if linked else None)
        later = [t for t in outbound.get(customer, []) if t > r.responded] if customer else []
        if not later:
            status = "open"
        else:
            status = "recontacted" if (min(later) - r.responded) <= timedelta(hours=within_hours) else "late"
        key = (linked.department if linked else None, status)
        counts[key] = counts.get(key, 0) + 1
    return counts


def expected_contacts_per_1000(data: Landing) -> dict[tuple[str, date], float]:
    """Per department and month: non-suspect contacts of its reasons / its volume x 1,000, both over the
    published days that have a volume."""
    numerators: dict[tuple[str, date], int] = {}
    denominators: dict[tuple[str, date], float] = {}
    for (department, day), volume in data.volumes.items():
        if data.first_day <= day <= data.last_day:
            month = day.replace(day=1)
            denominators[(department, month)] = denominators.get((department, month), 0.0) + volume
    for c in data.contacts.values():
        if not c.suspect and c.owner is not None and (c.owner, c.day) in data.volumes:
            key = (c.owner, c.day.replace(day=1))
            numerators[key] = numerators.get(key, 0) + 1
    return {key: 1000.0 * numerators.get(key, 0) / volume for key, volume in denominators.items() if volume > 0}


def expected_incident_excess(data: Landing, incident_id: str, zone: str = "Europe/Brussels") -> float:
    """Inbound non-suspect contacts of the reason on the incident's local days (start to end + 24 h) minus the
    median of the same weekday over the 4 weeks before the start (days of incidents of the reason left out)."""
    tz = ZoneInfo(zone)
    incident = next(i for i in data.incidents if i["incident_id"] == incident_id)
    local = lambda moment: moment.replace(tzinfo=UTC).astimezone(tz).date()
    daily: dict[date, int] = {}
    for c in data.contacts.values():
        if c.reason == incident["reason_code"] and c.direction == "inbound" and not c.suspect:
            daily[c.day] = daily.get(c.day, 0) + 1
    covered = set()
    for i in data.incidents:
        if i["reason_code"] == incident["reason_code"]:
            end = local(i["ended_at"] + timedelta(hours=24)) if i["ended_at"] else data.last_day
            covered |= {local(i["started_at"]) + timedelta(n) for n in range((end - local(i["started_at"])).days + 1)}
    start = local(incident["started_at"])
    end = local(incident["ended_at"] + timedelta(hours=24)) if incident["ended_at"] else data.last_day
    excess, day = 0.0, start
    while day <= min(end, data.last_day):
        prior = [day - timedelta(weeks=k) for k in range(1, 27)]
        prior = [p for p in prior if p < start and p >= data.first_day and p not in covered][:4]
        if prior:
            excess += daily.get(day, 0) - statistics.median(daily.get(p, 0) for p in prior)
        day += timedelta(days=1)
    return excess
