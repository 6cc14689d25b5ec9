"""Daily operations: the landing-zone sensor, the failure ops log + webhook, the schedule, the writer lock."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import dagster as dg
import pytest

from orchestration.lib import landing_watch, ops_alerts

OLD = time.time() - 3600  # files "settled" long ago


def _write(path: Path, text: str, mtime: float = OLD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def landing(tmp_path, monkeypatch) -> Path:
    root = tmp_path / "landing"
    _write(root / "tickets" / "2026-06-27.json", '{"tickets": []}')
    _write(root / "reference" / "reasons.csv", "reason_code\n")
    monkeypatch.setenv("WHYCALL_LANDING_DIR", str(root))
    monkeypatch.setenv("WHYCALL_WAREHOUSE", str(tmp_path / "wh" / "whycall.duckdb"))
    monkeypatch.delenv("WHYCALL_STATE_DB", raising=False)
    monkeypatch.delenv(ops_alerts.WEBHOOK_ENV, raising=False)
    return root


# --- landing_watch: the pure diff --------------------------------------------------------------


def test_snapshot_lists_watched_files_only(landing):
    _write(landing / "calls" / "day1" / "page.json", "{}")  # sub-folders are read
    _write(landing / "whycall.yml", "timezone: Europe/Brussels\n")
    _write(landing / "tickets" / ".upload.json.part", "{")  # hidden: ignored, like the ingest does
    _write(landing / "notes" / "readme.txt", "not watched")
    snap = landing_watch.snapshot(landing)
    assert sorted(snap) == [
        "calls/day1/page.json",
        "reference/reasons.csv",
        "tickets/2026-06-27.json",
        "whycall.yml",
    ]
    assert snap["whycall.yml"][0] == len("timezone: Europe/Brussels\n")


def test_diff_new_changed_unchanged_deleted(landing):
    before = landing_watch.snapshot(landing)
    assert landing_watch.changed_files({}, before) == ["reference/reasons.csv", "tickets/2026-06-27.json"]
    assert landing_watch.changed_files(before, landing_watch.snapshot(landing)) == []  # unchanged → nothing

    _write(landing / "calls" / "new.json", "{}")  # new file
    _write(landing / "reference" / "reasons.csv", "reason_code\n", mtime=OLD + 60)  # same size, touched
    (landing / "tickets" / "2026-06-27.json").unlink()  # deleted: ignored
    after = landing_watch.snapshot(landing)
    assert landing_watch.changed_files(before, after) == ["calls/new.json", "reference/reasons.csv"]

    _write(landing / "calls" / "new.json", '{"calls": []}', mtime=OLD)  # same mtime, new size
    assert landing_watch.changed_files(after, landing_watch.snapshot(landing)) == ["calls/new.json"]


def test_files_still_being_written_wait(landing):
    now = time.time()
    _write(landing / "tickets" / "arriving.json", "{", mtime=now - 5)
    snap = landing_watch.snapshot(landing, now=now, settle_seconds=30)
    assert "tickets/arriving.json" not in snap
    later = landing_watch.snapshot(landing, now=now + 60, settle_seconds=30)
    assert landing_watch.changed_files(snap, later) == ["tickets/arriving.json"]
    _write(landing / "calls" / "from_the_future.json", "{}", mtime=now + 3600)  # clock skew: not held back
    assert "calls/from_the_future.json" in landing_watch.snapshot(landing, now=now, settle_seconds=30)


def test_cursor_round_trip_and_run_key(landing):
    snap = landing_watch.snapshot(landing)
    assert landing_watch.decode_cursor(landing_watch.encode_cursor(snap)) == snap
    for bad in (None, "", "not json", "[1, 2]", '{"a": [1]}', '{"a": ["x", 1]}'):
        assert landing_watch.decode_cursor(bad) == {}
    changes = landing_watch.changed_files({}, snap)
    key = landing_watch.run_key(changes, snap)
    assert key == landing_watch.run_key(list(reversed(changes)), dict(snap))  # deterministic
    moved = {**snap, changes[0]: (snap[changes[0]][0], snap[changes[0]][1] + 1)}
    assert landing_watch.run_key(changes, moved) != key  # a new version of a file is a new change
    assert (
        landing_watch.describe([f"f{i}" for i in range(7)], limit=2)
        == "7 new or changed file(s): f0, f1 and 5 more"
    )


# --- the new_landing_files sensor ------------------------------------------------------------------


def test_sensor_requests_one_run_then_skips(landing):
    from orchestration.defs.sensors import WAREHOUSE_POOL_TAGS, new_landing_files

    first = new_landing_files(dg.build_sensor_context(cursor=None))
    assert len(first.run_requests) == 1
    request = first.run_requests[0]
    assert request.run_key.startswith("landing-")
    assert request.tags["whycall/pool"] == WAREHOUSE_POOL_TAGS["whycall/pool"]
    assert json.loads(first.cursor).keys() == {"reference/reasons.csv", "tickets/2026-06-27.json"}

    second = new_landing_files(dg.build_sensor_context(cursor=first.cursor))
    assert not second.run_requests
    assert "no new or changed file" in second.skip_reason.skip_message

    _write(landing / "surveys" / "responses.csv", "ResponseId\n")
    third = new_landing_files(dg.build_sensor_context(cursor=second.cursor))
    assert len(third.run_requests) == 1
    assert third.run_requests[0].run_key not in {request.run_key}
    assert "surveys/responses.csv" in third.run_requests[0].tags["whycall/changes"]


def test_sensor_skips_without_landing_zone(tmp_path, monkeypatch):
    from orchestration.defs.sensors import new_landing_files

    monkeypatch.setenv("WHYCALL_LANDING_DIR", str(tmp_path / "nowhere"))
    result = new_landing_files(dg.build_sensor_context())
    assert not result.run_requests and "does not exist" in result.skip_reason.skip_message


# --- failure: ops log + webhook --------------------------------------------------------------------


class _Hook(BaseHTTPRequestHandler):
    received: ClassVar[list] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path != "/hook":
            self.send_response(404)
            self.end_headers()
            return
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):  # keep pytest output quiet
        pass


@pytest.fixture
def webhook():
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Hook.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_failure_record_and_message():
    class Err:  # shaped like dagster's SerializableErrorInfo
        def __init__(self, message, cause=None):
            self.message, self.cause = message, cause

    error = ops_alerts.innermost_message(Err("step failed", Err("tickets/p1.json: bad JSON at line 3\n")))
    assert error == "tickets/p1.json: bad JSON at line 3"
    record = ops_alerts.failure_record(
        run_id="abcdef0123456789",
        job="whycall_pipeline",
        failed_steps=[{"step": "raw_tickets", "error": error}],
        run_error="Execution failed.",
        failed_checks=["volume on raw/tickets"],
    )
    assert record["error"] == "raw_tickets: tickets/p1.json: bad JSON at line 3"
    assert record["failed_steps"] == ["raw_tickets"] and record["ts"].endswith("Z")
    message = ops_alerts.alert_message(record)
    assert set(message) == {"text", "run_id", "job", "error"}
    assert "abcdef01" in message["text"] and "raw_tickets" in message["text"] and "volume" in message["text"]
    no_steps = ops_alerts.failure_record(run_id="r", job="j", failed_steps=[], run_error="Run was canceled")
    assert no_steps["error"] == "Run was canceled"
    assert (
        len(
            ops_alerts.failure_record(run_id="r", job="j", failed_steps=[{"step": "s", "error": "x" * 9000}])[
                "error"
            ]
        )
        <= ops_alerts.MAX_ERROR_CHARS + 3
    )


def test_post_webhook_delivers_and_never_raises(webhook):
    url, received = webhook
    assert ops_alerts.post_webhook(url, {"text": "hello"}) is None
    assert received == [("application/json", {"text": "hello"})]
    down = ops_alerts.post_webhook(f"http://127.0.0.1:{_closed_port()}/hook", {"text": "x"}, timeout=2)
    assert down and "not reachable" in down
    assert "HTTP 404" in ops_alerts.post_webhook(url.rsplit("/", 1)[0] + "/missing", {"text": "x"})
    assert "http(s)" in ops_alerts.post_webhook("file:///etc/passwd", {"text": "x"})


def _failed_run(instance: dg.DagsterInstance):
    """A tiny job failing the way the pipeline does: a blocking check fails, then a step raises."""

    @dg.asset
    def raw_tickets():
        return 1

    @dg.asset_check(asset=raw_tickets, blocking=True)
    def volume():
        return dg.AssetCheckResult(passed=False, metadata={"details": "tickets/p1.json: 0 rows"})

    @dg.asset
    def bad_file():
        raise ValueError("tickets/p2.json: bad JSON at line 3")

    job = dg.Definitions(
        assets=[raw_tickets, bad_file], asset_checks=[volume], jobs=[dg.define_asset_job("whycall_pipeline")]
    ).resolve_job_def("whycall_pipeline")
    result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    return result


def _failure_context(instance, result):
    return dg.build_run_status_sensor_context(
        sensor_name="run_failure_ops_log",
        dagster_event=result.get_run_failure_event(),
        dagster_instance=instance,
        dagster_run=result.dagster_run,
    ).for_run_failure()


def test_failure_sensor_writes_ops_log_and_posts(landing, tmp_path, monkeypatch, webhook):
    from orchestration.defs.sensors import run_failure_ops_log

    url, received = webhook
    monkeypatch.setenv(ops_alerts.WEBHOOK_ENV, url)
    with dg.instance_for_test() as instance:
        result = _failed_run(instance)
        run_failure_ops_log(_failure_context(instance, result))

    lines = (tmp_path / "wh" / "logs" / "operations.jsonl").read_text().splitlines()
    assert len(lines) == 1
    entry = json.loads(lines[0])
    assert entry["run_id"] == result.run_id and entry["job"] == "whycall_pipeline"
    assert "bad_file" in entry["failed_steps"]
    assert "tickets/p2.json: bad JSON at line 3" in entry["error"]
    assert any("volume" in c and "tickets/p1.json" in c for c in entry["failed_checks"])
    assert len(received) == 1
    content_type, body = received[0]
    assert content_type == "application/json"
    assert body["run_id"] == result.run_id and body["job"] == "whycall_pipeline"
    assert body["error"] == entry["error"] and result.run_id[:8] in body["text"]


def test_failure_sensor_survives_a_dead_webhook(landing, tmp_path, monkeypatch):
    from orchestration.defs.sensors import record_run_failure

    monkeypatch.setenv(ops_alerts.WEBHOOK_ENV, f"http://127.0.0.1:{_closed_port()}/hook")
    with dg.instance_for_test() as instance:
        result = _failed_run(instance)
        record = record_run_failure(_failure_context(instance, result))  # must not raise
    entries = [
        json.loads(x) for x in (tmp_path / "wh" / "logs" / "operations.jsonl").read_text().splitlines()
    ]
    assert [e["event"] for e in entries] == ["run_failure", "webhook_failed"]
    assert entries[0]["run_id"] == record["run_id"] == entries[1]["run_id"]


# --- schedule, concurrency, lock, definitions ------------------------------------------------------


def test_schedule_timezone_from_whycall_yml(tmp_path):
    from orchestration.defs.schedules import business_timezone, daily_schedule, schedule_status

    assert business_timezone(tmp_path) == "Europe/Brussels"  # no whycall.yml
    (tmp_path / "whycall.yml").write_text("timezone: America/New_York\n")
    assert business_timezone(tmp_path) == "America/New_York"
    (tmp_path / "whycall.yml").write_text("timezone: Mars/Olympus\n")
    assert business_timezone(tmp_path) == "Europe/Brussels"  # invalid: fallback, never a load error
    (tmp_path / "whycall.yml").write_text("timezone: [unclosed\n")
    assert business_timezone(tmp_path) == "Europe/Brussels"

    assert schedule_status({}) == dg.DefaultScheduleStatus.STOPPED
    assert schedule_status({"WHYCALL_SCHEDULE_ON": "0"}) == dg.DefaultScheduleStatus.STOPPED
    assert schedule_status({"WHYCALL_SCHEDULE_ON": "1"}) == dg.DefaultScheduleStatus.RUNNING
    schedule = daily_schedule("America/New_York", dg.DefaultScheduleStatus.STOPPED)
    assert schedule.cron_schedule == "0 6 * * *" and schedule.execution_timezone == "America/New_York"
    assert schedule.tags["whycall/pool"] == "whycall_warehouse"


def test_documented_run_queue_limit_is_valid_instance_config():
    # the dagster.yaml snippet of docs/operations.md
    limit = {"key": "whycall/pool", "value": "whycall_warehouse", "limit": 1}
    with dg.instance_for_test(
        overrides={"concurrency": {"runs": {"tag_concurrency_limits": [limit]}}}
    ) as inst:
        # what the run-queue daemon reads (QueuedRunCoordinator, the default of `dagster dev`)
        assert inst.get_concurrency_config().run_queue_config.tag_concurrency_limits == [limit]


def test_writer_lock_is_held_for_a_run_and_reentrant(tmp_path):
    from orchestration.defs.resources import WhycallResource
    from orchestration.runner import WarehouseBusy, writer_lock
    from orchestration.settings import get_settings

    warehouse = tmp_path / "wh" / "whycall.duckdb"
    settings = get_settings(tmp_path, warehouse)
    errors: list[BaseException] = []

    def other_writer():
        try:
            with writer_lock(settings):
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    with dg.build_resources(
        {"whycall": WhycallResource(landing_dir=str(tmp_path), warehouse=str(warehouse))}
    ):
        with writer_lock(settings):  # `whycall run` → its run's resource: same thread, re-entrant
            pass
        thread = threading.Thread(target=other_writer)
        thread.start()
        thread.join(10)
    assert len(errors) == 1 and isinstance(errors[0], WarehouseBusy)
    with writer_lock(settings):  # released when the run's resources are torn down
        pass


def test_definitions_load_with_schedule_sensors_and_job(dbt_manifest, tmp_path, monkeypatch):
    from orchestration.definitions import defs

    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "whycall.yml").write_text("timezone: America/New_York\n")
    monkeypatch.setenv("WHYCALL_LANDING_DIR", str(landing))
    monkeypatch.setenv("WHYCALL_SCHEDULE_ON", "1")
    repo = defs().get_repository_def()
    assert repo.has_job("whycall_pipeline")
    schedule = repo.get_schedule_def("whycall_daily")
    assert schedule.job_name == "whycall_pipeline"
    assert schedule.execution_timezone == "America/New_York"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    sensor = repo.get_sensor_def("new_landing_files")
    assert sensor.job_name == "whycall_pipeline" and sensor.minimum_interval_seconds == 60
    assert repo.get_sensor_def("run_failure_ops_log").default_status == dg.DefaultSensorStatus.RUNNING


def test_daily_schedule_runs_yesterdays_business_day_partition():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from orchestration.definitions import defs
    from orchestration.defs.schedules import daily_schedule, yesterday

    # 06:00 in Brussels on 1 March is 05:00 UTC: the partition is the last day of February
    tick = dt.datetime(2026, 3, 1, 5, 0, tzinfo=ZoneInfo("UTC"))
    assert yesterday(tick, "Europe/Brussels").isoformat() == "2026-02-28"
    # 06:00 in Tokyo on 1 March is 21:00 UTC on 28 February: still the last day of February there
    assert yesterday(dt.datetime(2026, 2, 28, 21, 0, tzinfo=ZoneInfo("UTC")), "Asia/Tokyo").isoformat() == "2026-02-28"
    schedule = daily_schedule("Europe/Brussels", dg.DefaultScheduleStatus.STOPPED)
    repository = defs().get_repository_def()
    with dg.build_schedule_context(scheduled_execution_time=tick, repository_def=repository) as context:
        requests = list(schedule.evaluate_tick(context).run_requests)
    assert [r.partition_key for r in requests] == ["2026-02-28"]
    assert requests[0].tags["whycall/pool"] == "whycall_warehouse"


def test_pipeline_job_is_partitioned_by_business_day():
    from orchestration.definitions import defs

    job = defs().resolve_job_def("whycall_pipeline")
    partitions = job.partitions_def
    assert isinstance(partitions, dg.DailyPartitionsDefinition)
    assert partitions.get_partition_keys()[0] == "2024-01-01"
