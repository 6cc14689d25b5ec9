"""marts.reason_suggestions: a Python step after dbt (scikit-learn), published with the marts."""

import time

import dagster as dg

from orchestration.defs.resources import WhycallResource
from orchestration.defs.transform.dbt import whycall_dbt_models
from orchestration.lib.loader import connect_state
from orchestration.lib.progress import report
from orchestration.lib.suggestion_table import SAMPLING, build_suggestions


@dg.asset(key=["marts", "reason_suggestions"], deps=[whycall_dbt_models], group_name="marts",
          kinds={"duckdb", "python"},
          description="Recurring topics of the unclassified (and keyword-only) contacts with a ready-to-paste "
                      f"reasons.csv line (orchestration/lib/suggestions.py); sample: {SAMPLING}.")
def reason_suggestions(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    settings = whycall.settings()
    started = time.monotonic()
    con = connect_state(settings.state_db)
    try:
        rows = build_suggestions(con, settings.landing_dir)
    finally:
        con.close()
    report(context, f"reason suggestions: {rows} topics in {time.monotonic() - started:.1f} s")
    return dg.MaterializeResult(metadata={"rows": rows})
