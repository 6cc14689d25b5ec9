{#- UTC naive timestamp -> naive local timestamp in the business time zone (var timezone). -#}
{% macro to_local(ts) -%}
    {{ return(adapter.dispatch('to_local', 'whycall')(ts)) }}
{%- endmacro %}

{% macro default__to_local(ts) -%}
    cast((({{ ts }}) at time zone 'UTC') at time zone '{{ business_timezone() }}' as timestamp)
{%- endmacro %}

{% macro duckdb__to_local(ts) -%}
    cast((({{ ts }}) at time zone 'UTC') at time zone '{{ business_timezone() }}' as timestamp)
{%- endmacro %}

{% macro spark__to_local(ts) -%}
    from_utc_timestamp({{ ts }}, '{{ business_timezone() }}')
{%- endmacro %}

{#- Local business date of a UTC timestamp. -#}
{% macro local_date(ts) -%}
    cast({{ to_local(ts) }} as date)
{%- endmacro %}

{#- One row per day from start to end inclusive; use in a select list: `select {{ day_rows('a', 'b') }} as day from t`. -#}
{% macro day_rows(start_date, end_date) -%}
    {{ return(adapter.dispatch('day_rows', 'whycall')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__day_rows(start_date, end_date) -%}
    cast(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval '1 day') as date)
{%- endmacro %}

{% macro duckdb__day_rows(start_date, end_date) -%}
    cast(unnest(generate_series(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day)) as date)
{%- endmacro %}

{% macro spark__day_rows(start_date, end_date) -%}
    explode(sequence(cast({{ start_date }} as date), cast({{ end_date }} as date), interval 1 day))
{%- endmacro %}

{#- A date shifted by a number of days, as a date (dbt.dateadd returns a timestamp on some adapters). -#}
{% macro add_days(days, date_expr) -%}
    cast({{ dbt.dateadd('day', days, date_expr) }} as date)
{%- endmacro %}

{#- Seconds from a to b (fractional hours = this / 3600.0). -#}
{% macro seconds_between(a, b) -%}
    {{ dbt.datediff(a, b, 'second') }}
{%- endmacro %}

{#- 'YYYY-MM' label of a date, to match targets.period. -#}
{% macro month_label(date_expr) -%}
    {{ return(adapter.dispatch('month_label', 'whycall')(date_expr)) }}
{%- endmacro %}

{% macro default__month_label(date_expr) -%}
    to_char({{ date_expr }}, 'YYYY-MM')
{%- endmacro %}

{% macro duckdb__month_label(date_expr) -%}
    strftime(cast({{ date_expr }} as date), '%Y-%m')
{%- endmacro %}

{% macro spark__month_label(date_expr) -%}
    date_format({{ date_expr }}, 'yyyy-MM')
{%- endmacro %}

{#- First day of the month, as a date. -#}
{% macro month_start(date_expr) -%}
    cast({{ dbt.date_trunc('month', date_expr) }} as date)
{%- endmacro %}
