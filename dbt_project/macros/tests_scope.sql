{#- Each build tests the rows it wrote (issue 8: a daily run must not re-read 10M contacts per test).

    dbt wraps the model of every generic test in get_where_subquery. For the incremental contact facts an
    incremental build only rewrote some contacts: the tests read those (int_contact_scope, or the rows
    int_contacts_enriched rebuilt in this invocation); the rows they skip were tested by the build that wrote
    them. A full refresh (empty scope, every row rebuilt) tests every row. A test's own `where` still applies. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scope = api.Relation.create(database=relation.database, schema='intermediate',
                                        identifier='int_contact_scope') -%}
    {%- set enriched = api.Relation.create(database=relation.database, schema='intermediate',
                                           identifier='int_contacts_enriched') -%}
    {%- set changes = api.Relation.create(database=relation.database, schema='intermediate',
                                          identifier='int_contact_changes') -%}
    {%- if relation.identifier == 'int_contacts_unified' -%}
        {#- tested before int_contact_scope is built: the contacts of the changed records -#}
        {%- set ids = "(select native_id from " ~ changes ~ " where kind = '{}')" -%}
        {%- do conditions.append('(not exists (select 1 from ' ~ changes ~ ")"
            ~ " or (source_family = 'tickets' and native_id in " ~ ids.format('ticket') ~ ")"
            ~ " or (source_family = 'calls' and native_id in " ~ ids.format('call') ~ ")"
            ~ " or ticket_native_id in " ~ ids.format('ticket') ~ ")") -%}
    {%- elif relation.identifier in ['int_contact_reasons', 'int_reason_ownership', 'int_repeats_episodes'] -%}
        {%- do conditions.append('(not exists (select 1 from ' ~ scope ~ ') or contact_id in (select contact_id from '
                                 ~ scope ~ '))') -%}
    {%- elif relation.identifier in ['int_contacts_enriched', 'fct_contacts'] -%}
        {%- do conditions.append("contact_id in (select contact_id from " ~ enriched ~ " where _built_in = '"
                                 ~ invocation_id ~ "')") -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
