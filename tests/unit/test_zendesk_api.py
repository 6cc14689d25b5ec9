"""Zendesk API pull → landing zone, against a local fake Zendesk (127.0.0.1 only, no real network).

The fake serves the cursor-based incremental ticket export built from the shared fixtures' ticket
objects (real recorded list page + the documentation example ticket, wrapped in cursor envelopes) and
the Talk incremental calls export built from the real connector records, with Zendesk's time-based
semantics (``updated_at >= start_time``, ``next_page`` = ``start_time=end_time``, the last call repeated).
"""

from __future__ import annotations

import base64
import json
import logging
import socket
import threading
import urllib.parse
from collections import Counter
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from orchestration.lib import zendesk_api as zd
from orchestration.lib.config import load_config
from orchestration.lib.parsers import collect, discover_files, parse_file

pytestmark = pytest.mark.timeout(60)

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"
EMAIL = "agent@example.com"
TOKEN = "s3cr3t-T0KEN-do-not-leak-9f8e7d"
TICKET_PAGE_SIZE = 4
CALL_PAGE_SIZE = 3
MAX_REQUESTS = 80  # the fake answers 500 past this, and tests assert it never got there


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def _fixture_tickets() -> list[dict]:
    listed = json.loads((FIXTURES / "zendesk" / "tickets_list_offset_page1_requested.json").read_text())
    doc = json.loads((FIXTURES / "zendesk" / "tickets_incremental_time_based_doc_example.json").read_text())
    return [*listed["tickets"][:15], *doc["tickets"]]  # 16 tickets → 4 cursor pages of 4


def _fixture_metrics(tickets: list[dict]) -> dict[int, dict]:
    metrics = json.loads((FIXTURES / "zendesk" / "ticket_metrics_list_page1.json").read_text())
    out = {}
    for n, (ticket, metric) in enumerate(zip(tickets, metrics["ticket_metrics"], strict=False)):
        out[ticket["id"]] = {**metric, "ticket_id": ticket["id"], "reopens": n % 3}
    return out


def _fixture_calls() -> list[dict]:
    return json.loads((FIXTURES / "zendesk_talk" / "calls_records.json").read_text())


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"page:{index}".encode()).decode()


def _page_index(cursor: str) -> int:
    return int(base64.urlsafe_b64decode(cursor.encode()).decode().split(":")[1])


