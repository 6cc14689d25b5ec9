-- One row per Zendesk ticket with history: the facts the lifecycle metrics are built from (Zendesk's definitions,
-- docs/lifecycle_metrics.md). The creation audit is the ticket's first audit (the one with Create events first).
with events as (
    select * from {{ ref('stg_zendesk__ticket_events') }}
),

audits as (
    select
        ticket_id,
        audit_id,
        min(created_at) as created_at,
        max(case when event_type = 'Create' then 1 else 0 end) as has_create
    from events
    group by ticket_id, audit_id
),

creation as (
    select ticket_id, audit_id as creation_audit_id, created_at
    from (
        select
            *,
            row_number() over (partition by ticket_id order by has_create desc, created_at, audit_id) as audit_rank
        from audits
    ) as ranked
    where audit_rank = 1
),

latest as (
    select ticket_id, max(created_at) as latest_audit_at
    from audits
    group by ticket_id
),

status_events as (
    -- the status each audit left (the last status event of the audit), in order
    select
        ticket_id,
        created_at,
        audit_id,
        lower(value) as status,
        lag(lower(value)) over (partition by ticket_id order by created_at, audit_id) as previous_status
    from (
        select
            *,
            row_number() over (partition by ticket_id, audit_id order by event_id desc) as in_audit
        from events
        where field_name = 'status' and value is not null
    ) as s
    where in_audit = 1
),

statuses as (
    select
        ticket_id,
        min(case when status = 'solved' then created_at end) as first_solved_at,
        max(case when status = 'solved' then created_at end) as last_solved_at,
        -- a reopen: solved -> any unsolved status (closing a solved ticket is not one)
        sum(case when previous_status = 'solved' and status not in ('solved', 'closed') then 1 else 0 end) as reopens,
        max(status) filter (where is_last) as current_status
    from (
        select
            *,
            row_number() over (partition by ticket_id order by created_at desc, audit_id desc) = 1 as is_last
        from status_events
    ) as s
    group by ticket_id
),

comments as (
    select
        events.ticket_id,
        events.created_at,
        events.author_role
    from events
    inner join creation
        on creation.ticket_id = events.ticket_id
    where events.event_type in ('Comment', 'VoiceComment')
        and events.is_public
        -- the comment the ticket was created with is not a reply (Zendesk; dbt_zendesk count_agent_replies)
        and events.audit_id <> creation.creation_audit_id
),

replies as (
    select
        ticket_id,
        count(*) filter (where author_role in ('agent', 'admin')) as agent_replies,
        min(created_at) filter (where author_role in ('agent', 'admin')) as first_reply_at,
        -- a public comment whose author's role is unknown (no users side-load) leaves replies unknown
        count(*) filter (where author_role is null) as unknown_role_comments
    from comments
    group by ticket_id
),

stations as (
    select
        ticket_id,
        count(distinct case when field_name = 'group_id' then value end) as group_stations,
        count(distinct case when field_name = 'assignee_id' then value end) as assignee_stations
    from events
    where field_name in ('group_id', 'assignee_id') and event_type in ('Create', 'Change')
    group by ticket_id
)

select
    creation.ticket_id,
    creation.creation_audit_id,
    creation.created_at,
    latest.latest_audit_at,
    statuses.first_solved_at,
    statuses.last_solved_at,
    statuses.current_status,
    coalesce(statuses.reopens, 0) as reopens,
    case when coalesce(replies.unknown_role_comments, 0) = 0 then coalesce(replies.agent_replies, 0) end as replies,
    case when coalesce(replies.unknown_role_comments, 0) = 0 then replies.first_reply_at end as first_reply_at,
    coalesce(stations.group_stations, 0) as group_stations,
    coalesce(stations.assignee_stations, 0) as assignee_stations,
    -- where the waits stop: the last solve of a solved (or closed) ticket, else the latest audit
    case
        when statuses.current_status in ('solved', 'closed') and statuses.last_solved_at is not null
            then statuses.last_solved_at
        else latest.latest_audit_at
    end as measured_until
from creation
inner join latest on latest.ticket_id = creation.ticket_id
left join statuses on statuses.ticket_id = creation.ticket_id
left join replies on replies.ticket_id = creation.ticket_id
left join stations on stations.ticket_id = creation.ticket_id
