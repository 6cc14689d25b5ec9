"""Run every data-quality check on the raw batches and report one CheckResult per check.

    results = run_checks({"tickets": df, "calls": df, "reasons": df, ..., "load_audit": audit}, config)
    rows = results_to_rows(results, run_id)          # -> raw.quality_results

Batches are pandas frames of the raw tables (latest version per id for tickets/calls/surveys).
tickets/calls/surveys may also come as an iterable of frames (chunks, all rows of a key in one),
validated one chunk at a time: the whole history of a first run does not fit in memory at once.
GX's outcome on each chunk is merged into one CheckResult per check, the same as for one frame.
Reference checks (``*_in_departments``, ``*_in_reasons``) run when the referenced batch is supplied;
the rejects and freshness checks run when ``load_audit`` (raw.load_audit) is supplied. GX is imported
on the first call, not when this module is imported (Dagster loads it at code-location start).

A daily run validates only what arrived (``incremental=True``, orchestration/lib/batches.py): the
tickets/calls/surveys frames then hold the latest versions of the new or updated ids only, and the
volume checks count days from ``contact_starts`` (the whole history, counted in DuckDB) instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from expectations.catalog import (
    AUDIT_BATCH,
    BATCHES,
    CONTACT_BATCHES,
    INCREMENTAL_BATCHES,
    STARTS_BATCH,
    asset_for,
    family_of,
    list_checks,
    severities,
    severity_of,
)
from expectations.checks import (
    audit_batch,
    daily_contact_counts,
    freshness,
    reject_ratio,
    rejected_files,
    volume_drop,
)
from expectations.params import QualityParams, quality_params
from orchestration.lib.privacy import mask_record

SAMPLE_ROWS = 5
_PARTIAL_COUNT = 20  # failing rows GX reports by index; the first 5 become the sample, all name files
_MAX_TEXT = 200  # characters kept of a text value in a sample


@dataclass(frozen=True)
class CheckResult:
    check: str  # stable name "<batch>.<check>", e.g. "tickets.native_id_not_null"
    family: str  # schema, keys, ranges, window, allowed_values, references, volume, rejects, freshness
    asset: str  # "raw/tickets"
    severity: str  # block | warn
    passed: bool
    failing_rows: int  # rows (files for rejects, missing columns for schema, 1 for a failed day/source)
    sample: list[dict] = field(default_factory=list)  # up to 5 failing rows, JSON-safe
    details: str = ""  # human readable: names the check, the count and where (file, record)

    @property
    def short_name(self) -> str:
        """Name without the batch prefix: unique per asset and a valid Dagster check name."""
        return self.check.split(".", 1)[1]

    @property
    def blocking(self) -> bool:
        return not self.passed and self.severity == "block"


QUALITY_RESULT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("run_id", pa.string()),
    ("check", pa.string()),
    ("asset", pa.string()),
    ("family", pa.string()),
    ("severity", pa.string()),
    ("passed", pa.bool_()),
    ("failing_rows", pa.int64()),
    ("details", pa.string()),
    ("sample", pa.string()),  # JSON array of up to 5 failing rows
]


def results_to_rows(results: list[CheckResult], run_id: str) -> list[dict]:
    """Rows for raw.quality_results, columns as QUALITY_RESULT_FIELDS."""
    return [
        {
            "run_id": run_id,
            "check": r.check,
            "asset": r.asset,
            "family": r.family,
            "severity": r.severity,
            "passed": bool(r.passed),
            "failing_rows": int(r.failing_rows),
            "details": r.details,
            "sample": json.dumps(r.sample, ensure_ascii=False),
        }
        for r in results
    ]


def blocking_failures(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.blocking]


def _result(
    check: str, resolved: dict[str, str], passed: bool, failing: int, sample: list[dict], details: str
) -> CheckResult:
    """A CheckResult with family, asset and severity looked up from the check name."""
    return CheckResult(
        check=check,
        family=family_of(check),
        asset=asset_for(check.split(".", 1)[0]),
        severity=severity_of(check, resolved),
        passed=bool(passed),
        failing_rows=int(failing),
        # published in quality_results and shown in Dagster: personal data masked, every kind, whatever privacy: says
        sample=mask_record(sample),
        details=details,
    )


# --- JSON-safe samples -------------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(v) for v in value]
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return value if len(value) <= _MAX_TEXT else value[:_MAX_TEXT] + "…"
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (timedelta, pd.Timedelta)):
        return str(value)
    if isinstance(value, bytes):
        return _json_value(value.decode("utf-8", "replace"))
    return _json_value(str(value))


def _records(frame: pd.DataFrame) -> list[dict]:
    return [_json_value(row) for row in frame.to_dict(orient="records")]


# --- GX validation -----------------------------------------------------------------------------------------


def _datasource():
    """A fresh ephemeral GX context per run: nothing persisted, no batches kept alive between runs."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    project = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    context = gx.get_context(project_config=project, mode="ephemeral")
    return context.data_sources.add_pandas("whycall_raw")


