-- Raw source value -> reason_code. Matching is exact (case included), so values are not trimmed or folded.
with source as (
    {{ latest_reference_rows(source('raw', 'reason_map'), ['source', 'source_value']) }}
)

select
    lower(trim(source)) as source_family,
    source_value,
    trim(reason_code) as reason_code
from source
where source_value is not null and {{ blank_to_null('reason_code') }} is not null
