{#- Median as an aggregate. -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'whycall')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{% macro spark__median(expr) -%}
    percentile({{ expr }}, 0.5)
{%- endmacro %}

{#- The 97.5 % quantile of Student's t with `df` degrees of freedom (the multiplier of a two-sided 95 % interval
    whose variance is estimated from the data): a table for 1-30 (scipy.stats.t.ppf(0.975, df), 9 decimals), then the Cornish-Fisher expansion
    around z = 1.959964, exact to 1e-6 from 31 on. Null for df < 1. -#}
{% macro t_quantile_975(df) -%}
    {%- set table = [12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
                     2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
                     2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
                     2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
                     2.045229642, 2.042272456] -%}
    {%- set z = 1.959963984540054 -%}
    case
    {%- for value in table %}
        when {{ df }} = {{ loop.index }} then {{ value }}
    {%- endfor %}
        when {{ df }} > {{ table | length }} then {{ z }}
            + {{ z ** 3 + z }} / (4.0 * {{ df }})
            + {{ 5 * z ** 5 + 16 * z ** 3 + 3 * z }} / (96.0 * {{ df }} * {{ df }})
            + {{ 3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z }} / (384.0 * {{ df }} * {{ df }} * {{ df }})
    end
{%- endmacro %}
