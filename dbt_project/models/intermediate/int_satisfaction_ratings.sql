-- Every satisfaction signal attributed to a contact's department and reason: survey responses (CSAT top-2 of
-- the scale, NPS class, CES as answered) and Zendesk ticket ratings (good = satisfied, bad = not).
{%- set csat_scale = setting('scales', 'csat') %}
with enriched as (
    select contact_id, department_id, reason_code, contact_date, satisfaction, is_suspect
    from {{ ref('int_contacts_enriched') }}
),

response_suspects as (
    select entity_id as response_id
    from {{ ref('int_suspects') }}
    where entity = 'response'
)

select
    'survey' as rating_source,
    links.response_id as rating_id,
    links.contact_id,
    enriched.department_id,
    enriched.reason_code,
    links.response_date as rated_on,
    case when links.csat is not null then links.csat >= {{ csat_scale[1] | float }} - 1 end as is_satisfied,
    links.nps,
    case
        when links.nps >= 9 then 'promoter'
        when links.nps >= 7 then 'passive'
        when links.nps is not null then 'detractor'
    end as nps_class,
    links.ces,
    response_suspects.response_id is not null as is_suspect
from {{ ref('int_survey_links') }} as links
left join enriched on enriched.contact_id = links.contact_id
left join response_suspects on response_suspects.response_id = links.response_id

union all

select
    'zendesk' as rating_source,
    contact_id as rating_id,
    contact_id,
    department_id,
    reason_code,
    contact_date as rated_on,
    satisfaction = 'good' as is_satisfied,
    cast(null as double) as nps,
    cast(null as {{ dbt.type_string() }}) as nps_class,
    cast(null as double) as ces,
    is_suspect
from enriched
where satisfaction in ('good', 'bad')
