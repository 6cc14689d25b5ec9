-- Zendesk ticket history (audits / incremental ticket events): one row per child event. An audit loaded again
-- (the same page twice, or overlapping pages) counts once: the latest load of each (ticket, audit, event) wins.
with source as (
    select * from {{ source('raw', 'ticket_events') }}
    where kind = 'audit'
),

ranked as (
    select
        *,
        row_number() over (
            partition by ticket_id, audit_id, coalesce(event_id, '')
            order by _loaded_at desc, _file desc, _record desc
        ) as load_rank
    from source
)

select
    ticket_id,
    audit_id,
    event_id,
    created_at,
    author_id,
    lower(author_role) as author_role,
    via_channel,
    event_type,
    field_name,
    value,
    previous_value,
    is_public
from ranked
where load_rank = 1
