"""The daily run: whycall_pipeline every morning at 06:00 in the business timezone of whycall.yml."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import dagster as dg

from orchestration.defs.sensors import JOB_NAME, WAREHOUSE_POOL_TAGS
from orchestration.lib.config import load_config
from orchestration.settings import get_settings

DAILY_CRON = "0 6 * * *"
FALLBACK_TIMEZONE = "Europe/Brussels"
SCHEDULE_ENV = "WHYCALL_SCHEDULE_ON"

_log = logging.getLogger("whycall.schedules")


def business_timezone(landing_dir: Path) -> str:
    """whycall.yml's `timezone`; Europe/Brussels when the file is missing or cannot be read.

    A broken whycall.yml must not stop the code location from loading: the run itself reports the
    file, the key and the fix.
    """
    try:
        return load_config(landing_dir).timezone
    except Exception as exc:  # noqa: BLE001 — InputError, YAML or I/O error: fall back, say why
        _log.warning("schedule whycall_daily uses %s: %s", FALLBACK_TIMEZONE, exc)
        return FALLBACK_TIMEZONE


def schedule_status(env: dict[str, str] | None = None) -> dg.DefaultScheduleStatus:
    on = (os.environ if env is None else env).get(SCHEDULE_ENV, "").strip() == "1"
    return dg.DefaultScheduleStatus.RUNNING if on else dg.DefaultScheduleStatus.STOPPED


def daily_schedule(timezone: str, status: dg.DefaultScheduleStatus) -> dg.ScheduleDefinition:
    return dg.ScheduleDefinition(
        name="whycall_daily",
        job_name=JOB_NAME,
        cron_schedule=DAILY_CRON,
        execution_timezone=timezone,
        default_status=status,
        tags={**WAREHOUSE_POOL_TAGS, "whycall/trigger": "whycall_daily"},
        description=f"Every morning at 06:00 {timezone}: ingest → checks → dbt build → publish. "
        f"Starts RUNNING when {SCHEDULE_ENV}=1, else STOPPED (turn it on in the UI).",
    )


@dg.definitions
def schedules() -> dg.Definitions:
    # read when the definitions load (dagster dev reloads them): a timezone change in whycall.yml
    # takes effect on the next reload
    timezone = business_timezone(get_settings().landing_dir)
    return dg.Definitions(schedules=[daily_schedule(timezone, schedule_status())])
