-- SLA outcome per ticket from Zendesk ticket metric events. A metric instance with an apply_sla is `breached`
-- when a (not withdrawn) breach event comes before its fulfill, or has passed without a fulfill by the time of
-- the latest history loaded; `achieved` when fulfilled first; null while still running or without an SLA.
-- First reply = metric reply_time, instance 1; resolution = resolution_time, else requester_wait_time.
with events as (
    select * from {{ ref('stg_zendesk__ticket_metric_events') }}
),

horizon as (
    -- what has been observed so far: a breach event carries the time the target will breach, maybe still ahead
    select max(event_at) as as_of
    from (
        select event_at from events where event_type <> 'breach'
        union all
        select created_at from {{ ref('stg_zendesk__ticket_events') }}
    ) as all_events
),

instances as (
    select
        ticket_id,
        metric,
        instance_id,
        max(sla_policy) filter (where event_type = 'apply_sla') as sla_policy,
        max(event_at) filter (where event_type = 'apply_sla') as applied_at,
        min(event_at) filter (where event_type = 'fulfill') as fulfilled_at,
        min(event_at) filter (where event_type = 'breach' and not is_deleted) as breach_at
    from events
    group by ticket_id, metric, instance_id
),

outcomes as (
    select
        instances.*,
        case
            when applied_at is null then null
            when breach_at is not null and (fulfilled_at is null or breach_at < fulfilled_at)
                and breach_at <= horizon.as_of then 'breached'
            when fulfilled_at is not null then 'achieved'
        end as outcome
    from instances
    cross join horizon
),

latest_policy as (
    -- the policy applied last (a ticket can move to another policy)
    select ticket_id, sla_policy
    from (
        select
            ticket_id,
            sla_policy,
            row_number() over (partition by ticket_id order by event_at desc, metric_event_id desc) as policy_rank
        from events
        where event_type = 'apply_sla' and sla_policy is not null
    ) as ranked
    where policy_rank = 1
),

per_ticket as (
    select
        ticket_id,
    max(outcome) filter (where metric = 'reply_time' and instance_id = 1) as first_reply_sla,
    coalesce(
        max(outcome) filter (where metric = 'resolution_time'),
        max(outcome) filter (where metric = 'requester_wait_time')
    ) as resolution_sla
    from outcomes
    group by ticket_id
)

select
    per_ticket.ticket_id,
    latest_policy.sla_policy,
    per_ticket.first_reply_sla,
    per_ticket.resolution_sla
from per_ticket
left join latest_policy on latest_policy.ticket_id = per_ticket.ticket_id
