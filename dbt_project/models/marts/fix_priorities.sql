-- What to fix first: one row per reason with its money (cost per year), its pain (satisfaction penalty), its
-- owner and the recommended move of the value/irritant matrix, ranked by the priority score. The rules are
-- written out in fix_priorities.yml; the weights and thresholds are whycall.yml's rules.priority.
{%- set cost_weight = setting_number('priority', 'cost_weight') %}
{%- set satisfaction_weight = setting_number('priority', 'satisfaction_weight') %}
{%- set simple_max_handle_minutes = setting_number('priority', 'simple_max_handle_minutes') %}
{%- set complex_min_transfers = setting_number('priority', 'complex_min_transfers') %}
{%- set trend_weeks = setting_number('priority', 'trend_weeks') | int %}
{%- if cost_weight + satisfaction_weight <= 0 %}
    {{ exceptions.raise_compiler_error("whycall.yml rules.priority: cost_weight + satisfaction_weight must be above 0") }}
{%- endif %}
with contacts as (
    select
        coalesce(reason_code, 'none') as reason_code, direction, customer_key, contact_date, is_unwanted, is_repeat, handle_seconds, transfers, cost
    from {{ ref('fct_contacts') }}
    where not is_suspect
),

-- the published window: annualised figures scale its totals to 365.25 days
published_window as (
    select
        min(contact_date) as window_start,
        max(contact_date) as window_end,
        {{ dbt.datediff('min(contact_date)', 'max(contact_date)', 'day') }} + 1 as window_days
    from contacts
),

contact_totals as (
    select
        contacts.reason_code,
        count(*) as contacts,
        sum(case when is_unwanted then 1 else 0 end) as unwanted_contacts,
        sum(case when is_repeat then 1 else 0 end) as repeat_contacts,
        sum(case when direction = 'inbound' then 1 else 0 end) as inbound_contacts,
        count(distinct customer_key) as customers_affected,
        cast(sum(cast(cost as decimal(18, 4))) as double) as cost,
        avg(handle_seconds) / 60.0 as avg_handle_minutes,
        avg(transfers) as avg_transfers,
        -- trend: inbound contacts of the last trend_weeks weeks of the window vs the trend_weeks before
        sum(case when direction = 'inbound'
            and contact_date > {{ add_days(-7 * trend_weeks, 'published_window.window_end') }}
            then 1 else 0 end) as recent_contacts,
        sum(case when direction = 'inbound'
            and contact_date <= {{ add_days(-7 * trend_weeks, 'published_window.window_end') }}
            and contact_date > {{ add_days(-14 * trend_weeks, 'published_window.window_end') }}
            then 1 else 0 end) as earlier_contacts
    from contacts
    cross join published_window
    group by contacts.reason_code
),

reasons as (
    select reasons.reason_code, reasons.label_en, reasons.label_fr, reasons.kind, reasons.department_id,
        departments.department_name, departments.manager
    from {{ ref('dim_reasons') }} as reasons
    left join {{ ref('dim_departments') }} as departments on departments.department_id = reasons.department_id
    union all
    select distinct contact_totals.reason_code, null, null, null, null, null, null
    from contact_totals
    left join {{ ref('dim_reasons') }} as known on known.reason_code = contact_totals.reason_code
    where known.reason_code is null
),

latest_action as (
    select reason_code, action_id, implemented_on, verdict, actions
    from (
        select
            reason_code, action_id, implemented_on, verdict,
            count(*) over (partition by reason_code) as actions,
            row_number() over (partition by reason_code order by implemented_on desc, action_id desc) as recency
        from {{ ref('action_effect') }}
    ) as ranked
    where recency = 1
),

measured as (
    select
        reasons.*,
        published_window.window_start,
        published_window.window_end,
        published_window.window_days,
        coalesce(contact_totals.contacts, 0) as contacts,
        coalesce(contact_totals.unwanted_contacts, 0) as unwanted_contacts,
        coalesce(contact_totals.repeat_contacts, 0) as repeat_contacts,
        coalesce(contact_totals.inbound_contacts, 0) as inbound_contacts,
        coalesce(contact_totals.customers_affected, 0) as customers_affected,
        coalesce(contact_totals.cost, 0) as cost,
        contact_totals.avg_handle_minutes,
        contact_totals.avg_transfers,
        coalesce(contact_totals.recent_contacts, 0) as recent_contacts,
        coalesce(contact_totals.earlier_contacts, 0) as earlier_contacts,
        satisfaction.nps_responses, satisfaction.nps, satisfaction.nps_others, satisfaction.nps_gap,
        satisfaction.nps_gap_low, satisfaction.nps_gap_high, satisfaction.nps_overall, satisfaction.nps_impact,
        satisfaction.nps_impact_low, satisfaction.nps_impact_high,
        satisfaction.csat_ratings, satisfaction.csat, satisfaction.csat_others, satisfaction.csat_gap,
        satisfaction.csat_gap_low, satisfaction.csat_gap_high,
        latest_action.action_id, latest_action.implemented_on as action_implemented_on,
        latest_action.verdict as action_verdict, coalesce(latest_action.actions, 0) as actions
    from reasons
    cross join published_window
    left join contact_totals on contact_totals.reason_code = reasons.reason_code
    left join {{ ref('int_reason_satisfaction') }} as satisfaction on satisfaction.reason_code = reasons.reason_code
    left join latest_action on latest_action.reason_code = reasons.reason_code
),

