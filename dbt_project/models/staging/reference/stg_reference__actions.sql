with source as (
    {{ latest_reference_rows(source('raw', 'actions'), ['action_id']) }}
)

select
    trim(action_id) as action_id,
    {{ blank_to_null('reason_code') }} as reason_code,
    {{ blank_to_null('department_id') }} as department_id,
    implemented_on,
    description
from source
where {{ blank_to_null('action_id') }} is not null
