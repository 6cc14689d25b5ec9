"""Every query the dashboards run against the published warehouse (schema ``marts``).

Rules kept here so pages never need to think about them:
- values are always bound parameters (``?``); identifiers come only from the constants of this module;
- one read-only DuckDB connection per query, closed at once: a held connection would lock the file
  against the next atomic publish;
- results are cached five minutes, keyed on the warehouse path *and* its modification time, so a new
  publish shows at once;
- optional tables and columns (beyond CONTRACT §5) are looked up in ``information_schema`` first.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import os
import tempfile
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import pandas as pd
import streamlit as st

WAREHOUSE_ENV = "WHYCALL_WAREHOUSE"
DEFAULT_WAREHOUSE = "data/warehouse/whycall.duckdb"

# The dbt project's reason code for "no rule applied" (reason_method 'none'); a warehouse may also leave it null.
UNCLASSIFIED_REASON = "none"
CLASSIFIED = f"(c.reason_code is not null and c.reason_code <> '{UNCLASSIFIED_REASON}')"

# Stand-ins for missing reason / department so they can be filtered and labelled like any other value.
NO_REASON = "__none__"
NO_DEPARTMENT = "__none__"

# CSAT = share of satisfied answers, top 2 of the 1–5 scale (CONTRACT §5, whycall.yml `scales.csat`).
CSAT_SATISFIED_MIN = 4
# NPS: promoters answer 9–10, detractors 0–6.
NPS_PROMOTER_MIN = 9
NPS_DETRACTOR_MAX = 6

EXPLORER_MAX_ROWS = 5_000
TEXT_SAMPLE_ROWS = 12

# CONTRACT §5: tables and columns the app may rely on.
CONTRACT: dict[str, tuple[str, ...]] = {
    "fct_contacts": (
        "contact_id",
        "source",
        "channel",
        "direction",
        "customer_key",
        "started_at",
        "contact_date",
        "reason_code",
        "reason_method",
        "department_id",
        "incident_id",
        "is_unwanted",
        "is_repeat",
        "episode_id",
        "transfers",
        "reopens",
        "handle_seconds",
        "cost",
        "is_suspect",
        "suspect_reason",
    ),
    "unwanted_contacts_daily": (
        "contact_date",
        "department_id",
        "reason_code",
        "channel",
        "incident_id",
        "contacts",
        "unwanted_contacts",
        "repeat_contacts",
        "handle_seconds",
        "cost",
        "suspect_contacts",
    ),
    "department_scorecard": (
        "department_id",
        "month",
        "contacts",
        "unwanted_contacts",
        "unwanted_share",
        "repeat_rate",
        "contacts_per_1000",
        "csat",
        "nps",
        "ces",
        "alerts",
        "alerts_recontacted",
        "target_alerts_recontacted",
    ),
    "driver_ranking": (
        "reason_code",
        "department_id",
        "kind",
        "contacts",
        "unwanted_contacts",
        "cost",
        "repeat_rate",
        "csat",
        "share_of_unwanted",
        "rank",
    ),
    "incident_impact": (
        "incident_id",
        "department_id",
        "reason_code",
        "linked_contacts",
        "baseline_contacts",
        "excess_contacts",
        "excess_cost",
        "proactive",
        "contacts_per_hour_peak",
    ),
    "incident_candidates": (
        "contact_date",
        "reason_code",
        "observed",
        "expected",
        "score",
        "matched_incident_id",
    ),
    "action_effect": (
        "action_id",
        "reason_code",
        "department_id",
        "weeks_before",
        "weeks_after",
        "rate_before",
        "rate_after",
        "rate_ratio",
        "ci_low",
        "ci_high",
        "contacts_avoided",
        "verdict",
    ),
    "survey_responses": (
        "response_id",
        "contact_id",
        "customer_key",
        "responded_at",
        "nps",
        "csat",
        "ces",
        "comment",
        "is_suspect",
    ),
    "alerts": (
        "alert_id",
        "response_id",
        "customer_key",
        "department_id",
        "manager",
        "created_at",
        "recontacted_at",
        "status",
        "hours_to_recontact",
    ),
    "load_audit": (
        "source",
        "file",
        "sha256",
        "status",
        "rows_read",
        "rows_loaded",
        "rows_rejected",
        "loaded_at",
    ),
    "rejects": ("source", "file", "line", "reason", "raw"),
}

# Optional extras, used when the warehouse publishes them (whitelists: the only identifiers ever spliced in).
# Where two names are listed, the first present wins (the dbt project's name, or the shorter one).
DIM_REASONS_COLUMNS = ("reason_code", "label_en", "label_fr", "kind", "department_id")
REASON_LABEL_COLUMNS = ("label_en", "label_fr")  # also on driver_ranking in the dbt project
DIM_DEPARTMENTS_COLUMNS = ("department_id", "manager")
DEPARTMENT_EXTRA_COLUMNS = ("name_en", "name_fr", "volume_measure")  # optional, used when published
DEPARTMENT_NAME_COLUMNS = ("department_name", "name")
CONTACT_TEXT_COLUMNS = ("subject", "text_excerpt", "text")
SURVEY_SATISFIED_COLUMN = ("is_satisfied",)  # top 2 of the configured CSAT scale, computed by dbt
INCIDENT_DETAIL_COLUMNS = ("title", "started_at", "ended_at")
ACTION_DETAIL_COLUMNS = ("implemented_on", "description", "exposure_basis")
QUALITY_COLUMNS = ("check", "asset", "severity", "passed", "failing_rows", "details")
QUALITY_RUN_COLUMNS = ("run_id", "run")
QUALITY_TIME_COLUMNS = ("checked_at",)
# marts.contacts_daily: fct_contacts summed per day and per filter dimension, additive measures only. The
# contact queries below read it when published (a few thousand rows instead of every contact).
CONTACTS_DAILY_COLUMNS = (
    "contact_date", "channel", "direction", "reason_code", "department_id", "is_suspect", "is_unwanted",
    "is_repeat", "contacts", "cost", "handle_seconds", "handle_seconds_count", "transfers", "transfers_count",
)  # fmt: skip


class WarehouseMissing(RuntimeError):
    """No published warehouse at the configured path."""


class WarehouseError(RuntimeError):
    """The warehouse exists but cannot answer (missing table or column, unreadable file)."""


# ---------------------------------------------------------------------------------------------------------
# Connection and cache


def warehouse_path() -> Path:
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser()


def warehouse_stamp() -> tuple[str, int, int] | None:
    """(absolute path, mtime in ns, size) of the published file, or None when there is none."""
    path = warehouse_path()
    try:
        stat = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    return str(path.resolve()), stat.st_mtime_ns, stat.st_size


def warehouse_exists() -> bool:
    return warehouse_stamp() is not None


def _bindable(value: Any) -> Any:
    # Lists travel through the cache as tuples (hashable); DuckDB wants lists for LIST parameters.
    return list(value) if isinstance(value, tuple) else value


def connect_readonly(path: str) -> duckdb.DuckDBPyConnection:
    """The app's only way to open the warehouse: read-only, one connection per query, and no access to the
    file system beyond the warehouse itself (no read_csv, COPY, ATTACH, INSTALL), locked so that a query
    that slipped through cannot turn it back on."""
    return duckdb.connect(path, read_only=True,
                          config={"enable_external_access": False, "lock_configuration": True})


@st.cache_data(ttl=300, show_spinner=False, max_entries=1_000)
def _cached_query(path: str, mtime_ns: int, size: int, sql: str, params: tuple) -> pd.DataFrame:
    # mtime_ns and size are only part of the cache key: a new publish is a new key.
    try:
        con = connect_readonly(path)
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc
    try:
        return con.execute(sql, [_bindable(p) for p in params]).df()
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()


def _query(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    stamp = warehouse_stamp()
    if stamp is None:
        raise WarehouseMissing(str(warehouse_path()))
    frozen = tuple(tuple(p) if isinstance(p, list) else p for p in params)
    return _cached_query(*stamp, sql, frozen)


def _scalar_row(sql: str, params: tuple | list = ()) -> dict[str, Any]:
    frame = _query(sql, params)
    return {} if frame.empty else {k: _plain(v) for k, v in frame.iloc[0].items()}


def _plain(value: Any) -> Any:
    """NaN/NA/NaT become None so callers test one thing."""
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


# ---------------------------------------------------------------------------------------------------------
# Schema


def marts_columns() -> dict[str, frozenset[str]]:
    stamp = warehouse_stamp()
    if stamp is None:
        raise WarehouseMissing(str(warehouse_path()))
    return _marts_columns(*stamp)


# The published file is never written in place (a publish replaces it: new mtime), so its schema is read once per
# file, not once per query: most queries first ask which optional tables and columns exist.
@functools.lru_cache(maxsize=8)
def _marts_columns(path: str, mtime_ns: int, size: int) -> dict[str, frozenset[str]]:
    frame = _cached_query(
        path,
        mtime_ns,
        size,
        "select table_name, column_name from information_schema.columns where table_schema = ? "
        "order by table_name, ordinal_position",
        ("marts",),
    )
    out: dict[str, set[str]] = {}
    for table, column in frame.itertuples(index=False):
        out.setdefault(table, set()).add(column)
    return {table: frozenset(columns) for table, columns in out.items()}


def has_table(table: str, columns: tuple[str, ...] = ()) -> bool:
    present = marts_columns().get(table)
    return present is not None and set(columns) <= present


def present_columns(table: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The whitelisted ``candidates`` that ``marts.table`` has, in whitelist order."""
    present = marts_columns().get(table, frozenset())
    return tuple(c for c in candidates if c in present)