def _columns_of(kwargs: Mapping) -> set[str]:
    columns = set(kwargs.get("column_list") or [])
    for key in ("column", "column_A", "column_B"):
        if kwargs.get(key):
            columns.add(kwargs[key])
    return columns


def _show(values, limit: int = 8) -> str:
    values = [str(v) for v in values]
    shown = ", ".join(values[:limit])
    return shown + (f", … ({len(values)} in all)" if len(values) > limit else "")


# checks on a __wc_ helper column: what is wrong, and the real column whose values to quote
_CUSTOM_PROBLEM = {
    "validity_no_overlap": ("start inside an earlier validity period of the same reason_code", "reason_code"),
    "target_numeric": ("have a missing or non-numeric target", "target"),
}


def _examples(values: list) -> str:
    distinct = list(dict.fromkeys(repr(_json_value(v)) for v in values))
    return _show(distinct, 5)


def _problem(check: str, kind: str, kwargs: Mapping, unexpected: list, rows: list[dict], columns: set[str]) -> str:
    """What the failing rows have wrong, in words, with a few of the offending values.

    ``rows``: the first failing rows (JSON-safe records); ``columns``: the columns of the batch."""
    short = check.split(".", 1)[1]
    if short in _CUSTOM_PROBLEM:
        problem, column = _CUSTOM_PROBLEM[short]
        return f"{problem}: {_examples([row[column] for row in rows])}" if column in columns else problem
    column = kwargs.get("column")
    if kind == "expect_column_values_to_not_be_null":
        return f"have no {column}"
    if kind == "expect_column_values_to_be_unique":
        return f"share their {column} with another row ({_examples(unexpected)})"
    if kind == "expect_compound_columns_to_be_unique":
        return f"share their ({', '.join(kwargs['column_list'])}) with another row"
    if kind == "expect_column_values_to_be_in_set":
        if "_in_" in short:  # a reference check: department_id_in_departments
            return f"have a {column} not in {short.rsplit('_in_', 1)[1]}: {_examples(unexpected)}"
        return f"have a {column} outside {{{_show(kwargs['value_set'], 10)}}}: {_examples(unexpected)}"
    if kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        if high is None:
            return f"have {column} below {low:g}: {_examples(unexpected)}"
        fmt = (lambda v: f"{v:%Y-%m-%d %H:%M} UTC") if isinstance(low, datetime) else (lambda v: f"{v:g}")
        return f"have {column} outside [{fmt(low)}, {fmt(high)}]: {_examples(unexpected)}"
    if kind == "expect_column_pair_values_a_to_be_greater_than_b":
        return f"have {kwargs['column_A']} before {kwargs['column_B']}"
    if kind == "expect_column_values_to_match_regex":
        return f"have a {column} not matching {kwargs['regex']}: {_examples(unexpected)}"
    return f"fail {kind}"


def _places(rows: pd.DataFrame) -> list[tuple]:
    """(file, record) of each row, from the loader's bookkeeping columns (none without ``_file``)."""
    if rows.empty or "_file" not in rows.columns:
        return []
    records = rows["_record"] if "_record" in rows.columns else [None] * len(rows)
    return list(zip(rows["_file"], records, strict=True))


def _where(places: list[tuple]) -> str:
    """'; e.g. in tickets/p1.json (record 4), …' from the (file, record) of the failing rows."""
    shown = []
    for file, record in places:
        if pd.isna(file):
            continue
        place = f"{file} (record {record})" if pd.notna(record) else str(file)
        if place not in shown:
            shown.append(place)
    return f"; e.g. in {_show(shown, 3)}" if shown else ""


def _exception_message(info) -> str | None:
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") or "error" if info["raised_exception"] else None
    messages = [_exception_message(v) for v in info.values() if isinstance(v, Mapping)]
    return "; ".join(m for m in messages if m) or None


