"""Great Expectations suites (expectations/) as Dagster asset checks on the ingest assets.

Every check is blocking: a failure with severity `block` (whycall.yml `checks:`) stops dbt and the
publication, so leaders keep yesterday's warehouse instead of wrong numbers; severity `warn` shows
in the UI and in `whycall run` without stopping anything. Results also land in raw.quality_results
for the "Data health" page.

Each run judges what arrived (orchestration/lib/batches.py): the row-level checks read the latest
versions of the ids loaded since the last run that passed (this run's files on a daily run); the
volume checks count the whole history in DuckDB; the reference tables are read whole; the reject
check reads this run's files and the freshness check the last load of each file.

The row-level batches come in chunks (a hash bucket of the judged key each, about 500,000 rows at
most) that run_checks reads and validates one at a time while the connection is open: a first run
validates the whole history (10M contacts) within the memory of a daily one.
"""


import datetime as dt

import dagster as dg

from expectations import list_checks, results_to_rows, run_checks
from orchestration.defs.resources import WhycallResource
from orchestration.lib.batches import read_batches, record_results
from orchestration.lib.config import load_config
from orchestration.lib.loader import connect_state
from orchestration.lib.progress import report

SPECS = [
    dg.AssetCheckSpec(name=spec.short_name, asset=dg.AssetKey(spec.asset.split("/")), blocking=True,
                      description=f"{spec.family} check {spec.check} (default severity {spec.severity})")
    for spec in list_checks()
]


@dg.multi_asset_check(specs=SPECS, name="data_quality", description="GX suites on the raw batches")
def data_quality(context: dg.AssetCheckExecutionContext, whycall: WhycallResource):
    settings = whycall.settings()
    config = load_config(settings.landing_dir)
    # before reading: a pass judges every file loaded until now (the next run reads what comes after)
    checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    con = connect_state(settings.state_db)
    try:
        # tickets/calls/surveys are read lazily, chunk by chunk, inside run_checks: keep con open until then
        batches = read_batches(con, run_id=context.run.run_id)
        # `whycall run --date D` (or a run tagged whycall/date): the volume check judges that business day
        tags = context.run.tags  # `whycall run --date`, else the partition (or last day of a backfill range)
        run_date = (tags.get("whycall/date") or tags.get("dagster/partition")
                    or tags.get("dagster/asset_partition_range_end"))
        if run_date == "latest":  # `whycall run` without --date: the latest day in the data
            run_date = None
        results = run_checks(batches, config, run_id=context.run.run_id, run_date=run_date, incremental=True)
        record_results(con, results_to_rows(results, context.run.run_id), checked_at)
    finally:
        con.close()
    by_key = {(r.asset, r.short_name): r for r in results}
    failed = [r for r in results if not r.passed]
    report(context, f"data quality: {len(results)} checks, {len(failed)} failed "
                    f"({sum(r.blocking for r in results)} blocking)")
    for r in failed:
        report(context, f"  {'BLOCK' if r.blocking else 'warn '} {r.details}")
    for spec in SPECS:
        result = by_key.get((spec.asset_key.to_user_string(), spec.name))
        if result is None:  # e.g. a reference file that is not in the landing zone
            yield dg.AssetCheckResult(asset_key=spec.asset_key, check_name=spec.name, passed=True,
                                      metadata={"details": "not evaluated: no data for this check"})
            continue
        yield dg.AssetCheckResult(
            asset_key=spec.asset_key,
            check_name=spec.name,
            passed=result.passed,
            severity=dg.AssetCheckSeverity.ERROR if result.severity == "block" else dg.AssetCheckSeverity.WARN,
            metadata={
                "details": result.details,
                "family": result.family,
                "failing_rows": result.failing_rows,
                "sample": dg.MetadataValue.json(result.sample),
            },
        )
