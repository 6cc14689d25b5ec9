-- Contacts per local day, department, reason, channel and incident. Counts and sums are over non-suspect
-- contacts; suspect_contacts are the ones left out.
select
    cast(contact_date as date) as contact_date,
    cast(department_id as varchar) as department_id,
    cast(reason_code as varchar) as reason_code,
    cast(channel as varchar) as channel,
    cast(incident_id as varchar) as incident_id,
    cast(sum(case when not is_suspect then 1 else 0 end) as bigint) as contacts,
    cast(sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end) as bigint) as inbound_contacts,
    cast(sum(case when not is_suspect and is_unwanted then 1 else 0 end) as bigint) as unwanted_contacts,
    cast(sum(case when not is_suspect and is_repeat then 1 else 0 end) as bigint) as repeat_contacts,
    cast(coalesce(sum(case when not is_suspect then handle_seconds end), 0) as double) as handle_seconds,
    cast(coalesce(sum(case when not is_suspect then {{ exact_cost('cost') }} end), 0) as double) as cost,
    cast(sum(case when is_suspect then 1 else 0 end) as bigint) as suspect_contacts
from {{ ref('int_contacts_enriched') }}
group by contact_date, department_id, reason_code, channel, incident_id
