-- Before/after effect of each improvement action on its reason's demand (non-suspect inbound contacts), with an
-- interval that allows for overdispersion, and a difference-in-differences check against untreated reasons.
--
-- Windows: action_weeks full weeks before implemented_on and from implemented_on on, cut to the full weeks the
-- published range holds. Each window is a series of weeks (implemented_on + 7k): whole weeks, so the weekday mix
-- never differs between the two sides. Exposure per week: the department's denominator volume in thousands over
-- the week's days that have a volume (contacts counted on those days only; a week without any volume is left
-- out); a department without volumes is measured per week.
--
-- Rate ratio: quasi-Poisson regression of the weekly counts on before/after with log(exposure) as offset. Its
-- estimate is rate_after / rate_before (0.5 added to both counts when one of them is 0); the dispersion is the
-- Pearson chi-square of the weekly counts around their period's fitted rate over its degrees of freedom
-- (weeks - 2), never below 1 (Poisson); 95 % interval = exp(ln(ratio) +- t(df) x sqrt(dispersion x (1/n_before
-- + 1/n_after))), t the Student quantile because the dispersion is itself estimated from the weeks. Needs at
-- least 2 weeks on each side; else no interval and the verdict is no_evidence.
-- verdict: reduced when ci_high < 1, increased when ci_low > 1, else no_evidence.
-- contacts_avoided = (rate_before - rate_after) x exposure_after.
--
-- Difference in differences (did_*): the same weekly model for the reason's share of a control group, the summed
-- weekly contacts of the untreated reasons (no action registered on them, not 'none') owned by the action's
-- department, or of every untreated reason when the department has none. did_ratio = (n_after / control_after)
-- / (n_before / control_before); a change that hit every reason alike (a season, a campaign) cancels out.
{%- set weeks = setting_number('action_weeks') | int %}
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
        actions.description,
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

week_offsets as (
    {%- for offset in range(-weeks, weeks) %}
    select {{ offset }} as week_offset{% if not loop.last %} union all{% endif %}
    {%- endfor %}
),

-- one row per action and week of its windows
action_weeks as (
    select
        based_windows.action_id,
        based_windows.reason_code,
        based_windows.department_id,
        based_windows.exposure_basis,
        week_offsets.week_offset,
        case when week_offsets.week_offset < 0 then 'before' else 'after' end as period,
        {{ add_days('7 * week_offsets.week_offset', 'based_windows.implemented_on') }} as week_start,
        {{ add_days('7 * week_offsets.week_offset + 7', 'based_windows.implemented_on') }} as week_end
    from based_windows
    cross join week_offsets
    where week_offsets.week_offset >= -based_windows.weeks_before
        and week_offsets.week_offset < based_windows.weeks_after
),

week_counts as (
    select
        action_weeks.action_id,
        action_weeks.week_offset,
        -- counted against the exposure: every day per week, only days with a volume per volume
        sum(case when action_weeks.exposure_basis = 'week' or volumes.volume is not null then daily.contacts else 0 end)
            as measured_contacts,
        sum(daily.contacts) as contacts
    from action_weeks
    inner join daily
        on daily.reason_code = action_weeks.reason_code
        and daily.contact_date >= action_weeks.week_start
        and daily.contact_date < action_weeks.week_end
    left join volumes
        on volumes.department_id = action_weeks.department_id and volumes.volume_date = daily.contact_date
    group by action_weeks.action_id, action_weeks.week_offset
),

week_volumes as (
    select action_weeks.action_id, action_weeks.week_offset, sum(volumes.volume) / 1000.0 as volume
    from action_weeks
    inner join volumes
        on volumes.department_id = action_weeks.department_id
        and volumes.volume_date >= action_weeks.week_start
        and volumes.volume_date < action_weeks.week_end
    where action_weeks.exposure_basis = 'volume'
    group by action_weeks.action_id, action_weeks.week_offset
),

series as (
    select
        action_weeks.action_id,
        action_weeks.week_offset,
        action_weeks.period,
        coalesce(week_counts.measured_contacts, 0) as measured_contacts,
        coalesce(week_counts.contacts, 0) as contacts,
        case
            when action_weeks.exposure_basis = 'volume' then coalesce(week_volumes.volume, 0)
            else 1.0
        end as exposure
    from action_weeks
    left join week_counts
        on week_counts.action_id = action_weeks.action_id and week_counts.week_offset = action_weeks.week_offset
    left join week_volumes
        on week_volumes.action_id = action_weeks.action_id and week_volumes.week_offset = action_weeks.week_offset
),

-- before/after rate ratio ----------------------------------------------------------------------------------------

measured_weeks as (
    select * from series where exposure > 0
),

totals as (
    select
        action_id,
        sum(case when period = 'before' then measured_contacts else 0 end) as n_before,
        sum(case when period = 'after' then measured_contacts else 0 end) as n_after,
        sum(case when period = 'before' then exposure else 0 end) as exposure_before,
        sum(case when period = 'after' then exposure else 0 end) as exposure_after,
        sum(case when period = 'before' then 1 else 0 end) as measured_weeks_before,
        sum(case when period = 'after' then 1 else 0 end) as measured_weeks_after
    from measured_weeks
    group by action_id
),

