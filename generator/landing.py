"""Synthetic landing zone (CONTRACT §2) with planted causes, streamed day by day.

    summary = generate_landing(Path("data/landing"), days=182, contacts_per_day=1000, seed=42)

Writes Zendesk cursor-export ticket pages, Zendesk Talk call pages, Qualtrics 3-header-row CSVs, the
reference CSVs and whycall.yml. The output is byte-identical for the same (seed, end, days,
contacts_per_day): one ``random.Random`` drives everything in a fixed order, and no clock or hash
randomisation reaches the files.

Streaming: days are generated in order and written at once. Whatever happens later to a contact (a
ticket solved or deleted, a repeat contact, a survey answer, a manager's call back) is queued under
the day it happens, at most ~2 weeks ahead, so memory depends on contacts per day, not on days.

The planted causes the pipeline must find are returned in ``GenerationSummary`` (see its fields).
"""

from __future__ import annotations

import base64
import calendar
import csv
import gc
import json
import re
import time
import unicodedata
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import accumulate
from math import exp, sqrt
from pathlib import Path
from random import Random
from typing import NamedTuple
from zoneinfo import ZoneInfo

from generator import reference as ref
from generator import texts
from generator.history import Audit, Facts, ticket_history

TIMEZONE = "Europe/Brussels"
TZ = ZoneInfo(TIMEZONE)
ZENDESK = "https://example.zendesk.com"
SUPPORT_EMAIL = "support@example.com"
SUPPORT_PHONE = "+3225550100"
PAGE_SIZE = 1000  # Zendesk cursor export and Talk incremental export return up to 1,000 records a page
REASON_FIELD_ID = 360000000001
SEGMENT_FIELD_ID = 360000000002
DAY = 86_400
HOUR = 3_600

# --- ratios (reported in the summary) --------------------------------------------------------------
WEEKDAY_FACTOR = tuple(f * 7 / 6.15 for f in (1.35, 1.15, 1.10, 1.05, 1.00, 0.35, 0.15))  # mean 1
CHANNEL_MIX = {"voice": 0.35, "email": 0.30, "web": 0.20, "chat": 0.12, "api": 0.03}
FRENCH_SHARE = 0.60
FIELD_SHARE, KEYWORD_SHARE = 0.55, 0.20  # the rest of the tickets are vague: reason none
E_INVOICE_EVERY = 2  # from its first day, 1 vague ticket in 2 is about the e-invoice portal
FIELD_TEXT_HAS_KEYWORDS = 0.7  # a ticket with the field set usually also explains itself
REPEAT_PROB = 0.10  # an inbound contact is followed by the same customer, same reason, within 7 days
REPEAT_OTHER_CHANNEL = 0.35
CALL_ON_OLD_TICKET = 0.40  # a repeat call attached to the earlier ticket instead of creating one
VOICE_TICKET_PROB = 0.92  # answered calls that create a voice ticket
SURVEY_PROB = 0.15  # solved tickets that get a Qualtrics response
SURVEY_WITHOUT_TICKET = 0.05  # responses linked by customer only
RECONTACT_PROB = 0.70  # dissatisfied responses followed by a manager's outbound call
RECONTACT_LATE_SHARE = 0.20  # of those, called back after the 48 h target
INCIDENT_MULTIPLIER, INCIDENT_DAYS = 3.0, 3
ACTION_REDUCTION = 0.40
SPIKE_MULTIPLIER, SPIKE_DAYS = 4.0, 2
DELETE_PROB = 0.004
ALERT = {"nps_max": 6, "csat_max": 2, "ces_max": 3}

_CHANNELS = tuple(CHANNEL_MIX)
_CHANNEL_CUM = tuple(accumulate(CHANNEL_MIX.values()))
# Arrival hour weights: phone lines are open 8-19; written channels arrive round the clock.
_VOICE_HOURS = tuple(range(8, 19))
_VOICE_HOUR_CUM = tuple(accumulate((6, 10, 11, 10, 7, 8, 10, 9, 8, 6, 4)))
_WRITTEN_HOURS = tuple(range(24))
_WRITTEN_HOUR_CUM = tuple(
    accumulate((1, 0.5, 0.3, 0.3, 0.3, 0.5, 1.5, 3, 6, 8, 8, 7, 5, 6, 7, 7, 6, 5, 4, 4, 4, 3.5, 3, 2))
)
_REPEAT_DELAY_CUM = tuple(accumulate((30, 22, 16, 12, 10, 10)))  # days 1..6 after the first contact
_PRIORITIES = ("normal",) * 14 + ("low", "low", "high", "high", "high", "urgent")
_SCORE_RANGES = {"unhappy": (0, 6, 1, 2, 1, 3), "neutral": (7, 8, 3, 4, 4, 5), "happy": (9, 10, 4, 5, 6, 7)}
_AGENTS = tuple(362000000001 + i for i in range(40))
_AGENT_SET = frozenset(_AGENTS)
_GROUPS = {d.department_id: 363000000001 + i for i, d in enumerate(ref.DEPARTMENTS)}
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_OUR_FILES = {  # names this generator writes: removed before writing again so no stale day is left
    "tickets": re.compile(r"\d{4}-\d{2}-\d{2}_p\d{4}\.json"),
    "calls": re.compile(r"\d{4}-\d{2}-\d{2}_p\d{4}\.json"),
    "surveys": re.compile(r"qualtrics_responses_\d{4}-W\d{2}\.csv"),
    "ticket_events": re.compile(r"\d{4}-\d{2}-\d{2}_(audits_p\d{4}|metric_events)\.json"),
}


@dataclass
class GenerationSummary:
    """Counts and the planted facts a test (or a curious user) can check the warehouse against."""

    out: str
    start: str
    end: str
    days: int
    contacts_per_day: int
    seed: int
    timezone: str = TIMEZONE
    # counts
    # inbound contacts (a call and its voice ticket count once) + outbound calls; the warehouse's
    # fct_contacts should hold contacts - deleted_tickets rows
    contacts: int = 0
    inbound_contacts: int = 0
    repeat_contacts: int = 0  # planted repeats (same customer and reason within 7 days)
    tickets: int = 0  # distinct ticket ids
    ticket_versions: int = 0  # records in ticket pages (a ticket appears again when updated)
    deleted_tickets: int = 0
    calls: int = 0  # distinct call ids
    call_versions: int = 0
    inbound_calls: int = 0
    outbound_calls: int = 0
    survey_responses: int = 0
    files: int = 0
    contacts_by_reason: dict[str, int] = field(default_factory=dict)  # true reason of inbound contacts
    # planted facts
    top_driver_reason: str = "invoice_unclear"
    top_driver_department: str = "billing"
    incident: dict | None = None
    action: dict | None = None
    control_action: dict | None = None  # a registered action with no real effect (verdict no_evidence)
    unregistered_spike: dict | None = None
    owner_change: dict | None = None
    troll_customer: int | None = None
    troll_days: list[str] = field(default_factory=list)
    copy_paste: dict | None = None
    short_text_tickets: int = 0
    straight_lining_responses: int = 0
    alerts: int = 0  # responses with a score at or below the whycall.yml thresholds
    alerts_without_customer: int = 0
    recontacts_within_48h: int = 0
    recontacts_late: int = 0
    ratios: dict = field(default_factory=dict)

    _COUNTS = (
        "contacts",
        "inbound_contacts",
        "repeat_contacts",
        "tickets",
        "ticket_versions",
        "deleted_tickets",
        "calls",
        "call_versions",
        "inbound_calls",
        "outbound_calls",
        "survey_responses",
        "files",
    )

    def to_dict(self) -> dict:
        d = asdict(self)
        counts = {k: d.pop(k) for k in self._COUNTS}
        period = {
            k: d.pop(k) for k in ("out", "start", "end", "days", "contacts_per_day", "seed", "timezone")
        }
        ratios = d.pop("ratios")
        return {"period": period, "counts": counts, "planted": d, "ratios": ratios}


