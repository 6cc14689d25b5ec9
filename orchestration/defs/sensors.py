"""Sensors: run the pipeline when landing files arrive, and record (and announce) every failed run.

The logic lives in orchestration/lib (landing_watch, ops_alerts); these are thin Dagster shells.
"""

from __future__ import annotations

import dagster as dg

from orchestration.defs.jobs import whycall_pipeline
from orchestration.lib import landing_watch, ops_alerts
from orchestration.settings import get_settings

JOB_NAME = "whycall_pipeline"
# Runs launched by the schedule and the sensor carry this tag; dagster.yaml can then limit them to one
# at a time (docs/operations.md, "One writer at a time").
WAREHOUSE_POOL_TAGS = {"whycall/pool": "whycall_warehouse"}
SETTLE_SECONDS = 30  # a file still being copied in waits for the next evaluation


@dg.sensor(
    name="new_landing_files",
    job_name=JOB_NAME,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.STOPPED,
    description="Runs whycall_pipeline when a file under tickets/, calls/, surveys/, reference/ "
    "or whycall.yml is new or changed (size or modification time).",
)
def new_landing_files(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    landing = get_settings().landing_dir
    if not landing.is_dir():
        return dg.SensorResult(skip_reason=f"landing zone {landing} does not exist (WHYCALL_LANDING_DIR)")
    previous = landing_watch.decode_cursor(context.cursor)
    current = landing_watch.snapshot(landing, settle_seconds=SETTLE_SECONDS)
    changes = landing_watch.changed_files(previous, current)
    cursor = landing_watch.encode_cursor(current)
    if not changes:
        return dg.SensorResult(skip_reason=f"no new or changed file in {landing}", cursor=cursor)
    summary = landing_watch.describe(changes)
    context.log.info(summary)
    request = dg.RunRequest(
        run_key=landing_watch.run_key(changes, current),
        tags={
            **WAREHOUSE_POOL_TAGS,
            "whycall/trigger": "new_landing_files",
            "whycall/changes": summary[:200],
        },
    )
    return dg.SensorResult(run_requests=[request], cursor=cursor)


def _failed_checks(context: dg.RunFailureSensorContext) -> list[str]:
    """Blocking checks that failed in the run (their metadata names the file and the fix)."""
    failed = []
    records = context.instance.all_logs(
        context.dagster_run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    )
    for record in records:
        data = record.dagster_event.event_specific_data if record.dagster_event else None
        if data is None or data.passed or data.severity != dg.AssetCheckSeverity.ERROR:
            continue
        text = f"{data.asset_check_key.name} on {data.asset_key.to_user_string()}"
        details = data.metadata.get("details")
        failed.append(f"{text} ({details.value})" if details is not None else text)
    return failed


def record_run_failure(context: dg.RunFailureSensorContext) -> dict:
    """Write the failed run to the operations log and POST it to WHYCALL_ALERT_WEBHOOK when set."""
    run = context.dagster_run
    steps = [
        {"step": event.step_key or "?", "error": ops_alerts.innermost_message(event.step_failure_data.error)}
        for event in context.get_step_failure_events()
    ]
    # a failure outside any step (e.g. the writer lock held by another run) is on the run's own event
    run_failure = context.failure_event.job_failure_data
    run_error = ops_alerts.innermost_message(run_failure.error) if run_failure and run_failure.error else ""
    record = ops_alerts.failure_record(
        run_id=run.run_id,
        job=run.job_name,
        failed_steps=steps,
        run_error=run_error or context.failure_event.message or "",
        failed_checks=_failed_checks(context),
    )
    log_path = ops_alerts.ops_log_path(get_settings().warehouse)
    ops_alerts.append_ops_log(log_path, record)
    context.log.info(f"run {run.run_id} failed; written to {log_path}")
    url = ops_alerts.webhook_url()
    if url:
        problem = ops_alerts.post_webhook(url, ops_alerts.alert_message(record))
        if problem:
            context.log.warning(problem)
            ops_alerts.append_ops_log(
                log_path,
                {"ts": record["ts"], "event": "webhook_failed", "run_id": run.run_id, "error": problem},
            )
    return record


@dg.run_failure_sensor(
    name="run_failure_ops_log",
    monitored_jobs=[whycall_pipeline],
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Appends each failed whycall_pipeline run to <warehouse dir>/logs/operations.jsonl and "
    "POSTs it to WHYCALL_ALERT_WEBHOOK when set.",
)
def run_failure_ops_log(context: dg.RunFailureSensorContext) -> None:
    record_run_failure(context)


@dg.definitions
def sensors() -> dg.Definitions:
    return dg.Definitions(sensors=[new_landing_files, run_failure_ops_log])
