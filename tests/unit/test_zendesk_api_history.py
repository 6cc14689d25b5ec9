"""`whycall pull zendesk` for the ticket history: the incremental ticket events export (with comment events) and
the ticket metric events export, time-based like the Talk calls, against a local fake Zendesk (127.0.0.1 only).

The fake serves, with Zendesk's time-based semantics (records at or after ``start_time``, ``next_page`` =
``start_time=end_time``, the boundary record repeated), the real recorded audits page turned into incremental
ticket events (each audit's events as ``child_events``, its time as epoch ``timestamp``) and the documentation's
metric event plus copies of it on later seconds.
"""

from __future__ import annotations

import copy
import json
import threading
from datetime import datetime
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from orchestration.lib import zendesk_api as zd
from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, parse_file
from tests.unit.test_zendesk_api import EMAIL, FIXTURES, TOKEN, FakeZendesk, Sleeps, _cursor_file, _handler

pytestmark = pytest.mark.timeout(60)
PAGE_SIZE = 7


def _epoch(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp())


def _ticket_events() -> list[dict]:
    audits = json.loads((FIXTURES / "zendesk" / "ticket_audits_page1_with_users_sideload.json").read_text())["audits"]
    return [{"id": a["id"], "ticket_id": a["ticket_id"], "timestamp": _epoch(a["created_at"]),
             "created_at": a["created_at"], "updater_id": a["author_id"], "via": a["via"],
             "event_type": "Audit", "child_events": a["events"]} for a in audits[:20]]


def _metric_events() -> list[dict]:
    doc = json.loads((FIXTURES / "zendesk" / "ticket_metric_events_incremental_doc_example.json").read_text())
    base = doc["ticket_metric_events"][0]
    out = []
    for n in range(10):  # the doc event and nine more, two per second
        event = copy.deepcopy(base)
        event["id"] = base["id"] + n
        event["time"] = datetime.fromtimestamp(_epoch(base["time"]) + n // 2).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.append(event)
    return out


class HistoryFake(FakeZendesk):
    def __init__(self):
        super().__init__()
        self.history = {zd.TICKET_EVENTS_PATH: ("ticket_events", _ticket_events()),
                        zd.METRIC_EVENTS_PATH: ("ticket_metric_events", _metric_events())}

    def answer(self, path, query, authorization):
        if path not in self.history:
            return super().answer(path, query, authorization)
        with self.lock:
            self.requests.append({"path": path, "query": query, "status": 200})
            if authorization != self.authorization:
                return 401, {}, b'{"error":"Couldn\'t authenticate you"}'
            array, records = self.history[path]
            start = int(query["start_time"])

            def when(r):
                return r["timestamp"] if "timestamp" in r else _epoch(r["time"])

            served = sorted((r for r in records if when(r) >= start), key=when)[:PAGE_SIZE]
            end = when(served[-1]) if served else start
            page = {array: served, "next_page": f"{self.base_url}{path}?start_time={end}", "count": len(served),
                    "end_time": end}
            if array == "ticket_events":
                page["end_of_stream"] = len(served) < PAGE_SIZE
            body = json.dumps(page).encode()
            self.bodies[body] = served
            return 200, {"Content-Type": "application/json"}, body


@pytest.fixture
def fake(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    state = HistoryFake()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


STREAMS = ("ticket_events", "ticket_metric_events")


def _pull(fake, landing: Path, **kwargs):
    return zd.pull_zendesk(landing, subdomain_or_base_url=fake.base_url, email=EMAIL, token=TOKEN, start_time=None,
                           streams=STREAMS, sleep=Sleeps(), progress=lambda m: None, **kwargs)


def _served(fake, landing: Path, stream: str) -> list[dict]:
    out = []
    for path in sorted((landing / "ticket_events").glob(f"zendesk_api_*_{stream}_*.json")):
        out.extend(fake.bodies[path.read_bytes()])  # KeyError: not a body the server sent
    return out


def test_history_streams_land_in_ticket_events_with_their_cursors(fake, tmp_path):
    summary = _pull(fake, tmp_path)
    assert summary.streams["ticket_events"].complete and summary.streams["ticket_metric_events"].complete
    events, metrics = _served(fake, tmp_path, "ticket_events"), _served(fake, tmp_path, "ticket_metric_events")
    # every record is in a page written as received (a page repeats its boundary second's records; the last page,
    # holding only records already written, is not written)
    assert {e["id"] for e in events} == {e["id"] for e in _ticket_events()}
    assert {e["id"] for e in metrics} == {e["id"] for e in _metric_events()}
    # every page written brings something new (a page of repeats only ends the stream instead)
    for stream in STREAMS:
        seen: set = set()
        for page in sorted((tmp_path / "ticket_events").glob(f"zendesk_api_*_{stream}_*.json")):
            ids = {r["id"] for r in fake.bodies[page.read_bytes()]}
            assert ids - seen, page.name
            seen |= ids
    # 10 metric events, two per second, 7 per page: events 1-7, then 7-10 from the 4th second (7 repeated)
    assert summary.streams["ticket_metric_events"].pages == 2
    saved = _cursor_file(tmp_path)
    last_audit = max(e["timestamp"] for e in _ticket_events())
    assert saved["ticket_events"]["start_time"] == last_audit
    assert saved["ticket_metric_events"]["start_time"] == _epoch(_metric_events()[-1]["time"])
    first = next(r for r in fake.requests if r["path"] == zd.TICKET_EVENTS_PATH)
    assert first["query"] == {"start_time": "0", "include": "comment_events"}


def test_pulled_history_pages_parse_into_every_event(fake, tmp_path):
    _pull(fake, tmp_path)
    rows = []
    for page in sorted((tmp_path / "ticket_events").glob("*.json")):
        rows += collect(parse_file(page, "ticket_events", build_config({}))).rows
    # pages are written as received: a time-based page repeats the records of its boundary second, which the
    # warehouse keeps once (by event id). One row per child event of the 20 audits; the 10 metric events.
    audit_events = {(r["audit_id"], r["event_id"]) for r in rows if r["kind"] != "metric"}
    assert len(audit_events) == sum(len(e["child_events"]) for e in _ticket_events())
    assert len({r["event_id"] for r in rows if r["kind"] == "metric"}) == 10


def test_next_pull_resumes_and_writes_nothing_new(fake, tmp_path):
    _pull(fake, tmp_path)
    before = sorted((tmp_path / "ticket_events").glob("*.json"))
    again = _pull(fake, tmp_path)
    assert again.streams["ticket_events"].resumed_from and again.pages == 0
    assert sorted((tmp_path / "ticket_events").glob("*.json")) == before
    # a new metric event later: only it is written
    later = copy.deepcopy(_metric_events()[-1])
    later["id"] += 100
    later["time"] = "2030-01-01T00:00:00Z"
    fake.history[zd.METRIC_EVENTS_PATH][1].append(later)
    third = _pull(fake, tmp_path)
    assert [e["id"] for e in _served(fake, tmp_path, "ticket_metric_events")].count(later["id"]) == 1
    # the page as received: the two events of the boundary second again, and the new one
    assert third.streams["ticket_metric_events"].records == 3


def test_the_default_pull_is_still_tickets_and_calls():
    assert zd.DEFAULT_STREAMS == ("tickets", "calls")
    assert set(zd.STREAMS) == {"tickets", "calls", "ticket_events", "ticket_metric_events"}
