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
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from orchestration.lib import raw_schema
from orchestration.lib.hashing import sha256_file
from orchestration.lib.records import Chunk

if TYPE_CHECKING:
    from orchestration.lib.parsers.native import NativeReader, NativeResult

MAX_RAW_CHARS = 10_000  # a reject keeps the start of the record, not a 10 MB text field
# Rows are handed to DuckDB a row group at a time: big appends inside a transaction are then written
# to disk as they come instead of being held in memory until COMMIT (a 5M-row file stays small).
FLUSH_ROWS = 122_880
# Files the native (SQL) path converts and appends together: DuckDB writes an append of more than a
# row group (122,880 rows) straight to compressed blocks, at a third of the cost of smaller ones.
NATIVE_BATCH_FILES = 2000
NATIVE_BATCH_BYTES = 256 << 20


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
    con.execute(f"CREATE TABLE IF NOT EXISTS {HASH_CACHE} (path VARCHAR, size BIGINT, mtime_ns BIGINT, sha256 VARCHAR)")
    return con


# sha256 of the landing files by (absolute path, size, modification time): a daily run would otherwise
# re-read every file ever landed (18 GB at 10M contacts) only to find it was loaded before. A file
# rewritten in place with the same size and modification time is not re-read: touch it.
HASH_CACHE = "raw.file_hashes"


def file_shas(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> list[str]:
    """sha256 of each file, from the cache when its path, size and mtime are unchanged."""
    stats = [(str(path.resolve()), path.stat()) for path in paths]
    keys = [key for key, _ in stats]
    cached = {
        (path, size, mtime): sha
        for path, size, mtime, sha in con.execute(
            f"SELECT path, size, mtime_ns, sha256 FROM {HASH_CACHE} WHERE path IN (SELECT unnest(?))", [keys]
        ).fetchall()
    }
    shas, fresh = [], []
    for (key, stat), path in zip(stats, paths, strict=True):
        sha = cached.get((key, stat.st_size, stat.st_mtime_ns))
        if sha is None:
            sha = sha256_file(path)
            fresh.append((key, stat.st_size, stat.st_mtime_ns, sha))
        shas.append(sha)
    if fresh:
        con.execute(f"DELETE FROM {HASH_CACHE} WHERE path IN (SELECT unnest(?))", [[row[0] for row in fresh]])
        con.executemany(f"INSERT INTO {HASH_CACHE} VALUES (?, ?, ?, ?)", fresh)
    return shas


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
    native: NativeReader | None = None,
) -> FileAudit:
    """Load one file into raw.<table>; record it in raw.load_audit and its rejects in raw.rejects.

    ``replace_previous`` is for reference files: a new version of ``reasons.csv`` replaces the rows
    loaded from the earlier version of the same file name. ``native`` (parsers.native) converts
    the file in SQL when it can, handing over as chunks the records it leaves; otherwise
    ``chunks(path)`` parses the whole file.
    """
    (audit,) = _load(con, run_id, source, table, [(path, relname)], chunks, replace_previous, native)
    return audit


def _load(con, run_id, source, table, files, chunks, replace_previous, native) -> Iterator[FileAudit]:
    """Load (path, relname) files in order. A batch is one file, or with ``native`` the files of a
    batch: those not loaded before are converted in SQL together, then finished one by one."""
    if table not in raw_schema.TABLES:
        raise ValueError(f"unknown raw table {table!r}")
    native = None if replace_previous else native
    for batch in _batches(files) if native is not None else ([f] for f in files):
        shas = file_shas(con, [path for path, _ in batch])
        loaded = None if replace_previous else _loaded_before(con, source, shas)
        todo: list[tuple[Path, str, str, dt.datetime, bool]] = []  # ..., duplicate
        for (path, relname), sha in zip(batch, shas, strict=True):
            if loaded is None:
                duplicate = _is_duplicate(con, source, sha, relname)
            else:
                duplicate = sha in loaded
                loaded.add(sha)  # the same bytes twice in a batch: the second is a duplicate
            todo.append((path, relname, sha, _now(), duplicate))
        if replace_previous:
            for path, relname, sha, loaded_at, duplicate in todo:
                if duplicate:
                    audit = FileAudit(source, relname, sha, "duplicate", 0, 0, 0)
                    _insert_audits(con, run_id, [(audit, loaded_at)])
                else:
                    audit = _replace_file(con, run_id, source, table, chunks, path, relname, sha, loaded_at)
                yield audit
            continue
        # Event files can be gigabytes: appended a row group at a time outside one big transaction
        # (DuckDB would hold it all in memory until COMMIT). The audit row, written last, is what
        # marks a file loaded; rows of an attempt that failed or was killed carry the file's sha256
        # and no audit row, and are removed before (and after) loading: nothing is counted twice.
        pending = [item[:4] for item in todo if not item[4]]
        finished: list[tuple[FileAudit, dt.datetime]] = []
        failure = None
        try:
            _remove_attempts(con, table, pending)
            converted = native.load_batch(con, table, pending) if native is not None and pending else {}
            for path, relname, sha, loaded_at, duplicate in todo:
                if duplicate:
                    audit = FileAudit(source, relname, sha, "duplicate", 0, 0, 0)
                else:
                    extra = {"_file": relname, "_sha256": sha, "_loaded_at": loaded_at}
                    done = converted.get(path)
                    audit = _append_file(con, run_id, source, table, path, relname, sha, chunks, extra, done)
                    pending.pop(0)
                finished.append((audit, loaded_at))
        except Exception as exc:  # noqa: BLE001 - re-raised below, once the files before it are reported
            failure = exc
        finally:  # the audit rows of the finished files (one statement); nothing of the others stays
            _insert_audits(con, run_id, finished)
            _remove_attempts(con, table, pending)
        yield from (audit for audit, _ in finished)
        if failure is not None:
            raise failure


