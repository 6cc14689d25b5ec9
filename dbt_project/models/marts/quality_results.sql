-- Every data-quality check of every run (issue: data health page). Latest run first in the app.
select
    cast(run_id as varchar) as run_id,
    cast(check_name as varchar) as "check",
    cast(family as varchar) as family,
    cast(asset as varchar) as asset,
    cast(severity as varchar) as severity,
    cast(passed as boolean) as passed,
    cast(failing_rows as bigint) as failing_rows,
    cast(details as varchar) as details,
    cast(sample as varchar) as sample,
    cast(checked_at as timestamp) as checked_at
from {{ ref('stg_whycall__quality_results') }}
