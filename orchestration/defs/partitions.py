"""Business days: the partitions of the pipeline (CONTRACT §1 `--date`; a Dagster backfill of a date range).

A partition is a local business day in the timezone of whycall.yml. Ingestion always loads whatever
landed; the dbt build of a partition (or of a range, in ONE run: BackfillPolicy.single_run) re-derives
the contacts of those days from the raw records, and the volume check judges the last day.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.lib.config import load_config
from orchestration.settings import get_settings

FALLBACK_TIMEZONE = "Europe/Brussels"
START_ENV = "WHYCALL_PARTITIONS_START"
DEFAULT_START = "2024-01-01"

_log = logging.getLogger("whycall.partitions")


def business_timezone(landing_dir: Path) -> str:
    """whycall.yml's `timezone`; Europe/Brussels when the file is missing or cannot be read.

    A broken whycall.yml must not stop the code location from loading: the run itself reports the
    file, the key and the fix.
    """
    try:
        return load_config(landing_dir).timezone
    except Exception as exc:  # noqa: BLE001 — InputError, YAML or I/O error: fall back, say why
        _log.warning("business days use %s: %s", FALLBACK_TIMEZONE, exc)
        return FALLBACK_TIMEZONE


def partitions_start() -> dt.date:
    return dt.date.fromisoformat(os.environ.get(START_ENV, DEFAULT_START))


def business_days(timezone: str | None = None) -> dg.DailyPartitionsDefinition:
    """Daily partitions from WHYCALL_PARTITIONS_START (default 2024-01-01) to today, business timezone."""
    return dg.DailyPartitionsDefinition(
        start_date=partitions_start().isoformat(),
        timezone=timezone or business_timezone(get_settings().landing_dir),
        end_offset=1,  # today's partition exists: `whycall run --date <today>` is allowed
    )


def yesterday(now: dt.datetime, timezone: str) -> dt.date:
    """The business day that ended before ``now`` (aware): the partition a morning run is for."""
    return now.astimezone(ZoneInfo(timezone)).date() - dt.timedelta(days=1)
