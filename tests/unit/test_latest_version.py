"""One rule for "the latest version" (issue 15): dbt staging, the quality batches and the bench agree.

The same raw rows go to the three; the expected winners are worked out by hand in the comments.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from orchestration import bench
from orchestration.lib import batches, latest
from orchestration.lib.loader import connect_state, insert_rows

ROOT = Path(__file__).resolve().parents[2]
AT = datetime(2026, 6, 1, 12)


def _row(native_id, updated_at, deleted, file, record=0):
    return {"source_system": "zendesk", "native_id": native_id, "updated_at": updated_at, "is_deleted": deleted,
            "started_at": datetime(2026, 6, 1, 8), "status": "deleted" if deleted else "open",
            "_file": file, "_record": record, "_sha256": file, "_loaded_at": AT}


ROWS = [
    _row("1", datetime(2026, 6, 1, 10), False, "tickets/b.json"),  # same second as its deletion, later file...
    _row("1", datetime(2026, 6, 1, 10), True, "tickets/a.json"),  # ...but the deletion wins the tie: 1 is gone
    _row("2", datetime(2026, 6, 1, 9), False, "tickets/a.json"),
    _row("2", datetime(2026, 6, 1, 9), False, "tickets/b.json", 1),  # a tie on time: the later file wins
    _row("3", None, False, "tickets/b.json"),  # no version time: loses to any dated version
    _row("3", datetime(2026, 6, 1, 8), False, "tickets/a.json"),
]
EXPECTED = {("2", "tickets/b.json"), ("3", "tickets/a.json")}


def _state(tmp_path) -> duckdb.DuckDBPyConnection:
    con = connect_state(tmp_path / "state.duckdb")
    insert_rows(con, "tickets", ROWS)
    return con


def test_staging_uses_the_macro_of_the_rule():
    staging = (ROOT / "dbt_project" / "macros" / "staging.sql").read_text()
    assert "order by {{ latest_contact_order() }}" in staging
    surveys = (ROOT / "dbt_project" / "models" / "staging" / "qualtrics" / "stg_qualtrics__responses.sql").read_text()
    assert "order by {{ latest_response_order() }}" in surveys


def test_the_same_rows_give_the_same_latest_versions_in_dbt_the_checks_and_the_bench(tmp_path):
    con = _state(tmp_path)
    # dbt staging: the window of latest_version_keys with the macro's ORDER BY (what dbt renders)
    dbt_rule = set(con.execute(
        f"SELECT native_id, _file FROM (SELECT *, row_number() OVER (PARTITION BY source_system, native_id "
        f"ORDER BY {latest.order_by('contact')}) AS version_rank FROM raw.tickets) "
        "WHERE version_rank = 1 AND NOT coalesce(is_deleted, false)").fetchall())
    checks = set(con.execute(f"SELECT native_id, _file FROM ({batches._batch_sql('tickets', scoped=False)})")
                 .fetchall())
    bench_rows = set(con.execute(
        f"SELECT id, v._file FROM (SELECT id, arg_max(v, {bench._VERSION_KEY}) AS v FROM ("
        "SELECT native_id AS id, updated_at, is_deleted, _file AS filename, "
        "struct_pack(_file := _file, is_deleted := is_deleted) AS v FROM raw.tickets) GROUP BY id) "
        "WHERE NOT v.is_deleted").fetchall())
    assert dbt_rule == checks == bench_rows == EXPECTED


def test_the_rule_is_read_from_the_macro_file():
    text = (ROOT / "dbt_project" / "macros" / "latest_version.sql").read_text()
    assert latest.order_by("contact") in " ".join(text.split())
    assert [t[0] for t in latest.terms("contact")][:2] == ["updated_at", "case when is_deleted then 1 else 0 end"]
