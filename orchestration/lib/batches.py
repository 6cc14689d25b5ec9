"""Read the raw tables back as the batches the data-quality suites validate (no Dagster import).

A daily run reads what changed, not the history (issue 8). ``read_batches(con, run_id)`` returns:

- ``tickets``, ``calls``, ``surveys``: the latest version (same rule as dbt staging, deleted tickets
  gone) of every id that has a raw row *not yet judged by a passing check*: the rows of the files
  loaded by this run, plus those loaded after the last run whose checks passed without a blocking
  failure (a run that blocked published nothing, so its rows are judged again until a run passes:
  a bad record keeps blocking until a corrected version supersedes it). On a first run that is
  everything; with nothing new the frames are empty. Surveys take every source's latest version of
  a touched ``response_id`` (the suite checks that key across sources).

  Each is a ``BatchChunks``: read lazily, one frame per hash bucket of the key the checks judge
  across rows (``hash(source_system, native_id)``, ``hash(response_id)``), so every row of a key is
  in the same chunk (uniqueness stays exact) and the version ranking (a window, which DuckDB cannot
  spill) runs on one bucket at a time. The number of buckets holds a chunk to about ``CHUNK_ROWS``
  rows, from the raw rows pending judgment; a daily run reads one chunk with the same SQL as one
  whole frame. At 10M contacts a first run reads 15.2M raw ticket versions: 16 chunks of ~600,000
  rows instead of one window that does not fit the 3 GB buffer pool nor a 10M-row frame in Python.
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
import math
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd

from expectations.catalog import AUDIT_BATCH, BATCHES, STARTS_BATCH
from orchestration.lib import latest
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
_NOT_CHECKED = {
    "tickets": "text, subject, tags, subject_masked, text_masked, _masked",
    "calls": "text, subject, tags, subject_masked, text_masked, _masked",
    "surveys": "comment, comment_masked, _masked",
}

_STARTS_BUCKET = "INTERVAL 15 MINUTE"  # every timezone offset in use is a multiple of 15 minutes

# Rows of a tickets/calls/surveys chunk, at most (about): ~400 MB as a frame, and a window over this
# many raw versions takes a few hundred MB of DuckDB memory. Sized from the raw rows pending
# judgment, an upper bound of the latest versions read (surveys: of the touched response ids, which
# other sources rarely share).
CHUNK_ROWS = 1_000_000


def _order(table: str) -> str:
    """The latest-version rule of dbt staging (dbt_project/macros/latest_version.sql), read from its file."""
    return latest.order_by("response" if table == "surveys" else "contact")


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


def _in_bucket(table: str, alias: str, bucket: int, buckets: int) -> str:
    """SQL condition: the row's judged key (``_LATEST[table][1]``) falls in hash bucket ``bucket``."""
    keys = ", ".join(f"{alias}{c}" for c in _LATEST[table][1])
    return f"hash({keys}) % {buckets} = {bucket}"


def _batch_sql(table: str, scoped: bool, bucket: int = 0, buckets: int = 1) -> str:
    """The rows validated for raw.<table>: latest versions of the pending ids (scoped) or of all ids.

    With ``buckets`` > 1, only the ids whose judged key hashes to ``bucket``: every version of an id
    and every row sharing its judged key fall in the same bucket, so the window ranks one bucket."""
    _, judged, drop_deleted = _LATEST[table]
    where = {alias: f" WHERE {_in_bucket(table, alias, bucket, buckets)}" if buckets > 1 else ""
             for alias in ("", "r.", "t.")}
    source = f"(SELECT * FROM raw.{table}{where['']})" if buckets > 1 else f"raw.{table}"
    if scoped:
        same = " AND ".join(f"t.{c} IS NOT DISTINCT FROM k.{c}" for c in judged)
        source = (f"(WITH pending AS ({_PENDING_FILES}), "
                  f"touched AS (SELECT DISTINCT {', '.join(judged)} FROM raw.{table} r "
                  f"SEMI JOIN pending p ON r._file = p.file AND r._sha256 = p.sha256{where['r.']}) "
                  f"SELECT t.* FROM raw.{table} t SEMI JOIN touched k ON {same}{where['t.']})")
    deleted = " WHERE NOT coalesce(is_deleted, false)" if drop_deleted else ""
    return f"SELECT * EXCLUDE ({_NOT_CHECKED[table]}) FROM ({_latest(table, source)}){deleted}"


