-- One row per landed file and run, as written by the loader.
select
    run_id,
    source,
    file,
    sha256,
    status,
    rows_read,
    rows_loaded,
    rows_rejected,
    loaded_at,
    reason
from {{ source('raw', 'load_audit') }}
