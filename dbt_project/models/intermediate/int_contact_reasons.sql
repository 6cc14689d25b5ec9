-- depends_on: {{ ref('int_contact_scope') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in ({{ scoped_contacts() }}){% endif %}",
) }}
-- The contact's reason, first rule that applies:
--   field    : a raw reason value that already is a valid reason_code (ticket field, then call wrap-up code)
--   map      : reason_map of the source family, exact match on the raw value, then on the ticket's tags
--   keywords : FR/EN keywords of reasons.csv found as whole words in subject + text, accents and case folded;
--              the longest keyword wins, ties by reason_code
--   none     : reason_code 'none'
with contacts as (
    select contact_id, reason_raw, reason_family, call_reason_raw, tags, subject, text
    from {{ ref('int_contacts_unified') }}
    {%- if is_incremental() %}
    where contact_id in ({{ scoped_contacts() }})
    {%- endif %}
),

reason_codes as (
    select distinct reason_code from {{ ref('stg_reference__reasons') }}
),

reason_map as (
    select distinct source_family, source_value, reason_code
    from {{ ref('stg_reference__reason_map') }}
    where reason_code in (select reason_code from reason_codes)
),

-- raw values that may carry a reason, with their priority within a rule
raw_values as (
    select contact_id, reason_family as source_family, reason_raw as raw_value, 1 as priority, true as is_field
    from contacts
    where reason_raw is not null
    union all
    select contact_id, 'calls', call_reason_raw, 2, true
    from contacts
    where call_reason_raw is not null
    union all
    select contact_id, 'tickets', tag, 3, false
    from (
        select contact_id, {{ split_to_rows('tags', ' ') }} as tag
        from contacts
        where tags is not null
    ) as contact_tags
    where tag <> ''
),

rule_hits as (
    select raw_values.contact_id, reason_codes.reason_code, 'field' as reason_method, 1 as rule_rank,
        raw_values.priority, raw_values.raw_value as evidence
    from raw_values
    inner join reason_codes on reason_codes.reason_code = raw_values.raw_value
    where raw_values.is_field
    union all
    select raw_values.contact_id, reason_map.reason_code, 'map', 2, raw_values.priority, raw_values.raw_value
    from raw_values
    inner join reason_map
        on reason_map.source_family = raw_values.source_family
        and reason_map.source_value = raw_values.raw_value
),

rule_choice as (
    select contact_id, reason_code, reason_method, evidence
    from (
        select
            *,
            row_number() over (partition by contact_id order by rule_rank, priority, reason_code) as choice_rank
        from rule_hits
    ) as ranked
    where choice_rank = 1
),

keywords as (
    select distinct reason_code, keyword, {{ dbt.split_part('keyword', "' '", 1) }} as first_word
    from (
        select reason_code, {{ fold_words('keyword') }} as keyword
        from (
            select reason_code, {{ split_to_rows('keywords_en', '|') }} as keyword
            from {{ ref('stg_reference__reasons') }}
            where keywords_en is not null
            union all
            select reason_code, {{ split_to_rows('keywords_fr', '|') }} as keyword
            from {{ ref('stg_reference__reasons') }}
            where keywords_fr is not null
        ) as split_keywords
    ) as folded_keywords
    where keyword <> ''
),

texts_to_classify as (
    select
        contacts.contact_id,
        ' ' || {{ fold_words("coalesce(contacts.subject, '') || ' ' || coalesce(contacts.text, '')") }} || ' '
            as folded_text
    from contacts
    left join rule_choice on rule_choice.contact_id = contacts.contact_id
    where rule_choice.contact_id is null
        and (contacts.subject is not null or contacts.text is not null)
),

text_words as (
    select contact_id, {{ split_to_rows('trim(folded_text)', ' ') }} as word
    from texts_to_classify
),

-- a keyword can only be in a text that has its first word: an equi-join instead of texts x keywords
keyword_hits as (
    select distinct text_words.contact_id, keywords.reason_code, keywords.keyword
    from text_words
    inner join keywords on keywords.first_word = text_words.word
),

keyword_choice as (
    select contact_id, reason_code, evidence
    from (
        select
            keyword_hits.contact_id,
            keyword_hits.reason_code,
            keyword_hits.keyword as evidence,
            row_number() over (
                partition by keyword_hits.contact_id
                order by {{ dbt.length('keyword_hits.keyword') }} desc, keyword_hits.reason_code
            ) as choice_rank
        from keyword_hits
        inner join texts_to_classify on texts_to_classify.contact_id = keyword_hits.contact_id
        where {{ dbt.position("' ' || keyword_hits.keyword || ' '", 'texts_to_classify.folded_text') }} > 0
    ) as ranked
    where choice_rank = 1
)

select
    contacts.contact_id,
    coalesce(rule_choice.reason_code, keyword_choice.reason_code, 'none') as reason_code,
    case
        when rule_choice.reason_method is not null then rule_choice.reason_method
        when keyword_choice.reason_code is not null then 'keywords'
        else 'none'
    end as reason_method,
    coalesce(rule_choice.evidence, keyword_choice.evidence) as reason_evidence
from contacts
left join rule_choice on rule_choice.contact_id = contacts.contact_id
left join keyword_choice on keyword_choice.contact_id = contacts.contact_id