# Raw rows of the pending files, all tables together, from the audit (no scan of the raw tables):
# an upper bound of each table's pending rows. A daily run stops here, at one chunk per table.
_PENDING_ROWS = ("SELECT coalesce(sum(rows_loaded), 0) FROM (SELECT DISTINCT file, sha256, rows_loaded "
                 "FROM raw.load_audit WHERE status = 'loaded' AND (run_id = $run_id OR loaded_at > $until))")


def _bucket_counts(con: duckdb.DuckDBPyConnection, scoped: bool, params: dict | None) -> dict[str, int]:
    """How many hash buckets each table's batch is read in: ceil(raw rows pending / CHUNK_ROWS)."""
    if scoped and con.execute(_PENDING_ROWS, params).fetchone()[0] <= CHUNK_ROWS:
        return dict.fromkeys(_LATEST, 1)
    rows = {}
    for table in _LATEST:
        sql = (f"WITH pending AS ({_PENDING_FILES}) SELECT count(*) FROM raw.{table} r "
               "SEMI JOIN pending p ON r._file = p.file AND r._sha256 = p.sha256" if scoped
               else f"SELECT count(*) FROM raw.{table}")
        rows[table] = con.execute(sql, params if scoped else {}).fetchone()[0]
    return {table: max(1, math.ceil(n / CHUNK_ROWS)) for table, n in rows.items()}


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


@dataclass(frozen=True)
class BatchChunks:
    """The batch of raw.<table>, read lazily: iterating runs one query per hash bucket and yields
    its frame, so one chunk is alive at a time (the caller drops it before taking the next).

    Iterable again (each pass re-reads the same rows) while ``con`` is open; ``run_checks`` takes it
    where it takes a frame."""

    con: duckdb.DuckDBPyConnection
    table: str
    scoped: bool
    params: dict | None
    buckets: int = 1

    def __iter__(self) -> Iterator[pd.DataFrame]:
        for bucket in range(self.buckets):
            yield _frame(self.con, _batch_sql(self.table, self.scoped, bucket, self.buckets), self.params)

    def frame(self) -> pd.DataFrame:
        """Every chunk in one frame: for small batches and tests, never the history of a big state."""
        frames = list(self)
        kept = [f for f in frames if len(f)] or frames[:1]
        return kept[0] if len(kept) == 1 else pd.concat(kept, ignore_index=True)


def read_batches(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict[str, pd.DataFrame | BatchChunks]:
    """The batches ``expectations.run_checks(..., incremental=run_id is not None)`` validates.

    tickets, calls and surveys are ``BatchChunks`` (read while run_checks iterates them: keep ``con``
    open until then); the others are frames."""
    until = accepted_until(con, run_id) if run_id is not None else None
    scoped = run_id is not None and until is not None  # nothing accepted yet: everything is new
    params = {"run_id": run_id, "until": until} if scoped else None
    buckets = _bucket_counts(con, scoped, params)
    batches: dict[str, pd.DataFrame | BatchChunks] = {
        table: BatchChunks(con, table, scoped, params, buckets[table]) for table in _LATEST}
    batches[STARTS_BATCH] = pd.concat([_frame(con, _starts_sql(table)) for table in _CONTACTS], ignore_index=True)
    for name in REFERENCE_FIELDS:
        if name in BATCHES:  # a reference file without a suite (holidays.csv) is checked by its parser only
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