rates as (
    select
        based_windows.*,
        coalesce(totals.n_before, 0) as n_before,
        coalesce(totals.n_after, 0) as n_after,
        coalesce(totals.exposure_before, 0) as exposure_before,
        coalesce(totals.exposure_after, 0) as exposure_after,
        coalesce(totals.measured_weeks_before, 0) as measured_weeks_before,
        coalesce(totals.measured_weeks_after, 0) as measured_weeks_after
    from based_windows
    left join totals on totals.action_id = based_windows.action_id
),

ratios as (
    select
        *,
        case when exposure_before > 0 then n_before / exposure_before end as rate_before,
        case when exposure_after > 0 then n_after / exposure_after end as rate_after,
        -- counts for the ratio and its interval: 0.5 added to both when one is zero (the log is undefined otherwise)
        case when n_before = 0 or n_after = 0 then n_before + 0.5 else n_before end as ci_n_before,
        case when n_before = 0 or n_after = 0 then n_after + 0.5 else n_after end as ci_n_after,
        case
            when measured_weeks_before >= 2 and measured_weeks_after >= 2
                then measured_weeks_before + measured_weeks_after - 2
        end as dispersion_df
    from rates
),

pearson as (
    select
        measured_weeks.action_id,
        sum(
            case when fitted.expected_contacts > 0
                then (measured_weeks.measured_contacts - fitted.expected_contacts)
                    * (measured_weeks.measured_contacts - fitted.expected_contacts) / fitted.expected_contacts
                else 0
            end
        ) as chi_square
    from measured_weeks
    inner join (
        select
            measured_weeks.action_id,
            measured_weeks.week_offset,
            measured_weeks.exposure
                * case when measured_weeks.period = 'before' then ratios.rate_before else ratios.rate_after end
                as expected_contacts
        from measured_weeks
        inner join ratios on ratios.action_id = measured_weeks.action_id
    ) as fitted
        on fitted.action_id = measured_weeks.action_id and fitted.week_offset = measured_weeks.week_offset
    group by measured_weeks.action_id
),

estimates as (
    select
        ratios.*,
        case when ratios.rate_before is not null and ratios.rate_after is not null
            then (ratios.ci_n_after / ratios.exposure_after) / (ratios.ci_n_before / ratios.exposure_before)
        end as rate_ratio,
        case when ratios.dispersion_df is not null
            then greatest(1.0, coalesce(pearson.chi_square, 0) / ratios.dispersion_df)
        end as dispersion
    from ratios
    left join pearson on pearson.action_id = ratios.action_id
),

intervals as (
    select
        *,
        case when rate_ratio is not null and dispersion is not null
            then ({{ t_quantile_975('dispersion_df') }}) * sqrt(dispersion * (1.0 / ci_n_before + 1.0 / ci_n_after))
        end as log_half_width
    from estimates
),

-- difference in differences against untreated reasons ---------------------------------------------------------

treated_reasons as (
    select distinct reason_code from actions where reason_code is not null
),

untreated_reasons as (
    select current_owners.reason_code, current_owners.department_id
    from current_owners
    left join treated_reasons on treated_reasons.reason_code = current_owners.reason_code
    where treated_reasons.reason_code is null and current_owners.reason_code <> 'none'
),

control_choice as (
    select
        based_windows.action_id,
        case
            when sum(case when untreated_reasons.department_id = based_windows.department_id then 1 else 0 end) > 0
                then 'department'
            when count(untreated_reasons.reason_code) > 0 then 'all'
        end as did_control
    from based_windows
    left join untreated_reasons on 1 = 1
    group by based_windows.action_id
),

control_reasons as (
    select based_windows.action_id, untreated_reasons.reason_code
    from based_windows
    inner join control_choice on control_choice.action_id = based_windows.action_id
    inner join untreated_reasons
        on control_choice.did_control = 'all'
        or (control_choice.did_control = 'department' and untreated_reasons.department_id = based_windows.department_id)
),

control_counts as (
    select
        control_reasons.action_id,
        count(*) as did_control_reasons
    from control_reasons
    group by control_reasons.action_id
),

control_weeks as (
    select action_weeks.action_id, action_weeks.week_offset, sum(daily.contacts) as control_contacts
    from action_weeks
    inner join control_reasons on control_reasons.action_id = action_weeks.action_id
    inner join daily
        on daily.reason_code = control_reasons.reason_code
        and daily.contact_date >= action_weeks.week_start
        and daily.contact_date < action_weeks.week_end
    group by action_weeks.action_id, action_weeks.week_offset
),

did_weeks as (
    select series.action_id, series.week_offset, series.period, series.contacts, control_weeks.control_contacts
    from series
    inner join control_weeks
        on control_weeks.action_id = series.action_id and control_weeks.week_offset = series.week_offset
    where control_weeks.control_contacts > 0
),

