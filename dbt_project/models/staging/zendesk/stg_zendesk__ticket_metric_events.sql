-- Zendesk ticket metric events (activate, pause, fulfill, apply_sla, breach...): one row per event id.
with source as (
    select * from {{ source('raw', 'ticket_events') }}
    where kind = 'metric'
),

ranked as (
    select
        *,
        row_number() over (partition by event_id order by _loaded_at desc, _file desc, _record desc) as load_rank
    from source
)

select
    event_id as metric_event_id,
    ticket_id,
    metric,
    instance_id,
    event_type,
    created_at as event_at,
    sla_policy,
    sla_target_minutes,
    sla_business_hours,
    coalesce(is_deleted, false) as is_deleted
from ranked
where load_rank = 1