def contract_gaps() -> list[str]:
    """Tables and columns of CONTRACT §5 missing from the warehouse."""
    have = marts_columns()
    missing: list[str] = []
    for table, columns in CONTRACT.items():
        if table not in have:
            missing.append(f"marts.{table}")
        else:
            missing.extend(f"marts.{table}.{c}" for c in columns if c not in have[table])
    return missing


# ---------------------------------------------------------------------------------------------------------
# Filters


@dataclasses.dataclass(frozen=True)
class ContactFilter:
    """The filters of a contact-level query. Empty tuples mean "no filter"."""

    start: dt.date
    end: dt.date
    include_suspects: bool = False
    channels: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    departments: tuple[str, ...] = ()

    def with_(self, **changes: Any) -> ContactFilter:
        return dataclasses.replace(self, **changes)

    def params(self) -> list[Any]:
        """Values for ``CONTACT_WHERE``, in order."""
        return [
            self.start, self.end,
            self.include_suspects,
            list(self.channels), list(self.channels),
            list(self.reasons), list(self.reasons),
            list(self.departments), list(self.departments),
        ]  # fmt: skip


# Inbound contacts only: "why do customers contact us" is about what customers start; our own outbound
# calls (the closed loop) are read on their own page.
CONTACT_WHERE = f"""
    c.contact_date between ? and ?
    and (? or not coalesce(c.is_suspect, false))
    and coalesce(lower(c.direction), 'inbound') = 'inbound'
    and (len(?::varchar[]) = 0 or list_contains(?::varchar[], c.channel))
    and (len(?::varchar[]) = 0 or list_contains(?::varchar[], coalesce(c.reason_code, '{NO_REASON}')))
    and (len(?::varchar[]) = 0 or list_contains(?::varchar[], coalesce(c.department_id, '{NO_DEPARTMENT}')))
"""


@dataclasses.dataclass(frozen=True)
class ContactSource:
    """Where the contact counts come from: ``marts.contacts_daily`` (one row per group of contacts alike on every
    ``CONTACT_WHERE`` column, with additive measures) when the warehouse publishes it, else ``marts.fct_contacts``
    (one row per contact). Both are read as ``c`` and take ``CONTACT_WHERE`` and the same flag conditions; only
    counting differs, so a query writes its counts with these methods. Sums (``sum(c.cost)``,
    ``sum(c.handle_seconds)``, ``sum(c.transfers)``) read the same on both."""

    table: str
    summary: bool

    def count(self, where: str = "") -> str:
        """``count(*)`` of the contacts (those matching ``where``, when given), a bigint, 0 when none."""
        condition = f" filter (where {where})" if where else ""
        if not self.summary:
            return f"count(*){condition}"
        return f"coalesce(sum(c.contacts){condition}, 0)::bigint"

    def known(self, column: str) -> str:
        """``count(c.column)``: contacts whose ``column`` is not null (the denominator of its average)."""
        return f"coalesce(sum(c.{column}_count), 0)::bigint" if self.summary else f"count(c.{column})"


def contact_source() -> ContactSource:
    if has_table("contacts_daily", CONTACTS_DAILY_COLUMNS):
        return ContactSource("marts.contacts_daily", summary=True)
    return ContactSource("marts.fct_contacts", summary=False)


# ---------------------------------------------------------------------------------------------------------
# Reference: bounds, options, labels


def date_bounds() -> tuple[dt.date, dt.date] | None:
    src = contact_source()
    row = _scalar_row(f"select min(contact_date) as lo, max(contact_date) as hi from {src.table}")
    if not row or row["lo"] is None:
        return None
    return pd.Timestamp(row["lo"]).date(), pd.Timestamp(row["hi"]).date()


def published_at() -> dt.datetime | None:
    stamp = warehouse_stamp()
    return None if stamp is None else dt.datetime.fromtimestamp(stamp[1] / 1e9)


def filter_options() -> dict[str, list[str]]:
    """Values seen in inbound contacts, per filter."""
    src = contact_source()  # incidents are not one of its dimensions: always from fct_contacts
    frame = _query(
        f"""
        select 'channel' as what, c.channel as value from {src.table} c
        where coalesce(lower(c.direction), 'inbound') = 'inbound' and c.channel is not null group by all
        union all
        select 'reason', coalesce(c.reason_code, '{NO_REASON}') from {src.table} c group by all
        union all
        select 'department', coalesce(c.department_id, '{NO_DEPARTMENT}') from {src.table} c group by all
        union all
        select 'incident', c.incident_id from marts.fct_contacts c where c.incident_id is not null group by all
        order by 1, 2
        """
    )
    out: dict[str, list[str]] = {"channel": [], "reason": [], "department": [], "incident": []}
    for what, value in frame.itertuples(index=False):
        out[what].append(str(value))
    return out


