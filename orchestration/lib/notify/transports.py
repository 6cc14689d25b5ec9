"""The three delivery channels: SMTP e-mail, a chat incoming webhook, a Zendesk follow-up ticket.

Each raises ``DeliveryError`` with a message that never holds a secret (password, token, the
webhook URL — a Slack or Teams webhook URL is itself a credential).
"""

from __future__ import annotations

import base64
import email.utils
import json
import smtplib
import ssl
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from email.message import EmailMessage
from typing import Any

from orchestration.lib.notify.messages import Message
from orchestration.lib.notify.settings import ChatSettings, EmailSettings, ZendeskSettings


class DeliveryError(RuntimeError):
    """A send that did not go through; the text is safe to store and print."""


def _redact(text: str, secrets: tuple[str | None, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text[:500]


def send_email(settings: EmailSettings, to: str, message: Message, env: Mapping[str, str]) -> str:
    """Send one multipart (plain text + HTML) message; returns its Message-ID."""
    user, password = env.get(settings.user_env) or None, env.get(settings.password_env) or None
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = message.subject
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain=settings.sender.rsplit("@", 1)[-1])
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(message.text)
    msg.add_alternative(message.html, subtype="html")
    try:
        if settings.security == "ssl":
            smtp = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=settings.timeout_seconds,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        with smtp:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if user and password:
                smtp.login(user, password)
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(
            _redact(f"SMTP {settings.host}:{settings.port}: {type(exc).__name__}: {exc}", (password, user))
        ) from None
    return str(msg["Message-ID"])


def chat_body(settings: ChatSettings, message: Message) -> dict[str, Any]:
    """Slack reads ``text``; a Teams incoming webhook reads a MessageCard (title + text)."""
    if settings.kind == "teams":
        return {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": message.subject,
            "title": message.subject,
            "text": message.text.replace("\n", "  \n"),
        }
    return {"text": f"*{message.subject}*\n{message.text}"}


def _post_json(
    url: str, body: Mapping[str, Any], headers: Mapping[str, str], timeout: float, method: str = "POST"
) -> bytes:
    data = None if method == "GET" else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", "User-Agent": "whycall-notify", **headers},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def post_chat(settings: ChatSettings, message: Message, env: Mapping[str, str]) -> None:
    url = (env.get(settings.url_env) or "").strip()
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError(f"{settings.url_env} is not set to an http(s) webhook URL")
    try:
        _post_json(url, chat_body(settings, message), {}, settings.timeout_seconds)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"chat webhook answered HTTP {exc.code}") from None
    except Exception as exc:  # noqa: BLE001 — unreachable, timeout, TLS: reported without the URL
        raise DeliveryError(_redact(f"chat webhook not reachable: {type(exc).__name__}", (url,))) from None


class ZendeskClient:
    """Create follow-up tickets idempotently (``external_id``) and read them back."""

    def __init__(self, base_url: str, email_address: str, token: str, settings: ZendeskSettings):
        self.base_url = base_url.rstrip("/")
        self.settings = settings
        self._token = token
        raw = f"{email_address}/token:{token}".encode()
        self._auth = {"Authorization": "Basic " + base64.b64encode(raw).decode("ascii")}

    def _call(self, path: str, body: Mapping[str, Any] | None = None, method: str = "GET") -> dict:
        try:
            data = _post_json(
                self.base_url + path, body or {}, self._auth, self.settings.timeout_seconds, method
            )
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"Zendesk {method} {path.split('?')[0]} answered HTTP {exc.code}") from None
        except Exception as exc:  # noqa: BLE001
            raise DeliveryError(
                _redact(f"Zendesk not reachable: {type(exc).__name__}: {exc}", (self._token,))
            ) from None
        try:
            return json.loads(data or b"{}")
        except ValueError:
            raise DeliveryError(f"Zendesk {path.split('?')[0]} did not answer JSON") from None

    def find(self, external_id: str) -> dict | None:
        query = urllib.parse.urlencode({"external_id": external_id})
        tickets = self._call(f"/api/v2/tickets.json?{query}").get("tickets") or []
        return tickets[0] if tickets else None

    def create_follow_up(self, external_id: str, subject: str, body: str, group_id: str | None) -> str:
        """The ticket id; an existing ticket with the same external_id is reused (never two)."""
        existing = self.find(external_id)
        if existing is not None:
            return str(existing["id"])
        ticket: dict[str, Any] = {
            "subject": subject,
            "comment": {"body": body, "public": False},
            "external_id": external_id,
            "tags": list(self.settings.tags),
            "priority": self.settings.priority,
            "type": "task",
        }
        if group_id:
            ticket["group_id"] = int(group_id)
        created = self._call("/api/v2/tickets.json", {"ticket": ticket}, "POST").get("ticket") or {}
        if "id" not in created:
            raise DeliveryError("Zendesk created no ticket (no id in the answer)")
        return str(created["id"])

    def show_many(self, ids: list[str]) -> list[dict]:
        out: list[dict] = []
        for start in range(0, len(ids), 100):  # the endpoint takes at most 100 ids
            query = urllib.parse.urlencode({"ids": ",".join(ids[start : start + 100])})
            out += self._call(f"/api/v2/tickets/show_many.json?{query}").get("tickets") or []
        return out
