"""Zendesk Talk incremental call pages (or a CDR CSV via profile) → raw.calls, every version kept."""

import dagster as dg

from orchestration.defs.ingest.common import INGEST_RETRY, ingest_source
from orchestration.defs.resources import WhycallResource


@dg.asset(key=["raw", "calls"], group_name="ingest", kinds={"duckdb", "python"}, retry_policy=INGEST_RETRY,
          description="Zendesk Talk incremental call pages (or a CDR CSV via profile) → raw.calls, every version kept.")
def raw_calls(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    return ingest_source(context, whycall, "calls")
