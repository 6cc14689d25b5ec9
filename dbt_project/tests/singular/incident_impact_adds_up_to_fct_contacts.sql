-- Linked contacts are fct_contacts.incident_id counted (issue 14): summed over incidents, the inbound and
-- outbound non-suspect ones and the suspect ones equal the linked contacts of fct_contacts. A row here is a
-- measure whose total differs.
with mart as (
    select
        sum(linked_contacts) as linked_contacts,
        sum(linked_outbound_contacts) as linked_outbound_contacts,
        sum(suspect_contacts) as suspect_contacts
    from {{ ref('incident_impact') }}
),

facts as (
    select
        coalesce(sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end), 0) as linked_contacts,
        coalesce(sum(case when not is_suspect and direction = 'outbound' then 1 else 0 end), 0)
            as linked_outbound_contacts,
        coalesce(sum(case when is_suspect then 1 else 0 end), 0) as suspect_contacts
    from {{ ref('fct_contacts') }}
    where incident_id is not null
)

select 'linked_contacts' as measure, mart.linked_contacts as mart_total, facts.linked_contacts as fct_total
from mart cross join facts where coalesce(mart.linked_contacts, 0) <> facts.linked_contacts
union all
select 'linked_outbound_contacts', mart.linked_outbound_contacts, facts.linked_outbound_contacts
from mart cross join facts where coalesce(mart.linked_outbound_contacts, 0) <> facts.linked_outbound_contacts
union all
select 'suspect_contacts', mart.suspect_contacts, facts.suspect_contacts
from mart cross join facts where coalesce(mart.suspect_contacts, 0) <> facts.suspect_contacts
