"""Publish the marts as one DuckDB file, atomically.

Readers (the app) open the published file read-only; they must never see half a build and must
never block a build. So the marts are copied into a new file next to the warehouse, checkpointed,
and `os.replace`d over the old one: a reader holding the old file keeps reading it.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

PUBLISHED_SCHEMAS = ("marts",)


def publish_warehouse(state_db: Path, warehouse: Path) -> dict[str, int]:
    """Copy every table of the published schemas from the state db into ``warehouse``; return row counts."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    tmp = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(tmp))
    try:
        # ATTACH takes no bound parameter; the path is ours (settings), quotes escaped.
        con.execute(f"ATTACH '{_sql_literal(state_db)}' AS state (READ_ONLY)")
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_catalog = 'state' AND table_schema IN ? AND table_type = 'BASE TABLE' ORDER BY 1, 2",
            [list(PUBLISHED_SCHEMAS)],
        ).fetchall()
        if not tables:
            raise RuntimeError(f"nothing to publish: no table in schema(s) {PUBLISHED_SCHEMAS} of {state_db}")
        for schema in sorted({s for s, _ in tables}):
            con.execute(f'CREATE SCHEMA "{schema}"')
        for schema, table in tables:
            # identifiers come from information_schema of our own build, quoted
            con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM state."{schema}"."{table}"')
            counts[f"{schema}.{table}"] = con.execute(f'SELECT count(*) FROM "{schema}"."{table}"').fetchone()[0]
        con.execute("DETACH state")
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, warehouse)
    return counts


def _sql_literal(path: Path) -> str:
    return str(path).replace("'", "''")
