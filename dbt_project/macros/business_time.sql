{#- Naive local timestamp in the business time zone -> naive UTC (a DST change moves local hours with the clock). -#}
{% macro from_local(ts) -%}
    {{ return(adapter.dispatch('from_local', 'whycall')(ts)) }}
{%- endmacro %}

{% macro default__from_local(ts) -%}
    cast((({{ ts }}) at time zone '{{ business_timezone() }}') at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro spark__from_local(ts) -%}
    to_utc_timestamp({{ ts }}, '{{ business_timezone() }}')
{%- endmacro %}

{#- p-quantile (0..1, continuous) of an expression. -#}
{% macro percentile(expr, p) -%}
    {{ return(adapter.dispatch('percentile', 'whycall')(expr, p)) }}
{%- endmacro %}

{% macro default__percentile(expr, p) -%}
    quantile_cont(cast({{ expr }} as double), {{ p | float }})
{%- endmacro %}

{% macro spark__percentile(expr, p) -%}
    percentile(cast({{ expr }} as double), {{ p | float }})
{%- endmacro %}

{#- The weekly opening intervals of whycall.yml business_hours (var business_hours, flattened by
    orchestration/lib/business_hours.py) as a SQL relation: schedule, isodow, start_minute, end_minute.
    Without business hours: an empty relation of the same columns. -#}
{% macro business_hours_rows() -%}
    {%- set rows = var('business_hours', []) -%}
    {%- if rows | length == 0 %}
    select cast(null as varchar) as schedule, cast(null as integer) as isodow,
        cast(null as integer) as start_minute, cast(null as integer) as end_minute
    where 1 = 0
    {%- else %}
    {%- for row in rows %}
    {%- if not loop.first %} union all{% endif %}
    select '{{ row["schedule"] | string | replace("'", "''") }}' as schedule, {{ row["isodow"] | int }} as isodow,
        {{ row["start_minute"] | int }} as start_minute, {{ row["end_minute"] | int }} as end_minute
    {%- endfor %}
    {%- endif %}
{%- endmacro %}

{#- True when whycall.yml has business hours (else every *_business_minutes is null). -#}
{% macro has_business_hours() -%}
    {{ return(var('business_hours', []) | length > 0) }}
{%- endmacro %}

{#- ISO weekday of a date: 1 = Monday ... 7 = Sunday. -#}
{% macro isodow(date_expr) -%}
    {{ return(adapter.dispatch('isodow', 'whycall')(date_expr)) }}
{%- endmacro %}

{% macro default__isodow(date_expr) -%}
    isodow({{ date_expr }})
{%- endmacro %}

{% macro spark__isodow(date_expr) -%}
    (pmod(dayofweek({{ date_expr }}) + 5, 7) + 1)
{%- endmacro %}
