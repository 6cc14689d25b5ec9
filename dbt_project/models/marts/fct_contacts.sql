-- depends_on: {{ ref('int_contacts_unified') }}
-- depends_on: {{ ref('int_contact_scope') }}
{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy='delete+insert',
    on_schema_change='append_new_columns',
    post_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in ({{ scoped_contacts() }}) and contact_id not in (select contact_id from {{ ref('int_contacts_unified') }}){% endif %}",
) }}
-- One row per contact (ticket or call, inbound or outbound), every flag kept: filter on is_suspect to see KPIs
-- with or without suspect contacts. customer_ref is never published, only its salted hash customer_key.
select
    cast(enriched.contact_id as varchar) as contact_id,
    cast(enriched.source as varchar) as source,
    cast(enriched.native_id as varchar) as native_id,
    cast(enriched.channel as varchar) as channel,
    cast(enriched.channel_group as varchar) as channel_group,
    cast(enriched.direction as varchar) as direction,
    cast(enriched.customer_key as varchar) as customer_key,
    cast(enriched.organization_key as varchar) as organization_key,
    cast(enriched.started_at as timestamp) as started_at,
    cast(enriched.ended_at as timestamp) as ended_at,
    cast(enriched.started_at_local as timestamp) as started_at_local,
    cast(enriched.contact_date as date) as contact_date,
    cast(enriched.reason_code as varchar) as reason_code,
    cast(enriched.reason_method as varchar) as reason_method,
    cast(enriched.reason_evidence as varchar) as reason_evidence,
    cast(enriched.reason_kind as varchar) as reason_kind,
    cast(enriched.reason_label_en as varchar) as reason_label_en,
    cast(enriched.reason_label_fr as varchar) as reason_label_fr,
    cast(enriched.department_id as varchar) as department_id,
    cast(departments.department_name as varchar) as department_name,
    cast(enriched.reason_department_id as varchar) as reason_department_id,
    cast(enriched.incident_id as varchar) as incident_id,
    cast(enriched.incident_link as varchar) as incident_link,
    cast(enriched.is_unwanted as boolean) as is_unwanted,
    cast(enriched.is_repeat as boolean) as is_repeat,
    cast(enriched.episode_id as varchar) as episode_id,
    cast(enriched.episode_sequence as integer) as episode_sequence,
    cast(enriched.transfers as integer) as transfers,
    cast(enriched.reopens as integer) as reopens,
    cast(enriched.replies as integer) as replies,
    cast(enriched.first_reply_minutes as double) as first_reply_minutes,
    cast(enriched.full_resolution_minutes as double) as full_resolution_minutes,
    cast(enriched.is_one_touch as boolean) as is_one_touch,
    cast(enriched.is_abandoned as boolean) as is_abandoned,
    cast(enriched.handle_seconds as double) as handle_seconds,
    cast(enriched.handle_is_default as boolean) as handle_is_default,
    cast(enriched.cost as double) as cost,
    cast(enriched.wait_seconds as double) as wait_seconds,
    cast(enriched.is_suspect as boolean) as is_suspect,
    cast(enriched.suspect_reason as varchar) as suspect_reason,
    cast(enriched.ticket_ref as varchar) as ticket_ref,
    cast(enriched.merged_ticket_id as varchar) as merged_ticket_id,
    cast(enriched.status as varchar) as status,
    cast(enriched.outcome as varchar) as outcome,
    cast(enriched.satisfaction as varchar) as satisfaction,
    cast(enriched.subject as varchar) as subject,
    cast(enriched.text_excerpt as varchar) as text_excerpt,
    -- the dbt build that wrote the row: publishing copies only the rows of builds not yet published
    cast(enriched._built_in as varchar) as _built_in
from {{ ref('int_contacts_enriched') }} as enriched
left join {{ ref('stg_reference__departments') }} as departments
    on departments.department_id = enriched.department_id
{%- if is_incremental() %}
-- the contacts int_contacts_enriched rebuilt in this build
where enriched._built_in = '{{ invocation_id }}'
{%- endif %}
