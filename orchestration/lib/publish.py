"""Publish the marts as one DuckDB file, atomically.

Readers (the app) open the published file read-only; they must never see half a build and must
never block a build. So the marts are written into a new file next to the warehouse, checkpointed,
and `os.replace`d over the old one: a reader holding the old file keeps reading it.

A daily run changes a few thousand of the 10M contacts: copying ``fct_contacts`` whole (text
included) into the new file took 33–43 s at 10M. So the new file starts as a copy of the published
one, and a table carrying a build column (``_built_in``, the dbt invocation that wrote each row) is
synchronised instead of copied: every dbt build stamps the rows it (re)writes with its own id, so a row
that is in the published file with the same (key, build) is unchanged. The other tables, small
aggregates, are copied whole. A table whose columns changed, or that shares no build with the
published one (a full refresh), is copied whole too.
"""

from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import duckdb

from orchestration.lib.retention import remove_stale_publish_tmp

PUBLISHED_SCHEMAS = ("marts",)
BUILD_COLUMN = "_built_in"
# tables synchronised by (key, build) instead of copied: the large per-contact facts
SYNCED_KEYS = {"fct_contacts": "contact_id"}


def publish_warehouse(state_db: Path, warehouse: Path) -> dict[str, int]:
    """Write every table of the published schemas of the state db into ``warehouse``; return row counts."""
    tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
    counts: dict[str, int] = {}
    try:
        warehouse.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_publish_tmp(warehouse)  # left by publishes that were killed or ran out of disk
        tmp.unlink(missing_ok=True)
        if warehouse.exists():
            shutil.copyfile(warehouse, tmp)  # the published file is only ever replaced, never written in place
        try:
            con = _connect(tmp, warehouse.exists())
        except duckdb.Error as exc:  # an unreadable previous warehouse: start from an empty file
            if _disk_full(exc):
                raise
            tmp.unlink(missing_ok=True)
            con = _connect(tmp, False)
    except BaseException as exc:  # disk full or read-only while copying: the published file is untouched
        _discard(tmp)
        raise _publish_error(warehouse, exc) from exc
    try:
        # ATTACH takes no bound parameter; the path is ours (settings), quotes escaped.
        con.execute(f"ATTACH '{_sql_literal(state_db)}' AS state (READ_ONLY)")
        tables = _tables(con, "state")
        if not tables:
            raise RuntimeError(f"nothing to publish: no table in schema(s) {PUBLISHED_SCHEMAS} of {state_db}")
        for schema, table in _tables(con, _main(con)):
            if (schema, table) not in tables:  # a model that was removed
                con.execute(f'DROP TABLE "{schema}"."{table}"')
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        for schema, table in tables:
            # identifiers come from information_schema of our own build, quoted
            if not _synchronise(con, schema, table):
                con.execute(f'CREATE OR REPLACE TABLE "{schema}"."{table}" AS SELECT * FROM state."{schema}"."{table}"')
            counts[f"{schema}.{table}"] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        con.execute("DETACH state")
        con.execute("CHECKPOINT")
    except BaseException as exc:
        con.close()
        _discard(tmp)
        raise _publish_error(warehouse, exc) from exc
    con.close()
    os.replace(tmp, warehouse)
    return counts


def _discard(tmp: Path) -> None:
    """Remove our unfinished file; on a folder gone read-only that fails too, and the next run removes it."""
    try:
        tmp.unlink(missing_ok=True)
    except OSError:
        pass


class PublishError(RuntimeError):
    """The new build could not be written next to the warehouse; the published file is the previous one."""


def _disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) == errno.ENOSPC or "no space left" in str(exc).lower()


def _publish_error(warehouse: Path, exc: BaseException) -> BaseException:
    """A clear error for the operator's faults (disk full, read-only folder); others pass unchanged."""
    if not isinstance(exc, OSError | duckdb.Error):
        return exc
    text = str(exc).lower()
    kept = f"the published {warehouse} is unchanged (the previous build) and the next run publishes again"
    if _disk_full(exc):
        return PublishError(f"disk full while publishing to {warehouse.parent}: {exc}. Free space there (a "
                            f"publish needs about twice the warehouse's size); {kept}")
    if getattr(exc, "errno", None) in (errno.EROFS, errno.EACCES, errno.EPERM) or "read-only" in text \
            or "permission denied" in text:
        return PublishError(f"cannot write in {warehouse.parent}: {exc}. Make the folder writable by whycall "
                            f"or choose another --warehouse; {kept}")
    return exc


def _connect(path: Path, existing: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path), config={"memory_limit": os.environ.get("WHYCALL_DUCKDB_MEMORY", "3GB"),
                                            "preserve_insertion_order": False})
    if existing:
        con.execute("SELECT count(*) FROM information_schema.tables").fetchone()  # readable?
    return con


def _main(con: duckdb.DuckDBPyConnection) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def _tables(con: duckdb.DuckDBPyConnection, catalog: str) -> list[tuple[str, str]]:
    return [tuple(row) for row in con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_catalog = ? AND table_schema IN ? AND table_type = 'BASE TABLE' ORDER BY 1, 2",
        [catalog, list(PUBLISHED_SCHEMAS)],
    ).fetchall()]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str) -> list[tuple[str, str]]:
    return [tuple(row) for row in con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [catalog, schema, table],
    ).fetchall()]


def _synchronise(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Bring the published copy of a synced table up to the state one; False when it must be copied whole.

    Rows only ever leave a build's group (a rebuilt contact gets the new build's id), so after deleting
    the published rows whose (key, build) the state no longer has, the missing rows are exactly those
    of builds the published file does not have yet.
    """
    key = SYNCED_KEYS.get(table)
    columns = _columns(con, "state", schema, table)
    if key is None or (BUILD_COLUMN, "VARCHAR") not in columns or _columns(con, _main(con), schema, table) != columns:
        return False
    target, source = f'"{schema}"."{table}"', f'state."{schema}"."{table}"'
    shared = con.execute(
        f"SELECT count(*) FROM (SELECT DISTINCT {BUILD_COLUMN} FROM {target}) "
        f"SEMI JOIN (SELECT DISTINCT {BUILD_COLUMN} FROM {source}) USING ({BUILD_COLUMN})"
    ).fetchone()[0]
    if not shared:  # a full refresh: nothing to keep
        return False
    same = f"s.{key} = t.{key} AND s.{BUILD_COLUMN} IS NOT DISTINCT FROM t.{BUILD_COLUMN}"
    con.execute(f"DELETE FROM {target} AS t WHERE NOT EXISTS (SELECT 1 FROM {source} AS s WHERE {same})")
    con.execute(f"INSERT INTO {target} SELECT * FROM {source} AS s WHERE NOT EXISTS (SELECT 1 FROM "
                f"(SELECT DISTINCT {BUILD_COLUMN} FROM {target}) AS t WHERE s.{BUILD_COLUMN} IS NOT DISTINCT FROM t.{BUILD_COLUMN})")
    return True


def _sql_literal(path: Path) -> str:
    return str(path).replace("'", "''")
