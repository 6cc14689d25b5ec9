-- Per alert, what the closed loop did: the first successful notification, reminder and escalation (any
-- channel), and the follow-up ticket's solve time and outcome.
with sent as (
    select
        alert_id,
        min(case when delivery_kind = 'notify' then attempted_at end) as notified_at,
        min(case when delivery_kind = 'remind' then attempted_at end) as reminded_at,
        min(case when delivery_kind = 'escalate' then attempted_at end) as escalated_at
    from {{ ref('stg_notify__attempts') }}
    where attempt_status = 'sent'
    group by alert_id
)

select
    coalesce(sent.alert_id, follow_ups.alert_id) as alert_id,
    sent.notified_at,
    sent.reminded_at,
    sent.escalated_at,
    follow_ups.follow_up_ticket_id,
    follow_ups.follow_up_solved_at,
    follow_ups.outcome
from sent
full outer join {{ ref('stg_notify__follow_ups') }} as follow_ups on follow_ups.alert_id = sent.alert_id
