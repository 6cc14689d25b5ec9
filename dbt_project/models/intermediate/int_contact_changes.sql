-- What an incremental build recomputes: the tickets and calls loaded since the last build (or whose contacts fall in a
-- backfill range), closed over call <-> voice ticket merges (every call referencing a changed ticket, every ticket a
-- changed call references, twice), and the contacts those records made before this build (kind 'old_contact').
-- Empty on a first or full-refresh build, when every model is rebuilt whole.
{%- set previous = previous_unified() %}
{%- if previous is none %}
select
    cast(null as {{ dbt.type_string() }}) as kind,
    cast(null as {{ dbt.type_string() }}) as native_id,
    cast(null as {{ dbt.type_string() }}) as contact_id,
    cast(null as {{ dbt.type_string() }}) as customer_key
where 1 = 0
{%- else %}
with watermark as (
    select coalesce(max(_source_loaded_at), cast('1900-01-01' as timestamp)) as loaded_at from {{ previous }}
),

call_refs as (
    select distinct native_id, ticket_ref
    from {{ source('raw', 'calls') }}
    where native_id is not null and ticket_ref is not null and ticket_ref <> ''
),

tickets_0 as (
    select native_id from {{ source('raw', 'tickets') }}
    where native_id is not null and _loaded_at > (select loaded_at from watermark)
    union
    select ticket_native_id from {{ previous }}
    where ticket_native_id is not null and {{ rebuild_range_condition('contact_date') }}
),

calls_0 as (
    select native_id from {{ source('raw', 'calls') }}
    where native_id is not null and _loaded_at > (select loaded_at from watermark)
    union
    select native_id from {{ previous }}
    where source_family = 'calls' and {{ rebuild_range_condition('contact_date') }}
),

calls_1 as (
    select native_id from calls_0
    union
    select native_id from call_refs where ticket_ref in (select native_id from tickets_0)
    union  -- calls already merged with a changed ticket
    select native_id from {{ previous }}
    where source_family = 'calls' and ticket_native_id in (select native_id from tickets_0)
),

tickets_1 as (
    select native_id from tickets_0
    union
    select ticket_ref from call_refs where native_id in (select native_id from calls_1)
),

calls_2 as (
    select native_id from calls_1
    union
    select native_id from call_refs where ticket_ref in (select native_id from tickets_1)
),

tickets_2 as (
    select native_id from tickets_1
    union
    select ticket_ref from call_refs where native_id in (select native_id from calls_2)
),

old_contacts as (
    select contact_id, customer_key
    from {{ previous }}
    where (source_family = 'tickets' and native_id in (select native_id from tickets_2))
        or (source_family = 'calls' and native_id in (select native_id from calls_2))
        or ticket_native_id in (select native_id from tickets_2)
)

select 'ticket' as kind, native_id, cast(null as {{ dbt.type_string() }}) as contact_id,
    cast(null as {{ dbt.type_string() }}) as customer_key
from tickets_2
union all
select 'call', native_id, null, null from calls_2
union all
select 'old_contact', null, contact_id, customer_key from old_contacts
{%- endif %}
