{#- Lower case without accents: the base of every text comparison (FR/EN keywords, identical texts). -#}
{% macro fold_case_accents(expr) -%}
    {{ return(adapter.dispatch('fold_case_accents', 'whycall')(expr)) }}
{%- endmacro %}

{% macro default__fold_case_accents(expr) -%}
    lower(unaccent({{ expr }}))
{%- endmacro %}

{% macro duckdb__fold_case_accents(expr) -%}
    strip_accents(lower({{ expr }}))
{%- endmacro %}

{#- Replace every match of a regular expression. -#}
{% macro regexp_replace_all(expr, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'whycall')(expr, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expr, pattern, replacement) -%}
    regexp_replace({{ expr }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{#- Text reduced to words: case and accents folded, every run of non-alphanumerics is one space.
    Keywords and texts both go through it, so ' kw ' in ' text ' is a whole-word match. -#}
{% macro fold_words(expr) -%}
    trim({{ regexp_replace_all(fold_case_accents(expr), '[^a-z0-9]+', ' ') }})
{%- endmacro %}

{#- Text with case, accents and spacing folded (punctuation kept): the suspect identical-text rule. -#}
{% macro fold_spacing(expr) -%}
    trim({{ regexp_replace_all(fold_case_accents(expr), '\\s+', ' ') }})
{%- endmacro %}

{#- customer_key (sha256(WHYCALL_SALT || customer_ref), hex) is computed at load, in Python
    (orchestration/lib/masking.py): a salt rendered here would be written into compiled SQL, dbt.log and the
    manifest. -#}

{% macro sha256_hex(expr) -%}
    {{ return(adapter.dispatch('sha256_hex', 'whycall')(expr)) }}
{%- endmacro %}

{% macro default__sha256_hex(expr) -%}
    encode(sha256(convert_to({{ expr }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro duckdb__sha256_hex(expr) -%}
    sha256({{ expr }})
{%- endmacro %}

{% macro spark__sha256_hex(expr) -%}
    sha2({{ expr }}, 256)
{%- endmacro %}

{#- One row per element of a delimited string, in a select list. -#}
{% macro split_to_rows(expr, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'whycall')(expr, delimiter)) }}
{%- endmacro %}

{% macro default__split_to_rows(expr, delimiter) -%}
    unnest(string_to_array({{ expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__split_to_rows(expr, delimiter) -%}
    unnest(string_split({{ expr }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__split_to_rows(expr, delimiter) -%}
    explode(split({{ expr }}, '\\{{ delimiter }}'))
{%- endmacro %}

{#- Empty or blank strings become null (CSV exports mix both). -#}
{% macro blank_to_null(expr) -%}
    nullif(trim({{ expr }}), '')
{%- endmacro %}
