-- Rows a parser could not load, with the reason.
select
    run_id,
    source,
    file,
    line,
    reason,
    raw
from {{ source('raw', 'rejects') }}
