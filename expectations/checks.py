"""Checks that are simpler as vectorised pandas than as GX expectations. Pure functions, no GX import.

- ``daily_contact_counts`` + ``volume_drop``: a day's contacts against the same weekday of prior weeks.
- ``reject_ratio``: rejected share of each loaded file (from raw.load_audit rows).
- ``rejected_files``: files that could not be read at all (status ``rejected_file``), with why.
- ``freshness``: hours since each source last delivered a file.
- ``validity_overlaps``: reasons whose dated ownership overlaps an earlier period of the same code
  (a pre-computation that a GX expectation then checks, see suites.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

import numpy as np
import pandas as pd

from expectations.catalog import REFERENCE_BATCHES

# --- volume ------------------------------------------------------------------------------------------------


def daily_contact_counts(contacts: pd.DataFrame, timezone: str = "UTC") -> pd.DataFrame:
    """Contacts per local business day (columns ``day``, ``contacts``); deleted records are left out.

    ``started_at`` is naive UTC (raw schema); ``day`` is the date in ``timezone``. ``contacts`` is one
    row per contact, or already counted: a ``contacts`` column then holds the number of contacts at
    each ``started_at`` (read_batches counts the history per 15-minute UTC bucket in DuckDB; every
    timezone in use changes day on such a boundary, so the days are the same as from the rows).
    """
    if contacts.empty or "started_at" not in contacts.columns:
        return pd.DataFrame({"day": pd.Series([], dtype=object), "contacts": pd.Series([], dtype="int64")})
    started = pd.to_datetime(contacts["started_at"], errors="coerce")
    if "is_deleted" in contacts.columns:
        started = started[~contacts["is_deleted"].fillna(False).astype(bool)]
    started = started.dropna()
    if started.dt.tz is None:
        started = started.dt.tz_localize("UTC")
    local_day = started.dt.tz_convert(timezone).dt.date
    if "contacts" in contacts.columns:
        weights = pd.to_numeric(contacts.loc[local_day.index, "contacts"]).fillna(0).astype("int64")
        counts = weights.groupby(local_day.to_numpy(dtype=object)).sum().sort_index()
    else:
        counts = local_day.value_counts().sort_index()
    return pd.DataFrame({"day": counts.index, "contacts": counts.to_numpy(dtype="int64")})


@dataclass(frozen=True)
class VolumeDrop:
    day: date | None
    contacts: int
    expected: float | None  # median of the same weekday over the prior weeks (None: too little history)
    ratio: float | None  # contacts / expected
    prior: dict[str, int]  # ISO day -> contacts, the weeks compared
    passed: bool
    details: str


def volume_drop(
    daily_counts: pd.DataFrame,
    day: date | None = None,
    *,
    min_ratio: float = 0.5,
    weeks: int = 4,
    min_weeks: int = 2,
    min_expected: float = 0.0,
) -> VolumeDrop:
    """Flag a day whose contacts fall below ``min_ratio`` x the median of the same weekday of the
    ``weeks`` prior weeks. A spike never fails (that is the incident detector's job, not a load fault).

    ``daily_counts`` has columns ``day`` (date) and ``contacts``; days missing inside the covered
    history count as 0 contacts (a file that never arrived), weeks before the first day are not
    compared. ``day`` defaults to the latest day present. Fewer than ``min_weeks`` comparable weeks,
    or a median below ``min_expected`` (a quiet Sunday going from 8 calls to 3), give no verdict.
    """
    counts: dict[date, int] = {}
    if not daily_counts.empty:
        days = pd.to_datetime(daily_counts["day"]).dt.date
        counts = dict(zip(days, daily_counts["contacts"].astype("int64"), strict=True))
    if day is None:
        if not counts:
            return VolumeDrop(None, 0, None, None, {}, True, "volume_drop: no contacts, nothing to compare")
        day = max(counts)
    if isinstance(day, datetime):
        day = day.date()
    first = min(counts) if counts else day
    prior_days = [day - timedelta(weeks=k) for k in range(1, weeks + 1)]
    prior = {d.isoformat(): int(counts.get(d, 0)) for d in prior_days if d >= first}
    observed = int(counts.get(day, 0))
    head = f"volume_drop: {day}: {observed} contacts"
    if len(prior) < min_weeks:
        why = f"only {len(prior)} comparable week(s) of history (need {min_weeks})"
        return VolumeDrop(day, observed, None, None, prior, True, f"{head}; {why}, no verdict")
    expected = float(np.median(list(prior.values())))
    ratio = observed / expected if expected > 0 else None
    versus = f"vs same-weekday median {expected:g} of {len(prior)} prior week(s)"
    if expected <= 0 or expected < min_expected:
        why = f"{versus}, too few to judge (need {max(min_expected, 1):g})"
        return VolumeDrop(day, observed, expected, ratio, prior, True, f"{head} {why}, no verdict")
    passed = observed >= min_ratio * expected
    verdict = "ok" if passed else f"below {min_ratio:.0%} of the median"
    return VolumeDrop(
        day, observed, expected, ratio, prior, passed, f"{head} {versus} ({ratio:.0%}): {verdict}"
    )


# --- rejects -----------------------------------------------------------------------------------------------


def audit_batch(source: str, file: str) -> str:
    """The raw batch an audit row belongs to: its source, or for reference files the file's stem."""
    if source == "reference":
        stem = PurePosixPath(str(file).replace("\\", "/")).stem
        return stem if stem in REFERENCE_BATCHES else "reference"
    return source


def reject_ratio(audit_rows: pd.DataFrame, threshold: float = 0.05) -> pd.DataFrame:
    """Rejected share per file: columns source, batch, file, rows_read, rows_rejected, reject_ratio, passed.

    A file passes when rows_rejected / rows_read <= threshold (an empty file passes); rows with
    status ``duplicate`` (a file seen before, nothing read) are left out.
    """
    columns = ["source", "batch", "file", "rows_read", "rows_rejected", "reject_ratio", "passed"]
    if audit_rows is None or audit_rows.empty:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    rows = audit_rows
    if "status" in rows.columns:  # files read this run; a file rejected whole is the rejected_files check's
        rows = rows[rows["status"].fillna("loaded") == "loaded"]
    per_file = (
        rows.assign(
            rows_read=pd.to_numeric(rows["rows_read"], errors="coerce").fillna(0),
            rows_rejected=pd.to_numeric(rows["rows_rejected"], errors="coerce").fillna(0),
        )
        .groupby(["source", "file"], as_index=False, sort=True)[["rows_read", "rows_rejected"]]
        .sum()
    )
    read = per_file["rows_read"].to_numpy(dtype="float64")
    rejected = per_file["rows_rejected"].to_numpy(dtype="float64")
    per_file["reject_ratio"] = np.divide(rejected, read, out=np.zeros_like(read), where=read > 0)
    per_file["passed"] = per_file["reject_ratio"] <= threshold
    per_file["batch"] = [audit_batch(s, f) for s, f in zip(per_file["source"], per_file["file"], strict=True)]
    per_file["rows_read"] = per_file["rows_read"].astype("int64")
    per_file["rows_rejected"] = per_file["rows_rejected"].astype("int64")
    return per_file[columns]


def rejected_files(audit_rows: pd.DataFrame) -> pd.DataFrame:
    """Files rejected whole (audit status ``rejected_file``): columns source, batch, file, reason."""
    columns = ["source", "batch", "file", "reason"]
    if audit_rows is None or audit_rows.empty or "status" not in audit_rows.columns:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})
    rows = audit_rows[audit_rows["status"] == "rejected_file"]
    out = pd.DataFrame({
        "source": rows["source"].to_numpy(dtype=object),
        "file": rows["file"].to_numpy(dtype=object),
        "reason": (rows["reason"] if "reason" in rows.columns else pd.Series([None] * len(rows))).to_numpy(dtype=object),
    })
    out["batch"] = [audit_batch(s, f) for s, f in zip(out["source"], out["file"], strict=True)]
    return out[columns].sort_values("file", kind="stable").reset_index(drop=True)


