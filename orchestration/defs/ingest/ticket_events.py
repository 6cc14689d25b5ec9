"""Zendesk ticket history (ticket_events/: audits, ticket events, ticket metric events) → raw.ticket_events."""

import dagster as dg

from orchestration.defs.ingest.common import INGEST_RETRY, ingest_source
from orchestration.defs.resources import WhycallResource


@dg.asset(key=["raw", "ticket_events"], group_name="ingest", kinds={"duckdb", "python"}, retry_policy=INGEST_RETRY,
          description="Zendesk ticket audits / ticket events / ticket metric events pages → raw.ticket_events, "
                      "one row per child event or metric event (optional folder).")
def raw_ticket_events(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    return ingest_source(context, whycall, "ticket_events")
