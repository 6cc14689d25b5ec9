-- One row per dissatisfied response, routed to the department of the linked contact and its manager, with the
-- first outbound contact to the customer after the alert (or the solve of its follow-up ticket) and the resulting
-- status; what the closed-loop notifier did (notified_at, reminded_at, escalated_at) and the callback's outcome.
select
    cast(alerts.alert_id as varchar) as alert_id,
    cast(alerts.response_id as varchar) as response_id,
    cast(alerts.contact_id as varchar) as contact_id,
    cast(alerts.customer_key as varchar) as customer_key,
    cast(enriched.department_id as varchar) as department_id,
    cast(departments.department_name as varchar) as department_name,
    cast(departments.manager as varchar) as manager,
    cast(alerts.created_at as timestamp) as created_at,
    cast({{ local_date('alerts.created_at') }} as date) as alert_date,
    cast(alerts.triggered_by as varchar) as triggered_by,
    cast(alerts.csat as double) as csat,
    cast(alerts.nps as double) as nps,
    cast(alerts.ces as double) as ces,
    cast(alerts.recontacted_at as timestamp) as recontacted_at,
    cast(alerts.recontact_contact_id as varchar) as recontact_contact_id,
    cast(alerts.hours_to_recontact as double) as hours_to_recontact,
    cast(alerts.status as varchar) as status,
    cast(suspects.entity_id is not null as boolean) as is_suspect,
    cast(follow_ups.notified_at as timestamp) as notified_at,
    cast(follow_ups.reminded_at as timestamp) as reminded_at,
    cast(follow_ups.escalated_at as timestamp) as escalated_at,
    cast(follow_ups.follow_up_ticket_id as varchar) as follow_up_ticket_id,
    cast(follow_ups.outcome as varchar) as outcome
from {{ ref('int_alerts') }} as alerts
left join {{ ref('int_contacts_enriched') }} as enriched on enriched.contact_id = alerts.contact_id
left join {{ ref('stg_reference__departments') }} as departments
    on departments.department_id = enriched.department_id
left join {{ ref('int_suspects') }} as suspects
    on suspects.entity = 'response' and suspects.entity_id = alerts.response_id
left join {{ ref('int_alert_follow_ups') }} as follow_ups on follow_ups.alert_id = alerts.alert_id
