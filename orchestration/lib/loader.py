"""Load parsed landing files into the raw schema of the state database.

Pure DuckDB + Arrow, no Dagster: every file is loaded in its own transaction, so a file that
fails half way leaves nothing behind; a file whose sha256 was loaded before is recorded as a
duplicate and not read again; every record read is either a raw row or a reject.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from orchestration.lib import delivered, raw_schema
from orchestration.lib.hashing import sha256_file
from orchestration.lib.records import Chunk, InputError

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
    status: str  # loaded | duplicate | ignored | rejected_file | deferred (raw_schema.AUDIT_STATUSES)
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    reason: str | None = None  # why a file was not loaded


def connect_state(path: Path) -> duckdb.DuckDBPyConnection:
    """Open the state database and make sure the raw schema exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # the same bounded buffer pool as dbt's connection (dbt_project/profiles.yml)
    con = duckdb.connect(str(path), config={"memory_limit": os.environ.get("WHYCALL_DUCKDB_MEMORY", "3GB")})
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for table in raw_schema.TABLES:
        con.execute(raw_schema.create_table_sql(table))
        for alter in raw_schema.add_missing_columns_sql(table):  # a state database of an older version
            con.execute(alter)
    con.execute(f"CREATE TABLE IF NOT EXISTS {HASH_CACHE} (path VARCHAR, size BIGINT, mtime_ns BIGINT, sha256 VARCHAR)")
    for column in ("inode", "ctime_ns", "hashed_at_ns"):  # added later: older rows (NULL) are hashed again once
        con.execute(f"ALTER TABLE {HASH_CACHE} ADD COLUMN IF NOT EXISTS {column} BIGINT")
    return con


# sha256 of the landing files by (absolute path, size, modification time, inode, status-change time): a
# daily run would otherwise re-read every file ever landed (18 GB at 10M contacts) only to find it was
# loaded before. Size and mtime alone are not enough: a corrected file copied over with `cp -p` keeps
# both, but a copy (or a rename over the old file) gets a new ctime, which no tool can set back. When in
# doubt the file is hashed again: a file whose ctime is not clearly before the moment it was hashed could
# have been rewritten within the same clock tick (the "racy" case: file times are coarse, ~4 ms).
HASH_CACHE = "raw.file_hashes"
RACY_NS = 2_000_000_000


