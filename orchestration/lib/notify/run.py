"""One notifier pass: read the published alerts, plan, send (or print, in a dry run), record.

Called by the ``alert_notifications`` Dagster asset after publication and by ``whycall notify``.
The caller holds the writer lock on the state database (the attempts table lives there).
Delivery failures never raise: they are recorded ``failed`` (retried on a later run with backoff),
counted in the summary and written to ``operations.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from orchestration.lib import ops_alerts
from orchestration.lib.notify import store
from orchestration.lib.notify.messages import Message, compose
from orchestration.lib.notify.outcome import follow_up_state
from orchestration.lib.notify.plan import AlertCase, Delivery, Plan, plan_deliveries
from orchestration.lib.notify.recipients import read_recipients
from orchestration.lib.notify.settings import EmailSettings, NotifySettings
from orchestration.lib.notify.transports import DeliveryError, ZendeskClient, post_chat, send_email

ALERTS_SQL = """
select a.alert_id, a.department_id, a.created_at, a.status, a.recontacted_at, a.csat, a.nps, a.ces,
       r.comment, c.reason_code, dr.label_en, dr.label_fr, a.contact_id, coalesce(a.is_suspect, false)
from marts.alerts a
left join marts.survey_responses r on r.response_id = a.response_id
left join marts.fct_contacts c on c.contact_id = a.contact_id
left join marts.dim_reasons dr on dr.reason_code = c.reason_code
order by a.created_at, a.alert_id
"""
PREVIEW_EMAIL = EmailSettings("(dry run)", 0, "none", "whycall@example.org", "immediate", "", "", 1)


@dataclass
class NotifyOutcome:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    waiting: int = 0
    given_up: int = 0
    follow_ups_solved: int = 0
    dry_run: bool = False
    errors: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what was (or would be) sent to whom

    def summary(self) -> str:
        head = "notifications (dry run): " if self.dry_run else "notifications: "
        if self.dry_run:
            return head + f"{self.sent} would be sent, {self.skipped} would be skipped"
        text = (
            head + f"{self.sent} sent, {self.failed} failed, {self.skipped} skipped, "
            f"{self.waiting} waiting to retry, {self.given_up} given up"
        )
        return text + (f"; first error: {self.errors[0]}" if self.errors else "")

    def record(self, ts: dt.datetime) -> dict:
        return {
            "ts": ts.replace(tzinfo=dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "event": "notifications",
            "dry_run": self.dry_run,
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "waiting": self.waiting,
            "given_up": self.given_up,
            "follow_ups_solved": self.follow_ups_solved,
            "errors": self.errors[:20],
        }


def read_alerts(warehouse: Path) -> list[AlertCase]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows = con.execute(ALERTS_SQL).fetchall()
    finally:
        con.close()
    return [AlertCase(*row[:13], is_suspect=bool(row[13])) for row in rows]


def data_as_of(warehouse: Path) -> dt.datetime | None:
    """The latest activity in the published alerts: a preview of old demo data decides as of then."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute("select greatest(max(created_at), max(recontacted_at)) from marts.alerts").fetchone()[0]
    finally:
        con.close()


def fold_follow_ups(
    alerts: list[AlertCase], follow_ups: Mapping[str, tuple], within_hours: float
) -> list[AlertCase]:
    """A solved follow-up ticket recontacts the customer too: the earliest of it and the outbound contact wins."""
    out = []
    for alert in alerts:
        solved_at = (follow_ups.get(alert.alert_id) or (None, None, None, None))[2]
        if solved_at is not None and (alert.recontacted_at is None or solved_at < alert.recontacted_at):
            hours = (solved_at - alert.created_at).total_seconds() / 3600
            alert = replace(
                alert, recontacted_at=solved_at, status="recontacted" if hours <= within_hours else "late"
            )
        out.append(alert)
    return out


