-- One row per registered incident and local day it covers: from the local date of started_at to the local date
-- of ended_at + incident_grace_hours; an incident without ended_at runs to the last published day.
with incidents as (
    select * from {{ ref('stg_reference__incidents') }}
    where started_at is not null
),

last_day as (
    select max(contact_date) as last_day from {{ ref('int_reason_daily') }}
)

select
    incidents.incident_id,
    incidents.reason_code,
    incidents.started_at,
    {{ day_rows(
        local_date('incidents.started_at'),
        "coalesce(" ~ local_date(dbt.dateadd('hour', setting_number('incident_grace_hours'), 'incidents.ended_at'))
        ~ ", last_day.last_day)"
    ) }} as contact_date
from incidents
cross join last_day
