"""Qualtrics response exports (or CSV via profile) → raw.surveys."""

import dagster as dg

from orchestration.defs.ingest.common import INGEST_RETRY, ingest_source
from orchestration.defs.resources import WhycallResource


@dg.asset(key=["raw", "surveys"], group_name="ingest", kinds={"duckdb", "python"}, retry_policy=INGEST_RETRY,
          description="Qualtrics response exports (or CSV via profile) → raw.surveys.")
def raw_surveys(context: dg.AssetExecutionContext, whycall: WhycallResource) -> dg.MaterializeResult:
    return ingest_source(context, whycall, "surveys")