annualised as (
    select
        *,
        cost * 365.25 / window_days as cost_per_year,
        contacts * 365.25 / 12 / window_days as contacts_per_month,
        unwanted_contacts * 365.25 / 12 / window_days as unwanted_contacts_per_month,
        repeat_contacts * 1.0 / nullif(inbound_contacts, 0) as repeat_rate,
        -- the trend needs the whole 2 x trend_weeks inside the window and contacts on both sides
        case when window_days >= 14 * {{ trend_weeks }} and recent_contacts > 0 and earlier_contacts > 0
            then recent_contacts * 1.0 / earlier_contacts end as trend_ratio,
        case when window_days >= 14 * {{ trend_weeks }} and recent_contacts > 0 and earlier_contacts > 0
            then 1.959964 * sqrt(1.0 / recent_contacts + 1.0 / earlier_contacts) end as trend_log_half_width,
        -- satisfaction penalty in NPS points: how much higher the overall NPS would be without the reason
        greatest(coalesce(nps_impact, 0), 0) as satisfaction_penalty
    from measured
),

classified as (
    select
        *,
        case
            when kind = 'value' and nps_gap_high < 0 then 'simplify'
            when kind = 'value' then 'leverage'
            when kind = 'unwanted'
                and avg_handle_minutes <= {{ simple_max_handle_minutes }}
                and coalesce(repeat_rate, 0) <= coalesce(median_unwanted_repeat_rate, 0) then 'automate'
            when kind = 'unwanted'
                and (department_id is null or coalesce(avg_transfers, 0) >= {{ complex_min_transfers }})
                then 'simplify'
            when kind = 'unwanted' then 'eliminate'
        end as recommended_move
    from (
        select
            *,
            {{ median("case when kind = 'unwanted' then repeat_rate end") }} over () as median_unwanted_repeat_rate
        from annualised
    ) as with_median
),

-- the totals are summed as decimals: a sum of doubles depends on the order of its rows, and the marts must be
-- the same whatever order the days were loaded in (CONTRACT §4)
scored as (
    select
        *,
        cost_per_year / nullif(cast(sum(case when kind is not null then cast(cost_per_year as decimal(38, 10))
            else 0 end) over () as double), 0) as cost_share,
        satisfaction_penalty / nullif(cast(sum(case when kind is not null
            then cast(satisfaction_penalty as decimal(38, 10)) else 0 end) over () as double), 0) as penalty_share
    from classified
),

final as (
    select
        *,
        case when kind is not null then
            ({{ cost_weight }} * coalesce(cost_share, 0) + {{ satisfaction_weight }} * coalesce(penalty_share, 0))
            / {{ cost_weight + satisfaction_weight }}
        end as priority_score
    from scored
)

select
    cast(
        case when priority_score is not null then
            row_number() over (
                partition by priority_score is null
                order by priority_score desc, cost_per_year desc, reason_code
            )
        end as integer
    ) as rank,
    cast(reason_code as varchar) as reason_code,
    cast(label_en as varchar) as label_en,
    cast(label_fr as varchar) as label_fr,
    cast(kind as varchar) as kind,
    cast(department_id as varchar) as department_id,
    cast(department_name as varchar) as department_name,
    cast(manager as varchar) as manager,
    cast(recommended_move as varchar) as recommended_move,
    cast(priority_score as double) as priority_score,
    cast(cost_share as double) as cost_share,
    cast(penalty_share as double) as penalty_share,
    cast(contacts as bigint) as contacts,
    cast(unwanted_contacts as bigint) as unwanted_contacts,
    cast(contacts_per_month as double) as contacts_per_month,
    cast(unwanted_contacts_per_month as double) as unwanted_contacts_per_month,
    cast(cost as double) as cost,
    cast(cost_per_year as double) as cost_per_year,
    cast(window_start as date) as window_start,
    cast(window_end as date) as window_end,
    cast(window_days as integer) as window_days,
    cast(repeat_contacts as bigint) as repeat_contacts,
    cast(repeat_rate as double) as repeat_rate,
    cast(customers_affected as bigint) as customers_affected,
    cast(avg_handle_minutes as double) as avg_handle_minutes,
    cast(avg_transfers as double) as avg_transfers,
    cast(recent_contacts as bigint) as recent_contacts,
    cast(earlier_contacts as bigint) as earlier_contacts,
    cast(trend_ratio as double) as trend_ratio,
    cast(trend_ratio * exp(-trend_log_half_width) as double) as trend_ci_low,
    cast(trend_ratio * exp(trend_log_half_width) as double) as trend_ci_high,
    cast(nps_responses as bigint) as nps_responses,
    cast(nps as double) as nps,
    cast(nps_others as double) as nps_others,
    cast(nps_gap as double) as nps_gap,
    cast(nps_gap_low as double) as nps_gap_low,
    cast(nps_gap_high as double) as nps_gap_high,
    cast(nps_overall as double) as nps_overall,
    cast(nps_impact as double) as nps_impact,
    cast(nps_impact_low as double) as nps_impact_low,
    cast(nps_impact_high as double) as nps_impact_high,
    cast(satisfaction_penalty as double) as satisfaction_penalty,
    cast(csat_ratings as bigint) as csat_ratings,
    cast(csat as double) as csat,
    cast(csat_others as double) as csat_others,
    cast(csat_gap as double) as csat_gap,
    cast(csat_gap_low as double) as csat_gap_low,
    cast(csat_gap_high as double) as csat_gap_high,
    cast(actions > 0 as boolean) as has_action,
    cast(actions as integer) as actions,
    cast(action_id as varchar) as latest_action_id,
    cast(action_implemented_on as date) as latest_action_implemented_on,
    cast(action_verdict as varchar) as latest_action_verdict
from final