@dataclass
class _Outcome:
    """One expectation's raw outcome over a whole batch, merged from GX's outcome on each chunk.

    The same as GX's outcome on the concatenated chunks: a failure anywhere fails, the counts add
    up, and the first failing values and rows (at most ``_PARTIAL_COUNT``) are the first chunks'."""

    config: Any  # the ExpectationConfiguration
    success: bool = True
    failing: int = 0
    error: str | None = None  # the first chunk's GX exception, if any: then not evaluated
    missing: list[str] = field(default_factory=list)  # the schema check: required columns absent
    unexpected: list = field(default_factory=list)  # the first failing values
    rows: list[dict] = field(default_factory=list)  # the first failing rows, JSON-safe
    places: list[tuple] = field(default_factory=list)  # their (file, record)

    def add(self, outcome, frame: pd.DataFrame) -> None:
        """Merge GX's ``outcome`` on one chunk; ``frame``: the chunk's rows, indexed as validated."""
        if self.error:
            return
        self.error = _exception_message(outcome.exception_info)
        if self.error:
            return
        result = outcome.result or {}
        self.success = self.success and bool(outcome.success)
        if self.config.type == "expect_table_columns_to_match_set":
            self.missing = list(((result.get("details") or {}).get("mismatched") or {}).get("missing") or [])
            return
        self.failing += int(result.get("unexpected_count") or 0)
        room = _PARTIAL_COUNT - len(self.rows)
        if room > 0:
            self.unexpected.extend(list(result.get("partial_unexpected_list") or [])[:room])
            index = [i for i in result.get("partial_unexpected_index_list") or [] if i in frame.index]
            rows = frame.loc[index[:room]]
            self.rows.extend(_records(rows))
            self.places.extend(_places(rows))


def _check_result(
    outcome: _Outcome, asset: str, total: int, new_only: bool, columns: set[str], resolved: dict[str, str]
) -> CheckResult:
    """The CheckResult of a merged outcome; ``total``: rows validated, ``columns``: the batch's."""
    config = outcome.config
    check = config.meta["check"]
    if outcome.error:
        return _result(check, resolved, False, 0, [], f"{check}: could not be evaluated: {outcome.error}")
    if config.type == "expect_table_columns_to_match_set":
        missing = outcome.missing
        details = (
            f"{check}: {len(missing)} required column(s) missing from {asset}: {_show(missing)}"
            if missing
            else f"{check}: passed, all {len(config.kwargs['column_set'])} columns present"
        )
        sample = [{"missing_column": c} for c in missing[:SAMPLE_ROWS]]
        return _result(check, resolved, outcome.success, len(missing), sample, details)
    of_rows = f"{total:,} new or updated rows" if new_only else f"{total:,} rows"
    if outcome.success and new_only and not total:
        details = f"{check}: passed, no new rows"
    elif outcome.success:
        details = f"{check}: passed (0 of {of_rows} fail)"
    else:
        problem = _problem(check, config.type, config.kwargs, outcome.unexpected, outcome.rows, columns)
        details = f"{check}: {outcome.failing:,} of {of_rows} {problem}{_where(outcome.places)}"
    return _result(check, resolved, outcome.success, outcome.failing, outcome.rows[:SAMPLE_ROWS], details)


def _validator(datasource, part: str, expectations: list):
    """validate(frame) -> GX's outcomes of ``expectations`` on that frame, for each chunk in turn.

    GX caches a batch's data and Batch in the execution engine until the next batch replaces them:
    validate lets go of them once validated, so a chunk is not held while the next one is read."""
    import great_expectations as gx

    definition = datasource.add_dataframe_asset(part).add_batch_definition_whole_dataframe("latest")
    suite = gx.ExpectationSuite(name=part, expectations=expectations)
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": _PARTIAL_COUNT}

    def validate(data: pd.DataFrame) -> list:
        gx_batch = definition.get_batch(batch_parameters={"dataframe": data})
        try:
            return list(gx_batch.validate(suite, result_format=result_format).results)
        finally:
            cache = datasource.get_execution_engine().batch_manager
            cache.batch_data_cache.pop(gx_batch.id, None)
            cache.reset_batch_cache()

    return validate


