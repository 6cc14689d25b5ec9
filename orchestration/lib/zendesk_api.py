"""Zendesk API → landing zone: pull ticket and Talk call export pages for users who do not export files.

``pull_zendesk(landing, ...)`` follows two incremental exports and writes every page **as received**
(the exact JSON body) next to hand-made exports, so the ingest parsers read them the same way:

- tickets: the cursor-based incremental ticket export, ``GET /api/v2/incremental/tickets/cursor.json``
  with ``start_time`` on the first call, then ``cursor=<after_cursor>`` until ``end_of_stream``
  (optionally ``include=metric_sets``, which the ticket parser joins by ``ticket_id``);
- calls: the Talk incremental calls export, ``GET /api/v2/channels/voice/stats/incremental/calls.json``
  with ``start_time``, following ``next_page`` (its ``start_time`` = the previous ``end_time``);
- ticket_events: the incremental ticket event export with its comments,
  ``GET /api/v2/incremental/ticket_events.json?include=comment_events``, time-based like the calls;
- ticket_metric_events: ``GET /api/v2/incremental/ticket_metric_events.json``, time-based (no
  ``end_of_stream``: the stream ends when a page brings nothing new).

Pages land in ``landing/tickets/zendesk_api_<utc-stamp>_<seq>.json``, ``landing/calls/...`` and (both history
streams) ``landing/ticket_events/...``,
written to a hidden temporary name and renamed, so a reader never sees half a page. After each page
the next cursor / start_time is saved (atomically) in ``landing/.whycall/zendesk_cursor.json``; a new
pull resumes from it, so a pull that fails mid-stream resumes after the last page written.

Time-based quirk handled here: Talk's ``next_page`` keeps returning the last call(s) again (records with
``updated_at >= start_time``, ``count`` > 0, ``end_time`` not moving). The calls updated at the saved
``start_time`` are remembered with the cursor, and a page holding only calls already written ends the
stream, so repeated pulls never write the same boundary page again. The two history streams page the same way
(their records keyed by id and time).

Credentials come from the environment (``credentials_from_env``); the token and the Authorization
header are never logged, printed or put into an exception message. No Dagster import.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import ipaddress
import json
import logging
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

try:  # POSIX: one pull at a time per landing zone; elsewhere the lock is skipped
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "CURSOR_FILE",
    "STREAMS",
    "PullSummary",
    "StreamSummary",
    "ZendeskAPIError",
    "ZendeskAuthError",
    "ZendeskConfigError",
    "base_url_for",
    "credentials_from_env",
    "parse_start_time",
    "pull_zendesk",
]

STREAMS = ("tickets", "calls", "ticket_events", "ticket_metric_events")
DEFAULT_STREAMS = ("tickets", "calls")
CURSOR_FILE = Path(".whycall") / "zendesk_cursor.json"
LOCK_FILE = Path(".whycall") / "zendesk_pull.lock"
TICKETS_PATH = "/api/v2/incremental/tickets/cursor.json"
CALLS_PATH = "/api/v2/channels/voice/stats/incremental/calls.json"
TICKET_EVENTS_PATH = "/api/v2/incremental/ticket_events.json"
METRIC_EVENTS_PATH = "/api/v2/incremental/ticket_metric_events.json"
MAIN_ARRAY = {"tickets": "tickets", "calls": "calls", "ticket_events": "ticket_events",
              "ticket_metric_events": "ticket_metric_events"}
# the landing folder of each stream: both ticket history streams land where the history parser reads
FOLDER = {"tickets": "tickets", "calls": "calls", "ticket_events": "ticket_events",
          "ticket_metric_events": "ticket_events"}
# time-based streams: path, fixed parameters
TIMED = {
    "calls": (CALLS_PATH, {}),
    "ticket_events": (TICKET_EVENTS_PATH, {"include": "comment_events"}),
    "ticket_metric_events": (METRIC_EVENTS_PATH, {}),
}
FILE_PREFIX = "zendesk_api_"

MAX_TRIES = 5  # transient failures (5xx, connection) per request: waits 1, 2, 4, 8 s between tries
BACKOFF_FIRST = 1.0
BACKOFF_CAP = 60.0
MAX_RATE_LIMIT_WAITS = 20  # consecutive 429 answers honoured for one request before giving up
RETRY_AFTER_CAP = 3600.0
TIMEOUT = 60.0
STATE_VERSION = 1

_log = logging.getLogger("whycall.zendesk_api")


class ZendeskAPIError(RuntimeError):
    """A pull failed; the message says what to do. ``summary`` holds what was written before."""

    def __init__(self, message: str, summary: PullSummary | None = None):
        super().__init__(message)
        self.summary = summary


class ZendeskAuthError(ZendeskAPIError):
    """Zendesk refused the credentials (HTTP 401/403)."""


class ZendeskConfigError(ZendeskAPIError, ValueError):
    """Missing or malformed settings (environment, base URL, start time, streams)."""


# ---------------------------------------------------------------------------------------------- settings


def credentials_from_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """``subdomain_or_base_url``, ``email``, ``token`` from ZENDESK_BASE_URL or ZENDESK_SUBDOMAIN,
    ZENDESK_EMAIL and ZENDESK_API_TOKEN (ready to pass to ``pull_zendesk(**...)``)."""
    env = os.environ if environ is None else environ
    where = (env.get("ZENDESK_BASE_URL") or "").strip() or (env.get("ZENDESK_SUBDOMAIN") or "").strip()
    email = (env.get("ZENDESK_EMAIL") or "").strip()
    token = (env.get("ZENDESK_API_TOKEN") or "").strip()
    missing = [
        name
        for name, value in (
            ("ZENDESK_SUBDOMAIN (or ZENDESK_BASE_URL)", where),
            ("ZENDESK_EMAIL", email),
            ("ZENDESK_API_TOKEN", token),
        )
        if not value
    ]
    if missing:
        raise ZendeskConfigError(
            f"missing environment variable(s): {', '.join(missing)}; set e.g. ZENDESK_SUBDOMAIN=acme "
            "(for acme.zendesk.com), ZENDESK_EMAIL=agent@example.com and ZENDESK_API_TOKEN "
            "(Admin Center → Apps and integrations → Zendesk API → API token)"
        )
    return {"subdomain_or_base_url": where, "email": email, "token": token}


_SUBDOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def base_url_for(subdomain_or_base_url: str) -> str:
    """``acme`` / ``acme.zendesk.com`` → ``https://acme.zendesk.com``; a full URL is kept (no slash at
    the end). Plain ``http://`` is refused except on this machine: basic auth would travel in clear."""
    text = (subdomain_or_base_url or "").strip().rstrip("/")
    if not text:
        raise ZendeskConfigError("no Zendesk account given: set ZENDESK_SUBDOMAIN or ZENDESK_BASE_URL")
    if "://" not in text:
        host = text[: -len(".zendesk.com")] if text.lower().endswith(".zendesk.com") else text
        if not _SUBDOMAIN.match(host):
            raise ZendeskConfigError(
                f"{text!r} is not a Zendesk subdomain; give the part before .zendesk.com (e.g. acme), "
                "or a full ZENDESK_BASE_URL such as https://support.example.com"
            )
        return f"https://{host.lower()}.zendesk.com"
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ZendeskConfigError(f"{text!r} is not an http(s) URL; use e.g. https://acme.zendesk.com")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ZendeskConfigError(
            "ZENDESK_BASE_URL must be a plain https://host[:port] URL (no user, query or fragment); "
            "credentials go in ZENDESK_EMAIL and ZENDESK_API_TOKEN"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ZendeskConfigError(
            f"refusing to send credentials over plain http to {parts.hostname}; use https://"
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def parse_start_time(value: str | int | None) -> int | None:
    """A start time as Unix epoch seconds: ``1700000000``, ``2024-01-31`` (midnight UTC) or an ISO
    date-time (naive means UTC)."""
    if value is None or isinstance(value, int):
        if isinstance(value, int) and value < 0:
            raise ZendeskConfigError(f"start time {value} is negative")
        return value
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return int(text)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            moment = datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
        else:
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
    except ValueError:
        raise ZendeskConfigError(
            f"{text!r} is not a start time; give Unix epoch seconds (1700000000) or a date (2024-01-31)"
        ) from None
    epoch = int(moment.timestamp())
    if epoch < 0:
        raise ZendeskConfigError(f"start time {text!r} is before 1970")
    return epoch


def _iso(epoch: float | None) -> str:
    if epoch is None:
        return "?"
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---------------------------------------------------------------------------------------------- summary


@dataclass
class StreamSummary:
    stream: str
    pages: int = 0  # pages written to the landing zone
    records: int = 0  # records of the main array in those pages (what ingest reads as rows)
    requests: int = 0  # pages fetched (successful responses)
    resumed_from: str | None = None  # the saved cursor / start_time this pull continued from
    started_at: int | None = None  # the start_time used when there was nothing to resume
    complete: bool = False  # reached the end of the stream (False: stopped by max_pages)
    files: list[Path] = field(default_factory=list)

    def line(self) -> str:
        origin = (
            f"resumed from {self.resumed_from}"
            if self.resumed_from
            else f"started at start_time {self.started_at} ({_iso(self.started_at)})"
        )
        end = "up to date" if self.complete else "stopped early; run again to continue"
        return f"{self.stream}: {self.pages} page(s), {self.records} record(s), {origin}, {end}"


@dataclass
class PullSummary:
    base_url: str
    cursor_file: Path
    streams: dict[str, StreamSummary] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return sum(s.pages for s in self.streams.values())

    @property
    def records(self) -> int:
        return sum(s.records for s in self.streams.values())

    @property
    def files(self) -> list[Path]:
        return [f for s in self.streams.values() for f in s.files]

    def lines(self) -> list[str]:
        return [
            *(s.line() for s in self.streams.values()),
            (
                f"total: {self.pages} page(s), {self.records} record(s) from {self.base_url}; "
                f"cursor saved in {self.cursor_file}"
            ),
        ]


# ---------------------------------------------------------------------------------------------- HTTP


class _Transport(Exception):
    """The request did not get an HTTP answer (connection refused/reset, timeout, cut body)."""


class _Client:
    def __init__(self, base_url: str, email: str, token: str, sleep, notify, timeout: float):
        self.base_url = base_url
        secret = base64.b64encode(f"{email}/token:{token}".encode()).decode("ascii")
        self._authorization = f"Basic {secret}"
        self._secrets = tuple(s for s in (token, secret, f"{email}/token:{token}") if s)
        self.email = email
        self.sleep = sleep
        self.notify = notify
        self.timeout = timeout
        # built per pull so proxy settings are read now; redirects lose the (unredirected) auth header
        self._opener = urllib.request.build_opener()

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def _fetch(self, url: str) -> tuple[int, Mapping[str, str], bytes]:
        request = urllib.request.Request(url, method="GET")
        request.add_header("Accept", "application/json")
        request.add_header("User-Agent", "whycall-zendesk-pull/1")
        request.add_unredirected_header("Authorization", self._authorization)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            try:
                body = exc.read()
            except (OSError, http.client.HTTPException):
                body = b""
            finally:
                exc.close()
            return exc.code, exc.headers, body
        except urllib.error.URLError as exc:
            raise _Transport(self.redact(str(exc.reason))) from None
        except (OSError, http.client.HTTPException) as exc:  # reset, timeout, IncompleteRead...
            raise _Transport(self.redact(f"{type(exc).__name__}: {exc}")) from None

    def get_page(self, path: str, params: Mapping[str, Any], expect: str) -> tuple[bytes, dict]:
        """GET ``base + path?params`` and return (exact body, decoded page), retrying 429 and transient
        failures; the page must be a JSON object with an ``expect`` array."""
        url = f"{self.base_url}{path}?{urllib.parse.urlencode(dict(params))}"
        what = f"GET {path}"
        failures = 0
        rate_limited = 0
        while True:
            try:
                status, headers, body = self._fetch(url)
            except _Transport as exc:
                problem = f"connection failed ({exc})"
            else:
                if status == 200:
                    return body, self._decode(body, what, expect)
                if status == 429:
                    rate_limited += 1
                    if rate_limited > MAX_RATE_LIMIT_WAITS:
                        raise ZendeskAPIError(
                            f"{what}: still rate limited (HTTP 429) after {MAX_RATE_LIMIT_WAITS} waits"
                        )
                    wait = _retry_after(headers.get("Retry-After"))
                    if wait is None:
                        wait = min(BACKOFF_FIRST * 2 ** (rate_limited - 1), BACKOFF_CAP)
                        self.notify(f"{what}: rate limited (HTTP 429, no Retry-After); waiting {wait:g} s")
                    else:
                        self.notify(f"{what}: rate limited (HTTP 429); waiting {wait:g} s (Retry-After)")
                    self.sleep(wait)
                    continue
                if status in (401, 403):
                    raise ZendeskAuthError(
                        f"{what}: Zendesk refused the credentials (HTTP {status}"
                        f"{self._detail(body)}) for {self.email} at {self.base_url}; check ZENDESK_EMAIL "
                        "and ZENDESK_API_TOKEN, that token access is enabled in Admin Center "
                        "(Apps and integrations → Zendesk API), and that the user is an admin "
                        "(incremental exports are admin-only)"
                    )
                if status < 500:
                    hint = ""
                    if status == 404:
                        hint = (
                            "; is Zendesk Talk enabled? pull tickets only with --streams tickets"
                            if "voice" in path
                            else f"; is {self.base_url} the right Zendesk account?"
                        )
                    raise ZendeskAPIError(f"{what}: HTTP {status}{self._detail(body)}{hint}")
                problem = f"HTTP {status}{self._detail(body)}"
            failures += 1
            if failures >= MAX_TRIES:
                raise ZendeskAPIError(f"{what} failed {MAX_TRIES} times in a row (last: {problem})")
            wait = min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_CAP)
            self.notify(f"{what}: {problem}; retrying in {wait:g} s (try {failures + 1} of {MAX_TRIES})")
            self.sleep(wait)

    def _detail(self, body: bytes) -> str:
        """The server's own error text, short and redacted (never the request headers)."""
        text = body.decode("utf-8", "replace").strip()
        with contextlib.suppress(ValueError):
            obj = json.loads(text)
            if isinstance(obj, dict):
                parts = [obj.get(k) for k in ("error", "description", "message", "details")]
                text = " ".join(
                    json.dumps(p, ensure_ascii=False) if not isinstance(p, str) else p for p in parts if p
                )
        text = " ".join(self.redact(text).split())
        if len(text) > 200:
            text = text[:197] + "..."
        return f": {text}" if text else ""

    def _decode(self, body: bytes, what: str, expect: str) -> dict:
        try:
            page = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ZendeskAPIError(
                f"{what}: the answer is not JSON{self._detail(body[:300])}; is {self.base_url} a "
                "Zendesk account URL?"
            ) from None
        if not isinstance(page, dict) or not isinstance(page.get(expect), list):
            keys = sorted(page)[:8] if isinstance(page, dict) else type(page).__name__
            raise ZendeskAPIError(f"{what}: the answer has no {expect!r} array (found {keys})")
        return page


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (Zendesk sends seconds; an HTTP date is accepted too)."""
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), RETRY_AFTER_CAP)


# ---------------------------------------------------------------------------------------------- files


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a hidden temporary name in the same folder (ingest ignores it), then rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


class _State:
    """The cursor file: {"version", "base_url", "tickets": {"cursor"}, and per time-based stream (calls,
    ticket_events, ticket_metric_events) {"start_time", "seen"}}."""

    def __init__(self, path: Path, base_url: str, restart: bool):
        self.path = path
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ZendeskConfigError(
                    f"{path}: unreadable cursor file ({exc}); fix it, or delete it to start again "
                    "from --start-time"
                ) from None
            if not isinstance(data, dict):
                raise ZendeskConfigError(f"{path}: not a cursor file; delete it to start again")
        saved_for = data.get("base_url")
        if saved_for and saved_for != base_url and not restart:
            raise ZendeskConfigError(
                f"{path} holds the cursor of {saved_for}, not {base_url}; pull each Zendesk account into "
                "its own landing zone (ticket ids would collide), or pass --restart to start this one over"
            )
        self.data = data
        self.data["version"] = STATE_VERSION
        self.data["base_url"] = base_url
        self.restart = restart

    def get(self, stream: str) -> dict | None:
        if self.restart:
            return None
        value = self.data.get(stream)
        return value if isinstance(value, dict) else None

    def put(self, stream: str, value: dict) -> None:
        value["saved_at"] = _iso(time.time())
        self.data[stream] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(self.path, (json.dumps(self.data, indent=2, sort_keys=True) + "\n").encode())


@contextlib.contextmanager
def _pull_lock(landing: Path) -> Iterator[None]:
    path = landing / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ZendeskConfigError(
                f"another Zendesk pull is writing to {landing} (lock {path}); wait for it to finish"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _pull_stamp(landing: Path, streams: Iterable[str], now: float) -> str:
    """A UTC stamp (to the millisecond) for this pull's file names: unique in the landing zone, and
    file names sort in pull order."""
    millis = int(now * 1000)
    while True:
        moment = datetime.fromtimestamp(millis / 1000, UTC)
        stamp = moment.strftime("%Y%m%dT%H%M%S") + f".{millis % 1000:03d}Z"
        if not any(any((landing / FOLDER[s]).glob(f"{FILE_PREFIX}{stamp}_*")) for s in streams):
            return stamp
        millis += 1


# ---------------------------------------------------------------------------------------------- streams


class _Puller:
    def __init__(self, landing: Path, client: _Client, state: _State, stamp: str, max_pages, notify):
        self.landing = landing
        self.client = client
        self.state = state
        self.stamp = stamp
        self.max_pages = max_pages
        self.notify = notify

    def _budget_left(self, s: StreamSummary) -> bool:
        if self.max_pages is not None and s.requests >= self.max_pages:
            self.notify(
                f"{s.stream}: stopped after {self.max_pages} page(s) (max_pages); run again to continue"
            )
            return False
        return True

    def _ignored(self, s: StreamSummary, start_time: int | None) -> None:
        if start_time is not None:
            self.notify(
                f"{s.stream}: resuming from the saved cursor; the start time is ignored "
                "(--restart starts over from it)"
            )

    def _write(self, s: StreamSummary, body: bytes, records: int, after: str) -> None:
        folder = self.landing / FOLDER[s.stream]
        folder.mkdir(parents=True, exist_ok=True)
        # the two history streams share ticket_events/: the stream name keeps their page names apart
        tag = f"{s.stream}_" if list(FOLDER.values()).count(FOLDER[s.stream]) > 1 else ""
        path = folder / f"{FILE_PREFIX}{self.stamp}_{tag}{s.pages + 1:05d}.json"
        _write_atomic(path, body)
        s.pages += 1
        s.records += records
        s.files.append(path)
        self.notify(
            f"{s.stream} page {s.pages}: {records} record(s) → {path.relative_to(self.landing)} ({after})"
        )

    def tickets(self, s: StreamSummary, start_time: int | None, include: tuple[str, ...]) -> None:
        extra = {"include": ",".join(include)} if include else {}
        saved = self.state.get("tickets")
        if saved and saved.get("cursor"):
            cursor = str(saved["cursor"])
            s.resumed_from = f"cursor {cursor}"
            self._ignored(s, start_time)
            params: dict[str, Any] = {"cursor": cursor, **extra}
        else:
            s.started_at = start_time or 0
            params = {"start_time": s.started_at, **extra}
        while self._budget_left(s):
            body, page = self.client.get_page(TICKETS_PATH, params, expect="tickets")
            s.requests += 1
            records = len(page["tickets"])
            after = page.get("after_cursor")
            after = str(after) if after not in (None, "") else None
            end = page.get("end_of_stream") is True
            if after is None and not end:
                raise ZendeskAPIError(f"GET {TICKETS_PATH}: a page without after_cursor before end_of_stream")
            if records:
                self._write(s, body, records, "end of stream" if end else "more to come")
            if after is not None:
                self.state.put("tickets", {"cursor": after})
            if end:
                s.complete = True
                if not records:
                    self.notify("tickets: no new tickets")
                return
            if not records and params.get("cursor") == after:  # no progress: do not loop
                s.complete = True
                return
            params = {"cursor": after, **extra}

    def timed(self, s: StreamSummary, start_time: int | None) -> None:
        """A time-based export (calls, ticket events, metric events): ``start_time`` → ``next_page``."""
        path, fixed = TIMED[s.stream]
        array = MAIN_ARRAY[s.stream]
        noun = s.stream.replace("_", " ")
        saved = self.state.get(s.stream)
        if saved and isinstance(saved.get("start_time"), int):
            start = saved["start_time"]
            seen = {str(k) for k in saved.get("seen") or []}
            s.resumed_from = f"start_time {start} ({_iso(start)})"
            self._ignored(s, start_time)
        else:
            start = start_time or 0
            seen = set()
            s.started_at = start
        while self._budget_left(s):
            body, page = self.client.get_page(path, {"start_time": start, **fixed}, expect=array)
            s.requests += 1
            calls = page[array]
            keys = [_call_key(c) for c in calls]
            if all(k in seen for k in keys):  # count 0, or only the records at the boundary seen before
                s.complete = True
                self.notify(f"{s.stream}: no new {noun}" if not s.pages else f"{s.stream}: end of stream")
                return
            following = _next_start(page, calls)
            if following is None or following < start:
                following = start
            end = page.get("end_of_stream") is True
            self._write(s, body, len(calls), f"next start_time {following}")
            boundary = {k for k, c in zip(keys, calls, strict=True) if _at_boundary(c, following)}
            seen = (seen | boundary) if following == start else boundary
            self.state.put(s.stream, {"start_time": following, "seen": sorted(seen)})
            if end:
                s.complete = True
                return
            if following == start:
                # more calls share one second than a page holds: Zendesk cannot page past them
                self.notify(f"{s.stream}: end_time did not move past {following}; stopping (Zendesk limit)")
                s.complete = True
                return
            start = following


def _record_time(record: dict) -> Any:
    """When a record of a time-based export happened: a call's updated_at, an event's created_at / time /
    timestamp (the ticket events export gives epoch seconds)."""
    for name in ("updated_at", "created_at", "time", "timestamp"):
        if record.get(name) is not None:
            return record[name]
    return None


def _call_key(call: Any) -> str:
    if isinstance(call, dict):
        return f"{call.get('id')}|{_record_time(call)}"
    return json.dumps(call, sort_keys=True, default=str)


def _at_boundary(call: Any, boundary: int) -> bool:
    """True when the call sits at (or after) the boundary second, i.e. the next page may repeat it."""
    value = _record_time(call) if isinstance(call, dict) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value >= boundary
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            return int(moment.timestamp()) >= boundary
    return True  # unknown time: remember it, a repeat is then recognised


def _next_start(page: dict, calls: list) -> int | None:
    """The next start_time: next_page's start_time (Zendesk's own link), else end_time, else the
    latest updated_at of the page."""
    link = page.get("next_page")
    if isinstance(link, str) and link:
        values = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query).get("start_time")
        if values and re.fullmatch(r"\d+", values[0]):
            return int(values[0])
    end = page.get("end_time")
    if isinstance(end, int) and not isinstance(end, bool):
        return end
    if isinstance(end, str) and end.isdigit():
        return int(end)
    stamps = []
    for c in calls:
        value = _record_time(c) if isinstance(c, dict) else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            stamps.append(int(value))
            continue
        with contextlib.suppress(TypeError, ValueError):
            stamps.append(int(datetime.fromisoformat(str(value)).timestamp()))
    return max(stamps) if stamps else None


# ---------------------------------------------------------------------------------------------- entry


def pull_zendesk(
    landing: Path,
    *,
    subdomain_or_base_url: str,
    email: str,
    token: str,
    start_time: int | str | None,
    streams: Iterable[str] = DEFAULT_STREAMS,
    max_pages: int | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    progress: Callable[[str], Any] | None = None,
    restart: bool = False,
    include: Iterable[str] = ("metric_sets",),
    timeout: float = TIMEOUT,
) -> PullSummary:
    """Pull the ticket and/or Talk call exports of one Zendesk account into ``landing``.

    ``start_time`` (epoch seconds, or text ``parse_start_time`` reads; None = 0, the whole history) is used only by a stream with no saved
    cursor; a saved cursor always wins unless ``restart``. ``max_pages`` bounds the pages fetched per
    stream (the cursor is saved; the next pull continues). ``sleep`` and ``progress`` are injectable
    (tests; the CLI prints). ``include`` side-loads on the ticket export (``metric_sets`` gives
    reopens, replies, reply and resolution times). Raises ``ZendeskAPIError`` (``ZendeskAuthError``,
    ``ZendeskConfigError``) with a message that never contains the token.
    """
    wanted = tuple(dict.fromkeys(streams))
    unknown = [s for s in wanted if s not in STREAMS]
    if unknown or not wanted:
        raise ZendeskConfigError(f"unknown stream(s) {unknown or '(none)'}; choose from {', '.join(STREAMS)}")
    if max_pages is not None and max_pages < 1:
        raise ZendeskConfigError("max_pages must be at least 1")
    start_time = parse_start_time(start_time)
    base_url = base_url_for(subdomain_or_base_url)
    if not email or not token:
        raise ZendeskConfigError("ZENDESK_EMAIL and ZENDESK_API_TOKEN are both needed")

    def notify(message: str) -> None:
        (progress or _log.info)(message)

    landing = Path(landing)
    client = _Client(base_url, email, token, sleep, notify, timeout)
    summary = PullSummary(base_url=base_url, cursor_file=landing / CURSOR_FILE)
    with _pull_lock(landing):
        state = _State(landing / CURSOR_FILE, base_url, restart)
        puller = _Puller(landing, client, state, _pull_stamp(landing, wanted, time.time()), max_pages, notify)
        for stream in wanted:
            s = summary.streams[stream] = StreamSummary(stream)
            try:
                if stream == "tickets":
                    puller.tickets(s, start_time, tuple(include))
                else:
                    puller.timed(s, start_time)
            except ZendeskAuthError as exc:
                raise ZendeskAuthError(client.redact(str(exc)), summary) from None
            except ZendeskAPIError as exc:
                raise type(exc)(
                    f"{client.redact(str(exc))}. {stream}: {s.pages} page(s) written by this pull; the "
                    f"cursor after the last page written is saved in {summary.cursor_file} — run the same "
                    "pull again to resume from there (no page is written twice)",
                    summary,
                ) from None
    return summary
