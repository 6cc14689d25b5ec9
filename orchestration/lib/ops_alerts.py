"""The operations log and the failure webhook: pure functions behind the `run_failure_ops_log` sensor.

Every failed pipeline run becomes one JSON line in ``<warehouse dir>/logs/operations.jsonl`` (read it
with ``jq`` or DuckDB ``read_json``), and, when ``WHYCALL_ALERT_WEBHOOK`` is set, one JSON message
POSTed to that URL (Slack / Teams / Mattermost incoming webhooks all read ``text``). A webhook that is
down or slow never breaks anything: the failure is logged and the log line is written regardless.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

OPS_LOG_NAME = "operations.jsonl"
WEBHOOK_ENV = "WHYCALL_ALERT_WEBHOOK"
WEBHOOK_TIMEOUT_S = 10.0
MAX_ERROR_CHARS = 2000  # a dbt failure can carry pages of output; the full text is in the Dagster run log

_log = logging.getLogger("whycall.ops")


def ops_log_path(warehouse: Path) -> Path:
    """``<warehouse dir>/logs/operations.jsonl``, next to the `whycall run` logs."""
    return Path(warehouse).parent / "logs" / OPS_LOG_NAME


def innermost_message(error: Any) -> str:
    """The message of the deepest cause of a (Serializable)ErrorInfo-like object: the part naming the file and fix."""
    while error is not None and getattr(error, "cause", None) is not None:
        error = error.cause
    message = getattr(error, "message", None) if error is not None else None
    return (message or "unknown error").strip()


def _clip(text: str, limit: int = MAX_ERROR_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utc_stamp(ts: dt.datetime | None) -> str:
    """The log's timestamp: UTC to the second, ``Z`` suffix; now when ``ts`` is None."""
    ts = ts or dt.datetime.now(dt.UTC)
    return ts.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def failure_record(
    *,
    run_id: str,
    job: str,
    failed_steps: Sequence[Mapping[str, str]],
    run_error: str = "",
    failed_checks: Sequence[str] = (),
    ts: dt.datetime | None = None,
    log: str | None = None,
) -> dict[str, Any]:
    """One operations-log entry for a failed run.

    ``failed_steps`` are ``{"step": key, "error": message}``; ``error`` is the first step's message
    (the cause), else the run's own failure message.
    """
    steps = [{"step": s["step"], "error": _clip(s.get("error", ""))} for s in failed_steps]
    first = next((f"{s['step']}: {s['error']}" for s in steps if s["error"]), "")
    extra = {"log": log} if log else {}
    return {
        **extra,
        "ts": _utc_stamp(ts),
        "event": "run_failure",
        "run_id": run_id,
        "job": job,
        "failed_steps": [s["step"] for s in steps],
        "failed_checks": list(failed_checks),
        "error": _clip(first or run_error.strip() or "run failed (no step error recorded)"),
        "step_errors": steps,
    }


def success_record(
    *, run_id: str, job: str, published: bool, log: str | None = None, ts: dt.datetime | None = None
) -> dict[str, Any]:
    """One operations-log entry for a run that succeeded: the dashboards read the latest entry to tell
    fresh data from data left stale by a failed run."""
    record = {
        "ts": _utc_stamp(ts),
        "event": "run_success",
        "run_id": run_id,
        "job": job,
        "published": published,
    }
    return {**record, "log": log} if log else record


def alert_message(record: Mapping[str, Any]) -> dict[str, str]:
    """The webhook body: ``{"text", "run_id", "job", "error"}``; ``text`` is what a chat channel shows."""
    text = f"whycall: run {record['run_id'][:8]} of {record['job']} failed"
    if record.get("failed_steps"):
        text += f" at {', '.join(record['failed_steps'])}"
    lines = [text]
    if record.get("failed_checks"):
        lines.append(f"Blocking check(s): {'; '.join(record['failed_checks'])}")
    lines += [
        record["error"],
        "The published warehouse was not replaced; dashboards show the previous build.",
    ]
    text = "\n".join(lines)
    return {"text": text, "run_id": record["run_id"], "job": record["job"], "error": record["error"]}


def append_ops_log(path: Path, record: Mapping[str, Any]) -> Path:
    """Append ``record`` as one JSON line (created with its folder if needed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
    with open(path, "a", encoding="utf-8") as handle:  # one write per line: lines never interleave
        handle.write(line)
    return path


def post_webhook(url: str, message: Mapping[str, Any], timeout: float = WEBHOOK_TIMEOUT_S) -> str | None:
    """POST ``message`` as JSON to ``url``. Returns None on success, else what went wrong (never raises)."""
    if not url.lower().startswith(("http://", "https://")):
        problem = f"webhook not sent: {WEBHOOK_ENV} must be an http(s) URL"
        _log.warning(problem)
        return problem
    request = urllib.request.Request(
        url,
        data=json.dumps(message).encode("utf-8"),
        headers={"Content-Type": "application/json", "User-Agent": "whycall-ops-alert"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        problem = f"webhook answered HTTP {exc.code} {exc.reason}"
    except Exception as exc:  # noqa: BLE001 — unreachable, timeout, TLS, bad URL: report, never raise
        problem = f"webhook not reachable: {type(exc).__name__}: {exc}"
    else:
        return None
    _log.warning(problem)
    return problem


def webhook_url(env: Mapping[str, str] | None = None) -> str | None:
    value = (os.environ if env is None else env).get(WEBHOOK_ENV, "").strip()
    return value or None