def reasons() -> pd.DataFrame:
    """reason_code, label_en, label_fr, kind, department_id (current owner). Labels come from dim_reasons, else
    from driver_ranking when it carries them; without either, pages show the codes."""
    if has_table("dim_reasons", DIM_REASONS_COLUMNS):
        sql = """
        select reason_code, r.label_en, r.label_fr,
               coalesce(d.kind, r.kind) as kind, coalesce(d.department_id, r.department_id) as department_id
        from (select reason_code, kind, department_id from marts.driver_ranking) d
        full join (
            select reason_code, max(label_en) as label_en, max(label_fr) as label_fr,
                   max(kind) as kind, max(department_id) as department_id
            from marts.dim_reasons group by reason_code
        ) r using (reason_code)
        order by reason_code
        """
    elif len(present_columns("driver_ranking", REASON_LABEL_COLUMNS)) == len(REASON_LABEL_COLUMNS):
        sql = """
        select reason_code, label_en, label_fr, kind, department_id from marts.driver_ranking order by reason_code
        """
    else:
        sql = """
        select reason_code, null::varchar as label_en, null::varchar as label_fr, kind, department_id
        from marts.driver_ranking order by reason_code
        """
    return _query(sql)


def departments() -> pd.DataFrame:
    """department_id, name, manager. Names need dim_departments; managers fall back to the alerts."""
    name_column = present_columns("dim_departments", DEPARTMENT_NAME_COLUMNS)[:1]
    if has_table("dim_departments", DIM_DEPARTMENTS_COLUMNS) and name_column:
        extra = "".join(
            f", max({c}) as {c}" for c in present_columns("dim_departments", DEPARTMENT_EXTRA_COLUMNS)
        )
        sql = f"""
        select department_id, max({name_column[0]}) as name, max(manager) as manager {extra}
        from marts.dim_departments group by department_id order by department_id
        """  # the name and extra columns come from the DEPARTMENT_*_COLUMNS whitelists
    else:
        sql = """
        select department_id, null::varchar as name, max(manager) as manager from (
            select department_id, null::varchar as manager from marts.department_scorecard
            union all select department_id, manager from marts.alerts
        ) where department_id is not null group by department_id order by department_id
        """
    return _query(sql)


# ---------------------------------------------------------------------------------------------------------
# Overview


def contact_kpis(flt: ContactFilter) -> dict[str, Any]:
    src = contact_source()
    return _scalar_row(
        f"""
        select {src.count()} as contacts,
               {src.count("c.is_unwanted")} as unwanted,
               {src.count(CLASSIFIED)} as classified,
               {src.count(f"c.is_unwanted and {CLASSIFIED}")} as unwanted_classified,
               coalesce(sum(c.cost) filter (where c.is_unwanted), 0) as unwanted_cost,
               {src.count("c.is_repeat")} as repeats
        from {src.table} c where {CONTACT_WHERE}
        """,
        flt.params(),
    )


def contact_kpis_weekly(flt: ContactFilter) -> pd.DataFrame:
    """Per 7-day bucket ending on ``flt.end`` (so every bucket but the oldest is a full week)."""
    src = contact_source()
    return _query(
        f"""
        select ?::date - (7 * (date_diff('day', c.contact_date, ?::date) // 7) + 6)::integer as week_start,
               {src.count()} as contacts,
               {src.count("c.is_unwanted")} as unwanted,
               {src.count(f"not coalesce(c.is_unwanted, false) and {CLASSIFIED}")} as value,
               {src.count(f"not {CLASSIFIED}")} as unclassified,
               {src.count(CLASSIFIED)} as classified,
               {src.count(f"c.is_unwanted and {CLASSIFIED}")} as unwanted_classified,
               coalesce(sum(c.cost) filter (where c.is_unwanted), 0) as unwanted_cost,
               {src.count("c.is_repeat")} as repeats
        from {src.table} c where {CONTACT_WHERE}
        group by all order by week_start
        """,
        [flt.end, flt.end, *flt.params()],
    )


SURVEY_AGGREGATES = f"""
    count(*) as responses,
    avg(case when {{satisfied}} then 1.0 else 0.0 end) filter (where s.csat is not null) as csat,
    100.0 * (count(*) filter (where s.nps >= {NPS_PROMOTER_MIN}) - count(*) filter (where s.nps <= {NPS_DETRACTOR_MAX}))
        / nullif(count(s.nps), 0) as nps,
    avg(s.ces) as ces
"""
SURVEY_WHERE = "{day} between ? and ? and (? or not coalesce(s.is_suspect, false))"
# Local business dates, as the marts use them (a response at 23:30 UTC may be tomorrow in the business time zone);
# the UTC date only for a warehouse published before these columns existed.
SURVEY_LOCAL_DATE_COLUMN = ("response_date",)
ALERT_LOCAL_DATE_COLUMN = ("alert_date",)


def _survey_day() -> str:
    local = present_columns("survey_responses", SURVEY_LOCAL_DATE_COLUMN)
    return "s.response_date" if local else "s.responded_at::date"


def _alert_day() -> str:
    return "a.alert_date" if present_columns("alerts", ALERT_LOCAL_DATE_COLUMN) else "a.created_at::date"


def _survey_aggregates() -> str:
    """The dbt project's ``is_satisfied`` knows the configured CSAT scale; without it, top 2 of 1–5."""
    if present_columns("survey_responses", SURVEY_SATISFIED_COLUMN):
        return SURVEY_AGGREGATES.format(satisfied="coalesce(s.is_satisfied, false)")
    return SURVEY_AGGREGATES.format(satisfied=f"s.csat >= {CSAT_SATISFIED_MIN}")


def survey_kpis(start: dt.date, end: dt.date, include_suspects: bool) -> dict[str, Any]:
    return _scalar_row(
        f"select {_survey_aggregates()} from marts.survey_responses s where {SURVEY_WHERE.format(day=_survey_day())}",
        [start, end, include_suspects],
    )


def survey_kpis_weekly(start: dt.date, end: dt.date, include_suspects: bool) -> pd.DataFrame:
    return _query(
        f"""
        select ?::date - (7 * (date_diff('day', {_survey_day()}, ?::date) // 7) + 6)::integer as week_start,
               {_survey_aggregates()}
        from marts.survey_responses s where {SURVEY_WHERE.format(day=_survey_day())}
        group by all order by week_start
        """,
        [end, end, start, end, include_suspects],
    )


def unwanted_change_by_reason(flt: ContactFilter) -> pd.DataFrame:
    """Unwanted contacts per reason: the 7 days ending ``flt.end`` (current) vs the 7 days before (previous)."""
    window = flt.with_(start=flt.end - dt.timedelta(days=13))
    src = contact_source()
    return _query(
        f"""
        select coalesce(c.reason_code, '{NO_REASON}') as reason_code,
               {src.count("c.contact_date > ?::date - 7")} as current,
               {src.count("c.contact_date <= ?::date - 7")} as previous
        from {src.table} c where {CONTACT_WHERE} and c.is_unwanted
        group by all order by reason_code
        """,
        [flt.end, flt.end, *window.params()],
    )


