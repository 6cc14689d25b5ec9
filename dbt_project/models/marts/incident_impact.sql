-- One row per registered incident. Excess = inbound contacts of the incident's reason on each local day from
-- started_at to ended_at + incident_grace_hours (an open incident runs to the last published day) minus that day's
-- baseline taken before the incident started (int_reason_baselines rows of the incident: median of the same
-- weekday over the 4 weeks before started_at, days of registered incidents of the reason left out), summed over
-- the days that have a baseline. excess_cost = excess x the average cost of the reason's inbound contacts.
-- Counts are non-suspect inbound contacts (demand); outbound contacts linked to the incident (a proactive
-- campaign, call-backs) are counted apart in linked_outbound_contacts.
with incidents as (
    select * from {{ ref('stg_reference__incidents') }}
),

excess as (
    select
        incident_id,
        count(*) as incident_days,
        sum(case when expected is not null then contacts end) as observed_contacts,
        sum(expected) as baseline_contacts,
        sum(contacts - expected) as excess_contacts
    from {{ ref('int_reason_baselines') }}
    where incident_id is not null
    group by incident_id
),

reason_costs as (
    select reason_code, cast(avg({{ exact_cost('cost') }}) as double) as average_cost
    from {{ ref('int_contacts_enriched') }}
    where not is_suspect and direction = 'inbound'
    group by reason_code
),

linked as (
    select
        incident_id,
        sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end) as linked_contacts,
        sum(case when not is_suspect and direction = 'outbound' then 1 else 0 end) as linked_outbound_contacts,
        sum(case when is_suspect then 1 else 0 end) as suspect_contacts
    from {{ ref('int_contacts_enriched') }}
    where incident_id is not null
    group by incident_id
),

hourly as (
    select incident_id, max(contacts) as contacts_per_hour_peak
    from (
        select incident_id, {{ dbt.date_trunc('hour', 'started_at') }} as contact_hour, count(*) as contacts
        from {{ ref('int_contacts_enriched') }}
        where incident_id is not null and not is_suspect and direction = 'inbound'
        group by incident_id, {{ dbt.date_trunc('hour', 'started_at') }}
    ) as per_hour
    group by incident_id
)

select
    cast(incidents.incident_id as varchar) as incident_id,
    cast(incidents.title as varchar) as title,
    cast(incidents.department_id as varchar) as department_id,
    cast(incidents.reason_code as varchar) as reason_code,
    cast(incidents.started_at as timestamp) as started_at,
    cast(incidents.ended_at as timestamp) as ended_at,
    cast(incidents.proactive_notice_at as timestamp) as proactive_notice_at,
    cast(incidents.proactive_notice_at is not null as boolean) as proactive,
    cast(coalesce(linked.linked_contacts, 0) as bigint) as linked_contacts,
    cast(coalesce(linked.linked_outbound_contacts, 0) as bigint) as linked_outbound_contacts,
    cast(coalesce(linked.suspect_contacts, 0) as bigint) as suspect_contacts,
    cast(excess.incident_days as integer) as incident_days,
    cast(excess.observed_contacts as double) as observed_contacts,
    cast(excess.baseline_contacts as double) as baseline_contacts,
    cast(excess.excess_contacts as double) as excess_contacts,
    cast(excess.excess_contacts * reason_costs.average_cost as double) as excess_cost,
    cast(coalesce(hourly.contacts_per_hour_peak, 0) as bigint) as contacts_per_hour_peak
from incidents
left join excess on excess.incident_id = incidents.incident_id
left join linked on linked.incident_id = incidents.incident_id
left join hourly on hourly.incident_id = incidents.incident_id
left join reason_costs on reason_costs.reason_code = incidents.reason_code
