-- The normal level of a reason on a day, from the same weekday before it. Two kinds of rows:
--   incident_id null : the day's own baseline (incident_candidates scores the day against it);
--   incident_id set  : the baseline of one day of a registered incident, taken before the incident started
--                      (incident_impact sums the excess over it).
-- The baseline is the 4 most recent same-weekday days before the anchor (the day itself, or the local date the
-- incident started) that no registered incident of the same reason covers, looking back at most
-- `lookback_weeks` weeks and only inside the published range. expected = their median, mad = their median
-- absolute deviation from it. Leaving out incident days keeps an incident from raising its own baseline: with a
-- per-day baseline, the third week of a three-week incident is compared with two incident weeks.
{%- set lookback_weeks = 26 %}
with grid as (
    select contact_date, reason_code, contacts, suspect_contacts, cost from {{ ref('int_reason_daily') }}
),

incident_days as (
    select incident_id, reason_code, started_at, contact_date from {{ ref('int_incident_days') }}
),

-- reason-days a registered incident of the reason covers: never part of a baseline
covered_days as (
    select distinct reason_code, contact_date from incident_days
),

anchors as (
    select contact_date, reason_code, cast(null as {{ dbt.type_string() }}) as incident_id,
        contact_date as anchor_date
    from grid
    union all
    select incident_days.contact_date, incident_days.reason_code, incident_days.incident_id,
        {{ local_date('incident_days.started_at') }} as anchor_date
    from incident_days
    inner join grid
        on grid.reason_code = incident_days.reason_code and grid.contact_date = incident_days.contact_date
),

clean_prior_days as (
    select
        anchors.contact_date,
        anchors.reason_code,
        anchors.incident_id,
        prior.contact_date as prior_date,
        prior.contacts as prior_contacts,
        row_number() over (
            partition by anchors.reason_code, anchors.contact_date, anchors.incident_id
            order by prior.contact_date desc
        ) as recency
    from anchors
    inner join grid as prior
        on prior.reason_code = anchors.reason_code
        and prior.contact_date < anchors.anchor_date
        and prior.contact_date >= {{ add_days(-7 * lookback_weeks, 'anchors.anchor_date') }}
        and {{ dbt.datediff('prior.contact_date', 'anchors.contact_date', 'day') }} % 7 = 0
    left join covered_days
        on covered_days.reason_code = prior.reason_code and covered_days.contact_date = prior.contact_date
    where covered_days.contact_date is null
),

baseline_days as (
    select * from clean_prior_days where recency <= 4
),

medians as (
    select
        contact_date,
        reason_code,
        incident_id,
        {{ median('prior_contacts') }} as expected,
        count(*) as baseline_weeks,
        min(prior_date) as baseline_first_day,
        max(prior_date) as baseline_last_day
    from baseline_days
    group by contact_date, reason_code, incident_id
),

deviations as (
    select
        baseline_days.contact_date,
        baseline_days.reason_code,
        baseline_days.incident_id,
        {{ median('abs(baseline_days.prior_contacts - medians.expected)') }} as mad
    from baseline_days
    inner join medians
        on medians.contact_date = baseline_days.contact_date
        and medians.reason_code = baseline_days.reason_code
        and medians.incident_id is not distinct from baseline_days.incident_id
    group by baseline_days.contact_date, baseline_days.reason_code, baseline_days.incident_id
)

select
    anchors.contact_date,
    anchors.reason_code,
    anchors.incident_id,
    anchors.anchor_date,
    grid.contacts,
    grid.suspect_contacts,
    grid.cost,
    cast(medians.expected as double) as expected,
    cast(deviations.mad as double) as mad,
    coalesce(medians.baseline_weeks, 0) as baseline_weeks,
    medians.baseline_first_day,
    medians.baseline_last_day
from anchors
inner join grid on grid.reason_code = anchors.reason_code and grid.contact_date = anchors.contact_date
left join medians
    on medians.contact_date = anchors.contact_date
    and medians.reason_code = anchors.reason_code
    and medians.incident_id is not distinct from anchors.incident_id
left join deviations
    on deviations.contact_date = anchors.contact_date
    and deviations.reason_code = anchors.reason_code
    and deviations.incident_id is not distinct from anchors.incident_id
