-- Each reason-day with its baseline: the same weekday in the 4 prior weeks, only days present in
-- int_reason_daily (inside the published range) count. expected = median, mad = median absolute deviation from it.
with grid as (
    select * from {{ ref('int_reason_daily') }}
),

prior_weeks as (
    select 1 as weeks_back union all select 2 union all select 3 union all select 4
),

prior_days as (
    select
        grid.contact_date,
        grid.reason_code,
        {{ add_days('-7 * prior_weeks.weeks_back', 'grid.contact_date') }} as prior_date
    from grid
    cross join prior_weeks
),

prior_counts as (
    select prior_days.contact_date, prior_days.reason_code, prior.contacts as prior_contacts
    from prior_days
    inner join grid as prior
        on prior.reason_code = prior_days.reason_code and prior.contact_date = prior_days.prior_date
),

medians as (
    select contact_date, reason_code, {{ median('prior_contacts') }} as expected, count(*) as baseline_weeks
    from prior_counts
    group by contact_date, reason_code
),

deviations as (
    select
        prior_counts.contact_date,
        prior_counts.reason_code,
        {{ median('abs(prior_counts.prior_contacts - medians.expected)') }} as mad
    from prior_counts
    inner join medians
        on medians.contact_date = prior_counts.contact_date and medians.reason_code = prior_counts.reason_code
    group by prior_counts.contact_date, prior_counts.reason_code
)

select
    grid.contact_date,
    grid.reason_code,
    grid.contacts,
    grid.suspect_contacts,
    grid.cost,
    cast(medians.expected as double) as expected,
    cast(deviations.mad as double) as mad,
    coalesce(medians.baseline_weeks, 0) as baseline_weeks
from grid
left join medians on medians.contact_date = grid.contact_date and medians.reason_code = grid.reason_code
left join deviations
    on deviations.contact_date = grid.contact_date and deviations.reason_code = grid.reason_code
