"""Great Expectations suites as code: one function per raw batch, thresholds from QualityParams.

Each expectation carries ``meta = {"check": "<batch>.<check>", "family": ...}``; the family comes from
catalog.py, the one table mapping every expectation to its family. A few checks need a vectorised
pandas pre-computation first (``prepare``): the batch then gets ``__wc_*`` helper columns that a plain
expectation tests, e.g. ``reasons.validity_no_overlap`` = ``__wc_validity_overlap`` in {False}.

GX 1.x validates pandas batches here (no DuckDB SQL datasource): ``prepare`` also turns the naive-UTC
timestamps into tz-aware UTC, which keeps GX's between-check vectorised for any time unit.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

# GX reads these when imported: no usage analytics; progress bars are turned off per context (runner).
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
import great_expectations.expectations as gxe
import pandas as pd

from expectations.catalog import family_of
from expectations.checks import validity_overlaps
from expectations.params import DIRECTIONS, REASON_KINDS, REASON_MAP_SOURCES, QualityParams
from orchestration.lib.raw_schema import CONTACT_FIELDS, REFERENCE_FIELDS, SURVEY_FIELDS

HELPER_PREFIX = "__wc_"
PERIOD_REGEX = r"^\d{4}-(?:0[1-9]|1[0-2])$"

# Free text is not validated and not handed to the runner (most of the bytes of a batch).
FREE_TEXT = frozenset({"text", "subject", "tags", "comment"})

REQUIRED_COLUMNS: dict[str, list[str]] = {
    "tickets": [name for name, _ in CONTACT_FIELDS if name not in FREE_TEXT],
    "calls": [name for name, _ in CONTACT_FIELDS if name not in FREE_TEXT],
    "surveys": [name for name, _ in SURVEY_FIELDS if name not in FREE_TEXT],
    **{batch: [name for name, _ in fields] for batch, fields in REFERENCE_FIELDS.items()},
}

# Reference columns where an empty string means "not given" (CSV cells), like a null.
_BLANK_IS_NULL: dict[str, tuple[str, ...]] = {
    "departments": ("department_id", "parent_id"),
    "reasons": ("reason_code", "department_id", "kind"),
    "reason_map": ("source", "source_value", "reason_code"),
    "incidents": ("incident_id", "department_id", "reason_code"),
    "actions": ("action_id", "department_id", "reason_code"),
    "volumes": ("department_id", "measure"),
    "targets": ("department_id", "period"),
    "holidays": ("department_id",),
}
_TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "tickets": ("started_at",),
    "calls": ("started_at",),
    "surveys": ("responded_at",),
}
_NUMBERS: dict[str, tuple[str, ...]] = {
    "tickets": ("handle_seconds", "wait_seconds"),
    "calls": ("handle_seconds", "wait_seconds"),
    "surveys": ("nps", "csat", "ces"),
    "volumes": ("value",),
}


@dataclass(frozen=True)
class ReferenceSets:
    """Valid keys from the reference batches; None = that batch was not supplied (check skipped)."""

    department_ids: tuple[str, ...] | None = None
    reason_codes: tuple[str, ...] | None = None


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _expect(suite: gx.ExpectationSuite, batch: str, check: str, expectation: type, **kwargs) -> None:
    name = f"{batch}.{check}"
    suite.add_expectation(expectation(**kwargs, meta={"check": name, "family": family_of(name)}))


def _required_columns(suite: gx.ExpectationSuite, batch: str) -> None:
    _expect(
        suite,
        batch,
        "required_columns",
        gxe.ExpectTableColumnsToMatchSet,
        column_set=REQUIRED_COLUMNS[batch],
        exact_match=False,
    )


def _in_reference(suite, batch: str, check: str, column: str, valid: tuple[str, ...] | None) -> None:
    if valid is not None:
        _expect(suite, batch, check, gxe.ExpectColumnValuesToBeInSet, column=column, value_set=list(valid))


def _contacts_suite(batch: str, params: QualityParams) -> gx.ExpectationSuite:
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(suite, batch, "started_at_not_null", gxe.ExpectColumnValuesToNotBeNull, column="started_at")
    _expect(suite, batch, "native_id_not_null", gxe.ExpectColumnValuesToNotBeNull, column="native_id")
    # contact_id = '<source>:<native id>', so ids are unique per source system
    _expect(
        suite,
        batch,
        "native_id_unique",
        gxe.ExpectCompoundColumnsToBeUnique,
        column_list=["source_system", "native_id"],
        ignore_row_if="any_value_is_missing",
    )
    _expect(
        suite,
        batch,
        "direction_allowed",
        gxe.ExpectColumnValuesToBeInSet,
        column="direction",
        value_set=list(DIRECTIONS),
    )  # null = inbound: GX skips nulls
    _expect(
        suite,
        batch,
        "channel_allowed",
        gxe.ExpectColumnValuesToBeInSet,
        column="channel",
        value_set=list(params.channels),
    )
    for column in ("handle_seconds", "wait_seconds"):
        _expect(
            suite,
            batch,
            f"{column}_non_negative",
            gxe.ExpectColumnValuesToBeBetween,
            column=column,
            min_value=0,
        )
    _expect(
        suite,
        batch,
        "started_at_window",
        gxe.ExpectColumnValuesToBeBetween,
        column="started_at",
        min_value=_utc(params.history_start),
        max_value=_utc(params.latest_plausible),
    )
    return suite


def tickets_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    return _contacts_suite("tickets", params)


def calls_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    return _contacts_suite("calls", params)


def surveys_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch = "surveys"
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(suite, batch, "responded_at_not_null", gxe.ExpectColumnValuesToNotBeNull, column="responded_at")
    _expect(suite, batch, "response_id_not_null", gxe.ExpectColumnValuesToNotBeNull, column="response_id")
    _expect(suite, batch, "response_id_unique", gxe.ExpectColumnValuesToBeUnique, column="response_id")
    _expect(
        suite, batch, "nps_range", gxe.ExpectColumnValuesToBeBetween, column="nps", min_value=0, max_value=10
    )
    for column, (low, high) in (("csat", params.csat_scale), ("ces", params.ces_scale)):
        _expect(
            suite,
            batch,
            f"{column}_range",
            gxe.ExpectColumnValuesToBeBetween,
            column=column,
            min_value=low,
            max_value=high,
        )
    _expect(
        suite,
        batch,
        "responded_at_window",
        gxe.ExpectColumnValuesToBeBetween,
        column="responded_at",
        min_value=_utc(params.history_start),
        max_value=_utc(params.latest_plausible),
    )
    return suite


def departments_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "departments", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(suite, batch, "department_id_not_null", gxe.ExpectColumnValuesToNotBeNull, column="department_id")
    _expect(suite, batch, "department_id_unique", gxe.ExpectColumnValuesToBeUnique, column="department_id")
    _in_reference(suite, batch, "parent_id_in_departments", "parent_id", refs.department_ids)
    return suite


def reasons_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "reasons", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(suite, batch, "reason_code_not_null", gxe.ExpectColumnValuesToNotBeNull, column="reason_code")
    _expect(
        suite,
        batch,
        "validity_no_overlap",
        gxe.ExpectColumnValuesToBeInSet,
        column=f"{HELPER_PREFIX}validity_overlap",
        value_set=[False],
    )
    _expect(
        suite,
        batch,
        "validity_ordered",
        gxe.ExpectColumnPairValuesAToBeGreaterThanB,
        column_A="valid_to",
        column_B="valid_from",
        or_equal=True,
        ignore_row_if="either_value_is_missing",
    )
    _expect(
        suite,
        batch,
        "kind_allowed",
        gxe.ExpectColumnValuesToBeInSet,
        column="kind",
        value_set=list(REASON_KINDS),
    )
    _in_reference(suite, batch, "department_id_in_departments", "department_id", refs.department_ids)
    return suite


def reason_map_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "reason_map", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(
        suite,
        batch,
        "source_value_unique",
        gxe.ExpectCompoundColumnsToBeUnique,
        column_list=["source", "source_value"],
        ignore_row_if="any_value_is_missing",
    )
    _expect(
        suite,
        batch,
        "source_allowed",
        gxe.ExpectColumnValuesToBeInSet,
        column="source",
        value_set=list(REASON_MAP_SOURCES),
    )
    _in_reference(suite, batch, "reason_code_in_reasons", "reason_code", refs.reason_codes)
    return suite


def _register_suite(
    batch: str, key: str
) -> Callable[[QualityParams, ReferenceSets | None], gx.ExpectationSuite]:
    """Incidents and actions: an id that is a key, plus the reason and department they refer to."""

    def build(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
        refs = refs or ReferenceSets()
        suite = gx.ExpectationSuite(name=batch)
        _required_columns(suite, batch)
        _expect(suite, batch, f"{key}_not_null", gxe.ExpectColumnValuesToNotBeNull, column=key)
        _expect(suite, batch, f"{key}_unique", gxe.ExpectColumnValuesToBeUnique, column=key)
        if batch == "incidents":
            _expect(
                suite,
                batch,
                "ended_after_started",
                gxe.ExpectColumnPairValuesAToBeGreaterThanB,
                column_A="ended_at",
                column_B="started_at",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        _in_reference(suite, batch, "reason_code_in_reasons", "reason_code", refs.reason_codes)
        _in_reference(suite, batch, "department_id_in_departments", "department_id", refs.department_ids)
        return suite

    build.__name__ = f"{batch}_suite"
    build.__doc__ = f"Suite for raw.{batch}."
    return build


incidents_suite = _register_suite("incidents", "incident_id")
actions_suite = _register_suite("actions", "action_id")


def volumes_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "volumes", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(
        suite,
        batch,
        "day_department_measure_unique",
        gxe.ExpectCompoundColumnsToBeUnique,
        column_list=["date", "department_id", "measure"],
        ignore_row_if="any_value_is_missing",
    )
    _expect(
        suite, batch, "value_non_negative", gxe.ExpectColumnValuesToBeBetween, column="value", min_value=0
    )
    _in_reference(suite, batch, "department_id_in_departments", "department_id", refs.department_ids)
    return suite


def targets_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "targets", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(
        suite,
        batch,
        "target_numeric",
        gxe.ExpectColumnValuesToBeInSet,
        column=f"{HELPER_PREFIX}target_numeric",
        value_set=[True],
    )
    _expect(
        suite, batch, "period_format", gxe.ExpectColumnValuesToMatchRegex, column="period", regex=PERIOD_REGEX
    )  # empty period = every month
    _in_reference(suite, batch, "department_id_in_departments", "department_id", refs.department_ids)
    return suite


def holidays_suite(params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    batch, refs = "holidays", refs or ReferenceSets()
    suite = gx.ExpectationSuite(name=batch)
    _required_columns(suite, batch)
    _expect(suite, batch, "date_not_null", gxe.ExpectColumnValuesToNotBeNull, column="date")
    _in_reference(suite, batch, "department_id_in_departments", "department_id", refs.department_ids)
    return suite


SUITES: dict[str, Callable[[QualityParams, ReferenceSets | None], gx.ExpectationSuite]] = {
    "tickets": tickets_suite,
    "calls": calls_suite,
    "surveys": surveys_suite,
    "departments": departments_suite,
    "reasons": reasons_suite,
    "reason_map": reason_map_suite,
    "incidents": incidents_suite,
    "actions": actions_suite,
    "volumes": volumes_suite,
    "targets": targets_suite,
    "holidays": holidays_suite,
}


def build_suite(batch: str, params: QualityParams, refs: ReferenceSets | None = None) -> gx.ExpectationSuite:
    try:
        return SUITES[batch](params, refs)
    except KeyError:
        raise ValueError(f"no suite for batch {batch!r}; expected one of {', '.join(SUITES)}") from None


# --- pre-computation ---------------------------------------------------------------------------------------


def _blank_to_null(values: pd.Series) -> pd.Series:
    if values.dtype == bool or pd.api.types.is_numeric_dtype(values):
        return values
    blank = values.astype("string").str.strip().eq("").fillna(False).astype(bool)
    return values.mask(blank) if blank.any() else values


def _as_utc(values: pd.Series) -> pd.Series:
    stamps = (
        values if pd.api.types.is_datetime64_any_dtype(values) else pd.to_datetime(values, errors="coerce")
    )
    return stamps.dt.tz_localize("UTC") if stamps.dt.tz is None else stamps.dt.tz_convert("UTC")


def _as_float(values: pd.Series) -> pd.Series:
    if values.dtype == "float64":
        return values
    if pd.api.types.is_numeric_dtype(values) and values.dtype != bool:
        return values.astype("float64")  # nullable / Arrow ints and floats: GX's fast path wants numpy
    if values.isna().all():
        return values.astype("float64")  # an all-null object column (no such value in this source)
    return values  # anything else is left for GX to judge as it is


def prepare(batch: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame GX validates: the same rows and index as ``frame`` with typed columns and helpers."""
    updates: dict[str, pd.Series] = {}
    for column in _BLANK_IS_NULL.get(batch, ()):
        if column in frame.columns:
            updates[column] = _blank_to_null(frame[column])
    for column in _TIMESTAMPS.get(batch, ()):
        if column in frame.columns:
            updates[column] = _as_utc(frame[column])
    for column in _NUMBERS.get(batch, ()):
        if column in frame.columns:
            updates[column] = _as_float(frame[column])
    if batch == "reasons" and {"reason_code", "valid_from", "valid_to"} <= set(frame.columns):
        updates[f"{HELPER_PREFIX}validity_overlap"] = validity_overlaps(
            frame.assign(reason_code=updates.get("reason_code", frame["reason_code"]))
        )
        updates["valid_from"] = pd.to_datetime(frame["valid_from"], errors="coerce")
        updates["valid_to"] = pd.to_datetime(frame["valid_to"], errors="coerce")
    if batch == "targets" and "target" in frame.columns:
        target = pd.to_numeric(frame["target"], errors="coerce").astype("float64")
        # a missing or non-numeric target is unusable in the scorecard
        updates[f"{HELPER_PREFIX}target_numeric"] = pd.Series(
            pd.notna(target) & (target.abs() != float("inf")), index=frame.index, dtype=bool
        )
    return frame.assign(**updates) if updates else frame
