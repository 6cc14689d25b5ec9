{#- The one rule for "the latest version" of a record (issue 15). Staging (latest_version_keys,
    stg_qualtrics__responses), the data-quality batches (orchestration/lib/batches.py) and the bench's raw
    baseline (orchestration/bench.py) all take it from here: Python reads the SQL between the macro tags
    (orchestration/lib/latest.py), so keep each body one plain ORDER BY list without Jinja.

    Contacts: the latest updated_at wins; on a tie a deletion wins (a ticket deleted in the same second it was
    last updated is gone); then the later load, the later file name, the later record of the file.
    Survey responses have no version time: the later load, file, record. -#}
{% macro latest_contact_order() -%}
updated_at desc nulls last, case when is_deleted then 1 else 0 end desc, _loaded_at desc nulls last, _file desc, _record desc
{%- endmacro %}

{% macro latest_response_order() -%}
_loaded_at desc nulls last, _file desc, _record desc
{%- endmacro %}