def hold_digests(deliveries: list[Delivery], sent_today: set[str]) -> tuple[list[list[Delivery]], int]:
    """Digest mode: one e-mail per manager address and kind; a manager already sent a digest today waits."""
    groups: dict[tuple[str, str], list[Delivery]] = {}
    held = 0
    for d in deliveries:
        if d.recipient.email in sent_today:
            held += 1
            continue
        groups.setdefault((d.recipient.email or "", d.kind), []).append(d)
    return list(groups.values()), held


def _digest_sent_today(attempts, recipients_by_dept, now: dt.datetime, tz: str) -> set[str]:
    zone = ZoneInfo(tz)
    today = now.replace(tzinfo=dt.UTC).astimezone(zone).date()
    out = set()
    for a in attempts:
        local_day = a.attempted_at.replace(tzinfo=dt.UTC).astimezone(zone).date()
        if a.channel == "email" and a.status == "sent" and a.kind == "notify" and local_day == today:
            recipient = recipients_by_dept.get(a.department_id or "")
            if recipient and recipient.email:
                out.add(recipient.email)
    return out


def _agent_base_url(env: Mapping[str, str]) -> str | None:
    from orchestration.lib.zendesk_api import ZendeskConfigError, base_url_for

    where = (env.get("ZENDESK_BASE_URL") or "").strip() or (env.get("ZENDESK_SUBDOMAIN") or "").strip()
    if not where:
        return None
    try:
        return base_url_for(where)
    except ZendeskConfigError:
        return None


def _zendesk_client(settings: NotifySettings, env: Mapping[str, str]) -> ZendeskClient | None:
    if settings.zendesk is None:
        return None
    from orchestration.lib.zendesk_api import ZendeskConfigError, base_url_for, credentials_from_env

    try:
        creds = credentials_from_env(env)
        return ZendeskClient(
            base_url_for(creds["subdomain_or_base_url"]), creds["email"], creds["token"], settings.zendesk
        )
    except ZendeskConfigError as exc:
        raise DeliveryError(f"notify.zendesk: {exc}") from None