class FakeZendesk:
    """State of the fake account; the handler below answers from it."""

    def __init__(self):
        self.tickets = _fixture_tickets()
        self.metrics = _fixture_metrics(self.tickets)
        self.calls = _fixture_calls()
        self.authorization = "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
        self.failures: dict[tuple[str, int], list[tuple[int, dict]]] = {}  # (stream, page) → answers
        self.requests: list[dict] = []
        self.bodies: dict[bytes, list] = {}  # exact 200 bodies served → their records
        self.lock = threading.Lock()
        self.base_url = ""

    def ticket_pages(self) -> list[list[dict]]:
        return [self.tickets[i : i + TICKET_PAGE_SIZE] for i in range(0, len(self.tickets), TICKET_PAGE_SIZE)]

    def fail(self, stream: str, page: int, status: int, times: int = 1, headers: dict | None = None):
        self.failures.setdefault((stream, page), []).extend([(status, headers or {})] * times)

    def answer(self, path: str, query: dict, authorization: str | None) -> tuple[int, dict, bytes]:
        with self.lock:
            record = {"path": path, "query": query, "status": None}
            self.requests.append(record)
            if len(self.requests) > MAX_REQUESTS:
                record["status"] = 500
                return 500, {}, b'{"error": "too many requests in this test"}'
            if authorization != self.authorization:
                record["status"] = 401
                return 401, {}, b'{"error":"Couldn\'t authenticate you"}'
            if path == zd.TICKETS_PATH:
                stream, index = "tickets", (_page_index(query["cursor"]) if "cursor" in query else 0)
                assert "cursor" in query or "start_time" in query
            elif path == zd.CALLS_PATH:
                stream, index = "calls", int(query["start_time"])
            else:
                record["status"] = 404
                return 404, {}, b'{"error":"InvalidEndpoint"}'
            record["page"] = index
            queue = self.failures.get((stream, index))
            if queue:
                status, headers = queue.pop(0)
                record["status"] = status
                return status, headers, b'{"error":"injected"}'
            page, records = self._tickets(index, query) if stream == "tickets" else self._calls(index)
            body = json.dumps(page, indent=1).encode()
            self.bodies[body] = records
            record["status"] = 200
            return 200, {"Content-Type": "application/json; charset=utf-8"}, body

    def _tickets(self, index: int, query: dict) -> tuple[dict, list]:
        pages = self.ticket_pages()
        records = pages[index] if index < len(pages) else []
        after = _cursor(min(index + 1, len(pages)))
        page = {
            "tickets": records,
            "after_url": f"{self.base_url}{zd.TICKETS_PATH}?cursor={after}",
            "after_cursor": after,
            "before_url": None,
            "before_cursor": None,
            "end_of_stream": index >= len(pages) - 1,
        }
        if "metric_sets" in query.get("include", ""):
            page["metric_sets"] = [self.metrics[t["id"]] for t in records if t["id"] in self.metrics]
        return page, records

    def _calls(self, start: int) -> tuple[dict, list]:
        ordered = sorted(self.calls, key=lambda c: _epoch(c["updated_at"]))  # stable: keeps twins
        records = [c for c in ordered if _epoch(c["updated_at"]) >= start][:CALL_PAGE_SIZE]
        end = _epoch(records[-1]["updated_at"]) if records else start
        page = {
            "calls": records,
            "next_page": f"{self.base_url}{zd.CALLS_PATH}?start_time={end}",
            "count": len(records),
            "end_time": end,
        }
        return page, records

    def of(self, stream: str) -> list[dict]:
        path = zd.TICKETS_PATH if stream == "tickets" else zd.CALLS_PATH
        return [r for r in self.requests if r["path"] == path]


def _handler(fake: FakeZendesk):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(parts.query))
            status, headers, body = fake.answer(parts.path, query, self.headers.get("Authorization"))
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # keep test output clean
            pass

    return Handler


