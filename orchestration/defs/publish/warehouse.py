"""The published warehouse: the only thing the dashboards and users' queries read."""

import dagster as dg

from orchestration.defs.publish.suggestions import reason_suggestions
from orchestration.defs.resources import WhycallResource
from orchestration.defs.transform.dbt import whycall_dbt_models
from orchestration.lib.progress import report
from orchestration.lib.publish import PublishError, publish_warehouse


@dg.asset(key=["warehouse"], deps=[whycall_dbt_models, reason_suggestions], group_name="publish", kinds={"duckdb"},
          description="marts.* copied into a new DuckDB file and renamed over the published one.")
def published_warehouse(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    settings = whycall.settings()
    try:
        counts = publish_warehouse(settings.state_db, settings.warehouse)
    except PublishError as error:  # disk full, read-only folder: the operator's to fix, retrying will not help
        raise dg.Failure(description=str(error), allow_retries=False) from None
    report(context, f"published {len(counts)} tables to {settings.warehouse}")
    return dg.MaterializeResult(
        metadata={"path": str(settings.warehouse), "tables": len(counts),
                  "fct_contacts": counts.get("marts.fct_contacts", 0),
                  "row_counts": dg.MetadataValue.json(counts)}
    )
