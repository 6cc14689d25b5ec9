"""The synthetic landing zone: vendor shapes, determinism, and the planted causes read back from the files.

The planted checks read the generated files with json/csv only (a tiny independent oracle of the
pipeline's rules), so they prove the causes are in the data, not only in the summary.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from random import Random
from zoneinfo import ZoneInfo

import pytest
import yaml

from generator import reference, texts
from generator.landing import generate_landing
from orchestration.lib.raw_schema import REFERENCE_FIELDS

TZ = ZoneInfo("Europe/Brussels")
END = date(2026, 5, 31)
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
QUALTRICS_IDS = [
    "StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
    "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
    "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage",
    "Q1", "Q2", "Q3", "Q4", "ticket_id", "customer_id",
]  # fmt: skip


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("landing_small")
    return out, generate_landing(out, days=21, contacts_per_day=80, seed=7, end=END)


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Big enough for rates to be stable: 8 weeks, 150 contacts a day (about a second)."""
    out = tmp_path_factory.mktemp("landing_planted")
    summary = generate_landing(out, days=56, contacts_per_day=150, seed=11, end=END)
    return out, summary, _Oracle(out)


# --- a tiny independent reader of the landing zone ---------------------------------------------------


def _local_date(iso_utc: str) -> date:
    return datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).astimezone(TZ).date()


