{#- The Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012): instead of drawing n responses with
    replacement, every response gets, in each replicate, a weight drawn from Poisson(1), which is the
    multinomial draw in the limit and needs no shuffling, so a replicate is one weighted aggregate. The draw is a
    hash of the row key and the replicate number: the same build gives the same intervals, every run. -#}

{#- A uniform number in [0, 1) from a hash of a text key. -#}
{% macro hash_uniform(key_expr) -%}
    {{ return(adapter.dispatch('hash_uniform', 'whycall')(key_expr)) }}
{%- endmacro %}

{% macro default__hash_uniform(key_expr) -%}
    (cast(hash({{ key_expr }}) % 1000000007 as double) / 1000000007.0)
{%- endmacro %}

{% macro spark__hash_uniform(key_expr) -%}
    (cast(pmod(xxhash64({{ key_expr }}), 1000000007) as double) / 1000000007.0)
{%- endmacro %}

{#- A Poisson(1) weight for row `key_expr` in replicate `replicate_expr` (0 = the observed sample: weight 1),
    by inverting the Poisson(1) distribution function (cumulative probabilities to 6 decimals; 7 or more has
    a probability below 1e-5 and is drawn as 7). -#}
{% macro poisson_bootstrap_weight(key_expr, replicate_expr) -%}
    {%- set u = hash_uniform("cast(" ~ key_expr ~ " as varchar) || '#' || cast(" ~ replicate_expr ~ " as varchar)") -%}
    case
        when {{ replicate_expr }} = 0 then 1
        when {{ u }} < 0.367879 then 0
        when {{ u }} < 0.735759 then 1
        when {{ u }} < 0.919699 then 2
        when {{ u }} < 0.981012 then 3
        when {{ u }} < 0.996340 then 4
        when {{ u }} < 0.999406 then 5
        when {{ u }} < 0.999917 then 6
        else 7
    end
{%- endmacro %}

{#- Rows 0..n, one per bootstrap replicate (0 = the observed sample), column `replicate`. -#}
{% macro replicate_rows(n) -%}
    {{ return(adapter.dispatch('replicate_rows', 'whycall')(n)) }}
{%- endmacro %}

{% macro default__replicate_rows(n) -%}
    select cast(range as integer) as replicate from range(0, {{ n | int }} + 1)
{%- endmacro %}

{% macro spark__replicate_rows(n) -%}
    select explode(sequence(0, {{ n | int }})) as replicate
{%- endmacro %}
