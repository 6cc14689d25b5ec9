-- The statuses a ticket went through, as periods [started_at, ended_at) clipped to the ticket's measured_until
-- (its last solve, or its latest audit while unsolved): what requester, agent and on-hold waits add up.
with status_events as (
    select ticket_id, audit_id, created_at, lower(value) as status
    from (
        select
            *,
            row_number() over (partition by ticket_id, audit_id order by event_id desc) as in_audit
        from {{ ref('stg_zendesk__ticket_events') }}
        where field_name = 'status' and value is not null
    ) as s
    where in_audit = 1
),

periods as (
    select
        ticket_id,
        status,
        created_at as started_at,
        lead(created_at) over (partition by ticket_id order by created_at, audit_id) as next_at
    from status_events
)

select
    periods.ticket_id,
    periods.status,
    greatest(periods.started_at, history.created_at) as started_at,
    least(coalesce(periods.next_at, history.measured_until), history.measured_until) as ended_at
from periods
inner join {{ ref('int_ticket_history') }} as history
    on history.ticket_id = periods.ticket_id
where periods.started_at < history.measured_until
    and least(coalesce(periods.next_at, history.measured_until), history.measured_until) > periods.started_at