@pytest.fixture
def fake(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    state = FakeZendesk()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    assert len(state.requests) <= MAX_REQUESTS


class Sleeps(list):
    def __call__(self, seconds):
        self.append(seconds)


def _pull(fake: FakeZendesk, landing: Path, **kwargs):
    kwargs.setdefault("sleep", Sleeps())
    kwargs.setdefault("progress", lambda message: None)
    kwargs.setdefault("start_time", None)
    return zd.pull_zendesk(
        landing, subdomain_or_base_url=fake.base_url, email=EMAIL, token=kwargs.pop("token", TOKEN), **kwargs
    )


def _pages(landing: Path, stream: str) -> list[Path]:
    return sorted((landing / stream).glob("zendesk_api_*.json"))


def _records(fake: FakeZendesk, landing: Path, stream: str) -> list[dict]:
    out = []
    for path in _pages(landing, stream):
        out.extend(fake.bodies[path.read_bytes()])  # KeyError: the page is not a body the server sent
    return out


def _cursor_file(landing: Path) -> dict:
    return json.loads((landing / zd.CURSOR_FILE).read_text())


# ---------------------------------------------------------------------------------------------- pulls


def test_full_pull_writes_every_page_as_received_and_the_cursor(fake, tmp_path):
    lines = []
    summary = _pull(fake, tmp_path, progress=lines.append)

    tickets, calls = _pages(tmp_path, "tickets"), _pages(tmp_path, "calls")
    assert len(tickets) == 4 and len(calls) == 4  # calls: 8 records, pages of 3 overlapping at end_time
    assert all(
        p.name.startswith("zendesk_api_") and p.name.endswith(f"_{n:05d}.json")
        for pages in (tickets, calls)
        for n, p in enumerate(pages, start=1)
    )
    # as received: each file's bytes are exactly one body the server sent, in order, no duplicate page
    assert [t["id"] for t in _records(fake, tmp_path, "tickets")] == [t["id"] for t in fake.tickets]
    served_calls = _records(fake, tmp_path, "calls")
    assert {(c["id"], c["updated_at"]) for c in served_calls} == {
        (c["id"], c["updated_at"]) for c in fake.calls
    }
    assert len({p.read_bytes() for p in calls}) == 4
    assert not list(tmp_path.rglob("*.part"))

    assert (summary.streams["tickets"].pages, summary.streams["tickets"].records) == (4, 16)
    assert (summary.streams["calls"].pages, summary.streams["calls"].records) == (4, len(served_calls))
    assert summary.streams["tickets"].complete and summary.streams["calls"].complete
    assert summary.pages == 8 and summary.files == [*tickets, *calls]
    assert sum(line.startswith("tickets page") for line in lines) == 4
    assert sum(line.startswith("calls page") for line in lines) == 4

    saved = _cursor_file(tmp_path)
    assert saved["base_url"] == fake.base_url
    assert saved["tickets"]["cursor"] == _cursor(4)  # after_cursor of the end_of_stream page
    last = max(_epoch(c["updated_at"]) for c in fake.calls)
    assert saved["calls"]["start_time"] == last
    assert saved["calls"]["seen"] == ["360120313696|2021-10-20T17:50:38Z"]

    # requests: tickets stop on end_of_stream; calls stop when the repeat of the last call comes back
    assert [r["query"].get("start_time") for r in fake.of("tickets")] == ["0", None, None, None]
    assert [r["query"].get("include") for r in fake.of("tickets")] == ["metric_sets"] * 4
    assert len(fake.of("calls")) == 5
    assert TOKEN not in (tmp_path / zd.CURSOR_FILE).read_text()


def test_written_pages_parse_with_the_ingest_parsers(fake, tmp_path):
    _pull(fake, tmp_path)
    config = load_config(tmp_path)
    assert discover_files(tmp_path, "tickets", config) == _pages(tmp_path, "tickets")  # temp/state hidden
    for stream in ("tickets", "calls"):
        for path in _pages(tmp_path, stream):
            parsed = collect(parse_file(path, stream, config))
            served = fake.bodies[path.read_bytes()]
            assert parsed.rows_read == len(served) and not parsed.rejects
            assert [r["native_id"] for r in parsed.rows] == [str(x["id"]) for x in served]
    rows = [r for p in _pages(tmp_path, "tickets") for r in collect(parse_file(p, "tickets", config)).rows]
    assert {r["native_id"]: r["reopens"] for r in rows} == {
        str(t): m["reopens"] for t, m in fake.metrics.items()
    }  # side-loaded metric_sets joined by the parser


def test_next_pull_resumes_and_fetches_only_what_changed(fake, tmp_path):
    _pull(fake, tmp_path)
    again = _pull(fake, tmp_path, start_time=0)  # saved cursor wins over a start time
    assert again.pages == 0 and again.streams["tickets"].resumed_from == f"cursor {_cursor(4)}"
    assert again.streams["calls"].resumed_from.startswith("start_time 1634752238")
    assert len(_pages(tmp_path, "tickets")) == 4 and len(_pages(tmp_path, "calls")) == 4

    fake.tickets.append({**fake.tickets[0], "id": 99001, "updated_at": "2021-11-01T09:00:00Z"})
    fake.calls.append({**fake.calls[0], "id": 99002, "updated_at": "2021-11-01T09:05:00Z"})
    third = _pull(fake, tmp_path)
    assert [t["id"] for t in fake.bodies[third.streams["tickets"].files[0].read_bytes()]] == [99001]
    assert third.streams["tickets"].pages == 1 and third.streams["calls"].pages == 1
    assert {c["id"] for c in fake.bodies[third.streams["calls"].files[0].read_bytes()]} >= {99002}
    assert len(_pages(tmp_path, "tickets")) == 5  # the third pull's file names are new ones


def test_rate_limit_honours_retry_after(fake, tmp_path):
    fake.fail("tickets", 1, 429, headers={"Retry-After": "2"})
    sleeps = Sleeps()
    summary = _pull(fake, tmp_path, streams=("tickets",), sleep=sleeps)
    assert sleeps == [2]
    assert summary.streams["tickets"].pages == 4
    assert [r["status"] for r in fake.of("tickets")] == [200, 429, 200, 200, 200]


def test_transient_503_is_retried_with_backoff(fake, tmp_path):
    fake.fail("calls", 0, 503)
    fake.fail("tickets", 2, 502, times=2)
    sleeps = Sleeps()
    lines = []
    summary = _pull(fake, tmp_path, sleep=sleeps, progress=lines.append)
    assert sleeps == [1, 2, 1]  # tickets page 3: 1 s then 2 s; calls page 1: 1 s
    assert summary.streams["tickets"].pages == 4 and summary.streams["calls"].pages == 4
    assert any("HTTP 503" in line and "retrying in 1 s" in line for line in lines)


def test_mid_stream_failure_then_resume_has_no_duplicate_and_no_gap(fake, tmp_path):
    fake.fail("tickets", 2, 500, times=5)
    sleeps = Sleeps()
    with pytest.raises(zd.ZendeskAPIError) as failed:
        _pull(fake, tmp_path, streams=("tickets",), sleep=sleeps)
    message = str(failed.value)
    assert "failed 5 times" in message and "HTTP 500" in message
    assert str(tmp_path / zd.CURSOR_FILE) in message and "run the same pull again to resume" in message
    assert sleeps == [1, 2, 4, 8]
    assert failed.value.summary.streams["tickets"].pages == 2
    assert len(_pages(tmp_path, "tickets")) == 2
    assert _cursor_file(tmp_path)["tickets"]["cursor"] == _cursor(2)

    resumed = _pull(fake, tmp_path, streams=("tickets",))
    assert resumed.streams["tickets"].resumed_from == f"cursor {_cursor(2)}"
    assert fake.of("tickets")[-2]["query"]["cursor"] == _cursor(2)  # page 3 fetched again, then page 4
    assert resumed.streams["tickets"].pages == 2
    ids = [t["id"] for t in _records(fake, tmp_path, "tickets")]
    assert Counter(ids) == Counter(t["id"] for t in fake.tickets)  # every ticket exactly once
    assert len(_pages(tmp_path, "tickets")) == 4


def test_max_pages_stops_early_and_the_next_pull_continues(fake, tmp_path):
    first = _pull(fake, tmp_path, streams=("tickets",), max_pages=2)
    assert first.streams["tickets"].pages == 2 and not first.streams["tickets"].complete
    second = _pull(fake, tmp_path, streams=("tickets",))
    assert second.streams["tickets"].pages == 2 and second.streams["tickets"].complete
    assert [t["id"] for t in _records(fake, tmp_path, "tickets")] == [t["id"] for t in fake.tickets]


def test_connection_refused_is_retried_then_reported(tmp_path):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = Sleeps()
    with pytest.raises(zd.ZendeskAPIError, match="connection failed") as failed:
        zd.pull_zendesk(
            tmp_path,
            subdomain_or_base_url=f"http://127.0.0.1:{port}",
            email=EMAIL,
            token=TOKEN,
            start_time=None,
            streams=("calls",),
            sleep=sleeps,
            progress=lambda m: None,
        )
    assert sleeps == [1, 2, 4, 8]
    assert TOKEN not in str(failed.value)


def test_wrong_credentials_give_a_clear_message_without_the_token(fake, tmp_path, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    wrong = TOKEN + "-wrong"
    with pytest.raises(zd.ZendeskAuthError) as failed:
        _pull(fake, tmp_path, token=wrong, progress=None)  # progress None → the module's logger
    message = str(failed.value)
    assert "refused the credentials (HTTP 401" in message and "ZENDESK_API_TOKEN" in message
    assert EMAIL in message
    header = base64.b64encode(f"{EMAIL}/token:{wrong}".encode()).decode()
    captured = capsys.readouterr()
    texts = [
        message,
        repr(failed.value),
        captured.out,
        captured.err,
        caplog.text,
        *(p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file()),
    ]
    for text in texts:
        assert wrong not in text and TOKEN not in text and header not in text
    assert len(fake.requests) == 1  # no retry on 401
    assert not _pages(tmp_path, "tickets")


def test_cli_pull_prints_pages_and_summary(fake, tmp_path, monkeypatch, capsys):
    from whycall_cli.main import main

    monkeypatch.setenv("ZENDESK_BASE_URL", fake.base_url)
    monkeypatch.setenv("ZENDESK_EMAIL", EMAIL)
    monkeypatch.setenv("ZENDESK_API_TOKEN", TOKEN)
    rc = main(
        [
            "pull",
            "zendesk",
            "--landing",
            str(tmp_path),
            "--start-time",
            "2000-01-01",
            "--streams",
            "tickets,calls",
        ]
    )
    out = capsys.readouterr().out
    assert rc == 0
    assert out.count("tickets page ") == 4 and out.count("calls page ") == 4
    assert "tickets: 4 page(s), 16 record(s), started at start_time 946684800" in out
    assert "total: 8 page(s)" in out and TOKEN not in out
    assert fake.of("tickets")[0]["query"]["start_time"] == "946684800"

    rc = main(["pull", "zendesk", "--landing", str(tmp_path), "--streams", "calls"])
    out = capsys.readouterr().out
    assert rc == 0 and "calls: 0 page(s), 0 record(s), resumed from start_time 1634752238" in out

    monkeypatch.setenv("ZENDESK_API_TOKEN", "another-bad-token-123")
    rc = main(["pull", "zendesk", "--landing", str(tmp_path), "--restart"])
    captured = capsys.readouterr()
    assert rc == 1 and "refused the credentials" in captured.err
    assert "another-bad-token-123" not in captured.out + captured.err

    monkeypatch.delenv("ZENDESK_API_TOKEN")
    rc = main(["pull", "zendesk", "--landing", str(tmp_path)])
    assert rc == 2 and "ZENDESK_API_TOKEN" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------- settings


def test_base_url_and_credentials():
    assert zd.base_url_for("acme") == "https://acme.zendesk.com"
    assert zd.base_url_for("Acme.zendesk.com") == "https://acme.zendesk.com"
    assert zd.base_url_for("https://support.example.com/") == "https://support.example.com"
    assert zd.base_url_for("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    with pytest.raises(zd.ZendeskConfigError, match="plain http"):
        zd.base_url_for("http://acme.zendesk.com")
    with pytest.raises(zd.ZendeskConfigError, match="not a Zendesk subdomain"):
        zd.base_url_for("acme corp")
    env = {"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_EMAIL": EMAIL, "ZENDESK_API_TOKEN": TOKEN}
    assert zd.credentials_from_env(env)["subdomain_or_base_url"] == "acme"
    assert (
        zd.credentials_from_env({**env, "ZENDESK_BASE_URL": "http://127.0.0.1:1"})["subdomain_or_base_url"]
        == "http://127.0.0.1:1"
    )
    with pytest.raises(zd.ZendeskConfigError, match="ZENDESK_EMAIL") as missing:
        zd.credentials_from_env({"ZENDESK_SUBDOMAIN": "acme", "ZENDESK_API_TOKEN": TOKEN})
    assert TOKEN not in str(missing.value)


def test_start_time_forms():
    assert zd.parse_start_time("1700000000") == 1700000000
    assert zd.parse_start_time("2024-01-31") == 1706659200
    assert zd.parse_start_time("2024-01-31T01:00:00+01:00") == 1706659200
    assert zd.parse_start_time(None) is None
    with pytest.raises(zd.ZendeskConfigError, match="not a start time"):
        zd.parse_start_time("last tuesday")


def test_a_cursor_of_another_account_is_refused(fake, tmp_path):
    (tmp_path / zd.CURSOR_FILE).parent.mkdir(parents=True)
    (tmp_path / zd.CURSOR_FILE).write_text(json.dumps({"base_url": "https://other.zendesk.com"}))
    with pytest.raises(zd.ZendeskConfigError, match="other.zendesk.com"):
        _pull(fake, tmp_path)
    assert not fake.requests
