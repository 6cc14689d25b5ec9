-- One row per data-quality check and run, as the Dagster data_quality checks wrote it.
select
    run_id,
    "check" as check_name,
    family,
    asset,
    severity,
    passed,
    failing_rows,
    details,
    sample,
    checked_at
from {{ source('raw', 'quality_results') }}
