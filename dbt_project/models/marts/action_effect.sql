-- Before/after effect of each improvement action on its reason's non-suspect contacts.
-- Windows: action_weeks full weeks before implemented_on and from implemented_on on, cut to the full weeks that
-- the published range holds. Exposure: the department's denominator volume in thousands over the window's days
-- that have a volume (contacts counted on those days only); a department without volumes is measured per week.
-- rate_ratio = rate_after / rate_before; 95% CI = exp(ln(rate_ratio) +- 1.96 sqrt(1/n_before + 1/n_after)),
-- both with 0.5 added to each count when one of them is 0 (the log is undefined otherwise);
-- contacts_avoided = (rate_before - rate_after) x exposure_after; verdict reduced when ci_high < 1,
-- increased when ci_low > 1, else no_evidence.
{%- set weeks = setting_number('action_weeks') %}
with actions as (
    select * from {{ ref('stg_reference__actions') }}
    where implemented_on is not null
),

daily as (
    select contact_date, reason_code, contacts from {{ ref('int_reason_daily') }}
),

bounds as (
    select min(contact_date) as first_day, max(contact_date) as last_day from daily
),

current_owners as (
    select reason_code, department_id from {{ ref('dim_reasons') }}
),

volumes as (
    select department_id, volume_date, volume from {{ ref('int_department_volumes') }}
),

departments_with_volumes as (
    select distinct department_id from volumes
),

windows as (
    select
        actions.action_id,
        actions.reason_code,
        coalesce(actions.department_id, current_owners.department_id) as department_id,
        actions.implemented_on,
        -- full weeks of published data on each side (0 when there is none)
        greatest(least({{ weeks }}, coalesce(
            floor({{ dbt.datediff('bounds.first_day', 'actions.implemented_on', 'day') }} / 7.0), 0)), 0)
            as weeks_before,
        greatest(least({{ weeks }}, coalesce(
            floor(({{ dbt.datediff('actions.implemented_on', 'bounds.last_day', 'day') }} + 1) / 7.0), 0)), 0)
            as weeks_after
    from actions
    cross join bounds
    left join current_owners on current_owners.reason_code = actions.reason_code
),

based_windows as (
    select
        windows.*,
        case when departments_with_volumes.department_id is not null then 'volume' else 'week' end
            as exposure_basis
    from windows
    left join departments_with_volumes on departments_with_volumes.department_id = windows.department_id
),

window_days as (
    select
        based_windows.*,
        daily.contact_date,
        daily.contacts,
        case when daily.contact_date < based_windows.implemented_on then 'before' else 'after' end as period
    from based_windows
    inner join daily
        on daily.reason_code = based_windows.reason_code
        and daily.contact_date >= {{ add_days('-7 * based_windows.weeks_before', 'based_windows.implemented_on') }}
        and daily.contact_date < {{ add_days('7 * based_windows.weeks_after', 'based_windows.implemented_on') }}
),

measured_days as (
    select
        window_days.*,
        volumes.volume
    from window_days
    left join volumes
        on volumes.department_id = window_days.department_id and volumes.volume_date = window_days.contact_date
    where window_days.exposure_basis = 'week' or volumes.volume is not null
),

totals as (
    select
        action_id,
        sum(case when period = 'before' then contacts else 0 end) as n_before,
        sum(case when period = 'after' then contacts else 0 end) as n_after,
        sum(case when period = 'before' then volume else 0 end) / 1000.0 as volume_before,
        sum(case when period = 'after' then volume else 0 end) / 1000.0 as volume_after
    from measured_days
    group by action_id
),

rates as (
    select
        based_windows.*,
        coalesce(totals.n_before, 0) as n_before,
        coalesce(totals.n_after, 0) as n_after,
        case
            when based_windows.exposure_basis = 'volume' then coalesce(totals.volume_before, 0)
            else based_windows.weeks_before
        end as exposure_before,
        case
            when based_windows.exposure_basis = 'volume' then coalesce(totals.volume_after, 0)
            else based_windows.weeks_after
        end as exposure_after
    from based_windows
    left join totals on totals.action_id = based_windows.action_id
),

ratios as (
    select
        *,
        case when exposure_before > 0 then n_before / exposure_before end as rate_before,
        case when exposure_after > 0 then n_after / exposure_after end as rate_after,
        -- counts for the ratio and its interval: 0.5 added to both when one is zero
        case when n_before = 0 or n_after = 0 then n_before + 0.5 else n_before end as ci_n_before,
        case when n_before = 0 or n_after = 0 then n_after + 0.5 else n_after end as ci_n_after
    from rates
),

ratio_estimates as (
    select
        *,
        case when rate_before is not null and rate_after is not null
            then (ci_n_after / exposure_after) / (ci_n_before / exposure_before)
        end as rate_ratio,
        1.96 * sqrt(1.0 / ci_n_before + 1.0 / ci_n_after) as log_half_width
    from ratios
),

intervals as (
    select
        *,
        exp(ln(rate_ratio) - log_half_width) as ci_low,
        exp(ln(rate_ratio) + log_half_width) as ci_high
    from ratio_estimates
)

select
    cast(action_id as varchar) as action_id,
    cast(reason_code as varchar) as reason_code,
    cast(department_id as varchar) as department_id,
    cast(implemented_on as date) as implemented_on,
    cast(weeks_before as integer) as weeks_before,
    cast(weeks_after as integer) as weeks_after,
    cast(n_before as bigint) as contacts_before,
    cast(n_after as bigint) as contacts_after,
    cast(exposure_basis as varchar) as exposure_basis,
    cast(exposure_before as double) as exposure_before,
    cast(exposure_after as double) as exposure_after,
    cast(rate_before as double) as rate_before,
    cast(rate_after as double) as rate_after,
    cast(rate_ratio as double) as rate_ratio,
    cast(ci_low as double) as ci_low,
    cast(ci_high as double) as ci_high,
    cast((rate_before - rate_after) * exposure_after as double) as contacts_avoided,
    cast(
        case
            when ci_high < 1 then 'reduced'
            when ci_low > 1 then 'increased'
            else 'no_evidence'
        end as varchar
    ) as verdict
from intervals
