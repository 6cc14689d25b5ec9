"""Run the whole pipeline headless through Dagster and summarise it for a terminal."""

from __future__ import annotations

import datetime as dt
import fcntl
import threading
import time
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from orchestration.defs.partitions import START_ENV, partitions_start, yesterday
from orchestration.lib import run_inputs
from orchestration.lib.config import load_config
from orchestration.lib.notify import store as notify_store
from orchestration.lib.records import InputError
from orchestration.settings import DBT_PROJECT_DIR, Settings, get_settings, salt

QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


@dataclass
class RunOutcome:
    success: bool
    settings: Settings
    seconds: float
    run_id: str = ""
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    published: bool = False
    log_path: Path | None = None
    step_seconds: dict[str, float] = field(default_factory=dict)  # wall time per Dagster step
    nothing_new: bool = False  # nothing changed since the last published run: nothing loaded, built or published
    files_deferred: int = 0  # files left for the next run (still being written): that run is never "nothing new"
    notes: list[str] = field(default_factory=list)  # e.g. the notifier's summary (sent, failed, skipped)

    def summary(self) -> str:
        run = f" (run {self.run_id[:8]})" if self.run_id else ""
        lines = [f"{'OK' if self.success else 'FAILED'} in {self.seconds:.1f}s{run}"]
        lines += [f"  failure: {f}" for f in self.failures]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  {n}" for n in self.notes]
        if self.nothing_new:
            lines.append(
                "  nothing new: no landing file, whycall.yml, dbt model or salt changed since the last published "
                "run, so nothing was loaded, built or published (--date DAY or --full-refresh to rebuild anyway)"
            )
            lines.append(f"  the warehouse is unchanged: {self.settings.warehouse}")
        elif self.published:
            lines.append(f"  warehouse published: {self.settings.warehouse}")
        elif self.settings.warehouse.exists():
            lines.append(
                f"  warehouse NOT replaced; the previous one is unchanged: {self.settings.warehouse}"
            )
        else:
            lines.append("  no warehouse was published")
        if self.log_path:
            lines.append(f"  full log (dbt output): {self.log_path}")
        return "\n".join(lines)


class WarehouseBusy(RuntimeError):
    pass


_LOCK_HOLDERS: dict[Path, int] = {}  # lock file -> id of the thread of this process holding it


