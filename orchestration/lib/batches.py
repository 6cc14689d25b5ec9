"""Read the raw tables back as the batches the data-quality suites validate (no Dagster import).

A daily run reads what changed, not the history (issue 8). ``read_batches(con, run_id)`` returns:

- ``tickets``, ``calls``, ``surveys``: the latest version (same rule as dbt staging, deleted tickets
  gone) of every id that has a raw row *not yet judged by a passing check*: the rows of the files
  loaded by this run, plus those loaded after the last run whose checks passed without a blocking
  failure (a run that blocked published nothing, so its rows are judged again until a run passes:
  a bad record keeps blocking until a corrected version supersedes it). On a first run that is
  everything; with nothing new the frames are empty. Surveys take every source's latest version of
  a touched ``response_id`` (the suite checks that key across sources).
- ``contact_starts``: the whole history for the volume check, counted in DuckDB: contacts per
  15-minute UTC bucket of ``started_at`` (latest, non-deleted versions), columns batch, started_at,
  contacts. Any business timezone's day boundary falls on a 15-minute UTC boundary, so the daily
  counts are exact.
- the reference tables, whole (small snapshots; the cross-reference checks need all of them).
- ``load_audit``: every row of this run (the reject check) and the last ``loaded`` row of each file
  (the freshness check needs the last load per source), not one duplicate row per file per run.

``run_id=None`` reads every id and the whole audit: a full re-validation, as before issue 8.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from expectations.catalog import AUDIT_BATCH, STARTS_BATCH
from orchestration.lib.loader import insert_rows
from orchestration.lib.raw_schema import REFERENCE_FIELDS

# table: (the key of a version chain, the key the checks judge across rows, drop deleted records).
# Table and column names come from this dict only.
_LATEST = {
    "tickets": (("source_system", "native_id"), ("source_system", "native_id"), True),
    "calls": (("source_system", "native_id"), ("source_system", "native_id"), False),
    "surveys": (("source_system", "response_id"), ("response_id",), False),
}
_CONTACTS = ("tickets", "calls")

# Free text is never validated by the suites but is most of the bytes: leave it in DuckDB.
_NOT_CHECKED = {"tickets": "text, subject, tags", "calls": "text, subject, tags", "surveys": "comment"}

_STARTS_BUCKET = "INTERVAL 15 MINUTE"  # every timezone offset in use is a multiple of 15 minutes


def _order(table: str) -> str:
    return ("_loaded_at DESC, _file DESC, _record DESC" if table == "surveys"
            else "updated_at DESC NULLS LAST, _loaded_at DESC, _file DESC, _record DESC")


def _latest(table: str, source: str) -> str:
    """``source`` (a relation with the columns of raw.<table>) reduced to the latest version per id."""
    chain = ", ".join(_LATEST[table][0])
    return f"SELECT * FROM {source} QUALIFY row_number() OVER (PARTITION BY {chain} ORDER BY {_order(table)}) = 1"


# The files whose rows no passing check has judged: this run's, and every file loaded after the
# last other run whose checks passed without a blocking failure ($until).
_PENDING_FILES = ("SELECT DISTINCT file, sha256 FROM raw.load_audit WHERE status = 'loaded' "
                  "AND (run_id = $run_id OR loaded_at > $until)")

# checked_at of the last run (not this one) whose checks passed without a blocking failure
_ACCEPTED_UNTIL = """
SELECT max(checked_at) FROM (
    SELECT run_id, max(checked_at) AS checked_at FROM raw.quality_results
    WHERE run_id IS DISTINCT FROM $run_id GROUP BY run_id
    HAVING count(*) FILTER (WHERE NOT passed AND severity = 'block') = 0
)"""


def _batch_sql(table: str, scoped: bool) -> str:
    """The rows validated for raw.<table>: latest versions of the pending ids (scoped) or of all ids."""
    _, judged, drop_deleted = _LATEST[table]
    source = f"raw.{table}"
    if scoped:
        same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM k.{c}" for c in judged)
        source = (f"(WITH pending AS ({_PENDING_FILES}), "
                  f"touched AS (SELECT DISTINCT {', '.join(judged)} FROM raw.{table} r "
                  f"SEMI JOIN pending p ON r._file = p.file AND r._sha256 = p.sha256) "
                  f"SELECT t.* FROM raw.{table} t SEMI JOIN touched k ON {same})")
    deleted = " WHERE NOT coalesce(is_deleted, false)" if drop_deleted else ""
    return f"SELECT * EXCLUDE ({_NOT_CHECKED[table]}) FROM ({_latest(table, source)}){deleted}"


def _starts_sql(table: str) -> str:
    """Contacts per 15-minute UTC bucket over the whole history: latest, non-deleted versions.

    The latest version's started_at (NULL when it is deleted) by an ordered aggregate: the same
    order as ``_latest``, a third faster than the window over the whole table."""
    chain = ", ".join(_LATEST[table][0])
    started = (f"first(CASE WHEN coalesce(is_deleted, false) THEN NULL ELSE started_at END ORDER BY {_order(table)})")
    return (f"SELECT '{table}' AS batch, time_bucket({_STARTS_BUCKET}, started_at) AS started_at, count(*) AS contacts "
            f"FROM (SELECT {started} AS started_at FROM raw.{table} GROUP BY {chain}) "
            f"WHERE started_at IS NOT NULL GROUP BY ALL ORDER BY started_at")


# This run's audit rows, and of every other run only the last 'loaded' row of each file
_AUDIT = """
(SELECT * FROM raw.load_audit WHERE run_id = $run_id)
UNION ALL
(SELECT * FROM raw.load_audit WHERE run_id IS DISTINCT FROM $run_id AND status = 'loaded'
 QUALIFY row_number() OVER (PARTITION BY source, file ORDER BY loaded_at DESC) = 1)
"""


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return con.execute(sql, params or {}).fetch_arrow_table().to_pandas()


def accepted_until(con: duckdb.DuckDBPyConnection, run_id: str | None) -> dt.datetime | None:
    """When the last run other than ``run_id`` whose checks passed (no blocking failure) checked."""
    return con.execute(_ACCEPTED_UNTIL, {"run_id": run_id}).fetchone()[0]


def read_batches(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict[str, pd.DataFrame]:
    """The batches ``expectations.run_checks(..., incremental=run_id is not None)`` validates."""
    until = accepted_until(con, run_id) if run_id is not None else None
    scoped = run_id is not None and until is not None  # nothing accepted yet: everything is new
    params = {"run_id": run_id, "until": until} if scoped else None
    batches = {table: _frame(con, _batch_sql(table, scoped), params) for table in _LATEST}
    batches[STARTS_BATCH] = pd.concat([_frame(con, _starts_sql(table)) for table in _CONTACTS], ignore_index=True)
    for name in REFERENCE_FIELDS:
        batches[name] = _frame(con, f"SELECT * FROM raw.{name}")
    batches[AUDIT_BATCH] = (_frame(con, _AUDIT, {"run_id": run_id}) if run_id is not None
                            else _frame(con, "SELECT * FROM raw.load_audit"))
    return batches


def record_results(con: duckdb.DuckDBPyConnection, rows: list[dict], checked_at: dt.datetime) -> None:
    """Append a run's check results (``expectations.results_to_rows``) to raw.quality_results.

    ``checked_at`` must be taken *before* ``read_batches``: a run without a blocking failure marks
    every file loaded before then as judged (``accepted_until``).
    """
    insert_rows(con, "quality_results", [{**row, "checked_at": checked_at} for row in rows])
