-- Days where a reason's inbound demand jumps above its recent normal, scored against the day's own baseline in
-- int_reason_baselines (the 4 most recent same weekdays before the day not covered by a registered incident of
-- the reason; all 4 must exist). score = the robust z-score (observed - expected) / (1.4826 x MAD) of CONTRACT
-- section 5, null when MAD = 0. With 4 points MAD is often 0 or tiny, so the threshold is applied to
-- threshold_score, whose denominator never goes below the Poisson noise of the expected count,
-- sqrt(max(expected, 1)). Only days whose threshold_score is above candidate_threshold are listed.
-- matched_incident_id = a registered incident of that reason whose local days (started_at .. ended_at +
-- incident_grace_hours) cover the day; null = an unregistered spike.
with daily as (
    select
        *,
        greatest(1.4826 * mad, sqrt(greatest(expected, 1.0))) as score_scale
    from {{ ref('int_reason_baselines') }}
    where incident_id is null and baseline_weeks = 4
),

scored as (
    select
        *,
        case when mad > 0 then (contacts - expected) / (1.4826 * mad) end as score,
        (contacts - expected) / score_scale as threshold_score
    from daily
),

candidates as (
    select * from scored where threshold_score > {{ setting_number('candidate_threshold') }}
),

matches as (
    select contact_date, reason_code, incident_id
    from (
        select
            candidates.contact_date,
            candidates.reason_code,
            incident_days.incident_id,
            row_number() over (
                partition by candidates.contact_date, candidates.reason_code
                order by incident_days.started_at desc, incident_days.incident_id desc
            ) as match_rank
        from candidates
        inner join {{ ref('int_incident_days') }} as incident_days
            on incident_days.reason_code = candidates.reason_code
            and incident_days.contact_date = candidates.contact_date
    ) as ranked
    where match_rank = 1
)

select
    cast(candidates.contact_date as date) as contact_date,
    cast(candidates.reason_code as varchar) as reason_code,
    cast(candidates.contacts as bigint) as observed,
    cast(candidates.expected as double) as expected,
    cast(candidates.mad as double) as mad,
    cast(candidates.score_scale as double) as score_scale,
    cast(candidates.score as double) as score,
    cast(candidates.threshold_score as double) as threshold_score,
    cast(candidates.suspect_contacts as bigint) as suspect_contacts,
    cast(matches.incident_id as varchar) as matched_incident_id
from candidates
left join matches
    on matches.contact_date = candidates.contact_date and matches.reason_code = candidates.reason_code
