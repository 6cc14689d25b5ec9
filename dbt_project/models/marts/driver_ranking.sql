-- Contact reasons ranked over the whole published history by non-suspect unwanted contacts (rank 1 = most;
-- ties by contacts, cost, reason_code). department_id and kind are the reason's current (latest) ones.
with enriched as (
    -- only the columns used: a CTE read twice is materialised, and the contact text would be copied with it
    select reason_code, direction, is_suspect, is_unwanted, is_repeat, incident_id, handle_seconds, cost
    from {{ ref('int_contacts_enriched') }}
),

reasons as (
    select reason_code, kind, department_id, label_en, label_fr from {{ ref('dim_reasons') }}
    union all
    select distinct enriched.reason_code, cast(null as varchar), cast(null as varchar), cast(null as varchar),
        cast(null as varchar)
    from enriched
    left join {{ ref('dim_reasons') }} as known on known.reason_code = enriched.reason_code
    where known.reason_code is null
),

contact_counts as (
    select
        reason_code,
        sum(case when not is_suspect then 1 else 0 end) as contacts,
        sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end) as inbound_contacts,
        sum(case when not is_suspect and is_unwanted then 1 else 0 end) as unwanted_contacts,
        sum(case when not is_suspect and is_repeat then 1 else 0 end) as repeat_contacts,
        sum(case when not is_suspect and incident_id is not null then 1 else 0 end) as incident_contacts,
        sum(case when not is_suspect then handle_seconds else 0 end) as handle_seconds,
        cast(sum(case when not is_suspect then {{ exact_cost('cost') }} else 0 end) as double) as cost,  -- decimal sum: identical on every re-run
        sum(case when is_suspect then 1 else 0 end) as suspect_contacts
    from enriched
    group by reason_code
),

ratings as (
    select
        reason_code,
        avg(case when is_satisfied then 100.0 when not is_satisfied then 0.0 end) as csat,
        count(is_satisfied) as csat_ratings
    from {{ ref('int_satisfaction_ratings') }}
    where not is_suspect and reason_code is not null
    group by reason_code
),

measured as (
    select
        reasons.*,
        coalesce(contact_counts.contacts, 0) as contacts,
        coalesce(contact_counts.inbound_contacts, 0) as inbound_contacts,
        coalesce(contact_counts.unwanted_contacts, 0) as unwanted_contacts,
        coalesce(contact_counts.repeat_contacts, 0) as repeat_contacts,
        coalesce(contact_counts.incident_contacts, 0) as incident_contacts,
        coalesce(contact_counts.handle_seconds, 0) as handle_seconds,
        coalesce(contact_counts.cost, 0) as cost,
        coalesce(contact_counts.suspect_contacts, 0) as suspect_contacts,
        ratings.csat,
        coalesce(ratings.csat_ratings, 0) as csat_ratings
    from reasons
    left join contact_counts on contact_counts.reason_code = reasons.reason_code
    left join ratings on ratings.reason_code = reasons.reason_code
)

select
    cast(reason_code as varchar) as reason_code,
    cast(label_en as varchar) as label_en,
    cast(label_fr as varchar) as label_fr,
    cast(department_id as varchar) as department_id,
    cast(kind as varchar) as kind,
    cast(contacts as bigint) as contacts,
    cast(inbound_contacts as bigint) as inbound_contacts,
    cast(unwanted_contacts as bigint) as unwanted_contacts,
    cast(repeat_contacts as bigint) as repeat_contacts,
    cast(incident_contacts as bigint) as incident_contacts,
    cast(handle_seconds as double) as handle_seconds,
    cast(cost as double) as cost,
    -- repeats are inbound by definition: their rate divides by inbound contacts
    cast(repeat_contacts * 1.0 / nullif(inbound_contacts, 0) as double) as repeat_rate,
    cast(csat as double) as csat,
    cast(csat_ratings as bigint) as csat_ratings,
    cast(unwanted_contacts * 1.0 / nullif(sum(unwanted_contacts) over (), 0) as double) as share_of_unwanted,
    cast(suspect_contacts as bigint) as suspect_contacts,
    cast(
        row_number() over (order by unwanted_contacts desc, contacts desc, cost desc, reason_code) as integer
    ) as rank,
    -- customer effort of the reason's Zendesk tickets with history (int_ticket_effort, ticket_lifecycle)
    cast(effort.tickets_with_history as bigint) as tickets_with_history,
    cast(effort.median_resolution_business_minutes as double) as median_resolution_business_minutes,
    cast(effort.median_first_reply_business_minutes as double) as median_first_reply_business_minutes,
    cast(effort.replies_per_ticket as double) as replies_per_ticket,
    cast(effort.reopen_rate as double) as reopen_rate,
    cast(effort.transfer_rate as double) as transfer_rate
from measured
left join (
    select
        reason_code as effort_reason_code, tickets_with_history, median_resolution_business_minutes,
        median_first_reply_business_minutes, replies_per_ticket, reopen_rate, transfer_rate
    from {{ ref('int_ticket_effort') }}
    where grain = 'reason'
) as effort
    on effort.effort_reason_code = measured.reason_code
