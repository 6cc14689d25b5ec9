"""raw.load_audit and raw.rejects: written by every ingest asset, summarised here for the run."""

import dagster as dg

from orchestration.defs.resources import WhycallResource
from orchestration.lib.config import load_config
from orchestration.lib.loader import connect_state, record_ignored
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
    settings = whycall.settings()
    con = connect_state(settings.state_db)
    try:
        # every file under the landing zone has a row: those no source reads are recorded here, with why
        record_ignored(con, context.run_id, settings.landing_dir, load_config(settings.landing_dir))
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
        not_loaded = [f"{file}: {status}, {reason}" for file, status, reason in con.execute(
            "SELECT file, status, reason FROM raw.load_audit WHERE run_id = ? AND status NOT IN ('loaded', 'duplicate') "
            "ORDER BY status, file", [context.run_id]).fetchall()]
    finally:
        con.close()
    report(context, f"audit: {files} file(s) seen this run ({dups} already loaded), {read} records read, "
                    f"{loaded} loaded, {rejected} rejected")
    for line in not_loaded:
        report(context, f"  not loaded: {line}")
    yield dg.MaterializeResult(
        asset_key=["raw", "load_audit"],
        metadata={"files": files, "rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected,
                  "files_duplicate": dups, "not_loaded": dg.MetadataValue.json(not_loaded),
                  "files_deferred": sum(line.split(": ", 1)[-1].startswith("deferred,") for line in not_loaded)},
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
