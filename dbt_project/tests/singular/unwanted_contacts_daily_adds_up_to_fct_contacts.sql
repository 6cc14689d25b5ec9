-- The daily mart is fct_contacts summed (issue 14): its totals equal the contacts, flag by flag. A row here is a
-- measure whose total differs. Cost is compared exactly, as the decimals of macros/cost.sql: a total that differs
-- by a millionth is a second rounding somewhere (a mart summing at 4 decimals was a cent off over 8,000 contacts).
with mart as (
    select
        sum(contacts) as contacts,
        sum(inbound_contacts) as inbound_contacts,
        sum(unwanted_contacts) as unwanted_contacts,
        sum(repeat_contacts) as repeat_contacts,
        sum(suspect_contacts) as suspect_contacts,
        sum({{ exact_cost('cost') }}) as cost
    from {{ ref('unwanted_contacts_daily') }}
),

facts as (
    select
        sum(case when not is_suspect then 1 else 0 end) as contacts,
        sum(case when not is_suspect and direction = 'inbound' then 1 else 0 end) as inbound_contacts,
        sum(case when not is_suspect and is_unwanted then 1 else 0 end) as unwanted_contacts,
        sum(case when not is_suspect and is_repeat then 1 else 0 end) as repeat_contacts,
        sum(case when is_suspect then 1 else 0 end) as suspect_contacts,
        sum(case when not is_suspect then {{ exact_cost('cost') }} else 0 end) as cost
    from {{ ref('fct_contacts') }}
)

select 'contacts' as measure, mart.contacts as mart_total, facts.contacts as fct_total
from mart cross join facts where mart.contacts is distinct from facts.contacts
union all
select 'inbound_contacts', mart.inbound_contacts, facts.inbound_contacts
from mart cross join facts where mart.inbound_contacts is distinct from facts.inbound_contacts
union all
select 'unwanted_contacts', mart.unwanted_contacts, facts.unwanted_contacts
from mart cross join facts where mart.unwanted_contacts is distinct from facts.unwanted_contacts
union all
select 'repeat_contacts', mart.repeat_contacts, facts.repeat_contacts
from mart cross join facts where mart.repeat_contacts is distinct from facts.repeat_contacts
union all
select 'suspect_contacts', mart.suspect_contacts, facts.suspect_contacts
from mart cross join facts where mart.suspect_contacts is distinct from facts.suspect_contacts
union all
select 'cost', mart.cost, facts.cost
from mart cross join facts where mart.cost is distinct from facts.cost