def _loaded_before(con: duckdb.DuckDBPyConnection, source: str, shas: list[str]) -> set[str]:
    """The sha256s, among ``shas``, of event files loaded before (any file name)."""
    rows = con.execute(
        "SELECT DISTINCT sha256 FROM raw.load_audit WHERE source = ? AND status = 'loaded' "
        "AND list_contains(?, sha256)",
        [source, shas],
    ).fetchall()
    return {sha for (sha,) in rows}


def _replace_file(con, run_id, source, table, chunks, path, relname, sha, loaded_at) -> FileAudit:
    """Reference files are small: one transaction, so a bad new version keeps the old one."""
    extra = {"_file": relname, "_sha256": sha, "_loaded_at": loaded_at}
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"DELETE FROM raw.{table} WHERE _file = ?", [relname])
        audit = _append_file(con, run_id, source, table, path, relname, sha, chunks, extra, None)
        _insert_audits(con, run_id, [(audit, loaded_at)])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return audit


def _batches(files: list[tuple[Path, str]]) -> Iterator[list[tuple[Path, str]]]:
    batch: list[tuple[Path, str]] = []
    size = 0
    for item in files:
        batch.append(item)
        size += item[0].stat().st_size
        if len(batch) >= NATIVE_BATCH_FILES or size >= NATIVE_BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _remove_attempts(con: duckdb.DuckDBPyConnection, table: str, files: list[tuple]) -> None:
    """Rows and rejects of earlier attempts at these (path, relname, sha256, ...) files: no audit row."""
    if not files:
        return
    con.execute(f"DELETE FROM raw.{table} WHERE list_contains(?, _sha256)", [[f[2] for f in files]])
    con.execute("DELETE FROM raw.rejects r WHERE list_contains(?, file) AND NOT EXISTS "
                "(SELECT 1 FROM raw.load_audit a WHERE a.file = r.file AND a.run_id = r.run_id)",
                [[f[1] for f in files]])


def _append_file(con, run_id, source, table, path, relname, sha, chunks, extra, done: NativeResult | None):
    """Rows and rejects of one file, and its audit (for the caller to write). ``done``: what the SQL
    path appended, with the records it left to Python; without it, ``chunks(path)`` parses it all."""
    loaded = done.rows if done is not None else 0
    rejected = 0
    pending: list[pa.Table] = []
    pending_rows = 0
    for chunk in done.rest if done is not None else chunks(path):
        batch = _arrow_rows(table, chunk.rows, extra)
        pending.append(batch)
        pending_rows += batch.num_rows
        if pending_rows >= FLUSH_ROWS:
            _insert(con, table, pa.concat_tables(pending))
            pending, pending_rows = [], 0
        # events folded into a later version (CSV group_by) are loaded records, resolved later,
        # like superseded Zendesk versions (CONTRACT §4): they count, they are not rejects
        loaded += len(chunk.rows) + chunk.superseded - chunk.exploded
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
    return FileAudit(source, relname, sha, "loaded", loaded + rejected, loaded, rejected)


def _insert_audits(con: duckdb.DuckDBPyConnection, run_id: str, audits: list[tuple[FileAudit, dt.datetime]]) -> None:
    if not audits:
        return
    rows = [{"run_id": run_id, "loaded_at": loaded_at, **audit.__dict__} for audit, loaded_at in audits]
    columns = {name: raw_schema.duckdb_type(dtype) for name, dtype in raw_schema.AUDIT_FIELDS}
    con.execute(
        f"INSERT INTO raw.load_audit ({', '.join(columns)}) "
        f"SELECT {', '.join(f'CAST(unnest(${name}) AS {dtype})' for name, dtype in columns.items())}",
        {name: [row[name] for row in rows] for name in columns},
    )


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
    native: NativeReader | None = None,
) -> Iterator[FileAudit]:
    """load_file for each file, in order (with ``native``, converted in SQL a batch at a time)."""
    files = [
        (path, path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path))
        for path in files
    ]
    audits = _load(con, run_id, source, table, files, chunks, replace_previous, native)
    for number, audit in enumerate(audits, start=1):
        # one line per file with rejects, otherwise a heartbeat every 20 files: readable at 500 files
        if progress and (audit.rows_rejected or number % 20 == 0 or number == len(files)):
            progress(
                f"  [{number}/{len(files)}] {audit.file}: {audit.status}, {audit.rows_loaded} loaded, "
                f"{audit.rows_rejected} rejected"
            )
        yield audit
