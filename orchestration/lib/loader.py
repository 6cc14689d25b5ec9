"""Load parsed landing files into the raw schema of the state database.

Pure DuckDB + Arrow, no Dagster: every file is loaded in its own transaction, so a file that
fails half way leaves nothing behind; a file whose sha256 was loaded before is recorded as a
duplicate and not read again; every record read is either a raw row or a reject.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from orchestration.lib import raw_schema
from orchestration.lib.hashing import sha256_file
from orchestration.lib.records import Chunk

MAX_RAW_CHARS = 10_000  # a reject keeps the start of the record, not a 10 MB text field
# Rows are handed to DuckDB a row group at a time: big appends inside a transaction are then written
# to disk as they come instead of being held in memory until COMMIT (a 5M-row file stays small).
FLUSH_ROWS = 122_880


@dataclass(frozen=True)
class FileAudit:
    source: str
    file: str
    sha256: str
    status: str  # loaded | duplicate
    rows_read: int
    rows_loaded: int
    rows_rejected: int


def connect_state(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the state database and make sure the raw schema exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # the same bounded buffer pool as dbt's connection (dbt_project/profiles.yml)
    con = duckdb.connect(str(path), config={"memory_limit": os.environ.get("WHYCALL_DUCKDB_MEMORY", "3GB")})
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table in raw_schema.TABLES:
        con.execute(raw_schema.create_table_sql(table))
    return con


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _is_duplicate(con: duckdb.DuckDBPyConnection, source: str, sha: str, snapshot_of: str | None) -> bool:
    """Event files: any earlier load of the same bytes. Snapshot files (reference): the version
    currently held for that file name, so reverting to an older version reloads it."""
    if snapshot_of is None:
        row = con.execute(
            "SELECT count(*) FROM raw.load_audit WHERE source = ? AND sha256 = ? AND status = 'loaded'",
            [source, sha],
        ).fetchone()
        return bool(row and row[0])
    row = con.execute(
        "SELECT sha256 FROM raw.load_audit WHERE source = ? AND file = ? AND status = 'loaded' "
        "ORDER BY loaded_at DESC LIMIT 1",
        [source, snapshot_of],
    ).fetchone()
    return bool(row and row[0] == sha)


def _arrow_rows(table: str, rows: list[dict], extra: dict) -> pa.Table:
    fields = raw_schema.TABLES[table]
    columns = {}
    for name, dtype in fields:
        if name in extra:
            columns[name] = pa.array([extra[name]] * len(rows), type=dtype)
        else:
            columns[name] = pa.array([row.get(name) for row in rows], type=dtype)
    return pa.table(columns, schema=raw_schema.arrow_schema(fields))


def _insert(con: duckdb.DuckDBPyConnection, table: str, arrow_table: pa.Table) -> None:
    if arrow_table.num_rows == 0:
        return
    con.register("_batch", arrow_table)
    try:
        con.execute(f"INSERT INTO raw.{table} SELECT * FROM _batch")  # table name from raw_schema.TABLES only
    finally:
        con.unregister("_batch")


def insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> None:
    """Append plain rows (missing columns are null) to raw.<table>."""
    _insert(con, table, _arrow_rows(table, rows, {}))


def load_file(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    table: str,
    path: Path,
    relname: str,
    chunks: Callable[[Path], Iterable[Chunk]],
    replace_previous: bool = False,
) -> FileAudit:
    """Load one file into raw.<table>; record it in raw.load_audit and its rejects in raw.rejects.

    ``replace_previous`` is for reference files: a new version of ``reasons.csv`` replaces the rows
    loaded from the earlier version of the same file name.
    """
    if table not in raw_schema.TABLES:
        raise ValueError(f"unknown raw table {table!r}")
    sha = sha256_file(path)
    loaded_at = _now()
    if _is_duplicate(con, source, sha, relname if replace_previous else None):
        audit = FileAudit(source, relname, sha, "duplicate", 0, 0, 0)
        _insert(con, "load_audit", _audit_table(run_id, audit, loaded_at))
        return audit

    extra = {"_file": relname, "_sha256": sha, "_loaded_at": loaded_at}
    if replace_previous:
        # reference files are small: one transaction, so a bad new version keeps the old one
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f"DELETE FROM raw.{table} WHERE _file = ?", [relname])
            audit = _append_file(con, run_id, source, table, path, relname, sha, chunks, extra)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return audit
    # Event files can be gigabytes: appended a row group at a time outside one big transaction
    # (DuckDB would hold it all in memory until COMMIT). The audit row, written last, is what marks
    # the file loaded; rows of an attempt that failed or was killed carry the file's sha256 and no
    # audit row, and are removed before (and after) loading, so nothing is ever counted twice.
    _remove_attempt(con, table, relname, sha)
    try:
        return _append_file(con, run_id, source, table, path, relname, sha, chunks, extra)
    except BaseException:
        _remove_attempt(con, table, relname, sha)
        raise


def _remove_attempt(con: duckdb.DuckDBPyConnection, table: str, relname: str, sha: str) -> None:
    con.execute(f"DELETE FROM raw.{table} WHERE _sha256 = ?", [sha])
    con.execute("DELETE FROM raw.rejects WHERE file = ? AND run_id NOT IN "
                "(SELECT run_id FROM raw.load_audit WHERE file = ?)", [relname, relname])


def _append_file(con, run_id, source, table, path, relname, sha, chunks, extra) -> FileAudit:
    loaded = rejected = 0
    pending: list[pa.Table] = []
    pending_rows = 0
    for chunk in chunks(path):
        batch = _arrow_rows(table, chunk.rows, extra)
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= FLUSH_ROWS:
            _insert(con, table, pa.concat_tables(pending))
            pending, pending_rows = [], 0
        # events folded into a later version (CSV group_by) are loaded records, resolved later,
        # like superseded Zendesk versions (CONTRACT §4): they count, they are not rejects
        loaded += len(chunk.rows) + chunk.superseded
        if chunk.rejects:
            reject_rows = [
                {
                    "run_id": run_id,
                    "source": source,
                    "file": relname,
                    "line": r.line,
                    "reason": r.reason,
                    "raw": (r.raw or "")[:MAX_RAW_CHARS],
                }
                for r in chunk.rejects
            ]
            _insert(con, "rejects", _arrow_rows("rejects", reject_rows, {}))
            rejected += len(chunk.rejects)
    if pending:
        _insert(con, table, pa.concat_tables(pending))
    audit = FileAudit(source, relname, sha, "loaded", loaded + rejected, loaded, rejected)
    _insert(con, "load_audit", _audit_table(run_id, audit, extra["_loaded_at"]))
    return audit


def _audit_table(run_id: str, audit: FileAudit, loaded_at: dt.datetime) -> pa.Table:
    row = {"run_id": run_id, "loaded_at": loaded_at, **audit.__dict__}
    return _arrow_rows("load_audit", [row], {})


def load_files(
    con: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    source: str,
    table: str,
    landing: Path,
    files: Iterable[Path],
    chunks: Callable[[Path], Iterable[Chunk]],
    replace_previous: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Iterator[FileAudit]:
    files = list(files)
    for number, path in enumerate(files, start=1):
        relname = path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path)
        audit = load_file(
            con,
            run_id=run_id,
            source=source,
            table=table,
            path=path,
            relname=relname,
            chunks=chunks,
            replace_previous=replace_previous,
        )
        # one line per file with rejects, otherwise a heartbeat every 20 files: readable at 500 files
        if progress and (audit.rows_rejected or number % 20 == 0 or number == len(files)):
            progress(
                f"  [{number}/{len(files)}] {relname}: {audit.status}, {audit.rows_loaded} loaded, "
                f"{audit.rows_rejected} rejected"
            )
        yield audit