def top_changes(flt: ContactFilter, limit: int = 8) -> pd.DataFrame:
    """The reasons whose unwanted contacts moved most (absolute change) between the last two weeks."""
    frame = unwanted_change_by_reason(flt)
    frame["change"] = frame["current"] - frame["previous"]
    frame = frame[frame["change"] != 0]
    order = frame["change"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].head(limit).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Why do customers contact us?


def reason_breakdown(flt: ContactFilter) -> pd.DataFrame:
    """Per reason: contacts, unwanted and value ones, cost, average handle time, repeat rate, average transfers, and
    department_id, the department most of the reason's contacts belong to (the first id on a tie)."""
    src = contact_source()
    return _query(
        f"""
        with by_department as (
            select coalesce(c.reason_code, '{NO_REASON}') as reason_code, c.department_id,
                   {src.count()} as contacts,
                   {src.count("c.is_unwanted")} as unwanted,
                   {src.count("c.is_repeat")} as repeats,
                   sum(c.cost) as cost,
                   sum(c.cost) filter (where c.is_unwanted) as unwanted_cost,
                   sum(c.handle_seconds) as handle_seconds,
                   {src.known("handle_seconds")} as handle_seconds_count,
                   sum(c.transfers) as transfers,
                   {src.known("transfers")} as transfers_count
            from {src.table} c where {CONTACT_WHERE}
            group by all
        )
        select reason_code,
               sum(contacts)::bigint as contacts,
               sum(unwanted)::bigint as unwanted,
               (sum(contacts) - sum(unwanted))::bigint as value,
               coalesce(sum(cost), 0)::double as cost,
               coalesce(sum(unwanted_cost), 0)::double as unwanted_cost,
               sum(handle_seconds) / nullif(sum(handle_seconds_count), 0) / 60 as avg_handle_min,
               sum(repeats) / sum(contacts) as repeat_rate,
               sum(transfers) / nullif(sum(transfers_count), 0) as avg_transfers,
               first(department_id order by contacts desc, department_id)
                   filter (where department_id is not null) as department_id
        from by_department
        group by reason_code order by contacts desc, reason_code
        """,
        flt.params(),
    )


def unwanted_by_department_reason(flt: ContactFilter) -> pd.DataFrame:
    src = contact_source()
    return _query(
        f"""
        select coalesce(c.department_id, '{NO_DEPARTMENT}') as department_id,
               coalesce(c.reason_code, '{NO_REASON}') as reason_code,
               {src.count()} as unwanted, coalesce(sum(c.cost), 0) as cost
        from {src.table} c where {CONTACT_WHERE} and c.is_unwanted
        group by all order by unwanted desc, department_id, reason_code
        """,
        flt.params(),
    )


QUADRANTS = ("eliminate", "automate", "simplify", "leverage")


def value_irritant_quadrants(breakdown: pd.DataFrame, kinds: dict[str, Any], moves: dict[str, str]) -> pd.DataFrame:
    """The classified reasons of ``reason_breakdown`` with their value/irritant ``quadrant``.

    The rules live in one place, the dbt model marts.fix_priorities (its yml states them, its unit tests pin
    them); ``moves`` is its reason_code -> recommended_move (``recommended_moves()``). A reason the mart does
    not place (a warehouse that predates it) is left out.
    """
    frame = breakdown[breakdown["reason_code"] != NO_REASON].copy()
    frame["kind"] = frame["reason_code"].map(kinds)
    frame["quadrant"] = frame["reason_code"].map(moves)
    frame = frame[frame["quadrant"].isin(QUADRANTS)].reset_index(drop=True)
    frame["unwanted_share"] = frame["unwanted"] / frame["contacts"]
    return frame


def contact_text_columns() -> tuple[str, ...]:
    return present_columns("fct_contacts", CONTACT_TEXT_COLUMNS)


def contact_texts(flt: ContactFilter, reason_code: str, limit: int = TEXT_SAMPLE_ROWS) -> pd.DataFrame | None:
    """Newest contact texts of one reason; None when the warehouse publishes no text column."""
    columns = contact_text_columns()
    if not columns:
        return None
    selected = ", ".join(f"c.{name}" for name in columns)  # whitelisted identifiers only
    not_empty = " or ".join(f"nullif(trim(c.{name}), '') is not null" for name in columns)
    return _query(
        f"""
        select c.contact_id, c.started_at, c.channel, {selected}
        from marts.fct_contacts c
        where {CONTACT_WHERE} and coalesce(c.reason_code, '{NO_REASON}') = ? and ({not_empty})
        order by c.started_at desc, c.contact_id limit ?
        """,
        [*flt.params(), reason_code, int(limit)],
    )


# ---------------------------------------------------------------------------------------------------------
# Departments


def _scorecard_volume() -> str:
    """A scorecard month's volume: the published ``volume`` column, else contacts × 1000 / contacts_per_1000."""
    if present_columns("department_scorecard", ("volume",)):
        return "s.volume"
    return "case when s.contacts_per_1000 > 0 then s.contacts * 1000.0 / s.contacts_per_1000 end"


# A month's volume over the days of that month the warehouse publishes, spread evenly over those days, summed over
# the days of [?, ?] (volumes are received per month, so a day's share of it is all a period can know).
PERIOD_VOLUME_SQL = """
    select s.department_id,
           sum({volume} / (date_diff('day', greatest(s.month, b.lo), least(last_day(s.month), b.hi)) + 1)
               * greatest(0, date_diff('day', greatest(s.month, b.lo, ?::date),
                                       least(last_day(s.month), b.hi, ?::date)) + 1)) as volume
    from marts.department_scorecard s, bounds b
    where s.month between date_trunc('month', ?::date) and ?::date
      and least(last_day(s.month), b.hi) >= greatest(s.month, b.lo)
    group by s.department_id
"""


def department_ranking(flt: ContactFilter) -> pd.DataFrame:
    """Per department over the selected days: inbound contacts, unwanted ones, own volume over the same days,
    unwanted (and all) contacts per 1,000 of that volume.

    Contacts are counted like on the Why page (the originating department of each contact), so both pages give
    the same number. Volumes are monthly: a month's volume is spread evenly over its days (see PERIOD_VOLUME_SQL).
    """
    src = contact_source()
    volume = PERIOD_VOLUME_SQL.format(volume=_scorecard_volume())
    return _query(
        f"""
        with bounds as (select min(contact_date) as lo, max(contact_date) as hi from {src.table}),
        counts as (
            select coalesce(c.department_id, '{NO_DEPARTMENT}') as department_id,
                   {src.count()} as contacts, {src.count("c.is_unwanted")} as unwanted
            from {src.table} c where {CONTACT_WHERE} group by all
        ),
        volumes as ({volume})
        select department_id, coalesce(c.contacts, 0) as contacts, coalesce(c.unwanted, 0) as unwanted,
               v.volume,
               coalesce(c.unwanted, 0) * 1000.0 / nullif(v.volume, 0) as unwanted_per_1000,
               coalesce(c.contacts, 0) * 1000.0 / nullif(v.volume, 0) as contacts_per_1000
        from counts c full join volumes v using (department_id)
        order by unwanted_per_1000 desc nulls last, unwanted desc, department_id
        """,
        [*flt.params(), flt.start, flt.end, flt.start, flt.end],
    )


