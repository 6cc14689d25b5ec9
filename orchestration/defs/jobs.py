"""The whole pipeline as one job; in-process so only one process ever writes the state database."""

import dagster as dg

whycall_pipeline = dg.define_asset_job(
    "whycall_pipeline",
    selection=dg.AssetSelection.all(),
    description="ingest → checks → dbt build → publish",
    executor_def=dg.in_process_executor,
    # queued one at a time by the instance's tag_concurrency_limits (docs/operations.md)
    tags={"whycall/pool": "whycall_warehouse"},
)


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(jobs=[whycall_pipeline], executor=dg.in_process_executor)
