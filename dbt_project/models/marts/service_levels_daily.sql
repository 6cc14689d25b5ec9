-- Speed and effort per local day, channel, department and reason (non-suspect contacts): ticket reply and
-- resolution times from ticket_lifecycle (medians, p90, calendar and business minutes), SLA achievement from the
-- metric events, and for calls the speed of answer, abandonment and service level (answered within
-- var service_level_seconds). Counts are additive; medians and p90 are of that day's cell.
with contacts as (
    select * from {{ ref('fct_contacts') }}
    where not is_suspect
),

lifecycle as (
    select * from {{ ref('ticket_lifecycle') }}
    where contact_id is not null
),

joined as (
    select
        contacts.contact_date,
        contacts.channel,
        contacts.department_id,
        contacts.reason_code,
        contacts.source,
        contacts.direction,
        contacts.is_abandoned,
        contacts.wait_seconds,
        contacts.handle_seconds,
        lifecycle.ticket_id,
        lifecycle.first_reply_calendar_minutes,
        lifecycle.first_reply_business_minutes,
        lifecycle.full_resolution_calendar_minutes,
        lifecycle.full_resolution_business_minutes,
        lifecycle.first_reply_sla,
        lifecycle.resolution_sla,
        -- an inbound call offered to agents (Talk or a CDR profile)
        contacts.source in ('talk', 'cdr') and contacts.direction = 'inbound' as is_inbound_call
    from contacts
    left join lifecycle on lifecycle.contact_id = contacts.contact_id
)

select
    cast(contact_date as date) as contact_date,
    cast(channel as varchar) as channel,
    cast(department_id as varchar) as department_id,
    cast(reason_code as varchar) as reason_code,
    cast(count(*) as integer) as contacts,
    cast(count(ticket_id) as integer) as tickets_with_history,
    cast({{ median('first_reply_calendar_minutes') }} as double) as first_reply_median_calendar_minutes,
    cast({{ median('first_reply_business_minutes') }} as double) as first_reply_median_business_minutes,
    cast({{ percentile('first_reply_business_minutes', 0.9) }} as double) as first_reply_p90_business_minutes,
    cast({{ median('full_resolution_calendar_minutes') }} as double) as full_resolution_median_calendar_minutes,
    cast({{ median('full_resolution_business_minutes') }} as double) as full_resolution_median_business_minutes,
    cast({{ percentile('full_resolution_business_minutes', 0.9) }} as double) as full_resolution_p90_business_minutes,
    cast(count(first_reply_sla) as integer) as first_reply_sla_measured,
    cast(count(*) filter (where first_reply_sla = 'achieved') as integer) as first_reply_sla_achieved,
    cast(count(resolution_sla) as integer) as resolution_sla_measured,
    cast(count(*) filter (where resolution_sla = 'achieved') as integer) as resolution_sla_achieved,
    cast(
        (count(*) filter (where first_reply_sla = 'achieved') + count(*) filter (where resolution_sla = 'achieved'))
        * 1.0 / nullif(count(first_reply_sla) + count(resolution_sla), 0) as double
    ) as sla_achievement,
    cast(count(*) filter (where is_inbound_call) as integer) as inbound_calls,
    cast(count(*) filter (where is_inbound_call and not coalesce(is_abandoned, false)) as integer) as answered_calls,
    cast(count(*) filter (
        where is_inbound_call and not coalesce(is_abandoned, false)
            and wait_seconds <= {{ setting_number('service_level_seconds') }}
    ) as integer) as answered_within_service_level,
    cast(count(*) filter (where is_inbound_call and is_abandoned) as integer) as abandoned_calls,
    cast(
        count(*) filter (
            where is_inbound_call and not coalesce(is_abandoned, false)
                and wait_seconds <= {{ setting_number('service_level_seconds') }}
        ) * 1.0 / nullif(count(*) filter (where is_inbound_call), 0) as double
    ) as service_level,
    cast(
        count(*) filter (where is_inbound_call and is_abandoned) * 1.0
        / nullif(count(*) filter (where is_inbound_call), 0) as double
    ) as abandonment_rate,
    cast({{ median("case when is_inbound_call and not coalesce(is_abandoned, false) then wait_seconds end") }} as double)
        as speed_of_answer_median_seconds,
    cast({{ median("case when is_inbound_call and is_abandoned then wait_seconds end") }} as double)
        as abandoned_wait_median_seconds,
    cast({{ median("case when is_inbound_call and not coalesce(is_abandoned, false) then handle_seconds end") }} as double)
        as handle_median_seconds
from joined
group by contact_date, channel, department_id, reason_code