def run_notifier(
    *,
    landing_dir: Path,
    warehouse: Path,
    state_db: Path,
    config,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    env: Mapping[str, str] | None = None,
    run_id: str = "",
    echo: Callable[[str], None] | None = None,
) -> NotifyOutcome:
    env = os.environ if env is None else env
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    settings: NotifySettings = config.notify or NotifySettings()
    outcome = NotifyOutcome(dry_run=dry_run)
    say = echo or (lambda _line: None)
    within = float(config.rules["alert"]["recontact_within_hours"])
    if not Path(warehouse).exists():
        outcome.errors.append(f"no published warehouse at {warehouse}: run `whycall run` first")
        return outcome
    if dry_run and not settings.channels:
        say("no notify: channel in whycall.yml; previewing the e-mails managers would receive")
        settings = replace(settings, email=PREVIEW_EMAIL)
    recipients = read_recipients(landing_dir, settings.language)
    names = {dept: r.name for dept, r in recipients.items()}
    agent_url = _agent_base_url(env)
    alerts = read_alerts(warehouse)

    con = store.connect(state_db) if not dry_run else None
    try:
        client = None
        if settings.zendesk is not None:
            try:
                client = _zendesk_client(settings, env)
            except DeliveryError as exc:
                outcome.errors.append(str(exc))
        follow_ups = store.read_follow_ups(con) if con is not None else {}
        if con is not None and client is not None:
            tickets = store.follow_up_tickets(con)
            try:
                by_id = {str(t["id"]): t for t in client.show_many(sorted(set(tickets.values())))}
                rows = []
                for alert_id, ticket_id in tickets.items():
                    if ticket_id in by_id:
                        rows.append(
                            (
                                alert_id,
                                ticket_id,
                                *follow_up_state(
                                    by_id[ticket_id],
                                    settings.zendesk.outcome_field_id,
                                    dict(settings.zendesk.outcome_map),
                                ),
                            )
                        )
                store.save_follow_ups(con, rows, now)
                follow_ups = store.read_follow_ups(con)
            except DeliveryError as exc:
                outcome.errors.append(f"reading follow-up tickets: {exc}")
        outcome.follow_ups_solved = sum(1 for f in follow_ups.values() if f[2] is not None)
        alerts = fold_follow_ups(alerts, follow_ups, within)
        attempts = store.read_attempts(con) if con is not None else []
        plan: Plan = plan_deliveries(alerts, recipients, attempts, now, settings, within)
        outcome.waiting, outcome.given_up = plan.waiting, plan.given_up
        rows: list[tuple] = []
        for s in plan.skips:
            rows.append((s.alert_id, s.kind, s.channel, s.department_id, None, now, "skipped", s.reason, ""))
        outcome.skipped = len(plan.skips)

        escalated_from = {}
        for d in plan.deliveries:
            own = recipients.get(d.alert.department_id or "")
            if d.kind == "escalate" and own is not None:
                escalated_from[d.alert.alert_id] = (own.name, own.manager)

        def message(group: list[Delivery]) -> Message:
            return compose(group, now, within, config.timezone, agent_url, names, escalated_from)

        def result(group: list[Delivery], status: str, error: str = "", ref: str = "") -> None:
            for d in group:
                recipient = d.recipient.email if d.channel == "email" else d.recipient.department_id
                rows.append(
                    (
                        d.alert.alert_id,
                        d.kind,
                        d.channel,
                        d.recipient.department_id,
                        recipient,
                        now,
                        status,
                        error,
                        ref,
                    )
                )
            if status == "sent":
                outcome.sent += len(group)
            else:
                outcome.failed += len(group)
                outcome.errors.append(error)

        email_d = [d for d in plan.deliveries if d.channel == "email"]
        if settings.email is not None and settings.email.mode == "digest":
            notify_groups, _held = hold_digests(
                [d for d in email_d if d.kind == "notify"],
                _digest_sent_today(attempts, recipients, now, config.timezone),
            )
            email_groups = notify_groups + [[d] for d in email_d if d.kind != "notify"]
        else:
            email_groups = [[d] for d in email_d]
        groups = email_groups + [[d] for d in plan.deliveries if d.channel != "email"]
        for group in groups:
            d = group[0]
            msg = message(group)
            to = d.recipient.email if d.channel == "email" else f"{d.channel} ({d.recipient.department_id})"
            say(
                f"{'would send' if dry_run else 'send'} {d.kind} by {d.channel} to {d.recipient.manager or '-'} "
                f"<{to}> [{d.recipient.language}] {len(group)} alert(s): {msg.subject}"
            )
            if dry_run:
                outcome.sent += len(group)
                outcome.lines.append(msg.text)
                continue
            try:
                if d.channel == "email":
                    ref = send_email(settings.email, d.recipient.email, msg, env)
                elif d.channel == "chat":
                    post_chat(settings.chat, msg, env)
                    ref = ""
                else:
                    if client is None:
                        raise DeliveryError(
                            "notify.zendesk is set but the Zendesk credentials are missing "
                            "(ZENDESK_SUBDOMAIN, ZENDESK_EMAIL, ZENDESK_API_TOKEN)"
                        )
                    ref = client.create_follow_up(
                        f"whycall-alert-{d.alert.alert_id}",
                        msg.subject,
                        msg.text,
                        d.recipient.zendesk_group_id,
                    )
            except DeliveryError as exc:
                result(group, "failed", str(exc))
            else:
                result(group, "sent", ref=ref)
        if con is not None:
            store.record_attempts(con, rows, run_id)
    finally:
        if con is not None:
            con.close()
    if not dry_run:
        ops_alerts.append_ops_log(ops_alerts.ops_log_path(warehouse), outcome.record(now))
    return outcome
