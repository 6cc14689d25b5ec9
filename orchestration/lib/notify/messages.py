"""What a manager reads, in French or English: plain text, HTML, a chat line and a Zendesk ticket body.

A message holds the scores, the comment (e-mail addresses and phone numbers masked), the reason and
its department, the alert's local date, the hours left before the recontact limit and the source
ticket (a Zendesk agent link when the subdomain is known). Never the customer's name, e-mail, phone
or salted key: the customer's details are in the source ticket, behind the helpdesk's own access rules.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from app.names import bilingual
from orchestration.lib.notify.plan import AlertCase, Delivery

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w])\+?\d[\d ./()-]{6,}\d(?![\w])")
MASK = "[…]"

TEXT = {
    "en": {
        "notify": "Dissatisfied customer to call back",
        "remind": "Reminder: dissatisfied customer still waiting for a call",
        "escalate": "Escalation: customer not called back in time",
        "digest": "{n} dissatisfied customer(s) to call back",
        "scores": "Scores",
        "comment": "Comment",
        "no_comment": "(no comment)",
        "reason": "Reason",
        "unknown_reason": "(not classified)",
        "department": "Department",
        "manager": "Manager",
        "date": "Date",
        "deadline": "Time left",
        "left": "{h} h left before the {limit} h limit",
        "overdue": "{h} h past the {limit} h limit",
        "ticket": "Source contact (the customer's details are there)",
        "no_ticket": "(no linked ticket)",
        "alert": "Alert",
        "escalated_because": "Not called back within {limit} h; escalated from {dept} (manager {manager}).",
        "footer": "Sent by whycall. Call the customer back, then solve the follow-up ticket with the outcome.",
        "hello": "Hello {manager},",
    },
    "fr": {
        "notify": "Client insatisfait à rappeler",
        "remind": "Rappel : un client insatisfait attend toujours un appel",
        "escalate": "Escalade : client non rappelé à temps",
        "digest": "{n} client(s) insatisfait(s) à rappeler",
        "scores": "Scores",
        "comment": "Commentaire",
        "no_comment": "(pas de commentaire)",
        "reason": "Motif",
        "unknown_reason": "(non classé)",
        "department": "Département",
        "manager": "Responsable",
        "date": "Date",
        "deadline": "Délai",
        "left": "{h} h restantes avant la limite de {limit} h",
        "overdue": "{h} h au-delà de la limite de {limit} h",
        "ticket": "Contact source (les coordonnées du client y sont)",
        "no_ticket": "(aucun ticket lié)",
        "alert": "Alerte",
        "escalated_because": "Pas rappelé dans les {limit} h ; escalade depuis {dept} (responsable {manager}).",
        "footer": "Envoyé par whycall. Rappelez le client puis résolvez le ticket de suivi avec le résultat.",
        "hello": "Bonjour {manager},",
    },
}


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str


def scrub(text: str | None) -> str | None:
    """Mask e-mail addresses and phone numbers a customer may have typed into a comment."""
    if text is None:
        return None
    return _PHONE.sub(MASK, _EMAIL.sub(MASK, text))


def ticket_link(alert: AlertCase, agent_base_url: str | None) -> str | None:
    """``https://acme.zendesk.com/agent/tickets/123`` when the subdomain is known, else the contact reference."""
    if alert.ticket_id and agent_base_url:
        return f"{agent_base_url.rstrip('/')}/agent/tickets/{alert.ticket_id}"
    return alert.contact_id


def _num(value: float | None) -> str:
    return f"{value:g}"


def _fields(
    delivery: Delivery,
    now: dt.datetime,
    within_hours: float,
    timezone: str,
    agent_base_url: str | None,
    departments: dict[str, str],
) -> list[tuple[str, str]]:
    alert, lang = delivery.alert, delivery.recipient.language
    t = TEXT[lang]
    scores = ", ".join(
        f"{name.upper()} {_num(v)}"
        for name, v in (("csat", alert.csat), ("nps", alert.nps), ("ces", alert.ces))
        if v is not None
    )
    label = alert.reason_label_fr if lang == "fr" else alert.reason_label_en
    reason = (
        f"{label or alert.reason_code} ({alert.reason_code})" if alert.reason_code else t["unknown_reason"]
    )
    left = within_hours - alert.age_hours(now)
    timing = (t["left"] if left >= 0 else t["overdue"]).format(
        h=f"{abs(left):.0f}", limit=f"{within_hours:g}"
    )
    local = alert.created_at.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone))
    dept = alert.department_id or ""
    return [
        (t["scores"], scores),
        (t["comment"], scrub(alert.comment) or t["no_comment"]),
        (t["reason"], reason),
        (t["department"], f"{departments.get(dept, dept)} ({dept})" if dept else "–"),
        (t["date"], local.strftime("%Y-%m-%d %H:%M %Z")),
        (t["deadline"], timing),
        (t["ticket"], ticket_link(alert, agent_base_url) or t["no_ticket"]),
        (t["alert"], alert.alert_id),
    ]


def compose(
    deliveries: Sequence[Delivery],
    now: dt.datetime,
    within_hours: float,
    timezone: str,
    agent_base_url: str | None = None,
    departments: dict[str, str] | None = None,
    escalated_from: dict[str, tuple[str, str]] | None = None,
) -> Message:
    """One message for one delivery, or a digest of several to the same recipient (same kind)."""
    first = deliveries[0]
    lang, kind = first.recipient.language, first.kind
    t = TEXT[lang]
    # "Logistique / Logistics" (the departments.csv convention) is named in the recipient's language
    departments = {dept: bilingual(name, lang) for dept, name in (departments or {}).items()}
    subject = t[kind] if len(deliveries) == 1 else t["digest"].format(n=len(deliveries))
    if len(deliveries) == 1:
        a = first.alert
        timing = within_hours - a.age_hours(now)
        dept = departments.get(a.department_id or "", a.department_id or "")
        subject = f"[whycall] {subject} · {dept} · " + (t["left"] if timing >= 0 else t["overdue"]).format(
            h=f"{abs(timing):.0f}", limit=f"{within_hours:g}"
        )
    else:
        subject = f"[whycall] {subject}"
    text_parts = [t["hello"].format(manager=first.recipient.manager or first.recipient.name), ""]
    html_parts = [f"<p>{html.escape(text_parts[0])}</p>"]
    for delivery in deliveries:
        fields = _fields(delivery, now, within_hours, timezone, agent_base_url, departments)
        if delivery.kind == "escalate" and escalated_from and delivery.alert.alert_id in escalated_from:
            dept, manager = escalated_from[delivery.alert.alert_id]
            dept = bilingual(dept, lang)
            note = t["escalated_because"].format(limit=f"{within_hours:g}", dept=dept, manager=manager or "–")
            text_parts.append(note)
            html_parts.append(f"<p><strong>{html.escape(note)}</strong></p>")
        text_parts += [f"{name}: {value}" for name, value in fields] + [""]
        rows = "".join(
            f'<tr><th align="left">{html.escape(name)}</th><td>'
            + (
                f'<a href="{html.escape(value)}">{html.escape(value)}</a>'
                if value.startswith("https://")
                else html.escape(value)
            )
            + "</td></tr>"
            for name, value in fields
        )
        html_parts.append(f"<table>{rows}</table><hr>")
    text_parts.append(t["footer"])
    html_parts.append(f"<p><small>{html.escape(t['footer'])}</small></p>")
    return Message(subject, "\n".join(text_parts), "<html><body>" + "".join(html_parts) + "</body></html>")
