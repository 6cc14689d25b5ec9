-- depends_on: {{ ref('int_contact_scope') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in ({{ scoped_contacts() }}){% endif %}",
) }}
-- The reason's owner on the contact date: the reasons.csv row whose inclusive [valid_from, valid_to] covers the
-- local contact date (empty bound = open). No covering row: no owner. Kind and labels come from the covering
-- row, else from the reason's latest row.
with contacts as (
    select unified.contact_id, unified.contact_date, reasons.reason_code
    from {{ ref('int_contacts_unified') }} as unified
    inner join {{ ref('int_contact_reasons') }} as reasons on reasons.contact_id = unified.contact_id
    {%- if is_incremental() %}
    where unified.contact_id in ({{ scoped_contacts() }})
    {%- endif %}
),

reason_rows as (
    select
        *,
        row_number() over (
            partition by reason_code order by valid_from desc nulls last, valid_to desc nulls first
        ) as recency_rank
    from {{ ref('stg_reference__reasons') }}
),

covering as (
    select contact_id, department_id, kind, label_en, label_fr
    from (
        select
            contacts.contact_id,
            reason_rows.department_id,
            reason_rows.kind,
            reason_rows.label_en,
            reason_rows.label_fr,
            row_number() over (
                partition by contacts.contact_id order by reason_rows.valid_from desc nulls last
            ) as cover_rank
        from contacts
        inner join reason_rows
            on reason_rows.reason_code = contacts.reason_code
            and (reason_rows.valid_from is null or reason_rows.valid_from <= contacts.contact_date)
            and (reason_rows.valid_to is null or reason_rows.valid_to >= contacts.contact_date)
    ) as ranked
    where cover_rank = 1
)

select
    contacts.contact_id,
    contacts.reason_code,
    covering.department_id as owner_department_id,
    coalesce(covering.kind, latest.kind) as reason_kind,
    coalesce(covering.label_en, latest.label_en) as reason_label_en,
    coalesce(covering.label_fr, latest.label_fr) as reason_label_fr
from contacts
left join covering on covering.contact_id = contacts.contact_id
left join reason_rows as latest
    on latest.reason_code = contacts.reason_code and latest.recency_rank = 1