did_totals as (
    select
        action_id,
        sum(case when period = 'before' then contacts else 0 end) as y_before,
        sum(case when period = 'after' then contacts else 0 end) as y_after,
        sum(case when period = 'before' then control_contacts else 0 end) as c_before,
        sum(case when period = 'after' then control_contacts else 0 end) as c_after,
        sum(case when period = 'before' then 1 else 0 end) as did_weeks_before,
        sum(case when period = 'after' then 1 else 0 end) as did_weeks_after
    from did_weeks
    group by action_id
),

did_ratios as (
    select
        *,
        y_before * 1.0 / c_before as share_before,
        y_after * 1.0 / c_after as share_after,
        case when y_before = 0 or y_after = 0 then y_before + 0.5 else y_before end as ci_y_before,
        case when y_before = 0 or y_after = 0 then y_after + 0.5 else y_after end as ci_y_after,
        case
            when did_weeks_before >= 2 and did_weeks_after >= 2 then did_weeks_before + did_weeks_after - 2
        end as did_df
    from did_totals
    where did_weeks_before > 0 and did_weeks_after > 0
),

did_pearson as (
    select
        did_weeks.action_id,
        sum(
            case when fitted_share > 0
                then (did_weeks.contacts - did_weeks.control_contacts * fitted_share)
                    * (did_weeks.contacts - did_weeks.control_contacts * fitted_share)
                    / (did_weeks.control_contacts * fitted_share)
                else 0
            end
        ) as chi_square
    from (
        select
            did_weeks.*,
            case when did_weeks.period = 'before' then did_ratios.share_before else did_ratios.share_after end
                as fitted_share
        from did_weeks
        inner join did_ratios on did_ratios.action_id = did_weeks.action_id
    ) as did_weeks
    group by did_weeks.action_id
),

did_estimates as (
    select
        did_ratios.action_id,
        (did_ratios.ci_y_after / did_ratios.c_after) / (did_ratios.ci_y_before / did_ratios.c_before) as did_ratio,
        did_ratios.did_df,
        case when did_ratios.did_df is not null
            then greatest(1.0, coalesce(did_pearson.chi_square, 0) / did_ratios.did_df)
        end as did_dispersion,
        did_ratios.ci_y_before,
        did_ratios.ci_y_after
    from did_ratios
    left join did_pearson on did_pearson.action_id = did_ratios.action_id
),

did_intervals as (
    select
        *,
        case when did_dispersion is not null
            then ({{ t_quantile_975('did_df') }}) * sqrt(did_dispersion * (1.0 / ci_y_before + 1.0 / ci_y_after))
        end as did_log_half_width
    from did_estimates
),

published as (
    select
        intervals.*,
        -- 6 decimals: an interval is not known to the 15th digit; the verdict reads the published bounds
        round(exp(ln(intervals.rate_ratio) - intervals.log_half_width), 6) as ci_low,
        round(exp(ln(intervals.rate_ratio) + intervals.log_half_width), 6) as ci_high
    from intervals
)

select
    cast(published.action_id as varchar) as action_id,
    cast(published.reason_code as varchar) as reason_code,
    cast(published.department_id as varchar) as department_id,
    cast(published.description as varchar) as description,
    cast(published.implemented_on as date) as implemented_on,
    cast(published.weeks_before as integer) as weeks_before,
    cast(published.weeks_after as integer) as weeks_after,
    cast(published.n_before as bigint) as contacts_before,
    cast(published.n_after as bigint) as contacts_after,
    cast(published.exposure_basis as varchar) as exposure_basis,
    cast(published.exposure_before as double) as exposure_before,
    cast(published.exposure_after as double) as exposure_after,
    cast(published.rate_before as double) as rate_before,
    cast(published.rate_after as double) as rate_after,
    cast(published.rate_ratio as double) as rate_ratio,
    cast(published.dispersion as double) as dispersion,
    cast(published.ci_low as double) as ci_low,
    cast(published.ci_high as double) as ci_high,
    cast((published.rate_before - published.rate_after) * published.exposure_after as double) as contacts_avoided,
    cast(
        case
            when published.ci_high < 1 then 'reduced'
            when published.ci_low > 1 then 'increased'
            else 'no_evidence'
        end as varchar
    ) as verdict,
    cast(control_choice.did_control as varchar) as did_control,
    cast(coalesce(control_counts.did_control_reasons, 0) as integer) as did_control_reasons,
    cast(did_intervals.did_ratio as double) as did_ratio,
    cast(did_intervals.did_dispersion as double) as did_dispersion,
    cast(round(exp(ln(did_intervals.did_ratio) - did_intervals.did_log_half_width), 6) as double) as did_ci_low,
    cast(round(exp(ln(did_intervals.did_ratio) + did_intervals.did_log_half_width), 6) as double) as did_ci_high
from published
left join control_choice on control_choice.action_id = published.action_id
left join control_counts on control_counts.action_id = published.action_id
left join did_intervals on did_intervals.action_id = published.action_id