def _validate_batch(
    batch: str,
    chunks: Iterable[pd.DataFrame],
    params: QualityParams,
    refs,
    resolved: dict[str, str],
    datasource,
    new_only: bool = False,
) -> list[CheckResult]:
    """Validate a batch given as chunks (frames with a fresh index; one frame = one chunk): every
    row of a key the checks judge across rows must be in one chunk. One CheckResult per check,
    as if the concatenated chunks were validated. ``new_only``: the batch holds only the rows new
    or updated since the last passing check."""
    from expectations.suites import build_suite, prepare

    asset = asset_for(batch)
    suite = build_suite(batch, params, refs)
    results: list[CheckResult] = []
    outcomes: dict[str, _Outcome] = {}
    columns: set[str] | None = None
    validate = None
    used: list[str] = []
    total = 0
    for frame in chunks:
        prepared = prepare(batch, frame)
        if columns is None:  # the first chunk: the schema, and which checks can run on it
            columns, present = set(frame.columns), set(prepared.columns)
            runnable = []
            for expectation in suite.expectations:
                check = expectation.meta["check"]
                missing = sorted(_columns_of(expectation.configuration.kwargs) - present)
                if missing:
                    # the schema check already blocks on this; say why this one could not run
                    why = f"{check}: not evaluated, column(s) {', '.join(missing)} missing from {asset}"
                    results.append(_result(check, resolved, False, 0, [], why))
                else:
                    runnable.append(expectation)
            # GX fingerprints (hashes) every column of a batch: table-level expectations get the
            # columns without rows (once), row-level ones only the columns they read (every chunk).
            table_level = [e for e in runnable if not _columns_of(e.configuration.kwargs)]
            row_level = [e for e in runnable if _columns_of(e.configuration.kwargs)]
            for e in runnable:
                outcomes[e.meta["check"]] = _Outcome(e.configuration)
            if table_level:
                columns_only = prepared.iloc[:0].copy()  # not a view, which would hold the whole chunk
                for outcome in _validator(datasource, f"{batch}__columns", table_level)(columns_only):
                    outcomes[outcome.expectation_config.meta["check"]].add(outcome, frame)
            if row_level:
                used = sorted(set().union(*(_columns_of(e.configuration.kwargs) for e in row_level)))
                validate = _validator(datasource, batch, row_level)
        total += len(frame)
        if validate is not None:
            for outcome in validate(prepared[used]):
                outcomes[outcome.expectation_config.meta["check"]].add(outcome, frame)
        del frame, prepared  # the next chunk is read after this one is gone
    if columns is None:
        raise ValueError(f"run_checks: the {batch} batch is an empty iterable (no frame, not even an empty one)")
    results.extend(_check_result(o, asset, total, new_only, columns, resolved) for o in outcomes.values())
    return results


# --- pandas checks -----------------------------------------------------------------------------------------


def _verdict_sample(verdict) -> dict:
    """A VolumeDrop / Freshness verdict as one JSON-safe sample row (without passed and details)."""
    return _json_value({k: v for k, v in asdict(verdict).items() if k not in ("passed", "details")})


def _volume(batch: str, counts: pd.DataFrame, params: QualityParams, resolved) -> CheckResult:
    """``counts``: the batch's contacts per business day over the whole history (``day``, ``contacts``)."""
    check = f"{batch}.volume_drop"
    day = params.run_date
    if day is None:
        # the latest day in the data, but never today: today is still being filled
        today = pd.Timestamp(params.now).tz_localize("UTC").tz_convert(params.timezone).date()
        counts = counts[counts["day"] < today]
    verdict = volume_drop(
        counts,
        day,
        min_ratio=params.volume_min_ratio,
        weeks=params.volume_weeks,
        min_weeks=params.volume_min_weeks,
        min_expected=params.volume_min_expected,
    )
    sample = [] if verdict.passed else [_verdict_sample(verdict)]
    failing = 0 if verdict.passed else 1
    return _result(check, resolved, verdict.passed, failing, sample, f"{batch}.{verdict.details}")


