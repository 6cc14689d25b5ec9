-- A dissatisfied response raises an alert: any answered score at or below its threshold (alert.csat_max,
-- alert.nps_max, alert.ces_max; CES compared on the easy-is-high scale, flipped when scales.ces_high_is_easy is
-- false). Recontacted = the first outbound contact to that customer after the alert was created, or the solve
-- of its follow-up ticket if earlier; status
-- recontacted within alert.recontact_within_hours, late after that, open while none.
{%- set ces_scale = setting('scales', 'ces') %}
{%- set within_hours = setting_number('alert', 'recontact_within_hours') %}
with responses as (
    select
        *,
        {% if setting('scales', 'ces_high_is_easy') -%}
        ces as ces_easy
        {%- else -%}
        ({{ ces_scale[0] | float }} + {{ ces_scale[1] | float }}) - ces as ces_easy
        {%- endif %}
    from {{ ref('int_survey_links') }}
),

alerts as (
    select
        'alert:' || response_id as alert_id,
        response_id,
        contact_id,
        customer_key,
        responded_at as created_at,
        csat,
        nps,
        ces,
        ces_easy,
        trim(
            case when csat <= {{ setting_number('alert', 'csat_max') }} then 'csat ' else '' end
            || case when nps <= {{ setting_number('alert', 'nps_max') }} then 'nps ' else '' end
            || case when ces_easy <= {{ setting_number('alert', 'ces_max') }} then 'ces' else '' end
        ) as triggered_by
    from responses
    where csat <= {{ setting_number('alert', 'csat_max') }}
        or nps <= {{ setting_number('alert', 'nps_max') }}
        or ces_easy <= {{ setting_number('alert', 'ces_max') }}
),

-- a recontact is an outbound contact to the customer, or the manager solving the alert's follow-up ticket
-- (the notifier's Zendesk channel, docs/notifications.md): the earliest of the two counts
candidates as (
    select alerts.alert_id, outbound.contact_id, outbound.started_at
    from alerts
    inner join {{ ref('int_contacts_unified') }} as outbound
        on outbound.customer_key = alerts.customer_key
        and outbound.direction = 'outbound'
        and outbound.started_at > alerts.created_at
    union all
    select alerts.alert_id, 'zendesk:' || follow_ups.follow_up_ticket_id, follow_ups.follow_up_solved_at
    from alerts
    inner join {{ ref('int_alert_follow_ups') }} as follow_ups
        on follow_ups.alert_id = alerts.alert_id
        and follow_ups.follow_up_solved_at > alerts.created_at
),

recontacts as (
    select alert_id, contact_id as recontact_contact_id, started_at as recontacted_at
    from (
        select
            alert_id,
            contact_id,
            started_at,
            row_number() over (partition by alert_id order by started_at, contact_id) as recontact_rank
        from candidates
    ) as ranked
    where recontact_rank = 1
),

timed as (
    select
        alerts.*,
        recontacts.recontact_contact_id,
        recontacts.recontacted_at,
        {{ seconds_between('alerts.created_at', 'recontacts.recontacted_at') }} / 3600.0 as hours_to_recontact
    from alerts
    left join recontacts on recontacts.alert_id = alerts.alert_id
)

select
    *,
    case
        when recontacted_at is null then 'open'
        when hours_to_recontact <= {{ within_hours }} then 'recontacted'
        else 'late'
    end as status
from timed