# --- freshness ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Freshness:
    source: str
    last_loaded_at: datetime | None
    age_hours: float | None
    expected_interval_hours: float
    passed: bool
    details: str


def freshness(
    last_loaded_at: Mapping[str, datetime | None],
    expected_interval_hours: float | Mapping[str, float],
    now: datetime,
) -> list[Freshness]:
    """One verdict per source: stale when nothing was loaded within its expected interval (or ever).

    Timestamps are naive UTC; a source missing from a mapping of intervals is not checked.
    """
    results: list[Freshness] = []
    for source, last in last_loaded_at.items():
        if isinstance(expected_interval_hours, Mapping):
            if source not in expected_interval_hours:
                continue
            interval = float(expected_interval_hours[source])
        else:
            interval = float(expected_interval_hours)
        if last is None or pd.isna(last):
            results.append(
                Freshness(
                    source, None, None, interval, False, f"freshness: {source} has never had a file loaded"
                )
            )
            continue
        last = pd.Timestamp(last).to_pydatetime()
        age = (now - last).total_seconds() / 3600
        passed = age <= interval
        results.append(
            Freshness(
                source,
                last,
                round(age, 2),
                interval,
                passed,
                f"freshness: {source} last loaded {last:%Y-%m-%d %H:%M} UTC, {age:.1f} h ago "
                f"({'within' if passed else 'over'} the expected {interval:g} h)",
            )
        )
    return results


# --- dated reference ownership -----------------------------------------------------------------------------


def _day_number(values: pd.Series, missing: float) -> np.ndarray:
    days = pd.to_datetime(values, errors="coerce")
    out = ((days - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)).to_numpy(
        dtype="float64", na_value=np.nan
    )
    return np.where(np.isnan(out), missing, out)


def validity_overlaps(reasons: pd.DataFrame) -> pd.Series:
    """True for each reasons row whose period starts on or before the end of an earlier period of the
    same reason_code (inclusive dates; empty valid_from/valid_to are open-ended).

    Rows are compared in valid_from order, so of two overlapping rows the later-starting one is flagged.
    """
    if reasons.empty:
        return pd.Series([], index=reasons.index, dtype=bool)
    frame = pd.DataFrame(
        {
            "code": reasons["reason_code"],
            "start": _day_number(reasons["valid_from"], -np.inf),
            "end": _day_number(reasons["valid_to"], np.inf),
        },
        index=reasons.index,
    )
    frame = frame[frame["code"].notna()].sort_values(["code", "start"], kind="stable")
    # latest end among the earlier periods of the same code
    running_end = frame.groupby("code", sort=False)["end"].cummax()
    earlier_end = running_end.groupby(frame["code"], sort=False).shift(1)
    overlap = (frame["start"] <= earlier_end).reindex(reasons.index, fill_value=False)
    return overlap.astype(bool)