def _summed_counts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Daily counts of several chunks (``daily_contact_counts`` each) added up per day."""
    kept = [p for p in parts if not p.empty] or parts[:1]
    if len(kept) == 1:
        return kept[0]
    total = pd.concat(kept, ignore_index=True).groupby("day")["contacts"].sum().sort_index()
    return pd.DataFrame({"day": total.index.to_numpy(dtype=object), "contacts": total.to_numpy(dtype="int64")})


def _current_run(audit: pd.DataFrame, run_id: str | None) -> tuple[pd.DataFrame, str | None]:
    """The audit rows of one load run: the given run_id, else the most recent run."""
    if "run_id" not in audit.columns or audit.empty:
        return audit, run_id
    if run_id is None:
        if "loaded_at" in audit.columns and audit["loaded_at"].notna().any():
            run_id = audit.loc[pd.to_datetime(audit["loaded_at"]).idxmax(), "run_id"]
        else:
            run_id = audit["run_id"].iloc[-1]
    return audit[audit["run_id"] == run_id], run_id


def _rejects(batches: list[str], audit: pd.DataFrame, params: QualityParams, resolved) -> list[CheckResult]:
    current, run_id = _current_run(audit, params.run_id)
    per_file = reject_ratio(current, params.reject_ratio_max)
    unreadable = rejected_files(current)
    limit = f"{params.reject_ratio_max:.0%}"
    run = f" in run {run_id}" if run_id is not None else ""
    results = []
    for batch in batches:
        check = f"{batch}.reject_ratio"
        files = per_file[per_file["batch"] == batch]
        bad = files[~files["passed"].astype(bool)]
        if bad.empty:
            details = (
                f"{check}: passed, {len(files)} file(s) loaded{run}, none rejected more than {limit} of rows"
            )
        else:
            worst = ", ".join(
                f"{f} {j}/{r} rows ({x:.1%})"
                for f, j, r, x in zip(
                    bad["file"], bad["rows_rejected"], bad["rows_read"], bad["reject_ratio"], strict=True
                )
            )
            over = f"{len(bad)} of {len(files)} file(s){run} rejected more than {limit} of rows"
            details = f"{check}: {over}: {worst}"
        sample = _records(bad.head(SAMPLE_ROWS)[["file", "rows_read", "rows_rejected", "reject_ratio"]])
        results.append(_result(check, resolved, bad.empty, len(bad), sample, details))
        results.append(_rejected_files(batch, unreadable, run, resolved))
    return results


def _rejected_files(batch: str, unreadable: pd.DataFrame, run: str, resolved) -> CheckResult:
    """A file of the batch that could not be read at all: blocking by default, so a day never goes
    out with a silently missing file; the details name the file and what to fix."""
    check = f"{batch}.rejected_files"
    bad = unreadable[unreadable["batch"] == batch]
    if bad.empty:
        details = f"{check}: passed, no file{run} was unreadable"
    else:
        listed = "; ".join(f"{f}: {r}" for f, r in zip(bad["file"], bad["reason"], strict=True))
        details = f"{check}: {len(bad)} file(s){run} could not be read and were not loaded: {listed}"
    sample = _records(bad.head(SAMPLE_ROWS)[["file", "reason"]])
    return _result(check, resolved, bad.empty, len(bad), sample, details)


def _freshness(batches: list[str], audit: pd.DataFrame, params: QualityParams, resolved) -> list[CheckResult]:
    checked = [b for b in batches if b in params.freshness_hours]
    loaded = audit
    if "status" in audit.columns:
        loaded = audit[audit["status"].fillna("loaded") == "loaded"]
    last: dict[str, datetime | None] = dict.fromkeys(checked)
    if not loaded.empty and "loaded_at" in loaded.columns:
        owner = [audit_batch(s, f) for s, f in zip(loaded["source"], loaded["file"], strict=True)]
        latest = pd.to_datetime(loaded["loaded_at"]).groupby(owner).max()
        for batch in checked:
            if batch in latest.index and pd.notna(latest[batch]):
                last[batch] = latest[batch].to_pydatetime()
    results = []
    for verdict in freshness(last, params.freshness_hours, params.now):
        check = f"{verdict.source}.freshness"
        sample = [] if verdict.passed else [_verdict_sample(verdict)]
        failing = 0 if verdict.passed else 1
        details = f"{verdict.source}.{verdict.details}"
        results.append(_result(check, resolved, verdict.passed, failing, sample, details))
    return results


# --- entry point -------------------------------------------------------------------------------------------


def _keys(frame: pd.DataFrame | None, column: str) -> tuple[str, ...] | None:
    if frame is None:
        return None
    if column not in frame.columns:
        return ()
    values = frame[column].dropna().astype(str).str.strip()
    return tuple(sorted(set(values[values != ""])))


Frames = pd.DataFrame | Iterable[pd.DataFrame]
CHUNKED_BATCHES: tuple[str, ...] = INCREMENTAL_BATCHES  # the batches that may come as chunks


def _frames(batch: Frames) -> Iterator[pd.DataFrame]:
    """The chunks of a batch (a frame is one chunk), each with a fresh index: GX reports failing
    rows by index label. Holds no chunk while the next one is read."""
    if isinstance(batch, pd.DataFrame):
        yield batch.reset_index(drop=True)
        return
    for frame in batch:
        yield frame.reset_index(drop=True)
        del frame


def _counting(frames: Iterable[pd.DataFrame], timezone: str, into: list[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """``frames`` unchanged, appending each one's contacts per business day to ``into`` on the way."""
    for frame in frames:
        into.append(daily_contact_counts(frame, timezone))
        yield frame
        del frame


