"""Zendesk incremental ticket export pages (or CSV via profile) → raw.tickets, every version kept."""

import dagster as dg

from orchestration.defs.ingest.common import INGEST_RETRY, ingest_source
from orchestration.defs.resources import WhycallResource


@dg.asset(key=["raw", "tickets"], group_name="ingest", kinds={"duckdb", "python"}, retry_policy=INGEST_RETRY,
          description="Zendesk incremental ticket export pages (or CSV via profile) → raw.tickets, every version kept.")
def raw_tickets(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    return ingest_source(context, whycall, "tickets")