# --- small helpers ------------------------------------------------------------------------------------


class _Clock:
    """Local wall-clock seconds since the first day's midnight ('lt') -> UTC epoch and strings.

    Local time is the business time (Europe/Brussels); the UTC offset is looked up once per hour.
    """

    def __init__(self, start: date):
        self.base = calendar.timegm(start.timetuple())  # local midnight written as if it were UTC
        self._offsets: dict[int, int] = {}

    def epoch(self, lt: int) -> int:
        hour = lt // HOUR
        off = self._offsets.get(hour)
        if off is None:
            local = datetime(1970, 1, 1) + timedelta(seconds=self.base + hour * HOUR)
            off = self._offsets[hour] = int(local.replace(tzinfo=TZ).utcoffset().total_seconds())
        return self.base + lt - off

    def iso_utc(self, lt: int) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.epoch(lt)))

    def local(self, lt: int) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(self.base + lt))


def _poisson(rng: Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:  # normal approximation: exact enough, and exp(-lam) would underflow for big lam
        return max(0, round(rng.gauss(lam, sqrt(lam))))
    limit, k, p = exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _nearest(day: date, weekday: int, lo: date, hi: date) -> date | None:
    """The date with that weekday closest to ``day`` within [lo, hi] (earlier wins a tie)."""
    for delta in range(7):
        for cand in (day - timedelta(delta), day + timedelta(delta)):
            if cand.weekday() == weekday and lo <= cand <= hi:
                return cand
    return None


def _cursor(epoch: int, ticket_id: int) -> str:
    # Zendesk cursors are opaque base64 strings; this mimics their shape.
    return base64.b64encode(f"{epoch}.0||{ticket_id}|".encode()).decode()


class _Customer:
    """Customer attributes derived from the id alone, so nothing per customer is kept in memory."""

    @staticmethod
    def lang(cid: int) -> str:
        return "fr" if (cid * 2654435761) % 1000 < FRENCH_SHARE * 1000 else "en"

    @staticmethod
    def names(cid: int) -> tuple[str, str]:
        first = texts.FIRST_NAMES[_Customer.lang(cid)]
        return first[(cid // 3) % len(first)], texts.LAST_NAMES[(cid // 7) % len(texts.LAST_NAMES)]

    @staticmethod
    def email(cid: int) -> str:
        first, last = _Customer.names(cid)
        local = unicodedata.normalize("NFKD", f"{first}.{last}".lower().replace(" ", ""))
        return f"{local.encode('ascii', 'ignore').decode()}{cid % 1000}@example.org"

    @staticmethod
    def phone(cid: int) -> tuple[str, str]:
        d = f"{(cid * 7919) % 10**8:08d}"
        return f"+324{d}", f"+32 4{d[:2]} {d[2:4]} {d[4:6]} {d[6:]}"

    @staticmethod
    def organization(cid: int) -> int | None:
        return 370000000000 + cid % 500 if cid % 12 == 0 else None


class _Spec:
    """An inbound contact to create on its day."""

    __slots__ = ("channel", "customer", "kind", "lt", "prev_ticket", "reason", "seq", "variant")

    def __init__(self, lt, seq, customer, reason, channel, prev_ticket=None, kind="", variant=0):
        self.lt, self.seq, self.customer, self.reason, self.channel = lt, seq, customer, reason, channel
        self.prev_ticket, self.kind, self.variant = prev_ticket, kind, variant


class _Ticket:
    """What is needed to write a ticket again when it is updated (kept only while an update is due)."""

    __slots__ = (
        "assignee_id",
        "channel",
        "created",
        "customer",
        "description",
        "first_reply",
        "group_id",
        "history",
        "id",
        "initial_status",
        "lang",
        "priority",
        "problem_id",
        "rating",
        "raw_value",
        "reason",
        "reopens",
        "replies",
        "solved",
        "subject",
        "submitter",
        "tags",
        "type",
        "via_rel",
    )


class _CallTimes(NamedTuple):
    """Seconds of a Talk call (the vendor's duration fields)."""

    duration: int
    wait: int
    hold: int
    talk: int
    wrap_up: int
    consultation: int
    transfers: int  # a count, kept here because it travels with the times


class _Response:
    __slots__ = ("customer", "lt", "reason", "seq", "straight", "ticket_id", "unhappy")

    def __init__(self, lt, seq, ticket_id, customer, reason, unhappy, straight=False):
        self.lt, self.seq, self.ticket_id, self.customer = lt, seq, ticket_id, customer
        self.reason, self.unhappy, self.straight = reason, unhappy, straight


# --- the generator --------------------------------------------------------------------------------------


class _Landing:
    def __init__(self, out: Path, days: int, cpd: int, seed: int, end: date, progress, metric_sets: bool,
                 ticket_events: bool = True):
        self.out, self.days, self.cpd, self.seed, self.end = out, days, cpd, seed, end
        self.metric_sets = metric_sets
        self.ticket_events = ticket_events
        # its own random stream: the history adds no draw to the tickets, calls and surveys of a seed
        self.history_rng = Random(seed * 7919 + 20)
        self.pending_history: dict[int, list[tuple]] = defaultdict(list)
        self.next_audit = 800000000001
        self.next_event = 810000000001
        self.start = end - timedelta(days=days - 1)
        self.progress = progress or (lambda _msg: None)
        self.rng = Random(seed)
        self.clock = _Clock(self.start)
        self.pool = max(500, cpd * 150)  # customers: big enough that chance repeats stay rare
        self.customer_base = 380000000000
        self.seq = 0
        self.next_ticket = 100001
        self.next_call = 360100000001
        self.last_cursor: str | None = None
        # future events, by local day index
        self.pending_contacts: dict[int, list[_Spec]] = defaultdict(list)
        self.pending_tickets: dict[int, list[tuple[int, str, _Ticket]]] = defaultdict(list)
        self.pending_responses: dict[int, list[_Response]] = defaultdict(list)
        self.pending_outbound: dict[int, list[tuple]] = defaultdict(list)
        self.pending_call_updates: dict[int, list[tuple[int, int, dict]]] = defaultdict(list)
        self.summary = GenerationSummary(
            out=str(out),
            start=self.start.isoformat(),
            end=end.isoformat(),
            days=days,
            contacts_per_day=cpd,
            seed=seed,
        )
        self.reason_by_code = ref.REASON_BY_CODE
        self.problem_ticket: int | None = None
        self._plan()

    # ---- planted causes -------------------------------------------------------------------------------
    def _plan(self) -> None:
        s, e, n = self.start, self.end, self.days
        at = lambda frac: s + timedelta(days=round((n - 1) * frac))
        self.incident_days: set[date] = set()
        inc_start = _nearest(at(0.45), 1, s, e - timedelta(INCIDENT_DAYS - 1))  # a Tuesday
        if inc_start:
            self.incident_days = {inc_start + timedelta(i) for i in range(INCIDENT_DAYS)}
            inc_end = inc_start + timedelta(INCIDENT_DAYS - 1)
            started, ended = self._lt(inc_start) + 6 * HOUR, self._lt(inc_end) + 20 * HOUR
            self.summary.incident = {
                "incident_id": "INC-0001",
                "department_id": "logistics",
                "reason_code": "delivery_late",
                "title": "Panne du transporteur national / national carrier outage",
                "start_date": inc_start.isoformat(),
                "end_date": inc_end.isoformat(),
                "started_at": self.clock.iso_utc(started),
                "ended_at": self.clock.iso_utc(ended),
                "proactive_notice_at": self.clock.iso_utc(started + 3 * HOUR),
                "multiplier": INCIDENT_MULTIPLIER,
            }
            self.pending_contacts[self._idx(inc_start)].append(
                _Spec(started + HOUR, self._next_seq(), _AGENTS[0], None, "api", kind="problem")
            )
        self.action_on = _nearest(at(0.60), 0, s + timedelta(1), e)  # a Monday
        if self.action_on:
            self.summary.action = {
                "action_id": "ACT-0001",
                "reason_code": "invoice_unclear",
                "department_id": "billing",
                "implemented_on": self.action_on.isoformat(),
                "expected_reduction": ACTION_REDUCTION,
                "description": "New invoice layout: itemised charges explained in plain words",
            }
        control_on = _nearest(at(0.35), 0, s + timedelta(1), e)
        if control_on:
            self.summary.control_action = {
                "action_id": "ACT-0002",
                "reason_code": "website_info_wrong",
                "department_id": "digital",
                "implemented_on": control_on.isoformat(),
                "expected_reduction": 0.0,
                "description": "FAQ pages rewritten (no measurable effect planted)",
            }
        spike = _nearest(at(0.80), 2, s + timedelta(1), e)  # a Wednesday (+ Thursday when it fits)
        self.spike_days: set[date] = set()
        if spike and spike not in self.incident_days:
            self.spike_days = {spike + timedelta(i) for i in range(SPIKE_DAYS) if spike + timedelta(i) <= e}
            self.summary.unregistered_spike = {
                "reason_code": "login_problem",
                "department_id": "it",
                "dates": sorted(d.isoformat() for d in self.spike_days),
                "multiplier": SPIKE_MULTIPLIER,
            }
        self.move_on = max(at(0.50), s + timedelta(1)) if n >= 2 else None
        if self.move_on:
            self.summary.owner_change = {
                "reason_code": ref.MOVING_REASON,
                "from": "customer_service",
                "to": ref.MOVING_TO,
                "valid_from": self.move_on.isoformat(),
            }
        self._plan_suspects(at)

    def _plan_suspects(self, at) -> None:
        rng = self.rng
        troll = self.customer_base + self.pool + 17  # outside the ordinary pool
        self.summary.troll_customer = troll
        reasons = [r for r in ref.REASONS if r.kind == "unwanted"]
        troll_days = sorted({at(f) for f in (0.15, 0.40, 0.62, 0.88)})
        for day in troll_days:
            self.summary.troll_days.append(day.isoformat())
            for _ in range(rng.randint(9, 13)):
                lt = self._lt(day) + rng.randint(7 * HOUR, 23 * HOUR - 1)
                channel = "web" if rng.random() < 0.7 else "email"
                self._add(lt, troll, rng.choice(reasons), channel, kind="troll")
        copy_days = [at(0.30), at(0.30) + timedelta(1)]
        copy_days = [d for d in copy_days if d <= self.end]
        customers = []
        for k in range(12):
            cust = self.customer_base + rng.randrange(self.pool)
            customers.append(cust)
            day = copy_days[k % len(copy_days)]
            lt = self._lt(day) + rng.randint(8 * HOUR, 22 * HOUR)
            self._add(
                lt,
                cust,
                self.reason_by_code["cancellation"],
                rng.choice(("email", "web")),
                kind="copy",
                variant=k,
            )
        self.summary.copy_paste = {
            "text": texts.COPY_PASTE_TEXT,
            "customers": len(set(customers)),
            "dates": sorted({d.isoformat() for d in copy_days}),
        }
        for k, frac in enumerate((0.1, 0.25, 0.5, 0.7, 0.85, 0.95)):
            lt = self._lt(at(frac)) + rng.randint(8 * HOUR, 20 * HOUR)
            self._add(
                lt,
                self.customer_base + rng.randrange(self.pool),
                rng.choice(reasons),
                "email",
                kind="short",
                variant=k,
            )
        self.summary.short_text_tickets = 6
        for idx in range(5, self.days, 10):  # a straight-liner every ten days, with no link
            lt = idx * DAY + rng.randint(8 * HOUR, 22 * HOUR)
            self.pending_responses[idx].append(_Response(lt, self._next_seq(), None, None, None, 0.0, True))
            self.summary.straight_lining_responses += 1

    # ---- little utilities --------------------------------------------------------------------------------
    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def _lt(self, day: date) -> int:
        return (day - self.start).days * DAY

    def _idx(self, day: date) -> int:
        return (day - self.start).days

    def _day(self, idx: int) -> date:
        return self.start + timedelta(days=idx)

    def _add(self, lt, customer, reason, channel, prev_ticket=None, kind="", variant=0) -> None:
        self.pending_contacts[lt // DAY].append(
            _Spec(lt, self._next_seq(), customer, reason, channel, prev_ticket, kind, variant)
        )

    def _channel(self) -> str:
        return _CHANNELS[bisect(_CHANNEL_CUM, self.rng.random() * _CHANNEL_CUM[-1])]

    def _arrival(self, idx: int, channel: str) -> tuple[int, str]:
        """A time of day for a contact; phone lines are closed on Sundays (the customer writes instead)."""
        rng = self.rng
        if channel == "voice" and self._day(idx).weekday() == 6:
            channel = "web"
        hours, cum = (
            (_VOICE_HOURS, _VOICE_HOUR_CUM) if channel == "voice" else (_WRITTEN_HOURS, _WRITTEN_HOUR_CUM)
        )
        hour = hours[bisect(cum, rng.random() * cum[-1])]
        return idx * DAY + hour * HOUR + rng.randrange(HOUR), channel

    def _multiplier(self, code: str, day: date) -> float:
        if code == "delivery_late" and day in self.incident_days:
            return INCIDENT_MULTIPLIER
        if code == "invoice_unclear" and self.action_on and day >= self.action_on:
            return 1 - ACTION_REDUCTION
        if code == "login_problem" and day in self.spike_days:
            return SPIKE_MULTIPLIER
        return 1.0

    # ---- one day ------------------------------------------------------------------------------------------
    def run(self) -> GenerationSummary:
        out = self.out
        for sub in ("tickets", "calls", "surveys", "reference", *(("ticket_events",) if self.ticket_events else ())):
            (out / sub).mkdir(parents=True, exist_ok=True)
        self._clean()
        (out / "whycall.yml").write_text(ref.whycall_yml(), encoding="utf-8")
        self._write_reference()
        self.files = 9  # whycall.yml and the eight reference files
        vol_file, self.volumes = ref.open_csv(out / "reference" / "volumes.csv", "volumes")
        self.survey_file = None
        self.survey_week = None
        t0, month, month_contacts = time.perf_counter(), None, 0
        # Millions of short-lived, acyclic dicts: the cyclic GC only costs time here (~20%).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for idx in range(self.days):
                day = self._day(idx)
                if month and day.strftime("%Y-%m") != month:
                    self.progress(
                        f"generated {month}: {month_contacts:,} contacts ({time.perf_counter() - t0:.1f}s)"
                    )
                    month_contacts = 0
                month = day.strftime("%Y-%m")
                before = self.summary.contacts
                self._generate_day(idx, day)
                month_contacts += self.summary.contacts - before
            self.progress(f"generated {month}: {month_contacts:,} contacts ({time.perf_counter() - t0:.1f}s)")
        finally:
            if gc_was_enabled:
                gc.enable()
            vol_file.close()
            if self.survey_file:
                self.survey_file.close()
        self.summary.files = self.files
        self.summary.ratios = {
            "weekday_factor": [round(f, 4) for f in WEEKDAY_FACTOR],
            "channel_mix": CHANNEL_MIX,
            "french_share": FRENCH_SHARE,
            "reason_field_share": FIELD_SHARE,
            "keyword_only_share": KEYWORD_SHARE,
            "vague_share": round(1 - FIELD_SHARE - KEYWORD_SHARE, 2),
            "repeat_prob": REPEAT_PROB,
            "survey_prob": SURVEY_PROB,
            "recontact_prob": RECONTACT_PROB,
            "recontact_late_share": RECONTACT_LATE_SHARE,
            "reason_shares": {r.code: r.share for r in ref.REASONS},
            "volume_per_contact": {
                f"{d.department_id}.{m}": f for d in ref.DEPARTMENTS for m, f, _ in d.measures
            },
        }
        return self.summary

    def _clean(self) -> None:
        for sub, pattern in _OUR_FILES.items():
            if not (self.out / sub).is_dir():
                continue
            for p in (self.out / sub).iterdir():
                if p.is_file() and pattern.fullmatch(p.name):
                    p.unlink()

    def _generate_day(self, idx: int, day: date) -> None:
        rng = self.rng
        specs = self.pending_contacts.pop(idx, [])
        base = self.cpd * (1 - REPEAT_PROB) * WEEKDAY_FACTOR[day.weekday()] * rng.gauss(1, 0.04)
        for reason in ref.REASONS:
            for _ in range(_poisson(rng, base * reason.share * self._multiplier(reason.code, day))):
                channel = self._channel()
                lt, channel = self._arrival(idx, channel)
                specs.append(
                    _Spec(
                        lt, self._next_seq(), self.customer_base + rng.randrange(self.pool), reason, channel
                    )
                )
        specs.sort(key=lambda s: (s.lt, s.seq))
        tickets: list[tuple] = []  # (updated lt, id, ticket dict, metric set)
        calls: list[tuple] = []  # (updated lt, id, call dict)
        for spec in specs:
            self._inbound(spec, idx, day, tickets, calls)
        for lt, kind, t in self.pending_tickets.pop(idx, []):
            self._emit_ticket(t, kind, lt, tickets)
        self._write_responses(idx, day)
        for lt, customer, ticket_id, dept in self.pending_outbound.pop(idx, []):
            calls.append(self._outbound_call(lt, customer, ticket_id, dept))
        calls.extend(self.pending_call_updates.pop(idx, []))
        self.summary.call_versions += len(calls)
        self.summary.ticket_versions += len(tickets)
        self._write_ticket_pages(day, tickets)
        self._write_call_pages(day, calls)
        self._write_history(idx, day)
        self._write_volumes(idx, day)

    # ---- inbound contacts ---------------------------------------------------------------------------------
    def _inbound(self, s: _Spec, idx: int, day: date, tickets: list, calls: list) -> None:
        rng, summary = self.rng, self.summary
        summary.contacts += 1
        summary.inbound_contacts += 1
        if s.prev_ticket is not None or s.kind == "repeat":
            summary.repeat_contacts += 1
        if s.reason is not None:
            summary.contacts_by_reason[s.reason.code] = summary.contacts_by_reason.get(s.reason.code, 0) + 1
        ticket_id = None
        if s.channel == "voice":
            call, ticket_at = self._inbound_call(s, day)
            calls.append(call)
            if ticket_at is not None:
                if s.prev_ticket is not None and rng.random() < CALL_ON_OLD_TICKET:
                    call[2]["ticket_id"] = s.prev_ticket  # a call on an older ticket: a contact of its own
                elif rng.random() < VOICE_TICKET_PROB or call[2]["completion_status"] == "voicemail":
                    ticket_id = self._new_ticket(s, idx, day, ticket_at, tickets, call[2])
                    call[2]["ticket_id"] = ticket_id
            if call[2]["wrap_up_reason"] is not None and rng.random() < 0.02:
                # The wrap-up is sometimes filled in after the first export: the call comes again next day.
                later = dict(call[2])
                lt2 = (s.lt // DAY + 1) * DAY + rng.randint(7 * HOUR, 10 * HOUR)
                later["updated_at"] = self.clock.iso_utc(lt2)
                self.pending_call_updates[lt2 // DAY].append((lt2, later["id"], later))
                call[2]["wrap_up_reason"] = None
        else:
            ticket_id = self._new_ticket(s, idx, day, s.lt, tickets, None)
        if s.kind in ("", "repeat") and s.reason is not None and rng.random() < REPEAT_PROB:
            k = 1 + bisect(_REPEAT_DELAY_CUM, rng.random() * _REPEAT_DELAY_CUM[-1])
            channel = s.channel if rng.random() >= REPEAT_OTHER_CHANNEL else self._channel()
            lt, channel = self._arrival(idx + k, channel)
            prev = ticket_id if ticket_id is not None else s.prev_ticket
            self.pending_contacts[idx + k].append(
                _Spec(lt, self._next_seq(), s.customer, s.reason, channel, prev, "repeat")
            )

    def _inbound_call(self, s: _Spec, day: date) -> tuple[tuple, int | None]:
        """One Talk call record; returns ((updated lt, id, call), when its voice ticket is created or None)."""
        rng = self.rng
        call_id, self.next_call = self.next_call, self.next_call + 1
        self.summary.calls += 1
        self.summary.inbound_calls += 1
        incident = s.reason is not None and s.reason.code == "delivery_late" and day in self.incident_days
        wait = min(900, int(rng.expovariate(1 / (90 if incident else 45))))
        r = rng.random()
        if r < 0.04 + wait / 3000:
            status, talk, hold, wrap_up, transfers = "abandoned_in_queue", 0, 0, 0, 0
        elif r < 0.07 + wait / 3000:
            status, talk, hold, wrap_up, transfers = "voicemail", 0, 0, 0, 0
        else:
            status = "completed"
            talk = 60 + int(rng.expovariate(1 / 240))
            hold = 0 if rng.random() < 0.7 else rng.randint(10, 180)
            wrap_up = rng.randint(10, 120)
            transfers = (0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2)[rng.randrange(11)]
        consultation = rng.randint(20, 150) if transfers else 0
        duration = wait + talk + hold + consultation + (rng.randint(15, 60) if status == "voicemail" else 0)
        updated = min(s.lt + duration + wrap_up + rng.randint(1, 30), (s.lt // DAY + 1) * DAY - 1)
        code = None
        if status == "completed" and s.reason is not None:
            r = rng.random()
            code = s.reason.call_code if r < 0.88 else (ref.UNMAPPED_CALL_CODE if r < 0.93 else None)
        agent = rng.choice(_AGENTS) if status == "completed" else None
        times = _CallTimes(duration, wait, hold, talk, wrap_up, consultation, transfers)
        call = self._call_record(call_id, s.lt, updated, "inbound", s.customer, agent, status, code, times)
        ticket_at = None
        if status == "completed":
            ticket_at = s.lt + wait + rng.randint(3, 40)
        elif status == "voicemail":
            ticket_at = s.lt + duration + rng.randint(3, 40)
        if ticket_at is not None:
            ticket_at = max(s.lt, min(ticket_at, (s.lt // DAY + 1) * DAY - 2 * HOUR))
        return (updated, call_id, call), ticket_at

    def _call_record(
        self, call_id, lt, updated, direction, customer, agent, status, code, t: _CallTimes
    ) -> dict:
        # Field names and order follow the Talk incremental calls export (fixtures/zendesk_talk).
        return {
            "id": call_id,
            "created_at": self.clock.iso_utc(lt),
            "updated_at": self.clock.iso_utc(updated),
            "agent_id": agent,
            "call_charge": f"{t.duration / 60 * 0.003:.3f}",
            "consultation_time": t.consultation,
            "completion_status": status,
            "customer_id": customer,
            "customer_requested_voicemail": status == "voicemail",
            "direction": direction,
            "duration": t.duration,
            "exceeded_queue_wait_time": t.wait > 600 or None,
            "hold_time": t.hold,
            "minutes_billed": -(-t.duration // 60),
            "outside_business_hours": False,
            "phone_number_id": 360000121575,
            "phone_number": SUPPORT_PHONE,
            "ticket_id": None,
            "time_to_answer": t.wait if status == "completed" and direction == "inbound" else None,
            "voicemail": status == "voicemail",
            "wait_time": t.wait,
            "wrap_up_time": t.wrap_up,
            "ivr_time_spent": 12 if direction == "inbound" else None,
            "ivr_hops": 1 if direction == "inbound" else None,
            "ivr_destination_group_name": None,
            "talk_time": t.talk or None,
            "ivr_routed_to": None,
            "callback": False,
            "default_group": direction == "inbound",
            "overflowed": False,
            "recording_time": t.talk,
            "not_recording_time": 0,
            "call_recording_consent": "always",
            "call_group_id": None,
            "call_channel": "phone",
            "quality_issues": ["none"],
            "transfers": t.transfers,
            "wrap_up_reason": code,
        }

    def _outbound_call(self, lt: int, customer: int, ticket_id: int | None, dept: str) -> tuple:
        """A manager calls a dissatisfied customer back (closes the survey-alert loop)."""
        rng = self.rng
        call_id, self.next_call = self.next_call, self.next_call + 1
        self.summary.calls += 1
        self.summary.outbound_calls += 1
        self.summary.contacts += 1
        status = "completed" if rng.random() < 0.92 else "failed"
        talk = rng.randint(120, 600) if status == "completed" else 0
        ring = rng.randint(5, 25)
        wrap_up = rng.randint(30, 180)
        updated = min(lt + ring + talk + wrap_up, (lt // DAY + 1) * DAY - 1)
        manager = ref.DEPARTMENT_BY_ID[dept].manager_agent_id
        times = _CallTimes(ring + talk, 0, 0, talk, wrap_up, 0, 0)
        call = self._call_record(
            call_id, lt, updated, "outbound", customer, manager, status, ref.RECONTACT_CALL_CODE, times
        )
        call["ticket_id"] = ticket_id
        return updated, call_id, call

    # ---- tickets ------------------------------------------------------------------------------------------
    def _new_ticket(
        self, s: _Spec, idx: int, day: date, created: int, tickets: list, call: dict | None
    ) -> int:
        rng = self.rng
        t = _Ticket()
        t.id, self.next_ticket = self.next_ticket, self.next_ticket + 1
        self.summary.tickets += 1
        t.created, t.customer, t.reason, t.channel = created, s.customer, s.reason, s.channel
        t.lang = "fr" if s.kind in ("troll", "copy", "problem") else _Customer.lang(s.customer)
        t.type = (None, "question", "question", "question", "incident", "incident", "task")[rng.randrange(7)]
        t.priority = _PRIORITIES[rng.randrange(len(_PRIORITIES))]
        t.problem_id, t.raw_value, t.via_rel = None, None, None
        t.tags = []
        t.subject, t.description = self._texts(s, t, day, call)
        if s.kind == "problem":
            t.type, t.priority, self.problem_ticket = "problem", "high", t.id
            t.tags = ["panne_transporteur", "probleme"]
        elif (
            s.reason is not None
            and s.reason.code == "delivery_late"
            and day in self.incident_days
            and self.problem_ticket is not None
            and rng.random() < 0.3
        ):
            t.type, t.priority, t.problem_id = "incident", "high", self.problem_ticket
            t.tags.append("panne_transporteur")
        if _Customer.organization(s.customer):
            t.tags.append("b2b")
        if s.prev_ticket is not None:
            t.tags.append("relance")
        escalated = rng.random() < 0.25
        dept = ref.owner_on(s.reason, day, self.move_on) if s.reason is not None else "customer_service"
        t.group_id = _GROUPS[dept if escalated else "customer_service"]
        t.assignee_id = rng.choice(_AGENTS)
        t.submitter = t.assignee_id if s.channel == "voice" else s.customer
        r = rng.random()
        t.reopens = (2 if r < 0.02 else 1 if r < 0.12 else 0) + (1 if escalated and rng.random() < 0.1 else 0)
        t.replies = rng.randint(1, 3) + t.reopens + (1 if escalated else 0)
        t.first_reply = rng.randint(2, 30) if s.channel in ("voice", "chat") else rng.randint(20, 2000)
        r = rng.random()
        t.rating = "good" if r < 0.08 else "bad" if r < 0.11 else "offered" if r < 0.41 else "unoffered"

        # Lifecycle: solved the same day (one version), later (two versions) or never; a few deleted.
        day_end = (created // DAY + 1) * DAY
        r = rng.random()
        same_day = 0.7 if s.channel in ("voice", "chat") else 0.35
        if s.kind == "problem":
            inc_end = max(self.incident_days) if self.incident_days else day
            t.solved = self._lt(inc_end) + 20 * HOUR + rng.randint(0, HOUR)
        elif r < same_day:
            t.solved = created + rng.randint(300, 5 * HOUR)  # after midnight: a second version tomorrow
        elif r < 0.95:
            later = rng.randint(1, 4) + (rng.randint(3, 7) if rng.random() < 0.15 else 0)
            t.solved = (created // DAY + later) * DAY + rng.randint(8 * HOUR, 19 * HOUR)  # agents' hours
        else:
            t.solved = None  # still open at the end of the export
        deleted = s.channel in ("email", "web") and s.kind in ("", "repeat") and rng.random() < DELETE_PROB
        if deleted:
            t.solved = None
        t.initial_status = ("new", "open", "open", "open", "pending")[rng.randrange(5)]
        if self.ticket_events and t.solved is not None and t.created + 60 * t.first_reply >= t.solved:
            # the first reply comes before the solve in the history: the metric set says the same
            t.first_reply = max(1, (t.solved - t.created) // 180)
        t.history = self._plan_history(t, s) if self.ticket_events and not deleted else None
        if t.solved is not None and t.solved < day_end:
            self._emit_ticket(t, "solved", t.solved, tickets)
        else:
            first = min(created + (0 if t.initial_status == "new" else rng.randint(60, 1800)), day_end - 1)
            self._emit_ticket(t, t.initial_status, first, tickets)
            if t.solved is not None:
                self.pending_tickets[t.solved // DAY].append((t.solved, "solved", t))
        if deleted:
            lt = created + rng.randint(HOUR, 2 * DAY)
            self.pending_tickets[lt // DAY].append((lt, "deleted", t))
        closed_at = None
        if t.solved is not None:
            if rng.random() < 0.2:  # Zendesk closes solved tickets after 4 days: some exports catch it
                lt = closed_at = t.solved + 4 * DAY + rng.randint(0, 6 * HOUR)
                self.pending_tickets[lt // DAY].append((lt, "closed", t))
            if s.kind in ("", "repeat") and rng.random() < SURVEY_PROB:
                self._schedule_response(t, s)
        if t.history is not None and closed_at is not None:
            close = Audit(closed_at, -1, [{"type": "Change", "field_name": "status", "value": "closed",
                                           "previous_value": "solved"}])
            self.pending_history[closed_at // DAY].append((closed_at, 0, t.id, close))
        return t.id

    # ---- ticket history (ticket_events/) ----------------------------------------------------------------
    def _plan_history(self, t: _Ticket, s: _Spec) -> list[tuple[int, int, int]]:
        """Queue the ticket's audits and metric events by day; return its marks (lt, agent replies, reopens)
        from which each version's metric set is counted, as Zendesk counts them at that time."""
        hrng = self.history_rng
        answered = t.solved is not None or t.initial_status != "new"
        second = _AGENTS[(_AGENTS.index(t.assignee_id) + 1 + hrng.randrange(len(_AGENTS) - 1)) % len(_AGENTS)]
        # an integration (api) ticket may name an agent as requester: its customer side gets an end-user id
        requester = t.customer if t.customer not in _AGENT_SET else 370000000000 + t.id
        facts = Facts(
            ticket_id=t.id, created=t.created, first_reply_minutes=t.first_reply if answered else None,
            solved=t.solved, reopens=t.reopens, replies=t.replies, initial_status=t.initial_status,
            requester=requester, agent=t.assignee_id, second_agent=second,
            first_group=_GROUPS["customer_service"], final_group=t.group_id, priority=t.priority,
            agent_created=s.channel == "voice",
        )
        audits, metrics = ticket_history(facts, hrng)
        marks = []
        for n, audit in enumerate(audits):
            self.pending_history[audit.lt // DAY].append((audit.lt, 0, t.id, audit))
            replies = 0 if n == 0 else sum(
                e["type"] == "Comment" and e["public"] and e["author_id"] in _AGENT_SET for e in audit.events)
            reopens = sum(e.get("field_name") == "status" and e.get("previous_value") == "solved"
                          and e["value"] != "closed" for e in audit.events)
            marks.append((audit.lt, replies, reopens))
        for lt, event in metrics:
            self.pending_history[lt // DAY].append((lt, 1, t.id, event))
        return marks

    def _write_history(self, idx: int, day: date) -> None:
        items = sorted(self.pending_history.pop(idx, []), key=lambda x: (x[0], x[1], x[2]))
        if not self.ticket_events:
            return
        clock, audits, metrics, users = self.clock, [], [], {}
        for lt, kind, ticket_id, item in items:
            if kind == 0:
                events = []
                for event in item.events:
                    events.append({"id": self.next_event, **event})
                    self.next_event += 1
                    if event["type"] == "Comment":
                        author = event["author_id"]
                        users[author] = "agent" if author in _AGENT_SET else "end-user"
                audits.append({"id": self.next_audit, "ticket_id": ticket_id, "created_at": clock.iso_utc(lt),
                               "author_id": item.author, "via": {"channel": "web"}, "events": events})
                self.next_audit += 1
            else:
                metrics.append({"id": self.next_event, "ticket_id": ticket_id, "time": clock.iso_utc(lt), **item})
                self.next_event += 1
        folder = self.out / "ticket_events"
        for n in range(0, max(len(audits), 1), PAGE_SIZE):
            chunk = audits[n : n + PAGE_SIZE]
            authors = {e.get("author_id") for a in chunk for e in a["events"]} | {a["author_id"] for a in chunk}
            page = {"audits": chunk,
                    "users": [{"id": u, "role": role} for u, role in sorted(users.items()) if u in authors],
                    "next_page": None, "previous_page": None, "count": len(chunk)}
            self._write_json(folder / f"{day.isoformat()}_audits_p{n // PAGE_SIZE + 1:04d}.json", page)
        end_time = clock.epoch((idx + 1) * DAY - 1)
        self._write_json(folder / f"{day.isoformat()}_metric_events.json", {
            "ticket_metric_events": metrics, "count": len(metrics), "end_time": end_time,
            "next_page": f"{ZENDESK}/api/v2/incremental/ticket_metric_events.json?start_time={end_time}"})

    def _e_invoice_day(self, day: date) -> bool:
        """The e-invoice portal opens a third into the window: its contacts start then (a rising topic)."""
        return (day - self.start).days >= self.days // 3

    def _texts(self, s: _Spec, t: _Ticket, day: date, call: dict | None) -> tuple[str, str]:
        """Subject and description; also decides whether the reason field is set."""
        rng, lang, reason = self.rng, t.lang, s.reason
        n = rng.randrange(10**6, 10**7)
        fill = texts.slots(n, lang, day, s.customer)
        if s.kind == "problem":
            return (
                "Panne transporteur - colis bloqués au dépôt",
                (
                    "Problème transporteur national : plus aucun enlèvement depuis ce matin. "
                    "Lier ici les tickets des clients concernés."
                ),
            )
        if s.kind == "copy":
            return texts.COPY_PASTE_SUBJECT, texts.vary_case_and_spacing(texts.COPY_PASTE_TEXT, s.variant)
        if s.kind == "short":
            return "", texts.SHORT_TEXTS[s.variant % len(texts.SHORT_TEXTS)]
        r = rng.random()
        if r < FIELD_SHARE:
            values = reason.ticket_values
            t.raw_value = values[0] if len(values) == 1 or rng.random() < 0.8 else values[1]
            t.tags.append(t.raw_value)
            explained = rng.random() < FIELD_TEXT_HAS_KEYWORDS
        else:
            explained = r < FIELD_SHARE + KEYWORD_SHARE
        if explained:
            subject = rng.choice(texts.SUBJECTS[reason.code][lang]).format(**fill)
            body = rng.choice(texts.BODIES[reason.code][lang]).format(**fill)
        else:
            subject = rng.choice(texts.VAGUE_SUBJECTS[lang]).format(**fill)
            body = rng.choice(texts.VAGUE_BODIES[lang]).format(**fill)
            if r >= FIELD_SHARE and self._e_invoice_day(day) and n % E_INVOICE_EVERY == 0:  # no extra draw
                subject = texts.E_INVOICE_SUBJECTS[lang][n // 2 % 2].format(**fill)
                body = texts.E_INVOICE_BODIES[lang][n // 4 % 2].format(**fill)
        if s.kind == "troll":
            body = rng.choice(texts.TROLL_PREFIX) + body
        if s.prev_ticket is not None:
            subject = "Re: " + subject
            body = texts.REPEAT_PREFIX[lang].format(prev=s.prev_ticket) + body
        if call is not None:  # a Talk voice ticket: Talk writes the header, the agent notes the request
            phone = _Customer.phone(s.customer)[1]
            if call["completion_status"] == "voicemail":
                t.via_rel = "voicemail"
                return (
                    texts.VOICE_SUBJECT[lang].format(phone=phone),
                    texts.VOICEMAIL_BODY[lang].format(phone=phone, seconds=call["duration"]),
                )
            t.via_rel = "inbound"
            head = texts.VOICE_HEADER[lang].format(
                phone=phone, minutes=call["duration"] // 60, seconds=call["duration"] % 60
            )
            return texts.VOICE_SUBJECT[lang].format(phone=phone), head + body
        return subject, body

    def _via(self, t: _Ticket) -> dict:
        c = t.channel
        if c == "email":
            first, last = _Customer.names(t.customer)
            return {
                "channel": "email",
                "source": {
                    "from": {"address": _Customer.email(t.customer), "name": f"{first} {last}"},
                    "to": {"address": SUPPORT_EMAIL, "name": "Support"},
                    "rel": None,
                },
            }
        if c == "voice":
            phone, formatted = _Customer.phone(t.customer)
            return {
                "channel": "voice",
                "source": {
                    "from": {"phone": phone, "formatted_phone": formatted},
                    "to": {"phone": SUPPORT_PHONE, "formatted_phone": "+32 2 555 01 00"},
                    "rel": t.via_rel,
                },
            }
        return {"channel": c, "source": {"from": {}, "to": {}, "rel": "zopim_chat" if c == "chat" else None}}

    def _emit_ticket(self, t: _Ticket, status: str, lt: int, tickets: list) -> None:
        clock = self.clock
        solved = status in ("solved", "closed")
        if status == "deleted":
            self.summary.deleted_tickets += 1
        updated = clock.iso_utc(lt)
        created = clock.iso_utc(t.created)
        rating = {"score": t.rating if solved else "unoffered"}
        if solved and t.rating in ("good", "bad"):
            rating = {"id": 364000000000 + t.id, "score": t.rating, "comment": None}
        # The fields the Zendesk incremental export returns; empty collections and fixed flags are left out
        # to keep pages small (a landing zone of 10M contacts must fit on a laptop disk).
        org = _Customer.organization(t.customer)
        ticket = {
            "url": f"{ZENDESK}/api/v2/tickets/{t.id}.json",
            "id": t.id,
            "external_id": None,
            "via": self._via(t),
            "created_at": created,
            "updated_at": updated,
            "generated_timestamp": clock.epoch(lt),
            "type": t.type,
            "subject": t.subject,
            "raw_subject": t.subject,
            "description": t.description,
            "priority": t.priority,
            "status": status,
            "recipient": SUPPORT_EMAIL if t.channel == "email" else None,
            "requester_id": t.customer,
            "submitter_id": t.submitter,
            "assignee_id": None if status == "new" else t.assignee_id,
            "organization_id": org,
            "group_id": t.group_id,
            "collaborator_ids": [],
            "problem_id": t.problem_id,
            "has_incidents": t.type == "problem",
            "due_at": None,
            "tags": t.tags,
            "custom_fields": [
                {"id": REASON_FIELD_ID, "value": t.raw_value},
                {"id": SEGMENT_FIELD_ID, "value": "professionnel" if org else "particulier"},
            ],
            "satisfaction_rating": rating,
            "ticket_form_id": 360000000100,
            "brand_id": 360000000200,
        }
        metric = None
        if status != "deleted" and self.metric_sets:
            full = (t.solved - t.created) // 60 if solved else None
            answered = status != "new"
            reply, replies, reopens = t.first_reply, (t.replies if solved else min(1, t.replies) * answered), (
                t.reopens if solved else 0)
            if t.history is not None:
                # as Zendesk counts them from the history so far, in elapsed UTC minutes (a DST change counts)
                seen = [m for m in t.history if m[0] <= lt]
                replies, reopens = sum(m[1] for m in seen), sum(m[2] for m in seen)
                first = next((m[0] for m in seen if m[1]), None)
                answered = first is not None
                reply = (clock.epoch(first) - clock.epoch(t.created)) // 60 if answered else None
                full = (clock.epoch(t.solved) - clock.epoch(t.created)) // 60 if solved else None
            metric = {
                "id": t.id + 700000000,
                "ticket_id": t.id,
                "created_at": created,
                "updated_at": updated,
                "group_stations": 2 if t.group_id != _GROUPS["customer_service"] else 1,
                "assignee_stations": 1 + (t.reopens > 0),
                "reopens": reopens,
                "replies": replies,
                "solved_at": clock.iso_utc(t.solved) if solved else None,
                "reply_time_in_minutes": {
                    "calendar": reply if answered else None,
                    "business": reply // 3 if answered else None,
                },
                "full_resolution_time_in_minutes": {
                    "calendar": full,
                    "business": full // 3 if full else full,
                },
            }
        tickets.append((lt, t.id, ticket, metric))

    # ---- surveys ------------------------------------------------------------------------------------------
    def _schedule_response(self, t: _Ticket, s: _Spec) -> None:
        rng = self.rng
        lt = t.solved + 600 + int(rng.expovariate(1 / (10 * HOUR)))
        unhappy = 0.20
        if s.reason.kind == "unwanted":
            unhappy += 0.08
        else:
            unhappy -= 0.10
        if s.prev_ticket is not None:
            unhappy += 0.20
        if s.reason.code == "delivery_late" and self._day(t.created // DAY) in self.incident_days:
            unhappy += 0.15
        ticket_id = None if rng.random() < SURVEY_WITHOUT_TICKET else t.id
        self.pending_responses[lt // DAY].append(
            _Response(lt, self._next_seq(), ticket_id, t.customer, s.reason, unhappy)
        )

    def _write_responses(self, idx: int, day: date) -> None:
        responses = self.pending_responses.pop(idx, [])
        if not responses:
            return
        rng, clock = self.rng, self.clock
        week = day.isocalendar()[:2]
        if week != self.survey_week:
            if self.survey_file:
                self.survey_file.close()
            self.survey_week = week
            path = self.out / "surveys" / f"qualtrics_responses_{week[0]}-W{week[1]:02d}.csv"
            self.survey_file = path.open("w", encoding="utf-8", newline="")
            self.files += 1
            self.survey_writer = csv.writer(self.survey_file, lineterminator="\n")
            self.survey_writer.writerows(_QUALTRICS_HEADER)
        responses.sort(key=lambda r: (r.lt, r.seq))
        for r in responses:
            self.summary.survey_responses += 1
            duration = rng.randint(25, 400)
            response_id = "R_" + "".join(rng.choices(_ALNUM, k=15))
            ip = f"{rng.choice(('192.0.2', '198.51.100', '203.0.113'))}.{rng.randint(1, 254)}"
            lat, lon = f"{50.5 + rng.random() * 0.8:.4f}", f"{3.5 + rng.random() * 2.2:.4f}"
            progress, finished = 100, 1
            if r.straight:
                v = rng.choice((1, 5))
                nps, csat, ces, comment = v, v, v, ""
                lang = "fr" if rng.random() < FRENCH_SHARE else "en"
                person, channel = ("", "", ""), "anonymous"
            else:
                lang = _Customer.lang(r.customer)
                first, last = _Customer.names(r.customer)
                person, channel = (last, first, _Customer.email(r.customer)), "email"
                u = rng.random()
                mood = "unhappy" if u < r.unhappy else "neutral" if u < r.unhappy + 0.3 else "happy"
                lo = _SCORE_RANGES[mood]
                nps = rng.randint(lo[0], lo[1]) if rng.random() < 0.97 else ""
                csat = rng.randint(lo[2], lo[3]) if rng.random() < 0.95 else ""
                ces = rng.randint(lo[4], lo[5]) if rng.random() < 0.93 else ""
                comment = texts.comment(rng, lang, mood) if rng.random() < 0.45 else ""
                if rng.random() < 0.03:  # a respondent who stopped half way
                    progress, finished, ces, comment = rng.randint(40, 90), 0, "", ""
            alert = (
                (nps != "" and nps <= ALERT["nps_max"])
                or (csat != "" and csat <= ALERT["csat_max"])
                or (ces != "" and ces <= ALERT["ces_max"])
            )
            recorded = clock.local(r.lt)
            meta = (
                0,
                ip,
                progress,
                duration,
                finished,
                recorded,
                response_id,
                *person,
                "",
                lat,
                lon,
                channel,
            )
            answers = (lang.upper(), nps, csat, ces, comment, r.ticket_id or "", r.customer or "")
            self.survey_writer.writerow((clock.local(r.lt - duration), recorded, *meta, *answers))
            if alert:
                self.summary.alerts += 1
                if r.customer is None:
                    self.summary.alerts_without_customer += 1
                elif rng.random() < RECONTACT_PROB:
                    self._schedule_recontact(r, day)

    def _schedule_recontact(self, r: _Response, day: date) -> None:
        rng = self.rng
        late = rng.random() < RECONTACT_LATE_SHARE
        lt = r.lt + (rng.randint(50 * HOUR, 150 * HOUR) if late else rng.randint(HOUR // 2, 36 * HOUR))
        hour = (lt % DAY) // HOUR  # managers call between 8:00 and 19:00
        if hour < 8:
            lt = lt // DAY * DAY + 8 * HOUR + rng.randrange(2 * HOUR)
        elif hour >= 19:
            lt = (lt // DAY + 1) * DAY + 8 * HOUR + rng.randrange(2 * HOUR)
        if lt // DAY >= self.days:
            return  # would happen after the export: the alert is still open
        if lt - r.lt <= 48 * HOUR:
            self.summary.recontacts_within_48h += 1
        else:
            self.summary.recontacts_late += 1
        dept = ref.owner_on(r.reason, day, self.move_on)
        self.pending_outbound[lt // DAY].append((lt, r.customer, r.ticket_id, dept))

    # ---- writing ------------------------------------------------------------------------------------------
    def _write_ticket_pages(self, day: date, items: list[tuple]) -> None:
        items.sort(key=lambda x: (x[0], x[1]))
        chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
        for n, chunk in enumerate(chunks, 1):
            before = _cursor(chunk[0][2]["generated_timestamp"], chunk[0][1]) if chunk else self.last_cursor
            if chunk:
                self.last_cursor = _cursor(chunk[-1][2]["generated_timestamp"], chunk[-1][1])
            include = "include=metric_sets&" if self.metric_sets else ""
            url = f"{ZENDESK}/api/v2/incremental/tickets/cursor.json?{include}cursor="
            page = {
                "tickets": [x[2] for x in chunk],
                "after_url": url + self.last_cursor if self.last_cursor else None,
                "after_cursor": self.last_cursor,
                "before_url": url + before if before else None,
                "before_cursor": before,
                "end_of_stream": n == len(chunks),  # each daily export reads until the end of the stream
            }
            if self.metric_sets:
                page = {"tickets": page.pop("tickets"), "metric_sets": [x[3] for x in chunk if x[3]], **page}
            self._write_json(self.out / "tickets" / f"{day.isoformat()}_p{n:04d}.json", page)

    def _write_call_pages(self, day: date, items: list[tuple]) -> None:
        items.sort(key=lambda x: (x[0], x[1]))
        chunks = [items[i : i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
        for n, chunk in enumerate(chunks, 1):
            end_lt = chunk[-1][0] if chunk else (self._idx(day) + 1) * DAY - 1
            end_time = self.clock.epoch(end_lt)
            page = {
                "calls": [x[2] for x in chunk],
                "next_page": f"{ZENDESK}/api/v2/channels/voice/stats/incremental/calls.json?start_time={end_time}",
                "count": len(chunk),
                "end_time": end_time,
            }
            self._write_json(self.out / "calls" / f"{day.isoformat()}_p{n:04d}.json", page)

    def _write_json(self, path: Path, obj: dict) -> None:
        self.files += 1
        with path.open("w", encoding="utf-8") as f:
            f.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))

    def _write_volumes(self, idx: int, day: date) -> None:
        rng, wd = self.rng, day.weekday()
        for d in ref.DEPARTMENTS:
            for measure, factor, profile in d.measures:
                trend = 1 + 0.0008 * idx if measure == "active_customers" else 1.0
                value = round(self.cpd * factor * profile[wd] * trend * rng.uniform(0.95, 1.05))
                self.volumes.writerow((day.isoformat(), d.department_id, measure, value))

    def _write_reference(self) -> None:
        folder = self.out / "reference"
        s = self.summary
        ref.write_csv(folder / "departments.csv", "departments", ref.departments_rows())
        ref.write_csv(folder / "reasons.csv", "reasons", ref.reasons_rows(self.move_on))
        ref.write_csv(folder / "reason_map.csv", "reason_map", ref.reason_map_rows())
        incidents = []
        if s.incident:
            i = s.incident
            incidents.append(
                (
                    i["incident_id"],
                    i["title"],
                    i["department_id"],
                    i["reason_code"],
                    i["started_at"],
                    i["ended_at"],
                    i["proactive_notice_at"],
                )
            )
        ref.write_csv(folder / "incidents.csv", "incidents", incidents)
        actions = [
            (a["action_id"], a["reason_code"], a["department_id"], a["implemented_on"], a["description"])
            for a in (s.control_action, s.action)
            if a
        ]
        ref.write_csv(folder / "actions.csv", "actions", actions)
        ref.write_csv(folder / "targets.csv", "targets", self._targets())
        ref.write_csv(folder / "holidays.csv", "holidays", ref.holidays_rows(self.start, self.end))

    def _targets(self) -> list[tuple]:
        """alerts_recontacted per month: explicit months for three departments, a standing target for the rest.

        The target is ~80% of the alerts a department should get in a month, times the planted call-back
        rate, so some months meet it and some do not.
        """
        share = defaultdict(float)
        for r in ref.REASONS:
            share[r.department_id] += r.share
        alert_rate = 0.9 * 0.8 * SURVEY_PROB * 0.3 * (FIELD_SHARE + KEYWORD_SHARE)
        months = sorted({(self.start + timedelta(i)).strftime("%Y-%m") for i in range(self.days)})
        rows = []
        for d in ref.DEPARTMENTS:
            monthly = self.cpd * 30.4 * share[d.department_id] * alert_rate * RECONTACT_PROB
            if d.department_id in ("billing", "logistics", "sales"):
                rows += [
                    (d.department_id, "alerts_recontacted", m, max(1, round(monthly * (0.75 + 0.02 * k))))
                    for k, m in enumerate(months)
                ]
            else:
                rows.append((d.department_id, "alerts_recontacted", "", max(1, round(monthly * 0.8))))
        return rows


# Qualtrics export columns: (column id, question-text row, ImportId). Q1-Q4 are the survey questions;
# ticket_id and customer_id are embedded data set by the distribution (whycall.yml links on them).
# fmt: off
_QUALTRICS_COLUMNS = (
    ("StartDate", "Start Date", "startDate"),
    ("EndDate", "End Date", "endDate"),
    ("Status", "Response Type", "status"),
    ("IPAddress", "IP Address", "ipAddress"),
    ("Progress", "Progress", "progress"),
    ("Duration (in seconds)", "Duration (in seconds)", "duration"),
    ("Finished", "Finished", "finished"),
    ("RecordedDate", "Recorded Date", "recordedDate"),
    ("ResponseId", "Response ID", "_recordId"),
    ("RecipientLastName", "Recipient Last Name", "recipientLastName"),
    ("RecipientFirstName", "Recipient First Name", "recipientFirstName"),
    ("RecipientEmail", "Recipient Email", "recipientEmail"),
    ("ExternalReference", "External Data Reference", "externalDataReference"),
    ("LocationLatitude", "Location Latitude", "locationLatitude"),
    ("LocationLongitude", "Location Longitude", "locationLongitude"),
    ("DistributionChannel", "Distribution Channel", "distributionChannel"),
    ("UserLanguage", "User Language", "userLanguage"),
    ("Q1", "How likely are you to recommend us to a friend or colleague? (0-10)", "QID1"),
    ("Q2", "How satisfied are you with the handling of your request? (1-5)", "QID2"),
    ("Q3", "How easy was it to get your request handled? (1 = very difficult, 7 = very easy)", "QID3"),
    ("Q4", "What is the main reason for your answers?", "QID4_TEXT"),
    ("ticket_id", "ticket_id", "ticket_id"),
    ("customer_id", "customer_id", "customer_id"),
)
# fmt: on
_QUALTRICS_HEADER = (
    tuple(c[0] for c in _QUALTRICS_COLUMNS),
    tuple(c[1] for c in _QUALTRICS_COLUMNS),
    tuple(  # date columns declare their time zone, as Qualtrics does
        json.dumps(
            {"ImportId": i, "timeZone": TIMEZONE} if i.endswith(("Date", "date")) else {"ImportId": i},
            separators=(",", ":"),
        )
        for _, _, i in _QUALTRICS_COLUMNS
    ),
)


def _yesterday() -> date:
    return datetime.now(TZ).date() - timedelta(days=1)


def generate_landing(
    out: Path,
    days: int = 182,
    contacts_per_day: int = 1000,
    seed: int = 42,
    end: date | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    metric_sets: bool = True,
    ticket_events: bool = True,
) -> GenerationSummary:
    """Write a synthetic landing zone into ``out`` and return what was planted in it.

    ``end`` is the last generated local business day (default: yesterday in Europe/Brussels). Files
    this generator wrote before in ``out`` are replaced; other files are left alone. ``progress`` gets
    a line per generated month. ``metric_sets=False`` leaves out the side-loaded Zendesk ticket
    metrics (reopens, replies, resolution times): ~25% smaller ticket pages for big benchmarks.
    ``ticket_events=False`` leaves out the ticket history (audits and metric events in ticket_events/).
    """
    if days < 1 or contacts_per_day < 1:
        raise ValueError("days and contacts_per_day must be at least 1")
    return _Landing(Path(out), days, contacts_per_day, seed, end or _yesterday(), progress, metric_sets,
                    ticket_events).run()
