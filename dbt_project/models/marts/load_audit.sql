-- One row per landed file and run (CONTRACT section 4), as the loader recorded it.
select
    cast(run_id as varchar) as run_id,
    cast(source as varchar) as source,
    cast(file as varchar) as file,
    cast(sha256 as varchar) as sha256,
    cast(status as varchar) as status,
    cast(rows_read as bigint) as rows_read,
    cast(rows_loaded as bigint) as rows_loaded,
    cast(rows_rejected as bigint) as rows_rejected,
    cast(loaded_at as timestamp) as loaded_at,
    cast(reason as varchar) as reason
from {{ ref('stg_whycall__load_audit') }}
