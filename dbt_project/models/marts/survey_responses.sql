-- One row per survey response with raw scores as answered, the linked contact (ticket reference, else the
-- customer's latest inbound contact in the 7 days before) and the straight-lining flag.
with links as (
    select * from {{ ref('int_survey_links') }}
),

suspects as (
    select entity_id as response_id, suspect_reason
    from {{ ref('int_suspects') }}
    where entity = 'response'
),

ratings as (
    select rating_id as response_id, is_satisfied, nps_class
    from {{ ref('int_satisfaction_ratings') }}
    where rating_source = 'survey'
)

select
    cast(links.response_id as varchar) as response_id,
    cast(links.source_system as varchar) as source_system,
    cast(links.contact_id as varchar) as contact_id,
    cast(links.link_method as varchar) as link_method,
    cast(links.ticket_ref as varchar) as ticket_ref,
    cast(links.customer_key as varchar) as customer_key,
    cast(links.responded_at as timestamp) as responded_at,
    cast(links.response_date as date) as response_date,
    cast(enriched.department_id as varchar) as department_id,
    cast(enriched.reason_code as varchar) as reason_code,
    cast(links.nps as double) as nps,
    cast(links.csat as double) as csat,
    cast(links.ces as double) as ces,
    cast(ratings.is_satisfied as boolean) as is_satisfied,
    cast(ratings.nps_class as varchar) as nps_class,
    cast(links.comment as varchar) as comment,
    cast(links.finished as boolean) as finished,
    cast(alerts.alert_id is not null as boolean) as is_alert,
    cast(suspects.response_id is not null as boolean) as is_suspect,
    cast(suspects.suspect_reason as varchar) as suspect_reason
from links
left join {{ ref('int_contacts_enriched') }} as enriched on enriched.contact_id = links.contact_id
left join suspects on suspects.response_id = links.response_id
left join ratings on ratings.response_id = links.response_id
left join {{ ref('int_alerts') }} as alerts on alerts.response_id = links.response_id
