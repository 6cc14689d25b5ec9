"""The business's reference files (reference/*.csv) → one raw table each, latest version wins."""

import dagster as dg

from orchestration.defs.ingest.common import INGEST_RETRY, ingest_files, summary_metadata
from orchestration.defs.resources import WhycallResource
from orchestration.lib.progress import report
from orchestration.lib.raw_schema import REFERENCE_FIELDS


def _reference_specs() -> list[dg.AssetSpec]:
    # built in a function: a module-level list of specs would be collected as separate assets
    return [
        dg.AssetSpec(["raw", name], group_name="ingest", kinds={"duckdb", "csv"},
                     description=f"reference/{name}.csv as loaded (latest version of the file)")
        for name in REFERENCE_FIELDS
    ]


@dg.multi_asset(specs=_reference_specs(), retry_policy=INGEST_RETRY)
def raw_reference(context: dg.AssetExecutionContext, whycall: WhycallResource):
    landing = whycall.settings().landing_dir
    for name in REFERENCE_FIELDS:
        path = landing / "reference" / f"{name}.csv"
        if not path.exists():
            report(context, f"reference/{name}.csv: not found, kept what was loaded before (if anything)")
            yield dg.MaterializeResult(asset_key=["raw", name], metadata={"files": 0})
            continue
        audits = ingest_files(context, whycall, source=f"reference:{name}", table=name, files=[path],
                              replace_previous=True)
        yield dg.MaterializeResult(asset_key=["raw", name], metadata=summary_metadata(audits))
