{#- Incremental builds of the contact facts (docs/operations.md, "How a daily run stays small").

    A daily run recomputes only the contacts whose source records changed: int_contact_changes lists the ticket
    and call ids loaded since the last build (closed over call <-> voice ticket merges) and the contacts they
    made before; int_contact_scope adds the contacts they make now. Per-contact models delete and re-insert
    that scope, per-customer models (repeats) the scope's customers. A full refresh rebuilds everything. -#}

{#- The existing int_contacts_unified table, or none on a first or full-refresh build. -#}
{% macro previous_unified() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier='int_contacts_unified')) }}
{%- endmacro %}

{#- Ids (native_id) of one kind in int_contact_changes: 'ticket', 'call'. -#}
{% macro changed_ids(kind) -%}
    select native_id from {{ ref('int_contact_changes') }} where kind = '{{ kind }}'
{%- endmacro %}

{#- Contact ids to recompute in this build (old and new contacts of the changed records). -#}
{% macro scoped_contacts() -%}
    select contact_id from {{ ref('int_contact_scope') }}
{%- endmacro %}

{#- Customers whose contacts are recomputed: their repeat and episode chains may change. -#}
{% macro scoped_customers() -%}
    select customer_key from {{ ref('int_contact_scope') }} where customer_key is not null
{%- endmacro %}

{#- The optional date range a backfill re-derives from raw (`whycall run --date FROM..TO`, a Dagster backfill). -#}
{% macro rebuild_range_condition(date_column) -%}
    {%- if var('rebuild_from', none) -%}
        {{ date_column }} between cast('{{ var("rebuild_from") }}' as date) and cast('{{ var("rebuild_to", var("rebuild_from")) }}' as date)
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