@contextmanager
def writer_lock(settings: Settings):
    """One writer at a time on the state database, across processes.

    Re-entrant in the thread holding it: `whycall run` takes it around the run and the run's
    WhycallResource takes it again (that second take is what guards runs launched by `dagster dev`).
    """
    if _LOCK_HOLDERS.get(settings.lock_file) == threading.get_ident():
        yield
        return
    settings.lock_file.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_file, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise WarehouseBusy(
                f"another whycall run is writing {settings.state_db}; try again when it ends"
            ) from None
        _LOCK_HOLDERS[settings.lock_file] = threading.get_ident()
        try:
            yield
        finally:
            _LOCK_HOLDERS.pop(settings.lock_file, None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def step_durations(entries) -> dict[str, float]:
    """Seconds from each step's start to its end (success or failure), from a run's event log entries."""
    started: dict[str, float] = {}
    seconds: dict[str, float] = {}
    for entry in entries:
        event = entry.dagster_event
        if event is None or event.step_key is None:
            continue
        if event.event_type == dg.DagsterEventType.STEP_START:
            started[event.step_key] = entry.timestamp
        elif (
            event.event_type in (dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE)
            and event.step_key in started
        ):
            seconds[event.step_key] = round(entry.timestamp - started[event.step_key], 2)
    return seconds


def _instance(settings: Settings) -> dg.DagsterInstance:
    """A persistent instance in DAGSTER_HOME (default: beside the warehouse, Settings.dagster_home), so that
    `dagster dev` on the same folder shows the runs `whycall run` made."""
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.from_config(str(home))


def run_pipeline(
    full_refresh: bool = False, date: dt.date | None = None, until: dt.date | None = None
) -> RunOutcome:
    """Run whycall_pipeline in this process. ``date`` (to ``until``, a backfill) re-derives those business days.

    Every outcome, success or failure (a config mistake included), is recorded (``record_outcome``)."""
    outcome = _run_pipeline(full_refresh, date, until)
    record_outcome(outcome)
    return outcome


def empty_landing(landing: Path, config) -> str | None:
    """Why a landing zone with no file at all cannot be run, else None. Files already loaded stay in the zone
    (the loader skips them), so a day without news still has files; none at all means the wrong folder."""
    from orchestration.lib.delivered import classify

    landed, ignored = classify(landing, config)
    if any(item.source != "config" for item in landed) or ignored:
        return None
    return (f"landing directory {landing} holds no file (tickets/, calls/, surveys/, reference/ are empty or "
            "missing): is the share mounted, is --landing right? Nothing was run")


def _run_pipeline(full_refresh: bool, date: dt.date | None, until: dt.date | None) -> RunOutcome:
    from orchestration.definitions import defs as load_definitions

    settings = get_settings()
    started = time.monotonic()
    if not settings.landing_dir.is_dir():
        return RunOutcome(
            False,
            settings,
            0.0,
            failures=[
                f"landing directory {settings.landing_dir} does not exist: pass --landing DIR or run `whycall generate`"
            ],
        )
    try:  # a whycall.yml mistake is reported before Dagster even starts
        config = load_config(settings.landing_dir)
    except InputError as error:
        return RunOutcome(False, settings, time.monotonic() - started, failures=[str(error)])
    empty = empty_landing(settings.landing_dir, config)
    if empty:  # an unmounted share or a wrong --landing: building on nothing would only fail later, less clearly
        return RunOutcome(False, settings, time.monotonic() - started, failures=[empty])
    # the job is partitioned by business day: a run is for one day (default: yesterday) or a range of days
    first = date or yesterday(dt.datetime.now(dt.UTC), config.timezone)
    last = until or first
    if first < partitions_start():
        message = (
            f"--date {first}: business days start on {partitions_start()} ({START_ENV}); set it earlier "
            "to re-derive older days"
        )
        return RunOutcome(False, settings, time.monotonic() - started, failures=[message])
    # nothing changed since the last published run: no load, no dbt build, no republish (orchestration.lib.run_inputs)
    inputs = run_inputs.fingerprint(settings.landing_dir, DBT_PROJECT_DIR, salt()[0])
    # what the closed loop sent and heard back is published too (marts.alerts notified_at, outcome...)
    inputs["notify"] = notify_store.state_digest(settings.state_db)
    if not (date or full_refresh) and settings.warehouse.exists() and run_inputs.load(settings.last_inputs) == inputs:
        log_path = settings.state_db.parent / "logs" / f"run-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        log_path.touch()
        outcome = RunOutcome(True, settings, time.monotonic() - started, log_path=log_path, nothing_new=True)
        _notify_when_nothing_new(settings, config, outcome)
        return outcome
    # without --date the volume check judges the latest day in the data, not the default partition
    tags = {"whycall/date": last.isoformat() if date else "latest"}
    if first != last:
        tags.update(
            {
                "dagster/asset_partition_range_start": first.isoformat(),
                "dagster/asset_partition_range_end": last.isoformat(),
            }
        )
    run_config = dict(QUIET_LOGS)
    run_config["ops"] = {"whycall_dbt_models": {"config": {"full_refresh": full_refresh}}}
    log_path = settings.state_db.parent / "logs" / f"run-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with writer_lock(settings), open(log_path, "w") as log, redirect_stdout(log):
        # dbt's own console output goes to the log file; progress lines go to the terminal
        job = load_definitions().resolve_job_def("whycall_pipeline")
        with _instance(settings) as instance:
            result = job.execute_in_process(
                run_config=run_config,
                instance=instance,
                raise_on_error=False,
                tags=tags,
                partition_key=None if first != last else first.isoformat(),
            )
            steps = step_durations(instance.all_logs(result.run_id))
    outcome = RunOutcome(
        result.success, settings, time.monotonic() - started, run_id=result.run_id, log_path=log_path
    )
    outcome.step_seconds = steps
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            # the interesting part is the cause (an InputError naming the file, key and fix)
            while error is not None and error.cause is not None:
                error = error.cause
            message = error.message.strip() if error else "unknown error"
            if error is not None and error.cls_name in {"Failure", "InputError"}:
                message = message.split(f"{error.cls_name}: ", 1)[-1]  # the text is the message
            outcome.failures.append(f"{event.step_key}: {message}")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            data = event.event_specific_data
            if not data.passed:
                text = f"check {data.asset_check_key.name} on {data.asset_key.to_user_string()}"
                desc = data.metadata.get("details")
                if desc is not None:
                    text += f": {desc.value}"
                (
                    outcome.failures if data.severity == dg.AssetCheckSeverity.ERROR else outcome.warnings
                ).append(text)
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and event.asset_key == dg.AssetKey(
            ["warehouse"]
        ):
            outcome.published = True
        elif (event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
              and event.asset_key == dg.AssetKey(["raw", "load_audit"])):
            # files ignored, rejected whole or deferred: said in the summary, not only in the audit table
            listed = event.step_materialization_data.materialization.metadata.get("not_loaded")
            outcome.warnings += [f"file not loaded: {line}" for line in (listed.value if listed else [])]
            deferred = event.step_materialization_data.materialization.metadata.get("files_deferred")
            outcome.files_deferred += deferred.value if deferred else 0
        elif (event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION
              and event.asset_key == dg.AssetKey(["alert_notifications"])):
            meta = event.step_materialization_data.materialization.metadata
            summary = meta.get("summary")
            if summary is not None and str(summary.value) != "no channel configured":
                # delivery failures never block publication; they are said here and in operations.jsonl
                failed = meta.get("failed")
                target = outcome.warnings if failed is not None and failed.value else outcome.notes
                target.append(str(summary.value))
    if not result.success and not outcome.failures:
        # a failure outside any step (resource initialisation, run config): say what Dagster said
        for event in result.all_events:
            if event.is_failure or event.event_type == dg.DagsterEventType.RUN_FAILURE:
                outcome.failures.append(event.message or event.event_type_value)
    # success means published, with no failed blocking check (those stop downstream steps, not the run)
    blocked = any(f.startswith("check ") for f in outcome.failures)
    outcome.success = result.success and outcome.published and not blocked
    if outcome.success and not outcome.files_deferred:
        # a deferred file (still being written) unchanged since must still load next run: not "nothing new"
        run_inputs.save(settings.last_inputs, inputs)
    _clean_up(settings, outcome.published)
    return outcome


def _notify_when_nothing_new(settings, config, outcome: RunOutcome) -> None:
    """Time passes on a day with nothing new: reminders, escalations and retries of failed sends are still due
    (the alert_notifications asset does the same after a publish)."""
    if not config.notify.channels:
        return
    from orchestration.lib.notify.run import run_notifier

    with writer_lock(settings):
        result = run_notifier(
            landing_dir=settings.landing_dir, warehouse=settings.warehouse, state_db=settings.state_db, config=config
        )
    (outcome.warnings if result.failed else outcome.notes).append(result.summary())


def _clean_up(settings, published: bool) -> None:
    """The last WHYCALL_KEEP_RUNS dbt target folders and run logs, and the published build's folder."""
    from orchestration.lib import retention
    from orchestration.settings import DBT_PROJECT_DIR

    target_dir, marker = DBT_PROJECT_DIR / "target", settings.state_db.parent / ".published_dbt_target"
    if published:
        retention.record_published_target(marker, target_dir)
    keep = retention.keep_runs()
    retention.prune_dbt_targets(target_dir, keep, retention.published_target(marker, target_dir))
    retention.prune_run_logs(settings.state_db.parent / "logs", keep)


def record_outcome(outcome: RunOutcome) -> None:
    """The run's summary at the end of its log (never an empty log, even when no dbt step ran) and one line in
    the operations log, which the dashboards read to warn that their data is stale after a failed run."""
    from orchestration.lib import ops_alerts

    log = str(outcome.log_path) if outcome.log_path else None
    if outcome.log_path:
        with open(outcome.log_path, "a") as handle:
            handle.write(outcome.summary() + "\n")
    if outcome.success:
        record = ops_alerts.success_record(
            run_id=outcome.run_id, job="whycall_pipeline", published=outcome.published, log=log
        )
    else:
        steps = []
        for failure in outcome.failures:
            step, _, error = failure.partition(": ")
            if failure.startswith("check "):
                steps.append({"step": "data_quality", "error": failure})
            else:
                steps.append({"step": step if error else "run", "error": error or failure})
        checks = [f.removeprefix("check ") for f in outcome.failures if f.startswith("check ")]
        record = ops_alerts.failure_record(
            run_id=outcome.run_id or "-",
            job="whycall_pipeline",
            failed_steps=steps,
            failed_checks=checks,
            log=log,
        )
    ops_alerts.append_ops_log(ops_alerts.ops_log_path(outcome.settings.warehouse), record)
