-- Department x month (local months). Contact counts are non-suspect contacts attributed to the department
-- (fct_contacts.department_id). Shares of unwanted contacts, repeats and one touch divide by inbound contacts
-- (repeats are inbound by definition; an outbound call-back is not a customer's request); unwanted_share_classified
-- leaves unclassified contacts (reason 'none': neither wanted nor unwanted) out of both sides, as the app's
-- headline share does (an incident-linked contact can be unclassified and still counted); one touch only over
-- the contacts where it is known. contacts_per_1000 = contacts of the department's reasons (owner on the contact
-- date, incident-linked included) / the department's volume x 1,000, both over exactly the same local days: the
-- published days (first to last contact day) that have a volume, so a partial first or last month is a rate over
-- its published days only; null without volumes.
-- csat in % (top-2 of the scale or Zendesk 'good', among rated), nps in points, ces mean on its own scale.
with enriched as (
    -- only the columns used: a CTE read several times is materialised, and the contact text would be copied with it
    select contact_id, department_id, reason_department_id, contact_date, direction, is_suspect, is_unwanted,
        is_repeat, is_one_touch, cost, coalesce(reason_code, 'none') <> 'none' as is_classified
    from {{ ref('int_contacts_enriched') }}
),

published_days as (
    select min(contact_date) as first_day, max(contact_date) as last_day
    from {{ ref('int_reason_daily') }}
),

months as (
    select distinct {{ month_start('contact_date') }} as month
    from {{ ref('int_reason_daily') }}
),

departments as (
    select department_id from {{ ref('stg_reference__departments') }}
    union
    select department_id from enriched where department_id is not null
),

contact_counts as (
    select
        department_id,
        {{ month_start('contact_date') }} as month,
        sum(case when not is_suspect then 1 else 0 end) as contacts,
        sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end) as inbound_contacts,
        sum(case when not is_suspect and is_unwanted then 1 else 0 end) as unwanted_contacts,
        sum(case when not is_suspect and is_unwanted and direction = 'inbound' then 1 else 0 end)
            as inbound_unwanted_contacts,
        sum(case when not is_suspect and direction = 'inbound' and is_classified then 1 else 0 end)
            as inbound_classified_contacts,
        sum(case when not is_suspect and direction = 'inbound' and is_classified and is_unwanted then 1 else 0 end)
            as inbound_unwanted_classified_contacts,
        sum(case when not is_suspect and is_repeat then 1 else 0 end) as repeat_contacts,
        sum(case when not is_suspect and direction = 'inbound' and is_one_touch then 1 else 0 end)
            as one_touch_contacts,
        sum(case when not is_suspect and direction = 'inbound' and is_one_touch is not null then 1 else 0 end)
            as one_touch_known,
        sum(case when not is_suspect and direction = 'inbound' and is_one_touch is null then 1 else 0 end)
            as one_touch_unknown,
        cast(sum(case when not is_suspect then {{ exact_cost('cost') }} else 0 end) as double) as cost,  -- decimal sum: identical on every re-run
        sum(case when is_suspect then 1 else 0 end) as suspect_contacts
    from enriched
    where department_id is not null
    group by department_id, {{ month_start('contact_date') }}
),

-- the days a rate per 1,000 is measured over: published and with a volume (numerator and denominator alike)
volume_days as (
    select volumes.department_id, volumes.volume_date, volumes.volume
    from {{ ref('int_department_volumes') }} as volumes
    inner join published_days
        on volumes.volume_date between published_days.first_day and published_days.last_day
),

month_volumes as (
    select department_id, {{ month_start('volume_date') }} as month, sum(volume) as volume
    from volume_days
    group by department_id, {{ month_start('volume_date') }}
),

owned_contacts as (
    select
        enriched.reason_department_id as department_id,
        {{ month_start('enriched.contact_date') }} as month,
        count(*) as contacts
    from enriched
    inner join volume_days
        on volume_days.department_id = enriched.reason_department_id
        and volume_days.volume_date = enriched.contact_date
    where not enriched.is_suspect
    group by enriched.reason_department_id, {{ month_start('enriched.contact_date') }}
),

ratings as (
    select
        department_id,
        {{ month_start('rated_on') }} as month,
        avg(case when is_satisfied then 100.0 when not is_satisfied then 0.0 end) as csat,
        count(is_satisfied) as csat_ratings,
        100.0 * (
            sum(case when nps_class = 'promoter' then 1 else 0 end)
            - sum(case when nps_class = 'detractor' then 1 else 0 end)
        ) / nullif(count(nps_class), 0) as nps,
        count(nps_class) as nps_responses,
        avg(ces) as ces,
        count(ces) as ces_responses
    from {{ ref('int_satisfaction_ratings') }}
    where not is_suspect and department_id is not null
    group by department_id, {{ month_start('rated_on') }}
),

alert_counts as (
    select
        enriched.department_id,
        {{ month_start(local_date('alerts.created_at')) }} as month,
        count(*) as alerts,
        sum(case when alerts.status = 'recontacted' then 1 else 0 end) as alerts_recontacted,
        sum(case when alerts.status = 'late' then 1 else 0 end) as alerts_late,
        sum(case when alerts.status = 'open' then 1 else 0 end) as alerts_open
    from {{ ref('int_alerts') }} as alerts
    inner join enriched on enriched.contact_id = alerts.contact_id
    left join {{ ref('int_suspects') }} as suspects
        on suspects.entity = 'response' and suspects.entity_id = alerts.response_id
    where suspects.entity_id is null and enriched.department_id is not null
    group by enriched.department_id, {{ month_start(local_date('alerts.created_at')) }}
),

