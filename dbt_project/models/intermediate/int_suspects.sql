-- Suspect (non-authentic) contacts and responses, one row per flagged contact or response, every rule that
-- fired listed in rule order and joined with '; '. Contact rules look at inbound contacts (what customers send):
--   1. every contact of a customer-day with more than suspect.max_contacts_per_customer_day contacts
--   2. a contact written by the customer (channel_group written: email, web, chat, api, sms...) whose text is shorter than suspect.min_text_chars;
--      no text at all is shorter too (the parsers turn "" into null: an empty e-mail must not look cleaner than
--      "ab"); min_text_chars 0 turns the rule off
--   3. the same text, case, accents and spacing folded and at least suspect.identical_text_min_chars long,
--      sent by at least suspect.identical_text_min_customers customers
-- Response rule (when suspect.straight_lining): the same value to every answered score (at least two answered)
-- and no linked contact.
{%- set max_per_day = setting_number('suspect', 'max_contacts_per_customer_day') %}
{%- set min_text = setting_number('suspect', 'min_text_chars') %}
{%- set same_text_customers = setting_number('suspect', 'identical_text_min_customers') %}
{%- set same_text_chars = setting_number('suspect', 'identical_text_min_chars') %}
with contacts as (
    select
        contact_id,
        customer_key,
        contact_date,
        -- written by the customer: the one expression the short-text rule depends on
        channel_group = 'written' as is_written,
        text_chars,
        folded_text_chars,
        folded_text_hash
    from {{ ref('int_contacts_unified') }}
    where direction = 'inbound'
),

customer_days as (
    select customer_key, contact_date
    from contacts
    where customer_key is not null
    group by customer_key, contact_date
    having count(*) > {{ max_per_day }}
),

shared_texts as (
    select folded_text_hash
    from contacts
    where folded_text_chars >= {{ same_text_chars }}
    group by folded_text_hash
    having count(distinct customer_key) >= {{ same_text_customers }}
),

contact_flags as (
    select contacts.contact_id, 1 as rule_order,
        'more than {{ max_per_day }} contacts by the customer on the day' as rule_reason
    from contacts
    inner join customer_days
        on customer_days.customer_key = contacts.customer_key
        and customer_days.contact_date = contacts.contact_date
    union all
    select contact_id, 2, 'written text shorter than {{ min_text }} characters'
    from contacts
    where is_written
        and coalesce(text_chars, 0) < {{ min_text }}
    union all
    select contacts.contact_id, 3, 'same text sent by {{ same_text_customers }} or more customers'
    from contacts
    inner join shared_texts on shared_texts.folded_text_hash = contacts.folded_text_hash
),

{% if setting('suspect', 'straight_lining') %}
response_flags as (
    select response_id, 4 as rule_order,
        'straight-lining: same value to every score, no linked contact' as rule_reason
    from {{ ref('int_survey_links') }}
    where contact_id is null
        and (case when nps is not null then 1 else 0 end
            + case when csat is not null then 1 else 0 end
            + case when ces is not null then 1 else 0 end) >= 2
        and coalesce(nps, csat, ces) = coalesce(csat, ces, nps)
        and coalesce(nps, csat, ces) = coalesce(ces, nps, csat)
),
{% else %}
response_flags as (
    select
        cast(null as {{ dbt.type_string() }}) as response_id,
        4 as rule_order,
        cast(null as {{ dbt.type_string() }}) as rule_reason
    where 1 = 0
),
{% endif %}

flags as (
    select 'contact' as entity, contact_id as entity_id, rule_order, rule_reason from contact_flags
    union all
    select 'response', response_id, rule_order, rule_reason from response_flags
)

select
    entity,
    entity_id,
    {{ dbt.listagg('rule_reason', "'; '", 'order by rule_order') }} as suspect_reason
from (select distinct entity, entity_id, rule_order, rule_reason from flags) as distinct_flags
group by entity, entity_id