def run_checks(
    batches: Mapping[str, Frames],
    config: Mapping | Any | None = None,
    *,
    now: datetime | None = None,
    run_date: date | str | None = None,
    run_id: str | None = None,
    incremental: bool = False,
) -> list[CheckResult]:
    """Validate each supplied batch and return its CheckResults in catalog order.

    batches: ``tickets``, ``calls``, ``surveys``, the reference names (``departments``, ``reasons``,
    ``reason_map``, ``incidents``, ``actions``, ``volumes``, ``targets``) and optionally
    ``load_audit`` and ``contact_starts`` (contacts per started_at over the whole history, columns
    batch, started_at, contacts: the volume checks count days from it when supplied).
    tickets, calls and surveys may each be a frame or an iterable of frames (chunks, e.g.
    ``orchestration.lib.batches.BatchChunks``), validated one at a time with the same CheckResults
    as for their concatenation, provided the rows sharing a key the checks judge across rows
    (``source_system, native_id``; ``response_id``) are in one chunk. The schema check runs on the
    first chunk; without ``contact_starts``, the volume checks add up the days of every chunk.
    config: the whycall.yml dict or a WhycallConfig (params.py lists the keys read).
    now (naive UTC, default: the clock) bounds the time window and ages; run_date is the business
    day the volume check judges (default: the latest day in the batch before today); run_id picks
    the audit rows of the reject check (default: the latest run in load_audit).
    incremental: tickets/calls/surveys hold only the rows new or updated since the last passing
    check (details say so; an empty batch passes with "no new rows"); ``contact_starts`` is then
    required, so the volume checks still see the history.
    """
    unknown = sorted(set(batches) - set(BATCHES) - {AUDIT_BATCH, STARTS_BATCH})
    if unknown:
        raise ValueError(
            f"run_checks: unknown batch(es) {', '.join(unknown)}; "
            f"expected {', '.join(BATCHES)}, {AUDIT_BATCH} or {STARTS_BATCH}"
        )
    chunked = sorted(n for n, b in batches.items() if n not in CHUNKED_BATCHES and not isinstance(b, pd.DataFrame))
    if chunked:
        raise TypeError(
            f"run_checks: {', '.join(chunked)} must be a DataFrame; only {', '.join(CHUNKED_BATCHES)} may be chunks"
        )
    starts = batches.get(STARTS_BATCH)
    if incremental and starts is None and any(b in batches for b in CONTACT_BATCHES):
        raise ValueError(
            f"run_checks(incremental=True): the volume checks need {STARTS_BATCH} "
            "(the history's contacts), the tickets/calls batches hold only new rows"
        )
    from expectations.suites import ReferenceSets

    params = quality_params(config, now=now, run_date=run_date, run_id=run_id)
    resolved = severities(config)
    refs = ReferenceSets(
        department_ids=_keys(batches.get("departments"), "department_id"),
        reason_codes=_keys(batches.get("reasons"), "reason_code"),
    )
    names = [b for b in BATCHES if b in batches]
    datasource = _datasource() if names else None
    results: list[CheckResult] = []
    for batch in names:
        frames = _frames(batches[batch])
        daily: list[pd.DataFrame] = []
        if batch in CONTACT_BATCHES and starts is None:  # the volume history is the batch itself
            frames = _counting(frames, params.timezone, daily)
        new_only = incremental and batch in INCREMENTAL_BATCHES
        results.extend(_validate_batch(batch, frames, params, refs, resolved, datasource, new_only))
        if batch in CONTACT_BATCHES:
            counts = (_summed_counts(daily) if starts is None
                      else daily_contact_counts(starts[starts["batch"] == batch], params.timezone))
            results.append(_volume(batch, counts, params, resolved))
    audit = batches.get(AUDIT_BATCH)
    if audit is not None:
        audit = audit.reset_index(drop=True)
        results.extend(_rejects(names, audit, params, resolved))
        results.extend(_freshness(names, audit, params, resolved))
    order = {spec.check: i for i, spec in enumerate(list_checks(names))}
    return sorted(results, key=lambda r: order[r.check])


def result_dict(result: CheckResult) -> dict:
    """A CheckResult as a plain dict (e.g. for Dagster check metadata)."""
    return asdict(result)
