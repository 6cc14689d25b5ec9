-- Rows a parser rejected, with the reason and the raw record (CONTRACT section 4).
select
    cast(run_id as varchar) as run_id,
    cast(source as varchar) as source,
    cast(file as varchar) as file,
    cast(line as bigint) as line,
    cast(reason as varchar) as reason,
    cast(raw as varchar) as raw
from {{ ref('stg_whycall__rejects') }}
