{#- Latest version of each contact record (tickets, calls), by the rule of macros/latest_version.sql (latest
    updated_at, a deletion wins a tie, then the later load / file / record). Deleted records are dropped. -#}
{% macro latest_contact_versions(relation, only_ids=none) -%}
    {#- ranked on the narrow key columns only, then the winning rows are read whole: ranking every wide
        version (free text) at 10M contacts does not fit a bounded buffer pool -#}
    select versions.*
    from {{ relation }} as versions
    inner join (
        {{ latest_version_keys(relation, only_ids) }}
    ) as latest
        -- one raw row: a corrected file of the same name is another load (_sha256, _loaded_at)
        on latest._sha256 is not distinct from versions._sha256
        and latest._file is not distinct from versions._file
        and latest._record is not distinct from versions._record
        and latest._loaded_at is not distinct from versions._loaded_at
    where versions.native_id is not null
    {%- if only_ids is not none %}
        and versions.native_id in ({{ only_ids }})
    {%- endif %}
{%- endmacro %}

{#- The raw row (_sha256, _file, _record, _loaded_at) of each record's latest, non-deleted version. The
    ranking holds all its input in memory (DuckDB's window does not spill): over the whole history it is
    split into buckets of native ids (full_build_buckets), one window each, so 15M versions rank within a 3 GB
    buffer pool. -#}
{% macro latest_version_keys(relation, only_ids=none) -%}
    {%- set buckets = 1 if only_ids is not none else full_build_buckets() -%}
    {%- for bucket in range(buckets) %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select _sha256, _file, _record, _loaded_at
    from (
        select
            _sha256,
            _file,
            _record,
            _loaded_at,
            is_deleted,
            row_number() over (
                partition by source_system, native_id
                order by {{ latest_contact_order() }}  {#- the one rule: macros/latest_version.sql #}
            ) as version_rank
        from {{ relation }}
        where native_id is not null
        {%- if only_ids is not none %}
            and native_id in ({{ only_ids }})
        {%- endif %}
        {%- if buckets > 1 %}
            and {{ in_bucket('native_id', bucket, buckets) }}
        {%- endif %}
    ) as ranked
    where version_rank = 1 and not coalesce(is_deleted, false)
    {%- endfor %}
{%- endmacro %}

{#- How many buckets a window over the whole history is split into (the version ranking here, the repeat chains
    in int_repeats_episodes): 8 on DuckDB (about 2M versions each at 10M contacts), 1 where the engine spills its
    windows itself. -#}
{% macro full_build_buckets() -%}
    {{ return(adapter.dispatch('full_build_buckets', 'whycall')()) }}
{%- endmacro %}

{% macro default__full_build_buckets() -%}
    {{ return(1) }}
{%- endmacro %}

{% macro duckdb__full_build_buckets() -%}
    {{ return(var('full_build_buckets', 8) | int) }}
{%- endmacro %}

{#- SQL condition: expr falls in hash bucket `bucket` of `buckets` (DuckDB only: buckets > 1 only there). -#}
{% macro in_bucket(expr, bucket, buckets) -%}
    hash({{ expr }}) % {{ buckets }} = {{ bucket }}
{%- endmacro %}

{#- Staged contacts of raw.tickets / raw.calls: latest versions, cleaned columns. only_ids (a query of
    native ids) restricts the versions read before ranking them: an incremental build reads what changed. -#}
{% macro staged_contacts(relation, only_ids=none) -%}
    select
        {{ contact_columns() }}
    from (
        {{ latest_contact_versions(relation, only_ids) }}
    ) as latest
{%- endmacro %}

{#- Reference files are snapshots: keep each file's latest load only, then one row per natural key
    (the later load / file / line wins when two files carry the same key). -#}
{% macro latest_reference_rows(relation, key_columns) -%}
    select *
    from (
        select
            *,
            row_number() over (
                partition by {{ key_columns | join(', ') }}
                order by _loaded_at desc nulls last, _file desc, _record desc
            ) as key_rank
        from (
            select
                *,
                max(_loaded_at) over (partition by _file) as file_last_loaded_at
            from {{ relation }}
        ) as loads
        where _loaded_at = file_last_loaded_at or file_last_loaded_at is null
    ) as keyed
    where key_rank = 1
{%- endmacro %}

{#- The shared canonical contact columns of raw.tickets / raw.calls, cleaned. -#}
{% macro contact_columns() -%}
        {{ blank_to_null('source_system') }} as source_system,
        {{ blank_to_null('native_id') }} as native_id,
        updated_at,
        {{ blank_to_null('customer_ref') }} as customer_ref,
        customer_key,  {#- salted at load (orchestration/lib/masking.py): the salt never reaches dbt -#}
        organization_key,  {#- the account, salted at load like customer_key -#}
        started_at,
        ended_at,
        {{ blank_to_null('channel') }} as channel_raw,
        {{ blank_to_null('direction') }} as direction_raw,
        {{ blank_to_null('reason_raw') }} as reason_raw,
        {{ blank_to_null('tags') }} as tags,
        {{ blank_to_null('department_raw') }} as department_raw,
        {{ blank_to_null('subject') }} as subject,
        text,
        {#- the texts with personal data masked at load (orchestration/lib/masking.py): what the marts publish -#}
        {{ blank_to_null('subject_masked') }} as subject_masked,
        text_masked,
        {{ blank_to_null('status') }} as status,
        {{ blank_to_null('ticket_type') }} as ticket_type,
        {{ blank_to_null('problem_id') }} as problem_id,
        {{ blank_to_null('group_id') }} as group_id,
        {{ blank_to_null('agent_id') }} as agent_id,
        reopens,
        transfers,
        replies,
        first_reply_minutes,
        full_resolution_minutes,
        handle_seconds,
        wait_seconds,
        {{ blank_to_null('outcome') }} as outcome,
        {{ blank_to_null('ticket_ref') }} as ticket_ref,
        lower({{ blank_to_null('satisfaction') }}) as satisfaction,
        _file as loaded_from_file,
        _loaded_at as loaded_at
{%- endmacro %}
