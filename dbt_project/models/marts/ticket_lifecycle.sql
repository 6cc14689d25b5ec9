-- One row per Zendesk ticket with history (ticket_events/): how hard it was to get an answer, in calendar and in
-- business minutes, computed from the ticket's audits and metric events the way Zendesk defines each metric
-- (docs/lifecycle_metrics.md). A ticket without history has no row here; its figures stay unknown, never zero.
{%- set measures = ['first_reply', 'first_resolution', 'full_resolution', 'requester_wait', 'agent_wait', 'on_hold'] %}
{%- set waits = ['requester_wait', 'agent_wait', 'on_hold'] %}
with history as (
    select * from {{ ref('int_ticket_history') }}
),

minutes as (
    select * from {{ ref('int_ticket_span_minutes') }}
),

has_status as (
    select distinct ticket_id from {{ ref('int_ticket_status_periods') }}
),

pivoted as (
    select
        ticket_id
        {%- for m in measures %},
        max(calendar_minutes) filter (where measure = '{{ m }}') as {{ m }}_calendar_minutes,
        max(business_minutes) filter (where measure = '{{ m }}') as {{ m }}_business_minutes
        {%- endfor %}
    from minutes
    group by ticket_id
)

select
    cast(schedules.contact_id as varchar) as contact_id,
    cast(history.ticket_id as varchar) as ticket_id,
    cast(history.created_at as timestamp) as created_at,
    cast(schedules.contact_date as date) as contact_date,
    cast(schedules.channel as varchar) as channel,
    cast(schedules.department_id as varchar) as department_id,
    cast(schedules.reason_code as varchar) as reason_code,
    cast(schedules.schedule as varchar) as schedule,
    cast(history.current_status as varchar) as status,
    {%- for m in measures %}
    {%- if m in waits %}
    -- a wait the ticket never had is 0 minutes once its statuses are known
    cast(case when has_status.ticket_id is not null then coalesce(pivoted.{{ m }}_calendar_minutes, 0) end as double)
        as {{ m }}_calendar_minutes,
    cast(case when has_status.ticket_id is not null
        then {% if has_business_hours() %}coalesce(pivoted.{{ m }}_business_minutes, 0){% else %}null{% endif %} end as double)
        as {{ m }}_business_minutes,
    {%- else %}
    cast(pivoted.{{ m }}_calendar_minutes as double) as {{ m }}_calendar_minutes,
    cast(pivoted.{{ m }}_business_minutes as double) as {{ m }}_business_minutes,
    {%- endif %}
    {%- endfor %}
    cast(history.replies as integer) as replies,
    cast(history.reopens as integer) as reopens,
    cast(case
        when history.current_status not in ('solved', 'closed') or history.current_status is null then null
        when history.replies is null then null
        when history.reopens = 0 and history.replies <= 1 then 'one'
        when history.reopens = 0 and history.replies = 2 then 'two'
        else 'multi'
    end as varchar) as touch,
    cast(history.group_stations as integer) as group_stations,
    cast(history.assignee_stations as integer) as assignee_stations,
    cast(slas.sla_policy as varchar) as sla_policy,
    cast(slas.first_reply_sla as varchar) as first_reply_sla,
    cast(slas.resolution_sla as varchar) as resolution_sla,
    cast(coalesce(schedules.is_suspect, false) as boolean) as is_suspect
from history
left join pivoted on pivoted.ticket_id = history.ticket_id
left join has_status on has_status.ticket_id = history.ticket_id
left join {{ ref('int_ticket_schedules') }} as schedules on schedules.ticket_id = history.ticket_id
left join {{ ref('int_ticket_slas') }} as slas on slas.ticket_id = history.ticket_id
