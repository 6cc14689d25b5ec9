with source as (
    {{ latest_reference_rows(source('raw', 'incidents'), ['incident_id']) }}
)

select
    trim(incident_id) as incident_id,
    {{ blank_to_null('title') }} as title,
    {{ blank_to_null('department_id') }} as department_id,
    {{ blank_to_null('reason_code') }} as reason_code,
    started_at,
    ended_at,
    proactive_notice_at
from source
where {{ blank_to_null('incident_id') }} is not null