def department_window(department_id: str, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The scorecard figures of one department over the days [start, end] instead of a whole month, as the
    warehouse defines them (non-suspect contacts; shares over inbound contacts, the unwanted share over the classified
    ones as on the Overview; contacts of its own reasons per
    1,000 of its volume over the same days; ratings and alerts of its contacts). For a month still in progress,
    compared with the same days of the previous month."""
    src = contact_source()
    owner = (
        "c.reason_department_id"
        if present_columns("fct_contacts", ("reason_department_id",))
        else "c.department_id"
    )
    volume = PERIOD_VOLUME_SQL.format(volume=_scorecard_volume())
    row = _scalar_row(
        f"""
        with bounds as (select min(contact_date) as lo, max(contact_date) as hi from {src.table}),
        volumes as ({volume}),
        contacts as (
            select count(*) filter (where c.department_id = ? and c.direction = 'inbound') as contacts,
                   count(*) filter (where c.department_id = ? and c.direction = 'inbound' and c.is_unwanted)
                       as unwanted,
                   count(*) filter (where c.department_id = ? and c.direction = 'inbound' and {CLASSIFIED})
                       as classified,
                   count(*) filter (
                       where c.department_id = ? and c.direction = 'inbound' and c.is_unwanted and {CLASSIFIED}
                   ) as unwanted_classified,
                   count(*) filter (where c.department_id = ? and c.is_repeat) as repeats,
                   count(*) filter (where {owner} = ?) as owned
            from marts.fct_contacts c
            where c.contact_date between ? and ? and not coalesce(c.is_suspect, false)
        ),
        ratings as (
            select {_survey_aggregates()}
            from marts.survey_responses s join marts.fct_contacts f using (contact_id)
            where {_survey_day()} between ? and ? and not coalesce(s.is_suspect, false) and f.department_id = ?
        ),
        alert_counts as (
            select count(*) as alerts, count(*) filter (where a.status = 'recontacted') as alerts_recontacted
            from marts.alerts a left join marts.survey_responses r using (response_id)
            where {_alert_day()} between ? and ? and not coalesce(r.is_suspect, false) and a.department_id = ?
        )
        select c.contacts, c.unwanted, c.unwanted_classified * 1.0 / nullif(c.classified, 0) as unwanted_share,
               c.repeats * 1.0 / nullif(c.contacts, 0) as repeat_rate,
               c.owned * 1000.0 / nullif((select volume from volumes where department_id = ?), 0)
                   as contacts_per_1000,
               r.csat, r.nps, r.ces, a.alerts, a.alerts_recontacted
        from contacts c, ratings r, alert_counts a
        """,
        [
            start, end, start, end,
            *[department_id] * 6, start, end,
            start, end, department_id,
            start, end, department_id,
            department_id,
        ],
    )  # fmt: skip
    return row


def _csat_as_share(frame: pd.DataFrame) -> pd.DataFrame:
    """CSAT as a share (0–1) like the other rates. The dbt project publishes it in % (0–100) on the
    scorecard and the driver ranking; a share never exceeds 1, so any value above 1 means percent."""
    if "csat" in frame.columns and (pd.to_numeric(frame["csat"], errors="coerce") > 1).any():
        frame["csat"] = frame["csat"] / 100
    return frame


def scorecard_share_is_classified() -> bool:
    """Whether the warehouse publishes the unwanted share over classified contacts (the share the Overview
    shows); an older one only has the contract's share over every inbound contact."""
    return bool(present_columns("department_scorecard", ("unwanted_share_classified",)))


def department_scorecard(department_id: str) -> pd.DataFrame:
    """``unwanted_share`` is over classified contacts when the warehouse has it, as on the Overview (an
    unclassified contact is neither wanted nor unwanted); see ``scorecard_share_is_classified``."""
    share = "unwanted_share_classified" if scorecard_share_is_classified() else "unwanted_share"
    return _csat_as_share(
        _query(
            f"""
        select month, contacts, unwanted_contacts, {share} as unwanted_share, repeat_rate, contacts_per_1000,
               csat, nps, ces, alerts, alerts_recontacted, target_alerts_recontacted
        from marts.department_scorecard where department_id = ? order by month
        """,
            [department_id],
        )
    )


def department_reasons(department_id: str) -> pd.DataFrame:
    return _csat_as_share(
        _query(
            """
        select reason_code, kind, contacts, unwanted_contacts, cost, repeat_rate, csat, share_of_unwanted, rank
        from marts.driver_ranking where department_id = ? order by rank, reason_code
        """,
            [department_id],
        )
    )


# ---------------------------------------------------------------------------------------------------------
# Incidents


def incidents(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Registered incidents touching [start, end], with impact and their period.

    The period comes from title/started_at/ended_at when the warehouse publishes them (on incident_impact or
    an optional dim_incidents), else from the dates of the contacts linked to the incident.
    """
    details = present_columns("incident_impact", INCIDENT_DETAIL_COLUMNS)
    if details:
        extra, join = ", " + ", ".join(f"i.{c}" for c in details), ""
    else:
        details = present_columns("dim_incidents", INCIDENT_DETAIL_COLUMNS)
        if details and has_table("dim_incidents", ("incident_id",)):
            extra = ", " + ", ".join(f"d.{c}" for c in details)
            join = "left join marts.dim_incidents d using (incident_id)"
        else:
            extra, join = "", ""
    frame = _query(
        f"""
        select incident_id, i.department_id, i.reason_code, i.linked_contacts, i.baseline_contacts,
               i.excess_contacts, i.excess_cost, i.proactive, i.contacts_per_hour_peak,
               s.first_day, s.last_day {extra}
        from marts.incident_impact i
        left join (
            select incident_id, min(contact_date) as first_day, max(contact_date) as last_day
            from marts.fct_contacts where incident_id is not null group by incident_id
        ) s using (incident_id)
        {join}
        order by i.excess_contacts desc nulls last, incident_id
        """
    )
    for name in ("title", "started_at", "ended_at"):
        if name not in frame.columns:
            frame[name] = None
    first = pd.to_datetime(frame["started_at"]).dt.normalize().fillna(pd.to_datetime(frame["first_day"]))
    last = pd.to_datetime(frame["ended_at"]).dt.normalize().fillna(pd.to_datetime(frame["last_day"]))
    frame["period_start"], frame["period_end"] = first, last
    overlaps = (first <= pd.Timestamp(end)) & (last >= pd.Timestamp(start))
    return frame[overlaps.fillna(False)].reset_index(drop=True)


def daily_contacts_by_reason(flt: ContactFilter) -> pd.DataFrame:
    src = contact_source()
    return _query(
        f"""
        select c.contact_date, coalesce(c.reason_code, '{NO_REASON}') as reason_code, {src.count()} as contacts
        from {src.table} c where {CONTACT_WHERE}
        group by all order by c.contact_date, reason_code
        """,
        flt.params(),
    )


def incident_candidates(start: dt.date, end: dt.date) -> pd.DataFrame:
    """Spikes of [start, end]. ``score`` is null when the usual spread (MAD) is 0; the threshold it passed
    (``threshold_score``, when published) stands in for it."""
    score = (
        "coalesce(score, threshold_score)"
        if present_columns("incident_candidates", ("threshold_score",))
        else "score"
    )
    return _query(
        f"""
        select contact_date, reason_code, observed, expected, {score} as score, matched_incident_id
        from marts.incident_candidates where contact_date between ? and ?
        order by contact_date, reason_code
        """,
        [start, end],
    )


# ---------------------------------------------------------------------------------------------------------
# Actions


def action_effects() -> pd.DataFrame:
    details = present_columns("action_effect", ACTION_DETAIL_COLUMNS)
    extra = "".join(f", a.{c}" for c in details)
    frame = _query(
        f"""
        select a.action_id, a.reason_code, a.department_id, a.weeks_before, a.weeks_after, a.rate_before,
               a.rate_after, a.rate_ratio, a.ci_low, a.ci_high, a.contacts_avoided, a.verdict {extra}
        from marts.action_effect a order by a.action_id
        """
    )
    for name in ACTION_DETAIL_COLUMNS:
        if name not in frame.columns:
            frame[name] = None
    return frame


def weekly_contacts_of_reason(reason_code: str, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Weekly (Monday) inbound, non-suspect contacts of one reason, as the action marts count them."""
    flt = ContactFilter(start=start, end=end, reasons=(reason_code,))
    src = contact_source()
    return _query(
        f"""
        select date_trunc('week', c.contact_date)::date as week_start, {src.count()} as contacts
        from {src.table} c where {CONTACT_WHERE}
        group by all order by week_start
        """,
        flt.params(),
    )


# ---------------------------------------------------------------------------------------------------------
# Closed loop

ALERT_WHERE = "(? or not coalesce(r.is_suspect, false))"


def activity_as_of() -> dt.datetime | None:
    """Latest activity in the warehouse: alert ages are measured from here, not from the wall clock,
    so an older warehouse still reads sensibly."""
    row = _scalar_row(
        """
        select greatest(
            (select max(started_at) from marts.fct_contacts),
            (select max(created_at) from marts.alerts),
            (select max(recontacted_at) from marts.alerts)
        ) as as_of
        """
    )
    value = row.get("as_of")
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def alert_summary(
    start: dt.date, end: dt.date, include_suspects: bool, manager: str | None = None
) -> dict[str, Any]:
    where, params = _manager_where(manager)
    return _scalar_row(
        f"""
        select count(*) as alerts,
               count(*) filter (where a.status = 'recontacted') as in_time,
               count(*) filter (where a.status = 'late') as late,
               count(*) filter (where a.status = 'open') as open,
               median(a.hours_to_recontact) filter (where a.recontacted_at is not null) as median_hours
        from marts.alerts a left join marts.survey_responses r using (response_id)
        where {_alert_day()} between ? and ? and {ALERT_WHERE} {where}
        """,
        [start, end, include_suspects, *params],
    )


RECONTACT_HOURS = 48  # alert.recontact_within_hours (CONTRACT §3 default): "hours left" counts down to it
EXPIRE_DAYS_ENV = "WHYCALL_ALERT_EXPIRE_DAYS"  # open alerts older than this are listed apart as expired
DEFAULT_EXPIRE_DAYS = 14.0  # the notifier's notify.expire_after_days default (docs/notifications.md)
LOOP_COLUMNS = ("contact_id", "notified_at", "reminded_at", "escalated_at", "outcome")  # newer marts.alerts
ZENDESK_ENV = ("ZENDESK_BASE_URL", "ZENDESK_SUBDOMAIN")  # the same settings as `whycall pull zendesk`


def alert_expire_days() -> float:
    """Days after which an open alert is shown apart as expired ($WHYCALL_ALERT_EXPIRE_DAYS, default 14)."""
    raw = (os.environ.get(EXPIRE_DAYS_ENV) or "").strip()
    try:
        value = float(raw) if raw else DEFAULT_EXPIRE_DAYS
    except ValueError:
        return DEFAULT_EXPIRE_DAYS
    return value if value > 0 else DEFAULT_EXPIRE_DAYS


def zendesk_agent_base() -> str | None:
    """https://<subdomain>.zendesk.com when the Zendesk subdomain (or base URL) is configured, else None."""
    from orchestration.lib.zendesk_api import ZendeskConfigError, base_url_for

    for name in ZENDESK_ENV:
        where = (os.environ.get(name) or "").strip()
        if where:
            try:
                return base_url_for(where)
            except ZendeskConfigError:
                return None
    return None


def source_ticket(contact_id: Any, agent_base: str | None) -> tuple[str | None, str | None]:
    """(reference, link) of an alert's source contact: zendesk:123 → ('#123', agent URL when the base is known);
    another source keeps its id and has no link."""
    if contact_id is None or (isinstance(contact_id, float) and pd.isna(contact_id)) or not str(contact_id):
        return None, None
    text = str(contact_id)
    source, _, native = text.partition(":")
    if source == "zendesk" and native.isdigit():
        return f"#{native}", f"{agent_base}/agent/tickets/{native}" if agent_base else None
    return text, None


def alert_managers() -> list[str]:
    """The managers alerts are routed to, sorted."""
    frame = _query("select distinct manager from marts.alerts where manager is not null order by manager")
    return [str(m) for m in frame["manager"]]


def _manager_where(manager: str | None) -> tuple[str, list]:
    return ("and a.manager = ?", [manager]) if manager else ("", [])


def open_alerts(as_of: dt.datetime, include_suspects: bool, manager: str | None = None) -> pd.DataFrame:
    """Every alert still open, whatever the period (open work is today's work), with what a manager needs to
    act: the source contact, the comment, the hours left before the recontact limit (negative: overdue)."""
    extra = present_columns("alerts", LOOP_COLUMNS)
    picked = "".join(f", a.{c}" for c in extra)
    comment = ", r.comment" if "comment" in marts_columns().get("survey_responses", frozenset()) else ""
    where, params = _manager_where(manager)
    frame = _query(
        f"""
        select *, case when age_hours < 24 then 0 when age_hours < 48 then 1 when age_hours < 168 then 2
                       else 3 end as age_bucket,
                  {RECONTACT_HOURS} - age_hours as hours_left
        from (
            select a.alert_id, a.customer_key, a.department_id, a.manager, a.created_at{picked}{comment},
                   (epoch(?::timestamp) - epoch(a.created_at)) / 3600.0 as age_hours
            from marts.alerts a left join marts.survey_responses r using (response_id)
            where a.status = 'open' and {ALERT_WHERE} {where}
        )
        order by created_at, alert_id
        """,
        [as_of, include_suspects, *params],
    )
    frame["expired"] = frame["age_hours"] > alert_expire_days() * 24
    return frame


def manager_loop(start: dt.date, end: dt.date, include_suspects: bool, as_of: dt.datetime | None) -> pd.DataFrame:
    """Per manager, the period's alerts: received, notified (when the warehouse has notified_at), recontacted
    within the limit, late, still open; and open now (any period) split into actionable and expired."""
    notified = "count(a.notified_at)" if present_columns("alerts", ("notified_at",)) else "null::bigint"
    expire_hours = alert_expire_days() * 24
    return _query(
        f"""
        with period as (
            select a.manager, count(*) as received, {notified} as notified,
                   count(*) filter (where a.status = 'recontacted') as in_time,
                   count(*) filter (where a.status = 'late') as late
            from marts.alerts a left join marts.survey_responses r using (response_id)
            where {_alert_day()} between ? and ? and {ALERT_WHERE}
            group by all
        ),
        open_now as (
            select a.manager,
                   count(*) filter (where epoch(?::timestamp) - epoch(a.created_at) <= ? * 3600) as open_now,
                   count(*) filter (where epoch(?::timestamp) - epoch(a.created_at) > ? * 3600) as expired
            from marts.alerts a left join marts.survey_responses r using (response_id)
            where a.status = 'open' and {ALERT_WHERE}
            group by all
        )
        select coalesce(p.manager, o.manager) as manager, coalesce(p.received, 0) as received, p.notified,
               coalesce(p.in_time, 0) as in_time, coalesce(p.late, 0) as late,
               coalesce(o.open_now, 0) as open_now, coalesce(o.expired, 0) as expired
        from period p full outer join open_now o on o.manager is not distinct from p.manager
        order by received desc, manager
        """,
        [start, end, include_suspects, as_of, expire_hours, as_of, expire_hours, include_suspects],
    )


def alert_outcomes(start: dt.date, end: dt.date, include_suspects: bool, manager: str | None = None) -> pd.DataFrame:
    """The period's recontacted alerts by callback outcome (null: not told yet); empty without the column."""
    if not present_columns("alerts", ("outcome",)):
        return pd.DataFrame(columns=["outcome", "alerts"])
    where, params = _manager_where(manager)
    return _query(
        f"""
        select a.outcome, count(*) as alerts
        from marts.alerts a left join marts.survey_responses r using (response_id)
        where {_alert_day()} between ? and ? and {ALERT_WHERE} and a.recontacted_at is not null {where}
        group by all order by alerts desc, outcome nulls last
        """,
        [start, end, include_suspects, *params],
    )


def monthly_recontact(start: dt.date, end: dt.date, manager: str | None = None) -> pd.DataFrame:
    """Alerts recontacted in time per month against the absolute monthly target (department_scorecard), for
    every department or for the departments a manager heads."""
    where, params = "", []
    if manager:
        heads = departments()
        ids = [str(d) for d in heads.loc[heads["manager"] == manager, "department_id"]]
        where, params = f"and department_id in ({', '.join('?' for _ in ids) or 'null'})", ids
    return _query(
        f"""
        select month, sum(alerts) as alerts, sum(alerts_recontacted) as recontacted,
               sum(target_alerts_recontacted) as target
        from marts.department_scorecard
        where month between date_trunc('month', ?::date) and ?::date {where}
        group by month order by month
        """,
        [start, end, *params],
    )


# ---------------------------------------------------------------------------------------------------------
# Contact explorer

EXPLORER_COLUMNS = (
    "contact_id", "started_at", "channel", "source", "reason_code", "reason_method", "department_id",
    "incident_id", "is_unwanted", "is_repeat", "transfers", "reopens", "handle_seconds", "cost", "is_suspect",
    "suspect_reason",
)  # fmt: skip
INCIDENT_MODES = ("any", "with", "without")
YES_NO_ANY = ("any", "yes", "no")

EXPLORER_WHERE = f"""
    {CONTACT_WHERE}
    and (? = 'any' or (? = 'with' and c.incident_id is not null) or (? = 'without' and c.incident_id is null)
         or c.incident_id = ?)
    and (? = 'any' or (? = 'yes') = coalesce(c.is_repeat, false))
    and (? = 'any' or (? = 'yes') = coalesce(c.is_suspect, false))
"""


def _explorer_params(flt: ContactFilter, incident: str, repeat: str, suspect: str) -> list[Any]:
    # The explorer has its own suspect filter, so the global one is opened here.
    return [*flt.with_(include_suspects=True).params(), *[incident] * 4, *[repeat] * 2, *[suspect] * 2]


def explore_count(flt: ContactFilter, incident: str, repeat: str, suspect: str) -> int:
    row = _scalar_row(
        f"select count(*) as n from marts.fct_contacts c where {EXPLORER_WHERE}",
        _explorer_params(flt, incident, repeat, suspect),
    )
    return int(row.get("n") or 0)


def explore_contacts(
    flt: ContactFilter, incident: str, repeat: str, suspect: str, limit: int = EXPLORER_MAX_ROWS
) -> pd.DataFrame:
    columns = EXPLORER_COLUMNS + contact_text_columns()
    selected = ", ".join(f"c.{name}" for name in columns)  # whitelisted identifiers only
    return _query(
        f"""
        select {selected} from marts.fct_contacts c where {EXPLORER_WHERE}
        order by c.started_at desc, c.contact_id limit ?
        """,
        [*_explorer_params(flt, incident, repeat, suspect), int(limit)],
    )


def explore_csv(flt: ContactFilter, incident: str, repeat: str, suspect: str, batch_rows: int = 10_000) -> BinaryIO:
    """Every contact matching the explorer's filters as CSV (UTF-8, header, newest first), not only the rows the
    page shows: read from DuckDB batch by batch into a temporary file (spilled to disk past 16 MB), so a large
    export never sits in memory as a data frame. Not cached: it is built when the leader clicks Download."""
    stamp = warehouse_stamp()
    if stamp is None:
        raise WarehouseMissing(str(warehouse_path()))
    columns = EXPLORER_COLUMNS + contact_text_columns()
    selected = ", ".join(f"c.{name}" for name in columns)  # whitelisted identifiers only
    out = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - returned open, Streamlit reads it
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text)
    con = duckdb.connect(stamp[0], read_only=True)
    try:
        cursor = con.execute(
            f"""select {selected} from marts.fct_contacts c where {EXPLORER_WHERE}
            order by c.started_at desc, c.contact_id""",
            [_bindable(p) for p in _explorer_params(flt, incident, repeat, suspect)],
        )
        writer.writerow(columns)
        while rows := cursor.fetchmany(batch_rows):
            writer.writerows(rows)
    except duckdb.Error as exc:
        raise WarehouseError(str(exc).splitlines()[0]) from exc
    finally:
        con.close()
    text.flush()
    text.detach()
    out.seek(0)
    return out


# ---------------------------------------------------------------------------------------------------------
# Data health


def load_summary() -> pd.DataFrame:
    return _query(
        """
        select source, count(*) as files, count(*) filter (where status = 'duplicate') as duplicates,
               sum(rows_read) as rows_read, sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected,
               max(loaded_at) as loaded_at
        from marts.load_audit group by source order by source
        """
    )


def classification_shares(start: dt.date, end: dt.date) -> pd.DataFrame:
    """How contact reasons were found (field, map, keywords, none): share of inbound contacts of [start, end]."""
    return _query(
        """
        select reason_method, count(*) as contacts, count(*) * 1.0 / sum(count(*)) over () as share
        from marts.fct_contacts
        where coalesce(lower(direction), 'inbound') = 'inbound' and contact_date between ? and ?
        group by reason_method order by contacts desc
        """,
        [start, end],
    )


def load_files(limit: int = 200) -> pd.DataFrame:
    return _query(
        """
        select loaded_at, source, file, status, rows_read, rows_loaded, rows_rejected, sha256
        from marts.load_audit order by loaded_at desc, source, file limit ?
        """,
        [int(limit)],
    )


def files_not_loaded() -> pd.DataFrame:
    """Files of the latest run that were not loaded (ignored, rejected_file, deferred), with why."""
    reason = "reason" if has_table("load_audit", ("reason",)) else "null"  # whitelisted: a column or null
    # a warehouse without run_id (older, or a minimal contract one) has no latest run to pick: every such file
    latest_run = (
        "run_id = (select run_id from marts.load_audit order by loaded_at desc limit 1)"
        if has_table("load_audit", ("run_id",))
        else "true"
    )  # whitelisted: one of two fixed conditions
    return _query(
        f"""
        select source, file, status, {reason} as reason, loaded_at
        from marts.load_audit
        where {latest_run}
          and status not in ('loaded', 'duplicate')
        order by status, source, file
        """
    )


def rejects_by_reason() -> pd.DataFrame:
    return _query(
        """
        select source, reason, count(*) as rows, count(distinct file) as files
        from marts.rejects group by all order by rows desc, source, reason
        """
    )


def rejects_sample(limit: int = 200) -> pd.DataFrame:
    return _query(
        """
        select source, file, line, reason, left(cast(raw as varchar), 300) as raw
        from marts.rejects order by source, file, line limit ?
        """,
        [int(limit)],
    )


def quality_results(limit: int = 1_000) -> pd.DataFrame | None:
    """Data-quality results, latest run first and failures first; None when the warehouse publishes none."""
    run_column = present_columns("quality_results", QUALITY_RUN_COLUMNS)[:1]
    if not has_table("quality_results", QUALITY_COLUMNS) or not run_column:
        return None
    # Identifiers from the QUALITY_* whitelists only; a run is ordered by its check time when published.
    run = f"q.{run_column[0]}"
    ordered_by = "q.checked_at" if present_columns("quality_results", QUALITY_TIME_COLUMNS) else run
    return _query(
        f"""
        select cast({run} as varchar) as run, q."check", q.asset, q.severity, q.passed, q.failing_rows,
               cast(q.details as varchar) as details
        from marts.quality_results q
        order by max({ordered_by}) over (partition by {run}) desc, {run} desc, q.passed, q.severity, q."check"
        limit ?
        """,
        [int(limit)],
    )


# ---------------------------------------------------------------------------------------------------------
# What to fix first (marts.fix_priorities, issue 21)

FIX_PRIORITY_COLUMNS = (
    "rank", "reason_code", "kind", "department_id", "manager", "recommended_move", "priority_score",
    "contacts", "unwanted_contacts_per_month", "cost_per_year", "window_start", "window_end", "window_days",
    "repeat_contacts", "customers_affected", "trend_ratio", "trend_ci_low", "trend_ci_high", "nps_responses",
    "nps_gap", "nps_gap_low", "nps_gap_high", "nps_impact", "nps_impact_low", "nps_impact_high", "csat_gap",
    "csat_gap_low", "csat_gap_high", "has_action", "latest_action_id", "latest_action_verdict",
)  # fmt: skip


def has_fix_priorities() -> bool:
    return has_table("fix_priorities", FIX_PRIORITY_COLUMNS)


def fix_priorities(limit: int | None = None) -> pd.DataFrame:
    """The ranked reasons of marts.fix_priorities (whole published window), best fix first; unranked rows
    (unclassified contacts) are left out. Empty when the warehouse predates the mart."""
    if not has_fix_priorities():
        return pd.DataFrame(columns=list(FIX_PRIORITY_COLUMNS))
    selected = ", ".join(f"p.{c}" for c in FIX_PRIORITY_COLUMNS)  # whitelisted identifiers only
    return _query(
        f"select {selected} from marts.fix_priorities p where p.rank is not null order by p.rank limit ?",
        [int(limit) if limit is not None else 1_000_000],
    )


def recommended_moves() -> dict[str, str]:
    """reason_code -> the value/irritant move computed in marts.fix_priorities (empty without the mart)."""
    if not has_table("fix_priorities", ("reason_code", "recommended_move")):
        return {}
    frame = _query(
        "select reason_code, recommended_move from marts.fix_priorities where recommended_move is not null"
    )
    return dict(zip(frame["reason_code"], frame["recommended_move"]))


@st.cache_data(ttl=300, show_spinner=False, max_entries=64)
def _department_brief(path: str, mtime_ns: int, size: int, department_id: str, month: str, lang: str) -> str | None:
    from app.brief import BriefError, load_brief, render_html

    try:
        return render_html(load_brief(Path(path), department_id, month), lang)
    except (BriefError, duckdb.Error):  # a warehouse without the brief's marts: no button, not an error
        return None


def department_brief(department_id: str, month: dt.date, lang: str) -> str | None:
    """The department's monthly brief (app/brief.py, as `whycall brief` writes it) as HTML; None when the
    warehouse cannot give one."""
    stamp = warehouse_stamp()
    if stamp is None:
        raise WarehouseMissing(str(warehouse_path()))
    return _department_brief(*stamp, department_id, f"{month:%Y-%m}", lang)


SUGGESTION_COLUMNS = (
    "population", "rank", "phrase", "language", "sample_contacts", "sample_size", "population_contacts", "share",
    "estimated_contacts", "earlier_contacts", "recent_contacts", "trend_ratio", "example_1", "example_2",
    "example_3", "nearest_reason_code", "nearest_similarity", "paste_file", "paste_line", "recent_from", "sampling",
)  # fmt: skip


def reason_suggestions(population: str) -> pd.DataFrame:
    """The recurring topics of marts.reason_suggestions for ``population`` ('none' = unclassified contacts,
    'keywords' = classified by keywords only), best first. Empty when the warehouse predates the table."""
    if not has_table("reason_suggestions", SUGGESTION_COLUMNS):
        return pd.DataFrame(columns=list(SUGGESTION_COLUMNS))
    selected = ", ".join(f"s.{c}" for c in SUGGESTION_COLUMNS)  # whitelisted identifiers only
    return _query(
        f"select {selected} from marts.reason_suggestions s where s.population = ? order by s.rank", [population]
    )