def _utc(iso_utc: str) -> datetime:
    return datetime.strptime(iso_utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class _Oracle:
    """Latest ticket/call versions, contacts (a call and its voice ticket are one) and their reasons."""

    def __init__(self, landing: Path):
        self.landing = landing
        ref_dir = landing / "reference"
        self.reasons = list(csv.DictReader((ref_dir / "reasons.csv").open(encoding="utf-8")))
        self.kind = {r["reason_code"]: r["kind"] for r in self.reasons}
        rmap = list(csv.DictReader((ref_dir / "reason_map.csv").open(encoding="utf-8")))
        self.map = {(r["source"], r["source_value"]): r["reason_code"] for r in rmap}
        self.keywords = [
            (r["reason_code"], [k.casefold() for k in (r["keywords_en"] + "|" + r["keywords_fr"]).split("|")])
            for r in self.reasons
        ]
        self.volumes = defaultdict(float)  # (department, date) -> value of its volume measure
        measure = {d["department_id"]: d["volume_measure"] for d in self._csv("departments")}
        for v in self._csv("volumes"):
            if measure[v["department_id"]] == v["measure"]:
                self.volumes[(v["department_id"], date.fromisoformat(v["date"]))] += float(v["value"])
        self.tickets: dict[int, dict] = {}
        self.ticket_versions: Counter = Counter()
        for page in sorted((landing / "tickets").glob("*.json")):
            for t in json.loads(page.read_text(encoding="utf-8"))["tickets"]:
                self.ticket_versions[t["id"]] += 1
                if t["id"] not in self.tickets or t["updated_at"] >= self.tickets[t["id"]]["updated_at"]:
                    self.tickets[t["id"]] = t
        self.calls: dict[int, dict] = {}
        for page in sorted((landing / "calls").glob("*.json")):
            for c in json.loads(page.read_text(encoding="utf-8"))["calls"]:
                if c["id"] not in self.calls or c["updated_at"] >= self.calls[c["id"]]["updated_at"]:
                    self.calls[c["id"]] = c
        self.responses = []
        for f in sorted((landing / "surveys").glob("*.csv")):
            rows = list(csv.reader(f.open(encoding="utf-8", newline="")))
            self.responses += [dict(zip(rows[0], r, strict=True)) for r in rows[3:]]
        self.contacts = self._contacts()

    def _csv(self, name):
        return list(csv.DictReader((self.landing / "reference" / f"{name}.csv").open(encoding="utf-8")))

    def ticket_reason(self, t: dict) -> str | None:
        raw = next(f["value"] for f in t["custom_fields"] if f["id"] == 360000000001)
        if raw is not None:
            return self.map[("tickets", raw)]
        text = f"{t['subject']} {t['description']}".casefold()
        return next((code for code, kws in self.keywords if any(k in text for k in kws)), None)

    def _contacts(self) -> list[dict]:
        live = {i: t for i, t in self.tickets.items() if t["status"] != "deleted"}
        merged, contacts = set(), []
        for c in self.calls.values():
            t = live.get(c["ticket_id"])
            own_ticket = (
                t is not None
                and t["via"]["channel"] == "voice"
                and timedelta(0) <= _utc(t["created_at"]) - _utc(c["created_at"]) <= timedelta(hours=1)
            )
            reason = self.ticket_reason(t) if own_ticket else None
            if reason is None:
                reason = self.map.get(("calls", c["wrap_up_reason"]))
            if own_ticket:
                merged.add(t["id"])
            contacts.append({"customer": c["customer_id"], "at": _utc(c["created_at"]), "reason": reason,
                             "direction": c["direction"], "channel": "phone"})  # fmt: skip
        for t in live.values():
            if t["id"] not in merged:
                contacts.append({"customer": t["requester_id"], "at": _utc(t["created_at"]),
                                 "reason": self.ticket_reason(t), "direction": "inbound",
                                 "channel": t["via"]["channel"]})  # fmt: skip
        for c in contacts:
            c["date"] = c["at"].astimezone(TZ).date()
        return contacts

    def daily(self, reason: str) -> dict[date, int]:
        counts = Counter(
            c["date"] for c in self.contacts if c["reason"] == reason and c["direction"] == "inbound"
        )
        return counts


# --- shape and determinism ---------------------------------------------------------------------------


def test_same_seed_same_bytes_other_seed_differs(small, tmp_path):
    out, _ = small
    again = tmp_path / "again"
    generate_landing(again, days=21, contacts_per_day=80, seed=7, end=END)
    assert _digest(again) == _digest(out)
    other = tmp_path / "other"
    generate_landing(other, days=21, contacts_per_day=80, seed=8, end=END)
    assert _digest(other) != _digest(out)
    assert _digest(other)["reference/departments.csv"] == _digest(out)["reference/departments.csv"]


def test_regenerating_replaces_our_files_only(tmp_path):
    generate_landing(tmp_path, days=5, contacts_per_day=10, seed=1, end=END)
    (tmp_path / "tickets" / "my_own_export.json").write_text("{}")
    generate_landing(tmp_path, days=3, contacts_per_day=10, seed=1, end=END - timedelta(days=10))
    days = {p.name[:10] for p in (tmp_path / "tickets").glob("2*.json")}
    assert days == {(END - timedelta(days=d)).isoformat() for d in (10, 11, 12)}
    assert (tmp_path / "tickets" / "my_own_export.json").exists()


def test_layout_and_whycall_yml(small):
    out, summary = small
    assert {p.name for p in out.iterdir()} == {"whycall.yml", "tickets", "calls", "surveys", "reference", "ticket_events"}
    cfg = yaml.safe_load((out / "whycall.yml").read_text(encoding="utf-8"))
    assert cfg["timezone"] == "Europe/Brussels"
    assert cfg["sources"]["tickets"] == {"format": "zendesk", "reason_field_id": 360000000001}
    assert cfg["sources"]["calls"] == {"format": "zendesk_talk", "reason_field": "wrap_up_reason"}
    surveys = cfg["sources"]["surveys"]
    assert surveys["questions"] == {"nps": "Q1", "csat": "Q2", "ces": "Q3", "comment": "Q4"}
    assert surveys["link"] == {"ticket": "ticket_id", "customer": "customer_id"}
    assert cfg["rules"]["alert"] == {"csat_max": 2, "nps_max": 6, "ces_max": 3, "recontact_within_hours": 48}
    assert cfg["rules"]["suspect"]["max_contacts_per_customer_day"] == 8
    files = sum(1 for p in out.rglob("*") if p.is_file())
    assert summary.files == files
    assert (
        len(list((out / "tickets").glob("*.json"))) >= 21 and len(list((out / "calls").glob("*.json"))) == 21
    )
    json.dumps(summary.to_dict())  # serialisable
    assert summary.to_dict()["counts"]["tickets"] == summary.tickets


def test_ticket_pages_are_zendesk_cursor_exports(small):
    out, summary = small
    seen, versions = set(), 0
    for page_file in sorted((out / "tickets").glob("*.json")):
        page = json.loads(page_file.read_text(encoding="utf-8"))
        assert list(page) == ["tickets", "metric_sets", "after_url", "after_cursor", "before_url",
                              "before_cursor", "end_of_stream"]  # fmt: skip
        assert len(page["tickets"]) <= 1000 and isinstance(page["end_of_stream"], bool)
        assert page["after_url"].endswith(page["after_cursor"])
        stamps = [t["generated_timestamp"] for t in page["tickets"]]
        assert stamps == sorted(stamps)  # the export is ordered by update time
        for t in page["tickets"]:
            versions += 1
            seen.add(t["id"])
            assert ISO_Z.match(t["created_at"]) and ISO_Z.match(t["updated_at"])
            assert t["created_at"] <= t["updated_at"]
            assert t["status"] in {"new", "open", "pending", "solved", "closed", "deleted"}
            assert t["via"]["channel"] in {"email", "web", "voice", "chat", "api"}
            assert [f["id"] for f in t["custom_fields"]] == [360000000001, 360000000002]
            assert t["satisfaction_rating"]["score"] in {"good", "bad", "offered", "unoffered"}
            assert isinstance(t["tags"], list) and isinstance(t["requester_id"], int)
        assert {m["ticket_id"] for m in page["metric_sets"]} <= {t["id"] for t in page["tickets"]}
    assert len(seen) == summary.tickets and versions == summary.ticket_versions > summary.tickets


def test_call_pages_are_talk_incremental_exports(small):
    out, summary = small
    ids = set()
    for page_file in sorted((out / "calls").glob("*.json")):
        page = json.loads(page_file.read_text(encoding="utf-8"))
        assert list(page) == ["calls", "next_page", "count", "end_time"]
        assert page["count"] == len(page["calls"]) and page["next_page"].endswith(
            f"start_time={page['end_time']}"
        )
        for c in page["calls"]:
            ids.add(c["id"])
            assert c["direction"] in {"inbound", "outbound"} and ISO_Z.match(c["created_at"])
            for key in (
                "duration",
                "wait_time",
                "hold_time",
                "wrap_up_time",
                "transfers",
                "consultation_time",
            ):
                assert isinstance(c[key], int) and c[key] >= 0
            assert "wrap_up_reason" in c and "ticket_id" in c and "agent_id" in c
    assert len(ids) == summary.calls


def test_qualtrics_exports_have_three_header_rows(small):
    out, summary = small
    files = sorted((out / "surveys").glob("*.csv"))
    assert files
    n = 0
    for f in files:
        rows = list(csv.reader(f.open(encoding="utf-8", newline="")))
        assert rows[0] == QUALTRICS_IDS and len(rows[1]) == len(QUALTRICS_IDS)
        import_ids = [json.loads(cell) for cell in rows[2]]
        assert all("ImportId" in i for i in import_ids)
        assert import_ids[0] == {"ImportId": "startDate", "timeZone": "Europe/Brussels"}
        assert import_ids[17:21] == [{"ImportId": "QID1"}, {"ImportId": "QID2"}, {"ImportId": "QID3"},
                                     {"ImportId": "QID4_TEXT"}]  # fmt: skip
        for row in rows[3:]:
            n += 1
            r = dict(zip(rows[0], row, strict=True))
            assert LOCAL.match(r["StartDate"]) and LOCAL.match(r["RecordedDate"])
            assert r["Q1"] == "" or 0 <= int(r["Q1"]) <= 10
            assert r["Q2"] == "" or 1 <= int(r["Q2"]) <= 5
            assert r["Q3"] == "" or 1 <= int(r["Q3"]) <= 7
    assert n == summary.survey_responses


def test_reference_files_have_the_contract_headers(small):
    out, _ = small
    for table, fields in REFERENCE_FIELDS.items():
        with (out / "reference" / f"{table}.csv").open(encoding="utf-8", newline="") as f:
            header = next(csv.reader(f))
        # departments.csv also carries the notifier's optional columns (docs/notifications.md)
        extra = ["manager_email", "language"] if table == "departments" else []
        assert header == [name for name, _ in fields] + extra, table


def test_demo_managers_have_addresses_at_the_reserved_domain(small):
    out, _ = small
    with (out / "reference" / "departments.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["department_id"]: r["manager_email"] for r in rows}["it"] == "nadia.el.amrani@example.org"
    assert all(r["manager_email"].endswith("@example.org") and r["language"] in ("fr", "en") for r in rows)


def test_each_reason_text_carries_its_own_keywords_only():
    keywords = {r.code: [k.casefold() for k in r.keywords_en + r.keywords_fr] for r in reference.REASONS}
    fill = texts.slots(1234567, "en", END, 380000000001)
    for code, by_lang in texts.BODIES.items():
        for lang, bodies in by_lang.items():
            fill = texts.slots(1234567, lang, END, 380000000001)
            for body in bodies:
                text = (body.format(**fill) + " " + texts.REPEAT_PREFIX[lang]).casefold()
                assert any(k in text for k in keywords[code]), (code, body)
                others = [o for o, kws in keywords.items() if o != code and any(k in text for k in kws)]
                assert not others, (code, body, others)
            for subject in texts.SUBJECTS[code][lang]:
                s = subject.format(**fill).casefold()
                assert not any(k in s for kws in keywords.values() for k in kws), subject
    for lang, bodies in texts.VAGUE_BODIES.items():
        fill = texts.slots(1234567, lang, END, 380000000001)
        fill |= {"phone": "+32 470 00 00 00", "minutes": 3, "seconds": 12}
        frames = (texts.VOICE_HEADER[lang], texts.VOICEMAIL_BODY[lang], texts.VOICE_SUBJECT[lang])
        for body in bodies + texts.VAGUE_SUBJECTS[lang] + frames + texts.TROLL_PREFIX:
            text = body.format(**fill).casefold()
            assert not any(k in text for kws in keywords.values() for k in kws), body
    assert set(texts.BODIES) == set(keywords) == set(texts.SUBJECTS)


def test_reason_map_values_differ_from_codes_and_cover_every_reason(small):
    out, _ = small
    rows = list(csv.DictReader((out / "reference" / "reason_map.csv").open(encoding="utf-8")))
    codes = {r.code for r in reference.REASONS}
    assert {r["source"] for r in rows} == {"tickets", "calls"}
    assert all(r["source_value"] not in codes and r["reason_code"] in codes for r in rows)
    for source in ("tickets", "calls"):
        assert {r["reason_code"] for r in rows if r["source"] == source} == codes


# --- planted causes, read back from the files ---------------------------------------------------------


def test_reason_assignment_mix(planted):
    _, _, o = planted
    tickets = [t for t in o.tickets.values() if t["status"] != "deleted"]
    with_field = sum(1 for t in tickets if t["custom_fields"][0]["value"] is not None)
    classified = sum(1 for t in tickets if o.ticket_reason(t) is not None)
    assert 0.45 < with_field / len(tickets) < 0.62
    assert 0.65 < classified / len(tickets) < 0.85  # field + keyword-only; the rest is vague
    calls = [
        c for c in o.calls.values() if c["direction"] == "inbound" and c["completion_status"] == "completed"
    ]
    mapped = sum(1 for c in calls if ("calls", c["wrap_up_reason"]) in o.map)
    assert mapped / len(calls) > 0.8
    langs = Counter(r["UserLanguage"] for r in o.responses)
    assert 0.5 < langs["FR"] / sum(langs.values()) < 0.7


def test_top_driver_is_billing_invoice_unclear(planted):
    _, summary, o = planted
    unwanted = Counter(c["reason"] for c in o.contacts if c["reason"] and o.kind[c["reason"]] == "unwanted")
    (top, n_top), (_, n_second) = unwanted.most_common(2)
    assert top == summary.top_driver_reason == "invoice_unclear" and n_top > 1.4 * n_second
    owner = {r["reason_code"]: r["department_id"] for r in o.reasons if not r["valid_to"]}
    per_dept = Counter(owner[c["reason"]] for c in o.contacts if c["reason"] and c["direction"] == "inbound")
    days = {c["date"] for c in o.contacts}
    rate = {d: per_dept[d] / sum(o.volumes[(d, day)] for day in days) * 1000 for d in per_dept}
    best, second = sorted(rate.values(), reverse=True)[:2]
    assert max(rate, key=rate.get) == summary.top_driver_department == "billing" and best > 1.5 * second


def test_registered_incident_multiplies_its_reason(planted):
    out, summary, o = planted
    inc = summary.incident
    rows = list(csv.DictReader((out / "reference" / "incidents.csv").open(encoding="utf-8")))
    assert len(rows) == 1 and rows[0]["incident_id"] == inc["incident_id"] and rows[0]["proactive_notice_at"]
    assert rows[0]["reason_code"] == "delivery_late" and ISO_Z.match(rows[0]["started_at"])
    start, end = date.fromisoformat(inc["start_date"]), date.fromisoformat(inc["end_date"])
    assert 2 <= (end - start).days + 1 <= 4
    assert rows[0]["started_at"].endswith("T04:00:00Z")  # 06:00 in Brussels, summer time
    daily = o.daily("delivery_late")
    during = [daily[start + timedelta(i)] for i in range((end - start).days + 1)]
    incident_weekdays = {(start + timedelta(i)).weekday() for i in range(len(during))}
    before = [daily[d] for d in daily if d < start and d.weekday() in incident_weekdays]
    assert statistics.mean(during) > 2.0 * statistics.mean(before)  # planted: x3 on fresh contacts
    linked = [t for t in o.tickets.values() if t["problem_id"]]
    assert linked and all(start <= _local_date(t["created_at"]) <= end for t in linked)
    assert all(o.tickets[t["problem_id"]]["type"] == "problem" for t in linked)


def test_action_reduces_invoice_unclear_rate(planted):
    out, summary, o = planted
    action = summary.action
    rows = {
        r["action_id"]: r for r in csv.DictReader((out / "reference" / "actions.csv").open(encoding="utf-8"))
    }
    assert rows[action["action_id"]]["implemented_on"] == action["implemented_on"]
    on = date.fromisoformat(action["implemented_on"])
    daily = o.daily("invoice_unclear")
    days = sorted({c["date"] for c in o.contacts})

    def rate(ds):
        return sum(daily[d] for d in ds) / sum(o.volumes[("billing", d)] for d in ds)

    ratio = rate([d for d in days if d >= on]) / rate([d for d in days if d < on])
    assert 0.45 < ratio < 0.8  # planted: -40%


def test_unregistered_spike(planted):
    out, summary, o = planted
    spike = summary.unregistered_spike
    dates = [date.fromisoformat(d) for d in spike["dates"]]
    daily = o.daily(spike["reason_code"])
    for day in dates:
        same_weekday = [daily[d] for d in daily if d.weekday() == day.weekday() and d not in dates]
        assert daily[day] > 2.2 * statistics.mean(same_weekday)  # planted: x4
    incidents = list(csv.DictReader((out / "reference" / "incidents.csv").open(encoding="utf-8")))
    assert all(r["reason_code"] != spike["reason_code"] for r in incidents)


def test_winter_timestamps_are_utc(tmp_path):
    summary = generate_landing(tmp_path, days=14, contacts_per_day=10, seed=3, end=date(2026, 1, 31))
    assert summary.incident["started_at"].endswith("T05:00:00Z")  # 06:00 in Brussels, winter time
    pages = [json.loads(p.read_text(encoding="utf-8")) for p in (tmp_path / "calls").glob("*.json")]
    hours = {int(c["created_at"][11:13]) for p in pages for c in p["calls"] if c["direction"] == "inbound"}
    assert hours and min(hours) >= 7 and max(hours) <= 17  # phone lines open 8:00-19:00 local


def test_reason_changes_owner_once(planted):
    out, summary, _ = planted
    rows = [r for r in csv.DictReader((out / "reference" / "reasons.csv").open(encoding="utf-8"))
            if r["reason_code"] == summary.owner_change["reason_code"]]  # fmt: skip
    assert [r["department_id"] for r in rows] == ["customer_service", "digital"]
    assert date.fromisoformat(rows[0]["valid_to"]) + timedelta(days=1) == date.fromisoformat(
        rows[1]["valid_from"]
    )


def test_repeat_contacts_and_ticket_lifecycle(planted):
    _, summary, o = planted
    by_key = defaultdict(list)
    inbound = [c for c in o.contacts if c["direction"] == "inbound" and c["reason"]]
    for c in inbound:
        by_key[(c["customer"], c["reason"])].append(c["at"])
    repeats = 0
    for stamps in by_key.values():
        stamps.sort()
        repeats += sum(1 for a, b in pairwise(stamps) if b - a <= timedelta(days=7))
    assert 0.05 < repeats / len(inbound) < 0.2
    assert any(n >= 2 for n in o.ticket_versions.values())
    deleted = [t for t in o.tickets.values() if t["status"] == "deleted"]
    assert len(deleted) == summary.deleted_tickets > 0
    assert len(o.contacts) == summary.contacts - summary.deleted_tickets  # a call + its voice ticket = 1
    voice = [c for c in o.calls.values() if c["direction"] == "inbound"]
    with_ticket = sum(1 for c in voice if c["ticket_id"] in o.tickets)
    assert 0.7 < with_ticket / len(voice) < 0.97  # most calls create a voice ticket, some none


def test_dissatisfied_responses_are_mostly_called_back(planted):
    _, summary, o = planted
    outbound = defaultdict(list)
    for c in o.calls.values():
        if c["direction"] == "outbound":
            outbound[c["customer_id"]].append(_utc(c["created_at"]))

    def low(r):
        return any(r[q] != "" and int(r[q]) <= m for q, m in (("Q1", 6), ("Q2", 2), ("Q3", 3)))

    alerts = [r for r in o.responses if low(r) and r["customer_id"]]
    assert len([r for r in o.responses if low(r)]) == summary.alerts
    within = late = never = 0
    for r in alerts:
        at = datetime.strptime(r["RecordedDate"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=TZ)
        after = [t for t in outbound[int(r["customer_id"])] if t >= at]
        if not after:
            never += 1
        elif min(after) - at <= timedelta(hours=48):
            within += 1
        else:
            late += 1
    assert 0.4 < within / len(alerts) < 0.7 and late > 0 and 0.2 < never / len(alerts) < 0.5
    assert any(r["customer_id"] and not r["ticket_id"] for r in o.responses)
    solved = sum(1 for t in o.tickets.values() if t["status"] in ("solved", "closed"))
    assert 0.08 < len(o.responses) / solved < 0.2


def test_suspects_are_planted(planted):
    _, summary, o = planted
    per_day = Counter(
        (c["customer"], c["date"]) for c in o.contacts if c["customer"] == summary.troll_customer
    )
    assert sum(1 for n in per_day.values() if n > 8) >= 2
    texts_by_norm = defaultdict(set)
    for t in o.tickets.values():
        norm = " ".join(t["description"].casefold().replace("é", "e").replace("è", "e").split())
        texts_by_norm[norm].add(t["requester_id"])
    assert max(len(c) for c in texts_by_norm.values()) >= 5
    assert (
        sum(1 for t in o.tickets.values() if len(t["description"]) < 3 and t["via"]["channel"] == "email")
        >= 3
    )
    straight = [r for r in o.responses if r["Q1"] == r["Q2"] == r["Q3"] != "" and not r["customer_id"]]
    assert len(straight) == summary.straight_lining_responses >= 3
    assert all(not r["ticket_id"] for r in straight)


def test_targets_cover_every_department(planted):
    out, _, _ = planted
    rows = list(csv.DictReader((out / "reference" / "targets.csv").open(encoding="utf-8")))
    assert {r["department_id"] for r in rows} == {d.department_id for d in reference.DEPARTMENTS}
    assert all(r["metric"] == "alerts_recontacted" and float(r["target"]) > 0 for r in rows)
    assert any(r["period"] == "" for r in rows) and any(
        re.fullmatch(r"\d{4}-\d{2}", r["period"]) for r in rows
    )
    # a department has monthly rows or a standing one, not both
    for dept in {r["department_id"] for r in rows}:
        assert len({r["period"] == "" for r in rows if r["department_id"] == dept}) == 1


def test_weekday_seasonality_and_languages(planted):
    _, _, o = planted
    by_weekday = Counter(c["date"].weekday() for c in o.contacts if c["direction"] == "inbound")
    assert by_weekday[0] > by_weekday[3] > by_weekday[5] > by_weekday[6]
    rng = Random(0)
    sample = rng.sample(sorted(o.tickets), 200)
    assert any("Bonjour" in o.tickets[i]["description"] for i in sample)


def test_ticket_subjects_carry_no_phone_number(small):
    """The demo's subjects hold no phone number (the Talk voice tickets' subjects used to: ~1,500 of them)."""
    import phonenumbers

    out, _ = small
    subjects = [t["subject"] for page in sorted((out / "tickets").glob("*.json"))
                for t in json.loads(page.read_text())["tickets"] if t.get("subject")]
    with_phone = [s for s in subjects if any(phonenumbers.PhoneNumberMatcher(s, "BE", phonenumbers.Leniency.POSSIBLE))]
    assert with_phone == []
    assert {"Inbound call", "Appel entrant"} & set(subjects)  # the voice tickets are still there