def stat_key(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What says a file is the same version: size, mtime, inode and ctime (nanoseconds)."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns


def file_shas(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> list[str | None]:
    """sha256 of each file, from the cache when its path, size, mtime, inode and ctime are unchanged;
    None for a file that cannot be read (the loader records it as rejected_file)."""
    stats = []
    for path in paths:
        try:
            stats.append((str(path.resolve()), stat_key(path.stat())))
        except OSError:
            stats.append((str(path.resolve()), None))
    keys = [key for key, _ in stats]
    cached = {
        (path, (size, mtime, inode, ctime)): sha
        for path, size, mtime, inode, ctime, hashed_at, sha in con.execute(
            f"SELECT path, size, mtime_ns, inode, ctime_ns, hashed_at_ns, sha256 FROM {HASH_CACHE} "
            "WHERE path IN (SELECT unnest(?))",
            [keys],
        ).fetchall()
        if hashed_at is not None and ctime is not None and ctime + RACY_NS < hashed_at
    }
    shas, fresh = [], []
    for (key, stat), path in zip(stats, paths, strict=True):
        sha = cached.get((key, stat)) if stat is not None else None
        if sha is None and stat is not None:
            hashed_at = time.time_ns()
            try:
                sha = sha256_file(path)
            except OSError:
                sha = None
            else:
                fresh.append((key, *stat, hashed_at, sha))
        shas.append(sha)
    if fresh:
        con.execute(f"DELETE FROM {HASH_CACHE} WHERE path IN (SELECT unnest(?))", [[row[0] for row in fresh]])
        con.executemany(f"INSERT INTO {HASH_CACHE} (path, size, mtime_ns, inode, ctime_ns, hashed_at_ns, sha256) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)", fresh)
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
        con.execute(f"INSERT INTO raw.{table} BY NAME SELECT * FROM _batch")  # table name from raw_schema.TABLES only
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
    settle_seconds: float = 0.0,
) -> FileAudit:
    """Load one file into raw.<table>; record it in raw.load_audit and its rejects in raw.rejects.

    ``replace_previous`` is for reference files: a new version of ``reasons.csv`` replaces the rows
    loaded from the earlier version of the same file name. ``native`` (parsers.native) converts
    the file in SQL when it can, handing over as chunks the records it leaves; otherwise
    ``chunks(path)`` parses the whole file. A file that cannot be read (an ``InputError`` or an
    ``OSError``) is recorded ``rejected_file`` with one reject; a file modified less than
    ``settle_seconds`` ago, or changed while it was read, is recorded ``deferred`` (nothing loaded).
    """
    (audit,) = _load(con, run_id, source, table, [(path, relname)], chunks, replace_previous, native,
                     settle_seconds)
    return audit


def _verdict_before_reading(path: Path, sha: str | None, settle_seconds: float, now: float) -> tuple[str, str] | None:
    """(status, reason) for a file that must not be read this run, else None."""
    try:
        stat = path.stat()
    except OSError as exc:
        return "rejected_file", f"{path}: cannot be opened ({exc.strerror or exc}); check the file's permissions"
    if sha is None:
        return "rejected_file", f"{path}: cannot be read; check the file's permissions"
    age = now - stat.st_mtime
    if 0 <= age < settle_seconds:  # a future mtime (clock skew) must not wait forever
        return "deferred", (f"modified {age:.0f} s ago, less than rules.settle_seconds ({settle_seconds:g} s): "
                            "it may still be being written; left for the next run")
    return None


CHANGED_WHILE_READ = "changed while it was read (size or modification time): still being written; left for the next run"


def _load(con, run_id, source, table, files, chunks, replace_previous, native, settle_seconds=0.0) -> Iterator[FileAudit]:
    """Load (path, relname) files in order. A batch is one file, or with ``native`` the files of a
    batch: those not loaded before are converted in SQL together, then finished one by one."""
    if table not in raw_schema.TABLES:
        raise ValueError(f"unknown raw table {table!r}")
    native = None if replace_previous else native
    for batch in _batches(files) if native is not None else ([f] for f in files):
        shas = file_shas(con, [path for path, _ in batch])
        now = time.time()
        loaded = None if replace_previous else _loaded_before(con, source, [s for s in shas if s])
        todo: list[tuple[Path, str, str | None, dt.datetime, str | None]] = []  # ..., status decided before reading
        for (path, relname), sha in zip(batch, shas, strict=True):
            verdict = _verdict_before_reading(path, sha, settle_seconds, now)
            if verdict is not None:
                status = verdict
            elif loaded is None:
                status = ("duplicate", None) if _is_duplicate(con, source, sha, relname) else None
            else:
                status = ("duplicate", None) if sha in loaded else None
                loaded.add(sha)  # the same bytes twice in a batch: the second is a duplicate
            todo.append((path, relname, sha, _now(), status))
        if replace_previous:
            for path, relname, sha, loaded_at, status in todo:
                if status is not None:
                    audit = _not_read(con, run_id, source, relname, sha, status, path)
                    _insert_audits(con, run_id, [(audit, loaded_at)])
                else:
                    audit = _replace_file(con, run_id, source, table, chunks, path, relname, sha, loaded_at)
                yield audit
            continue
        # Event files can be gigabytes: appended a row group at a time outside one big transaction
        # (DuckDB would hold it all in memory until COMMIT). The audit row, written last, is what
        # marks a file loaded; rows of an attempt that failed or was killed carry the file's sha256
        # and no audit row, and are removed before (and after) loading: nothing is counted twice.
        pending = [item[:4] for item in todo if item[4] is None]
        finished: list[tuple[FileAudit, dt.datetime]] = []
        try:
            _remove_attempts(con, table, pending)
            converted = native.load_batch(con, table, pending) if native is not None and pending else {}
            for path, relname, sha, loaded_at, status in todo:
                if status is not None:
                    audit = _not_read(con, run_id, source, relname, sha, status, path)
                else:
                    extra = {"_file": relname, "_sha256": sha, "_loaded_at": loaded_at}
                    done = converted.get(path)
                    audit = _append_checked(con, run_id, source, table, path, relname, sha, chunks, extra, done,
                                            pending[0])
                    pending.pop(0)
                finished.append((audit, loaded_at))
        finally:  # the audit rows of the finished files (one statement); nothing of the others stays
            _insert_audits(con, run_id, finished)
            _remove_attempts(con, table, pending)
        yield from (audit for audit, _ in finished)


def _not_read(con, run_id, source, relname, sha, status: tuple[str, str | None], path: Path) -> FileAudit:
    """The audit of a file not read this run: duplicate, deferred, or rejected_file (with its reject)."""
    name, reason = status
    if name == "rejected_file":
        return _rejected_file(con, run_id, source, relname, sha, InputError(reason or ""), path)
    return FileAudit(source, relname, sha, name, 0, 0, 0, reason)


def _append_checked(con, run_id, source, table, path, relname, sha, chunks, extra, done, attempt) -> FileAudit:
    """_append_file, with the file's own failures recorded instead of raised: an unreadable file is
    rejected_file (its partial rows removed), a file that changed while it was read is deferred."""
    try:
        before = stat_key(path.stat())
        audit = _append_file(con, run_id, source, table, path, relname, sha, chunks, extra, done)
        after = stat_key(path.stat())
    except (InputError, OSError) as exc:
        _remove_attempts(con, table, [attempt])
        return _rejected_file(con, run_id, source, relname, sha, exc, path)
    if after != before:
        _remove_attempts(con, table, [attempt])
        return FileAudit(source, relname, None, "deferred", 0, 0, 0, CHANGED_WHILE_READ)
    return audit


def _reason(exc: BaseException, path: Path) -> str:
    if isinstance(exc, InputError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"{path}: cannot be read ({exc.strerror or exc}); check the file and its permissions"
    return f"{path}: {exc}"


def _excerpt(path: Path, byte: int | None) -> str:
    """The content around ``byte`` (where the parser stopped), for the reject's raw column."""
    if byte is None:
        return ""
    try:
        with delivered.open_binary(path) as handle:
            handle.seek(max(0, byte - 80))
            return handle.read(160).decode("utf-8", "replace")
    except (InputError, OSError):
        return ""


def _rejected_file(con, run_id, source, relname, sha, exc: BaseException, path: Path) -> FileAudit:
    """One reject row for a file that cannot be read, and its audit (rows_read 1 = the file, rejected)."""
    reason = _reason(exc, path)
    line = getattr(exc, "byte", None) if getattr(exc, "line", None) is None else exc.line
    reject = {"run_id": run_id, "source": source, "file": relname, "line": line, "reason": reason,
              "raw": _excerpt(path, getattr(exc, "byte", None))[:MAX_RAW_CHARS]}
    _insert(con, "rejects", _arrow_rows("rejects", [reject], {}))
    return FileAudit(source, relname, sha, "rejected_file", 1, 0, 1, reason)


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
    except (InputError, OSError) as exc:  # the file's own fault: the version loaded before stays
        con.execute("ROLLBACK")
        audit = _rejected_file(con, run_id, source, relname, sha, exc, path)
        _insert_audits(con, run_id, [(audit, loaded_at)])
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return audit


def _batches(files: list[tuple[Path, str]]) -> Iterator[list[tuple[Path, str]]]:
    batch: list[tuple[Path, str]] = []
    size = 0
    for item in files:
        batch.append(item)
        try:
            size += item[0].stat().st_size
        except OSError:  # gone or unreadable: the loader records it as rejected_file
            pass
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
    settle_seconds: float = 0.0,
) -> Iterator[FileAudit]:
    """load_file for each file, in order (with ``native``, converted in SQL a batch at a time)."""
    files = [
        (path, path.relative_to(landing).as_posix() if path.is_relative_to(landing) else str(path))
        for path in files
    ]
    audits = _load(con, run_id, source, table, files, chunks, replace_previous, native, settle_seconds)
    for number, audit in enumerate(audits, start=1):
        # one line per file with rejects, otherwise a heartbeat every 20 files: readable at 500 files
        if progress and (audit.rows_rejected or audit.reason or number % 20 == 0 or number == len(files)):
            progress(
                f"  [{number}/{len(files)}] {audit.file}: {audit.status}, {audit.rows_loaded} loaded, "
                f"{audit.rows_rejected} rejected" + (f" ({audit.reason})" if audit.reason else "")
            )
        yield audit


def record_ignored(con: duckdb.DuckDBPyConnection, run_id: str, landing: Path, config) -> list[FileAudit]:
    """An audit row ``ignored`` (with why) for each file under ``landing`` that no source reads
    (``delivered.classify``): nothing vanishes without a word, not even a stray README."""
    _, ignored = delivered.classify(landing, config)
    if not ignored:
        return []
    root = Path(landing).resolve()
    inside = [delivered.outside(root, landing / item.file) is None for item in ignored]  # a link out is not read
    hashed = iter(file_shas(con, [landing / item.file for item, ok in zip(ignored, inside, strict=True) if ok]))
    shas = [next(hashed) if ok else None for ok in inside]
    audits = [FileAudit(item.source, item.file, sha, "ignored", 0, 0, 0, item.reason)
              for item, sha in zip(ignored, shas, strict=True)]
    loaded_at = _now()
    _insert_audits(con, run_id, [(audit, loaded_at) for audit in audits])
    return audits
