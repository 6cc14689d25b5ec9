-- The dashboards' daily summary is fct_contacts summed (issue 14): every contact once, suspect and outbound
-- included, and the same handle time and transfers. A row here is a measure whose total differs.
with mart as (
    select
        sum(contacts) as contacts,
        sum(case when is_suspect then contacts else 0 end) as suspect_contacts,
        sum(case when direction = 'outbound' then contacts else 0 end) as outbound_contacts,
        round(sum(handle_seconds), 0) as handle_seconds,
        sum(transfers) as transfers
    from {{ ref('contacts_daily') }}
),

facts as (
    select
        count(*) as contacts,
        sum(case when is_suspect then 1 else 0 end) as suspect_contacts,
        sum(case when direction = 'outbound' then 1 else 0 end) as outbound_contacts,
        round(sum(handle_seconds), 0) as handle_seconds,
        sum(transfers) as transfers
    from {{ ref('fct_contacts') }}
)

select 'contacts' as measure, mart.contacts as mart_total, facts.contacts as fct_total
from mart cross join facts where mart.contacts is distinct from facts.contacts
union all
select 'suspect_contacts', mart.suspect_contacts, facts.suspect_contacts
from mart cross join facts where mart.suspect_contacts is distinct from facts.suspect_contacts
union all
select 'outbound_contacts', mart.outbound_contacts, facts.outbound_contacts
from mart cross join facts where mart.outbound_contacts is distinct from facts.outbound_contacts
union all
select 'handle_seconds', mart.handle_seconds, facts.handle_seconds
from mart cross join facts where mart.handle_seconds is distinct from facts.handle_seconds
union all
select 'transfers', mart.transfers, facts.transfers
from mart cross join facts where mart.transfers is distinct from facts.transfers
