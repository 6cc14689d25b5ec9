-- Per reason: NPS and CSAT of the ratings linked to its contacts vs all other ratings, and what the overall NPS
-- would be without them (leave-one-out), each with a 95 % Poisson-bootstrap percentile interval
-- (macros/bootstrap.sql; priority.bootstrap_replicates replicates, deterministic per build).
{%- set replicates = setting('priority', 'bootstrap_replicates') | int %}
with ratings as (
    select
        rating_id,
        rating_source,
        -- a rating linked to no contact counts in the overall figures and in every reason's "others"
        coalesce(reason_code, '(unlinked)') as reason_code,
        case nps_class when 'promoter' then 100.0 when 'passive' then 0.0 when 'detractor' then -100.0 end
            as nps_point,
        case when is_satisfied then 100.0 when not is_satisfied then 0.0 end as csat_point
    from {{ ref('int_satisfaction_ratings') }}
    where not is_suspect and (nps_class is not null or is_satisfied is not null)
),

replicates as (
    {{ replicate_rows(replicates) }}
),

weighted as (
    select
        replicates.replicate,
        ratings.reason_code,
        ratings.nps_point,
        ratings.csat_point,
        {{ poisson_bootstrap_weight("ratings.rating_source || ':' || ratings.rating_id", "replicates.replicate") }}
            as weight
    from ratings
    cross join replicates
),

by_reason as (
    select
        replicate,
        reason_code,
        sum(case when nps_point is not null then weight else 0 end) as nps_n,
        sum(case when nps_point is not null then weight * nps_point else 0 end) as nps_sum,
        sum(case when csat_point is not null then weight else 0 end) as csat_n,
        sum(case when csat_point is not null then weight * csat_point else 0 end) as csat_sum
    from weighted
    group by replicate, reason_code
),

with_totals as (
    select
        *,
        sum(nps_n) over (partition by replicate) as all_nps_n,
        sum(nps_sum) over (partition by replicate) as all_nps_sum,
        sum(csat_n) over (partition by replicate) as all_csat_n,
        sum(csat_sum) over (partition by replicate) as all_csat_sum
    from by_reason
),

estimates as (
    select
        replicate,
        reason_code,
        nps_n,
        csat_n,
        nps_sum / nullif(nps_n, 0) as nps,
        (all_nps_sum - nps_sum) / nullif(all_nps_n - nps_n, 0) as nps_others,
        all_nps_sum / nullif(all_nps_n, 0) as nps_overall,
        csat_sum / nullif(csat_n, 0) as csat,
        (all_csat_sum - csat_sum) / nullif(all_csat_n - csat_n, 0) as csat_others
    from with_totals
),

observed as (
    select * from estimates where replicate = 0
),

intervals as (
    select
        reason_code,
        percentile_cont(0.025) within group (order by nps) as nps_low,
        percentile_cont(0.975) within group (order by nps) as nps_high,
        percentile_cont(0.025) within group (order by nps - nps_others) as nps_gap_low,
        percentile_cont(0.975) within group (order by nps - nps_others) as nps_gap_high,
        percentile_cont(0.025) within group (order by nps_others - nps_overall) as nps_impact_low,
        percentile_cont(0.975) within group (order by nps_others - nps_overall) as nps_impact_high,
        percentile_cont(0.025) within group (order by csat) as csat_low,
        percentile_cont(0.975) within group (order by csat) as csat_high,
        percentile_cont(0.025) within group (order by csat - csat_others) as csat_gap_low,
        percentile_cont(0.975) within group (order by csat - csat_others) as csat_gap_high
    from estimates
    where replicate > 0
    group by reason_code
)

select
    observed.reason_code,
    cast(observed.nps_n as bigint) as nps_responses,
    observed.nps,
    intervals.nps_low,
    intervals.nps_high,
    observed.nps_others,
    observed.nps - observed.nps_others as nps_gap,
    intervals.nps_gap_low,
    intervals.nps_gap_high,
    observed.nps_overall,
    observed.nps_others - observed.nps_overall as nps_impact,
    intervals.nps_impact_low,
    intervals.nps_impact_high,
    cast(observed.csat_n as bigint) as csat_ratings,
    observed.csat,
    intervals.csat_low,
    intervals.csat_high,
    observed.csat_others,
    observed.csat - observed.csat_others as csat_gap,
    intervals.csat_gap_low,
    intervals.csat_gap_high,
    {{ replicates }} as bootstrap_replicates
from observed
left join intervals on intervals.reason_code = observed.reason_code
where observed.reason_code != '(unlinked)'
