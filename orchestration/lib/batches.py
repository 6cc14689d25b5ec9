"""Read the raw tables back as the batches the data-quality suites validate (no Dagster import)."""

from __future__ import annotations

import duckdb
import pandas as pd

from orchestration.lib.raw_schema import REFERENCE_FIELDS

# Latest version per id, deleted tickets gone: the same rule as dbt staging, so checks judge what
# the marts will be built from. Table names come from this dict only.
_LATEST = {
    "tickets": ("native_id", True),
    "calls": ("native_id", False),
    "surveys": ("response_id", False),
}


# Free text is never validated by the suites but is most of the bytes: leave it in DuckDB.
_NOT_CHECKED = {"tickets": "text, subject, tags", "calls": "text, subject, tags", "surveys": "comment"}


def _latest_sql(table: str, key: str, drop_deleted: bool) -> str:
    order = "updated_at DESC NULLS LAST, _loaded_at DESC, _file DESC, _record DESC" if table != "surveys" \
        else "_loaded_at DESC, _file DESC, _record DESC"
    deleted = " AND NOT coalesce(is_deleted, false)" if drop_deleted else ""
    return (f"SELECT * EXCLUDE (rn, {_NOT_CHECKED[table]}) FROM (SELECT *, row_number() OVER (PARTITION BY source_system, {key} "
            f"ORDER BY {order}) AS rn FROM raw.{table}) WHERE rn = 1{deleted}")


def read_batches(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    batches = {table: con.execute(_latest_sql(table, key, deleted)).fetch_arrow_table().to_pandas()
               for table, (key, deleted) in _LATEST.items()}
    for name in REFERENCE_FIELDS:
        batches[name] = con.execute(f"SELECT * FROM raw.{name}").fetch_arrow_table().to_pandas()
    batches["load_audit"] = con.execute("SELECT * FROM raw.load_audit").fetch_arrow_table().to_pandas()
    return batches
