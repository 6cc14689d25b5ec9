"""The daily run: whycall_pipeline every morning at 06:00 in the business timezone, for yesterday's partition."""

from __future__ import annotations

import os

import dagster as dg

from orchestration.defs.partitions import FALLBACK_TIMEZONE, business_timezone, yesterday
from orchestration.defs.sensors import JOB_NAME, WAREHOUSE_POOL_TAGS
from orchestration.settings import get_settings

__all__ = ["FALLBACK_TIMEZONE", "business_timezone", "daily_schedule", "schedule_status", "yesterday"]

DAILY_CRON = "0 6 * * *"
SCHEDULE_ENV = "WHYCALL_SCHEDULE_ON"


def schedule_status(env: dict[str, str] | None = None) -> dg.DefaultScheduleStatus:
    on = (os.environ if env is None else env).get(SCHEDULE_ENV, "").strip() == "1"
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


def daily_schedule(timezone: str, status: dg.DefaultScheduleStatus) -> dg.ScheduleDefinition:
    tags = {**WAREHOUSE_POOL_TAGS, "whycall/trigger": "whycall_daily"}

    def for_yesterday(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        # the job is partitioned by business day (orchestration/defs/partitions.py): yesterday's partition
        day = yesterday(context.scheduled_execution_time, timezone).isoformat()
        return dg.RunRequest(run_key=day, partition_key=day, tags=tags)

    return dg.ScheduleDefinition(
        name="whycall_daily",
        job_name=JOB_NAME,
        cron_schedule=DAILY_CRON,
        execution_timezone=timezone,
        execution_fn=for_yesterday,
        default_status=status,
        tags=tags,
        description=f"Every morning at 06:00 {timezone}, for yesterday's partition: ingest → checks → dbt build "
        f"→ publish. Starts RUNNING when {SCHEDULE_ENV}=1, else STOPPED (turn it on in the UI).",
    )


@dg.definitions
def schedules() -> dg.Definitions:
    # read when the definitions load (dagster dev reloads them): a timezone change in whycall.yml
    # takes effect on the next reload
    timezone = business_timezone(get_settings().landing_dir)
    return dg.Definitions(schedules=[daily_schedule(timezone, schedule_status())])