targets as (
    -- a target for the month wins over the every-month one (empty period)
    select department_id, period, target,
        row_number() over (
            partition by department_id, coalesce(period, '*') order by target desc
        ) as duplicate_rank
    from {{ ref('stg_reference__targets') }}
    where metric = 'alerts_recontacted'
),

grid as (
    select departments.department_id, months.month
    from departments
    cross join months
)

select
    cast(grid.department_id as varchar) as department_id,
    cast(grid.month as date) as month,
    cast(coalesce(contact_counts.contacts, 0) as bigint) as contacts,
    cast(coalesce(contact_counts.inbound_contacts, 0) as bigint) as inbound_contacts,
    cast(coalesce(contact_counts.unwanted_contacts, 0) as bigint) as unwanted_contacts,
    cast(coalesce(contact_counts.inbound_unwanted_contacts, 0) as bigint) as inbound_unwanted_contacts,
    cast(
        contact_counts.inbound_unwanted_contacts * 1.0 / nullif(contact_counts.inbound_contacts, 0) as double
    ) as unwanted_share,
    cast(coalesce(contact_counts.inbound_classified_contacts, 0) as bigint) as inbound_classified_contacts,
    cast(
        contact_counts.inbound_unwanted_classified_contacts * 1.0 / nullif(contact_counts.inbound_classified_contacts, 0)
        as double
    ) as unwanted_share_classified,
    cast(coalesce(contact_counts.repeat_contacts, 0) as bigint) as repeat_contacts,
    cast(contact_counts.repeat_contacts * 1.0 / nullif(contact_counts.inbound_contacts, 0) as double) as repeat_rate,
    cast(coalesce(contact_counts.one_touch_contacts, 0) as bigint) as one_touch_contacts,
    cast(
        contact_counts.one_touch_contacts * 1.0 / nullif(contact_counts.one_touch_known, 0) as double
    ) as one_touch_rate,
    cast(coalesce(contact_counts.one_touch_unknown, 0) as bigint) as one_touch_unknown,
    cast(coalesce(contact_counts.cost, 0) as double) as cost,
    cast(coalesce(contact_counts.suspect_contacts, 0) as bigint) as suspect_contacts,
    cast(month_volumes.volume as double) as volume,
    cast(
        case when month_volumes.volume > 0
            then 1000.0 * coalesce(owned_contacts.contacts, 0) / month_volumes.volume
        end as double
    ) as contacts_per_1000,
    cast(ratings.csat as double) as csat,
    cast(coalesce(ratings.csat_ratings, 0) as bigint) as csat_ratings,
    cast(ratings.nps as double) as nps,
    cast(coalesce(ratings.nps_responses, 0) as bigint) as nps_responses,
    cast(ratings.ces as double) as ces,
    cast(coalesce(ratings.ces_responses, 0) as bigint) as ces_responses,
    cast(coalesce(alert_counts.alerts, 0) as bigint) as alerts,
    cast(coalesce(alert_counts.alerts_recontacted, 0) as bigint) as alerts_recontacted,
    cast(coalesce(alert_counts.alerts_late, 0) as bigint) as alerts_late,
    cast(coalesce(alert_counts.alerts_open, 0) as bigint) as alerts_open,
    cast(coalesce(month_target.target, every_month_target.target) as double) as target_alerts_recontacted,
    cast(effort.tickets_with_history as bigint) as tickets_with_history,
    cast(effort.median_resolution_business_minutes as double) as median_resolution_business_minutes,
    cast(effort.median_first_reply_business_minutes as double) as median_first_reply_business_minutes,
    cast(effort.replies_per_ticket as double) as replies_per_ticket,
    cast(effort.reopen_rate as double) as reopen_rate,
    cast(effort.transfer_rate as double) as transfer_rate
from grid
left join (
    select
        department_id as effort_department_id, month as effort_month, tickets_with_history,
        median_resolution_business_minutes, median_first_reply_business_minutes, replies_per_ticket, reopen_rate,
        transfer_rate
    from {{ ref('int_ticket_effort') }}
    where grain = 'department_month'
) as effort
    on effort.effort_department_id = grid.department_id and effort.effort_month = grid.month
left join contact_counts
    on contact_counts.department_id = grid.department_id and contact_counts.month = grid.month
left join month_volumes
    on month_volumes.department_id = grid.department_id and month_volumes.month = grid.month
left join owned_contacts
    on owned_contacts.department_id = grid.department_id and owned_contacts.month = grid.month
left join ratings on ratings.department_id = grid.department_id and ratings.month = grid.month
left join alert_counts on alert_counts.department_id = grid.department_id and alert_counts.month = grid.month
left join targets as month_target
    on month_target.department_id = grid.department_id
    and month_target.period = {{ month_label('grid.month') }}
    and month_target.duplicate_rank = 1
left join targets as every_month_target
    on every_month_target.department_id = grid.department_id
    and every_month_target.period is null
    and every_month_target.duplicate_rank = 1
