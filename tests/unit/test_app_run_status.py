"""The stale-data warning read from the operations log (app/run_status.py)."""

import datetime as dt
import json

from app.run_status import latest_stale_data, stale_data

UTC = dt.UTC


def line(ts: str, event: str, **extra) -> str:
    return json.dumps({"ts": ts, "event": event, "run_id": "r", "job": "whycall_pipeline", **extra})


def test_no_warning_when_the_latest_run_succeeded() -> None:
    lines = [
        line("2026-12-01T06:00:00Z", "run_failure", error="x"),
        line("2026-12-02T06:00:00Z", "run_success"),
    ]
    assert stale_data(lines, "ops.jsonl") is None
    assert stale_data([], "ops.jsonl") is None


def test_failures_since_the_last_success_make_the_data_stale() -> None:
    lines = [
        line("2026-12-01T06:00:00Z", "run_success"),
        line("2026-12-02T06:00:00Z", "run_failure", error="data_quality: 1 blocking check", log="run-1.log"),
        "not json {",
        json.dumps({"ts": "2026-12-03T06:00:05Z", "event": "webhook_failed", "error": "down"}),
        line("2026-12-03T06:00:00Z", "run_failure", error="ingest: bad JSON at line 3", failed_checks=["c1"]),
    ]
    stale = stale_data(lines, "ops.jsonl")
    assert stale is not None
    assert stale.failed_runs == 2
    assert stale.failing_since == dt.datetime(2026, 12, 2, 6, tzinfo=UTC)
    assert stale.failed_at == dt.datetime(2026, 12, 3, 6, tzinfo=UTC)
    assert stale.error == "ingest: bad JSON at line 3" and stale.failed_checks == ("c1",)
    assert stale.log == "ops.jsonl"  # that run (from Dagster) named no log of its own


def test_read_next_to_the_warehouse(tmp_path) -> None:
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    assert latest_stale_data(warehouse) is None  # no log yet: nothing to say
    (tmp_path / "wh" / "logs").mkdir(parents=True)
    (tmp_path / "wh" / "logs" / "operations.jsonl").write_text(
        line("2026-12-02T06:00:00Z", "run_failure", error="boom", log="/x/run-2.log") + "\n"
    )
    stale = latest_stale_data(warehouse)
    assert stale is not None and stale.log == "/x/run-2.log" and stale.failing_since == stale.failed_at
