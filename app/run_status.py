"""Is the published data fresh? The outcome of the latest pipeline run, from the operations log.

`whycall run` appends one line per run (``run_success`` / ``run_failure``) and the Dagster failure sensor one per
failed run to ``<warehouse dir>/logs/operations.jsonl``. A failed run never replaces the published warehouse, so
after one the dashboards show older data: the pages say so in a banner. Pure reading, no Streamlit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

from orchestration.lib.ops_alerts import ops_log_path

RUN_EVENTS = ("run_success", "run_failure")
TAIL_BYTES = 256_000  # the latest runs are at the end; a years-old log is not read whole on every page


@dataclasses.dataclass(frozen=True)
class StaleData:
    """The latest run failed: what failed, since when no run succeeded, and where to read more."""

    failed_at: dt.datetime  # the latest failed run
    failing_since: dt.datetime  # the first failed run after the last success (or the oldest one logged)
    failed_runs: int
    error: str
    failed_checks: tuple[str, ...]
    log: str  # the run log of `whycall run`, else the operations log itself


def _timestamp(value: Any) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # the log writes UTC


def _read_tail(path: Path) -> list[str]:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        handle.seek(max(0, size - TAIL_BYTES))
        text = handle.read().decode("utf-8", errors="replace")
    lines = text.splitlines()
    return lines[1:] if size > TAIL_BYTES else lines  # the first line of a tail may be cut


def stale_data(lines: list[str], ops_log: str) -> StaleData | None:
    """None when the latest run succeeded (or no run is logged); lines that are not JSON run events are skipped."""
    runs: list[tuple[dt.datetime, dict]] = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and entry.get("event") in RUN_EVENTS:
            ts = _timestamp(entry.get("ts"))
            if ts is not None:
                runs.append((ts, entry))
    runs.sort(key=lambda run: run[0])
    if not runs or runs[-1][1]["event"] == "run_success":
        return None
    failures = []
    for ts, entry in reversed(runs):
        if entry["event"] == "run_success":
            break
        failures.append((ts, entry))
    latest_ts, latest = failures[0]
    return StaleData(
        failed_at=latest_ts,
        failing_since=failures[-1][0],
        failed_runs=len(failures),
        error=str(latest.get("error") or ""),
        failed_checks=tuple(str(c) for c in latest.get("failed_checks") or ()),
        log=str(latest.get("log") or ops_log),
    )


def latest_stale_data(warehouse: Path) -> StaleData | None:
    """The stale-data warning for the warehouse at ``warehouse``, from its operations log (None when fresh)."""
    path = ops_log_path(warehouse)
    try:
        lines = _read_tail(path)
    except OSError:
        return None
    return stale_data(lines, str(path))
