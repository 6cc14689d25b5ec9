{#- Read a whycall.yml setting passed as a dbt var; nested keys fail loudly instead of rendering ''. -#}
{% macro setting(name, key=none) -%}
    {%- set value = var(name) -%}
    {%- if key is not none -%}
        {%- if value is not mapping or key not in value -%}
            {{ exceptions.raise_compiler_error(
                "dbt var '" ~ name ~ "' has no key '" ~ key ~ "' (got " ~ value ~ "); pass the whole dict in --vars") }}
        {%- endif -%}
        {%- set value = value[key] -%}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{#- A numeric setting rendered as a SQL literal (never a string from the var). -#}
{% macro setting_number(name, key=none) -%}
    {%- set value = setting(name, key) -%}
    {%- if value is none or value is string or value is mapping -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ ("." ~ key if key else "") ~ "' must be a number, got " ~ value) }}
    {%- endif -%}
    {{ return(value | float if (value | float) != (value | int) else value | int) }}
{%- endmacro %}

{#- The business time zone as an escaped SQL string body. -#}
{% macro business_timezone() -%}
    {{ return(setting('timezone') | string | replace("'", "''")) }}
{%- endmacro %}

{#- CASE expression mapping a normalised channel to a per-channel setting, falling back to its `default` key. -#}
{% macro channel_setting_case(channel_column, name, group_column=none) -%}
    {%- set per_channel = setting(name) -%}
    {%- if per_channel is not mapping or 'default' not in per_channel -%}
        {{ exceptions.raise_compiler_error("dbt var '" ~ name ~ "' must be a dict with a 'default' key") }}
    {%- endif -%}
    case
    {%- for channel, value in per_channel.items() if channel != 'default' %}
        when {{ channel_column }} = '{{ channel | replace("'", "''") }}' then {{ value | float }}
    {%- endfor %}
    {%- if group_column is not none %}
    {#- a key may also name a channel group (phone, written, self_service, other): the channel's own key
        first, then its group's, then default. 'phone' is both a channel and a group, so a Zendesk voice
        ticket costs the phone rate. #}
    {%- for group, value in per_channel.items() if group != 'default' %}
        when {{ group_column }} = '{{ group | replace("'", "''") }}' then {{ value | float }}
    {%- endfor %}
    {%- endif %}
        else {{ per_channel['default'] | float }}
    end
{%- endmacro %}

{#- SQL condition: the contact's source family and source ('calls:talk', 'calls:cdr', 'tickets:csv'...) has a
    handle-time column (var handle_time_sources, set by the orchestrator from the source profiles). -#}
{% macro handle_time_measured(family_column, source_column) -%}
    {%- set sources = setting('handle_time_sources') -%}
    {%- if sources is string or sources is mapping -%}
        {{ exceptions.raise_compiler_error("dbt var 'handle_time_sources' must be a list like ['calls:talk'], got " ~ sources) }}
    {%- endif -%}
    {%- if sources | length == 0 -%}
        false
    {%- else -%}
        ({{ family_column }} || ':' || {{ source_column }}) in (
            {%- for source in sources %}'{{ source | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor -%}
        )
    {%- endif -%}
{%- endmacro %}
