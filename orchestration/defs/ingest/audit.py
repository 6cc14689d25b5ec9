"""raw.load_audit and raw.rejects: written by every ingest asset, summarised here for the run."""

import dagster as dg
import duckdb

from orchestration.defs.resources import WhycallResource
from orchestration.lib.progress import report
from orchestration.lib.raw_schema import REFERENCE_FIELDS

INGEST_KEYS = [dg.AssetKey(["raw", s]) for s in ("tickets", "calls", "surveys", "ticket_events", *REFERENCE_FIELDS)]


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "load_audit"], deps=INGEST_KEYS, group_name="ingest", kinds={"duckdb"},
                     description="One row per landing file and run: rows read = loaded + rejected."),
        dg.AssetSpec(["raw", "rejects"], deps=INGEST_KEYS, group_name="ingest", kinds={"duckdb"},
                     description="Every record that could not be loaded, with its reason."),
    ]
)
def raw_load_audit(context: dg.AssetExecutionContext, whycall: WhycallResource):
    con = duckdb.connect(str(whycall.settings().state_db), read_only=True)
    try:
        files, read, loaded, rejected, dups = con.execute(
            "SELECT count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
            "coalesce(sum(rows_rejected), 0), count(*) FILTER (WHERE status = 'duplicate') "
            "FROM raw.load_audit WHERE run_id = ?",
            [context.run_id],
        ).fetchone()
        reasons = con.execute(
            "SELECT reason, count(*) AS n FROM raw.rejects WHERE run_id = ? GROUP BY reason ORDER BY n DESC LIMIT 10",
            [context.run_id],
        ).fetchall()
    finally:
        con.close()
    report(context, f"audit: {files} file(s) seen this run ({dups} already loaded), {read} records read, "
                    f"{loaded} loaded, {rejected} rejected")
    yield dg.MaterializeResult(
        asset_key=["raw", "load_audit"],
        metadata={"files": files, "rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected,
                  "files_duplicate": dups},
    )
    yield dg.MaterializeResult(
        asset_key=["raw", "rejects"],
        metadata={"rows_rejected": rejected, "top_reasons": dg.MetadataValue.json(dict(reasons))},
    )


# Written by the data_quality asset checks (orchestration/defs/quality), read by marts.quality_results.
raw_quality_results = dg.AssetSpec(
    ["raw", "quality_results"], deps=INGEST_KEYS, group_name="ingest", kinds={"duckdb"},
    description="One row per data-quality check and run (written by the data_quality checks).",
)
