{#- A source the notifier creates on its first pass (schema notify of the state database): until then,
    an empty relation with the same columns, so the first build works before anything was ever sent.
    `columns` is a list of (name, type). -#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set declared = source(source_name, table_name) -%}
    {%- set found = adapter.get_relation(database=declared.database, schema=declared.schema,
                                         identifier=declared.identifier) if execute else none -%}
    {%- if found is not none -%}
    select {% for name, type in columns %}cast({{ name }} as {{ type }}) as {{ name }}{{ ", " if not loop.last }}{% endfor %}
    from {{ declared }}
    {%- else -%}
    select {% for name, type in columns %}cast(null as {{ type }}) as {{ name }}{{ ", " if not loop.last }}{% endfor %}
    where false
    {%- endif -%}
{%- endmacro %}
