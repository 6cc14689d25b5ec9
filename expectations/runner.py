"""Run every data-quality check on the raw batches and report one CheckResult per check.

    results = run_checks({"tickets": df, "calls": df, "reasons": df, ..., "load_audit": audit}, config)
    rows = results_to_rows(results, run_id)          # -> raw.quality_results

Batches are pandas frames of the raw tables (latest version per id for tickets/calls/surveys).
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
from collections.abc import Mapping
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
from expectations.checks import audit_batch, daily_contact_counts, freshness, reject_ratio, volume_drop
from expectations.params import QualityParams, quality_params

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
        sample=sample,
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


def _problem(check: str, kind: str, kwargs: Mapping, unexpected: list, rows: pd.DataFrame) -> str:
    """What the failing rows have wrong, in words, with a few of the offending values."""
    short = check.split(".", 1)[1]
    if short in _CUSTOM_PROBLEM:
        problem, column = _CUSTOM_PROBLEM[short]
        return f"{problem}: {_examples(rows[column].tolist())}" if column in rows.columns else problem
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


def _where(rows: pd.DataFrame) -> str:
    """'; e.g. in tickets/p1.json (record 4), …' from the loader's bookkeeping columns."""
    if rows.empty or "_file" not in rows.columns:
        return ""
    records = (
        rows["_record"] if "_record" in rows.columns else pd.Series([None] * len(rows), index=rows.index)
    )
    places = []
    for file, record in zip(rows["_file"], records, strict=True):
        if pd.isna(file):
            continue
        place = f"{file} (record {record})" if pd.notna(record) else str(file)
        if place not in places:
            places.append(place)
    return f"; e.g. in {_show(places, 3)}" if places else ""


def _exception_message(info) -> str | None:
    if not info:
        return None
    if "raised_exception" in info:
        return info.get("exception_message") or "error" if info["raised_exception"] else None
    messages = [_exception_message(v) for v in info.values() if isinstance(v, Mapping)]
    return "; ".join(m for m in messages if m) or None


def _validate_batch(
    batch: str,
    frame: pd.DataFrame,
    params: QualityParams,
    refs,
    resolved: dict[str, str],
    datasource,
    new_only: bool = False,
) -> list[CheckResult]:
    """``new_only``: the frame holds only the rows new or updated since the last passing check."""
    import great_expectations as gx

    from expectations.suites import build_suite, prepare

    asset = asset_for(batch)
    prepared = prepare(batch, frame)
    suite = build_suite(batch, params, refs)
    present = set(prepared.columns)
    results: list[CheckResult] = []
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
    if not runnable:
        return results

    # GX fingerprints (hashes) every column of a batch: table-level expectations get the columns
    # without rows, row-level ones only the columns they read.
    table_level = [e for e in runnable if not _columns_of(e.configuration.kwargs)]
    row_level = [e for e in runnable if _columns_of(e.configuration.kwargs)]
    used = sorted(set().union(*(_columns_of(e.configuration.kwargs) for e in row_level)))
    outcomes = []
    for part, expectations, data in (
        (f"{batch}__columns", table_level, prepared.iloc[:0]),
        (batch, row_level, prepared[used]),
    ):
        if not expectations:
            continue
        gx_batch = (
            datasource.add_dataframe_asset(part)
            .add_batch_definition_whole_dataframe("latest")
            .get_batch(batch_parameters={"dataframe": data})
        )
        validation = gx_batch.validate(
            gx.ExpectationSuite(name=part, expectations=expectations),
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": _PARTIAL_COUNT},
        )
        outcomes.extend(validation.results)
    total = len(frame)
    of_rows = f"{total:,} new or updated rows" if new_only else f"{total:,} rows"
    for outcome in outcomes:
        config = outcome.expectation_config
        check = config.meta["check"]
        error = _exception_message(outcome.exception_info)
        if error:
            results.append(
                _result(check, resolved, False, 0, [], f"{check}: could not be evaluated: {error}")
            )
            continue
        result = outcome.result or {}
        if config.type == "expect_table_columns_to_match_set":
            missing = list(((result.get("details") or {}).get("mismatched") or {}).get("missing") or [])
            details = (
                f"{check}: {len(missing)} required column(s) missing from {asset}: {_show(missing)}"
                if missing
                else f"{check}: passed, all {len(config.kwargs['column_set'])} columns present"
            )
            sample = [{"missing_column": c} for c in missing[:SAMPLE_ROWS]]
            results.append(_result(check, resolved, outcome.success, len(missing), sample, details))
            continue
        failing = int(result.get("unexpected_count") or 0)
        index = list(result.get("partial_unexpected_index_list") or [])
        rows = frame.loc[[i for i in index if i in frame.index]]
        if outcome.success and new_only and not total:
            details = f"{check}: passed, no new rows"
        elif outcome.success:
            details = f"{check}: passed (0 of {of_rows} fail)"
        else:
            unexpected = result.get("partial_unexpected_list") or []
            problem = _problem(check, config.type, config.kwargs, unexpected, rows)
            details = f"{check}: {failing:,} of {of_rows} {problem}{_where(rows)}"
        sample = _records(rows.head(SAMPLE_ROWS))
        results.append(_result(check, resolved, outcome.success, failing, sample, details))
    return results


# --- pandas checks -----------------------------------------------------------------------------------------


def _verdict_sample(verdict) -> dict:
    """A VolumeDrop / Freshness verdict as one JSON-safe sample row (without passed and details)."""
    return _json_value({k: v for k, v in asdict(verdict).items() if k not in ("passed", "details")})


def _volume(batch: str, frame: pd.DataFrame, params: QualityParams, resolved) -> CheckResult:
    """``frame``: the batch's contacts over the whole history, one per row or counted (contact_starts)."""
    check = f"{batch}.volume_drop"
    counts = daily_contact_counts(frame, params.timezone)
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
    return results


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


def run_checks(
    batches: Mapping[str, pd.DataFrame],
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
        frame = batches[batch].reset_index(drop=True)  # GX reports failing rows by index label
        new_only = incremental and batch in INCREMENTAL_BATCHES
        results.extend(_validate_batch(batch, frame, params, refs, resolved, datasource, new_only))
        if batch in CONTACT_BATCHES:
            history = frame if starts is None else starts[starts["batch"] == batch]
            results.append(_volume(batch, history, params, resolved))
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
