"""What to send now: pure decisions from the alerts, the recipients and the attempts already recorded.

One delivery per (alert, kind, channel), ever: ``notify`` when the alert is first seen open,
``remind`` once it has stayed open ``remind_after_hours``, ``escalate`` to the parent department's
manager once the recontact deadline was missed (still open past it, or recontacted late). An attempt
recorded ``sent`` or ``skipped`` closes its key; a ``failed`` one is retried with doubling waits
(``notify.retry``) up to ``max_attempts``. Reminders and escalations use e-mail and chat; the
Zendesk follow-up ticket is created once (it is its own reminder, visible in the group's queue).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orchestration.lib.notify.recipients import Recipient
from orchestration.lib.notify.settings import NotifySettings

KINDS = ("notify", "remind", "escalate")
FOLLOW_UP_CHANNELS = {
    "notify": ("email", "chat", "zendesk"),
    "remind": ("email", "chat"),
    "escalate": ("email", "chat"),
}


@dataclass(frozen=True)
class AlertCase:
    """One alert as the notifier sees it (no customer key, name, e-mail or phone)."""

    alert_id: str
    department_id: str | None
    created_at: dt.datetime  # naive UTC
    status: str  # open | recontacted | late (marts.alerts, follow-up outcome folded in)
    recontacted_at: dt.datetime | None = None
    csat: float | None = None
    nps: float | None = None
    ces: float | None = None
    comment: str | None = None
    reason_code: str | None = None
    reason_label_en: str | None = None
    reason_label_fr: str | None = None
    contact_id: str | None = None
    is_suspect: bool = False

    @property
    def ticket_id(self) -> str | None:
        """The Zendesk ticket behind the linked contact (``zendesk:123`` → ``123``)."""
        if self.contact_id and self.contact_id.startswith("zendesk:"):
            return self.contact_id.split(":", 1)[1]
        return None

    def age_hours(self, now: dt.datetime) -> float:
        return (now - self.created_at).total_seconds() / 3600.0


@dataclass(frozen=True)
class Attempt:
    alert_id: str
    kind: str
    channel: str
    department_id: str | None
    attempted_at: dt.datetime
    status: str  # sent | failed | skipped
    error: str = ""
    external_ref: str = ""


@dataclass(frozen=True)
class Delivery:
    alert: AlertCase
    kind: str
    channel: str
    recipient: Recipient


@dataclass(frozen=True)
class Skip:
    alert_id: str
    kind: str
    channel: str
    department_id: str | None
    reason: str


@dataclass(frozen=True)
class Plan:
    deliveries: list[Delivery]
    skips: list[Skip]
    waiting: int  # failed attempts whose retry is not due yet
    given_up: int  # keys that reached notify.retry.max_attempts


def _deadline_missed(alert: AlertCase, now: dt.datetime, within_hours: float) -> bool:
    if alert.status == "late":
        return True
    return alert.status == "open" and alert.age_hours(now) > within_hours


def plan_deliveries(
    alerts: Iterable[AlertCase],
    recipients: Mapping[str, Recipient],
    attempts: Iterable[Attempt],
    now: dt.datetime,
    settings: NotifySettings,
    within_hours: float,
) -> Plan:
    history: dict[tuple[str, str, str], list[Attempt]] = {}
    for attempt in attempts:
        history.setdefault((attempt.alert_id, attempt.kind, attempt.channel), []).append(attempt)
    deliveries: list[Delivery] = []
    skips: list[Skip] = []
    waiting = given_up = 0
    channels = settings.channels

    def sent(alert_id: str, kind: str, channel: str) -> bool:
        return any(a.status == "sent" for a in history.get((alert_id, kind, channel), ()))

    for alert in sorted(alerts, key=lambda a: (a.created_at, a.alert_id)):
        for kind in KINDS:
            for channel in channels:
                if channel not in FOLLOW_UP_CHANNELS[kind]:
                    continue
                past = history.get((alert.alert_id, kind, channel), [])
                if any(a.status in ("sent", "skipped") for a in past):
                    continue
                failures = [a for a in past if a.status == "failed"]
                if len(failures) >= settings.retry.max_attempts:
                    given_up += 1
                    continue
                if failures:
                    last = max(a.attempted_at for a in failures)
                    if now < last + dt.timedelta(minutes=settings.retry.wait_minutes(len(failures))):
                        waiting += 1
                        continue

                def skip(reason: str, a: AlertCase = alert, kind: str = kind, channel: str = channel) -> None:
                    skips.append(Skip(a.alert_id, kind, channel, a.department_id, reason))

                if kind == "notify":
                    if not past:  # first sight: decide once whether this alert is still worth a message
                        if alert.is_suspect:
                            skip("suspect response (left out of the closed loop)")
                            continue
                        if alert.status != "open":
                            skip(f"already {alert.status} when first seen")
                            continue
                        if alert.age_hours(now) > settings.expire_after_days * 24:
                            skip(
                                f"older than notify.expire_after_days ({settings.expire_after_days:g}) "
                                "when first seen"
                            )
                            continue
                    recipient = recipients.get(alert.department_id or "")
                elif kind == "remind":
                    if not sent(alert.alert_id, "notify", channel) or alert.status != "open":
                        continue
                    if alert.age_hours(now) < settings.remind_after_hours:
                        continue
                    recipient = recipients.get(alert.department_id or "")
                else:  # escalate
                    if not sent(alert.alert_id, "notify", channel) or not _deadline_missed(
                        alert, now, within_hours
                    ):
                        continue
                    own = recipients.get(alert.department_id or "")
                    if own is None or not own.parent_id:
                        skip("no parent department to escalate to")
                        continue
                    recipient = recipients.get(own.parent_id)
                if recipient is None:
                    skip(f"department {alert.department_id or '(none)'} not in reference/departments.csv")
                    continue
                if channel == "email" and not recipient.email:
                    skip(f"no manager_email for department {recipient.department_id}")
                    continue
                deliveries.append(Delivery(alert, kind, channel, recipient))
    return Plan(deliveries, skips, waiting, given_up)
