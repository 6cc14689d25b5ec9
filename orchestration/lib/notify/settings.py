"""The ``notify:`` section of whycall.yml, validated (unknown keys and wrong types name the key and the fix).

Secrets never live in the file: the SMTP user/password, the chat webhook URL and the Zendesk
credentials come from the environment (variable names below, overridable per key ``*_env``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.lib.records import InputError

LANGUAGES = ("fr", "en")
EMAIL_SECURITY = ("starttls", "ssl", "none")
EMAIL_MODES = ("immediate", "digest")
CHAT_KINDS = ("slack", "teams")
CHANNELS = ("email", "chat", "zendesk")

DEFAULTS: dict[str, Any] = {
    "language": "fr",
    "remind_after_hours": 24,
    "expire_after_days": 14,
    "retry": {"first_minutes": 15, "max_minutes": 360, "max_attempts": 6},
    "email": None,
    "chat": None,
    "zendesk": None,
}
EMAIL_DEFAULTS: dict[str, Any] = {
    "host": None,
    "port": 587,
    "security": "starttls",
    "from": None,
    "mode": "immediate",
    "user_env": "WHYCALL_SMTP_USER",
    "password_env": "WHYCALL_SMTP_PASSWORD",
    "timeout_seconds": 30,
}
CHAT_DEFAULTS: dict[str, Any] = {"kind": "slack", "url_env": "WHYCALL_CHAT_WEBHOOK", "timeout_seconds": 10}
ZENDESK_DEFAULTS: dict[str, Any] = {
    "tags": ["whycall_followup"],
    "outcome_field_id": None,  # a ticket field whose value is the callback outcome (resolved, not_reached...)
    "outcome_map": {},  # the field's (or tag's) own values → whycall's outcome names, e.g. {rappel_ok: resolved}
    "priority": "high",
    "timeout_seconds": 30,
}


@dataclass(frozen=True)
class EmailSettings:
    host: str
    port: int
    security: str
    sender: str
    mode: str
    user_env: str
    password_env: str
    timeout_seconds: float


@dataclass(frozen=True)
class ChatSettings:
    kind: str
    url_env: str
    timeout_seconds: float


@dataclass(frozen=True)
class ZendeskSettings:
    tags: tuple[str, ...]
    outcome_field_id: str | None
    priority: str
    timeout_seconds: float
    outcome_map: tuple[tuple[str, str], ...] = ()  # (value as found, lower case) → outcome


@dataclass(frozen=True)
class RetrySettings:
    first_minutes: float = 15
    max_minutes: float = 360
    max_attempts: int = 6

    def wait_minutes(self, failures: int) -> float:
        """Minutes to wait after the ``failures``-th failed attempt: doubling from first_minutes, capped."""
        return min(self.first_minutes * 2 ** max(failures - 1, 0), self.max_minutes)


@dataclass(frozen=True)
class NotifySettings:
    language: str = "fr"
    remind_after_hours: float = 24
    expire_after_days: float = 14
    retry: RetrySettings = field(default_factory=RetrySettings)
    email: EmailSettings | None = None
    chat: ChatSettings | None = None
    zendesk: ZendeskSettings | None = None

    @property
    def channels(self) -> tuple[str, ...]:
        """The configured channels, in delivery order."""
        return tuple(name for name in CHANNELS if getattr(self, name) is not None)


def _fail(path: Path, key: str, problem: str, fix: str = "") -> None:
    raise InputError(f"{path}: {key}: {problem}" + (f"; {fix}" if fix else ""))


def _keys(path: Path, value: Any, allowed: Mapping, key: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        _fail(path, key, f"expected a mapping, found {type(value).__name__} ({value!r})"[:200])
    for name in value:
        if name not in allowed:
            close = difflib.get_close_matches(str(name), list(allowed), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]}? " if close else ""
            _fail(path, f"{key}.{name}", f"unknown key {name!r}", f"{hint}allowed: {', '.join(allowed)}")
    return {**allowed, **value}


def _number(path: Path, value: Any, key: str, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        _fail(path, key, f"expected a number of at least {minimum}, found {value!r}")
    return value


def _choice(path: Path, value: Any, key: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        _fail(path, key, f"expected {' or '.join(allowed)}, found {value!r}")
    return value


def _text(path: Path, value: Any, key: str, fix: str) -> str:
    if not isinstance(value, str) or not value.strip():
        _fail(path, key, f"expected a non-empty string, found {value!r}", fix)
    return value.strip()


def parse_notify(value: Any, path: Path = Path("whycall.yml")) -> NotifySettings:
    """``notify:`` (absent or null: no channel, nothing is sent) → NotifySettings."""
    raw = _keys(path, value, DEFAULTS, "notify")
    if not raw:
        return NotifySettings()
    retry_raw = _keys(path, raw["retry"], DEFAULTS["retry"], "notify.retry")
    retry = RetrySettings(
        first_minutes=_number(path, retry_raw["first_minutes"], "notify.retry.first_minutes", 0),
        max_minutes=_number(path, retry_raw["max_minutes"], "notify.retry.max_minutes", 0),
        max_attempts=int(_number(path, retry_raw["max_attempts"], "notify.retry.max_attempts", 1)),
    )
    email = chat = zendesk = None
    if raw["email"] is not None:
        e = _keys(path, raw["email"], EMAIL_DEFAULTS, "notify.email")
        email = EmailSettings(
            host=_text(path, e["host"], "notify.email.host", "the SMTP server, e.g. smtp.example.org"),
            port=int(_number(path, e["port"], "notify.email.port", 1)),
            security=_choice(path, e["security"], "notify.email.security", EMAIL_SECURITY),
            sender=_text(path, e["from"], "notify.email.from", "the From address, e.g. whycall@example.org"),
            mode=_choice(path, e["mode"], "notify.email.mode", EMAIL_MODES),
            user_env=_text(path, e["user_env"], "notify.email.user_env", "an environment variable name"),
            password_env=_text(
                path, e["password_env"], "notify.email.password_env", "an environment variable name"
            ),
            timeout_seconds=_number(path, e["timeout_seconds"], "notify.email.timeout_seconds", 1),
        )
    if raw["chat"] is not None:
        c = _keys(path, raw["chat"], CHAT_DEFAULTS, "notify.chat")
        chat = ChatSettings(
            kind=_choice(path, c["kind"], "notify.chat.kind", CHAT_KINDS),
            url_env=_text(path, c["url_env"], "notify.chat.url_env", "an environment variable name"),
            timeout_seconds=_number(path, c["timeout_seconds"], "notify.chat.timeout_seconds", 1),
        )
    if raw["zendesk"] is not None:
        z = _keys(path, raw["zendesk"], ZENDESK_DEFAULTS, "notify.zendesk")
        tags = z["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            _fail(
                path,
                "notify.zendesk.tags",
                f"expected a list of tags, found {tags!r}",
                "e.g. [whycall_followup]",
            )
        field_id = z["outcome_field_id"]
        mapping = z["outcome_map"]
        if not isinstance(mapping, dict) or not all(
            isinstance(k, (str, int)) and isinstance(v, str) and v.strip() for k, v in mapping.items()
        ):
            _fail(
                path,
                "notify.zendesk.outcome_map",
                f"expected a mapping of field values to outcomes, found {mapping!r}"[:200],
                "e.g. {rappel_ok: resolved, injoignable: not_reached}",
            )
        zendesk = ZendeskSettings(
            tags=tuple(t.strip().lower() for t in tags),
            outcome_field_id=None if field_id is None else str(field_id),
            priority=_choice(
                path, z["priority"], "notify.zendesk.priority", ("low", "normal", "high", "urgent")
            ),
            timeout_seconds=_number(path, z["timeout_seconds"], "notify.zendesk.timeout_seconds", 1),
            outcome_map=tuple((str(k).strip().lower(), v.strip().lower()) for k, v in mapping.items()),
        )
    return NotifySettings(
        language=_choice(path, raw["language"], "notify.language", LANGUAGES),
        remind_after_hours=_number(path, raw["remind_after_hours"], "notify.remind_after_hours", 0),
        expire_after_days=_number(path, raw["expire_after_days"], "notify.expire_after_days", 0),
        retry=retry,
        email=email,
        chat=chat,
        zendesk=zendesk,
    )
