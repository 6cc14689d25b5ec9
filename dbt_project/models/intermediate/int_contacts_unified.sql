-- depends_on: {{ ref('int_contact_changes') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in (select contact_id from {{ ref('int_contact_changes') }} where kind = 'old_contact'){% endif %}",
) }}
-- One row per contact. A call and the voice ticket it created (the call's ticket_ref points to a ticket of
-- channel voice created within one hour of the call) are ONE contact: times, handle and direction from the call,
-- reason and text from the ticket. A call attached to an older ticket stays a contact of its own.
with tickets as (
    select
        *,
        {{ normalize_channel('channel_raw') }} as channel,
        {{ channel_group(normalize_channel('channel_raw')) }} as channel_group
    {%- if is_incremental() %}
    from ({{ staged_contacts(source('raw', 'tickets'), changed_ids('ticket')) }}) as changed_tickets
    {%- else %}
    from {{ ref('stg_zendesk__tickets') }}
    {%- endif %}
),

calls as (
    select
        *,
        {{ normalize_channel('channel_raw', "'phone'") }} as channel,
        {{ channel_group(normalize_channel('channel_raw', "'phone'")) }} as channel_group
    {%- if is_incremental() %}
    from ({{ staged_contacts(source('raw', 'calls'), changed_ids('call')) }}) as changed_calls
    {%- else %}
    from {{ ref('stg_talk__calls') }}
    {%- endif %}
),

merge_candidates as (
    select
        calls.source_system as call_system,
        calls.native_id as call_id,
        tickets.source_system as ticket_system,
        tickets.native_id as ticket_id,
        -- the natural pairs first (Talk -> Zendesk, CSV -> CSV), then the closest in time
        case
            when calls.source_system = tickets.source_system
                or (calls.source_system = 'talk' and tickets.source_system = 'zendesk') then 0
            else 1
        end as pair_rank,
        abs({{ seconds_between('calls.started_at', 'tickets.started_at') }}) as gap_seconds
    from calls
    inner join tickets
        on tickets.native_id = calls.ticket_ref
    where tickets.channel_group = 'phone'  -- a voice ticket (Zendesk voice, a CSV phone ticket)
        and abs({{ seconds_between('calls.started_at', 'tickets.started_at') }}) <= 3600
),

merges as (
    -- one ticket per call and one call per ticket
    select call_system, call_id, ticket_system, ticket_id
    from (
        select
            *,
            row_number() over (
                partition by call_system, call_id order by pair_rank, gap_seconds, ticket_system, ticket_id
            ) as rank_for_call,
            row_number() over (
                partition by ticket_system, ticket_id order by pair_rank, gap_seconds, call_system, call_id
            ) as rank_for_ticket
        from merge_candidates
    ) as ranked
    where rank_for_call = 1 and rank_for_ticket = 1
),

ticket_contacts as (
    select
        tickets.source_system || ':' || tickets.native_id as contact_id,
        tickets.source_system as source,
        tickets.source_system,
        'tickets' as source_family,
        tickets.native_id,
        tickets.source_system as ticket_system,
        tickets.native_id as ticket_native_id,
        cast(null as {{ dbt.type_string() }}) as merged_ticket_id,
        tickets.customer_ref,
        tickets.customer_key,
        tickets.organization_key,
        tickets.started_at,
        tickets.ended_at,
        tickets.channel,
        tickets.channel_group,
        tickets.channel_raw,
        {{ normalize_direction('tickets.direction_raw') }} as direction,
        tickets.reason_raw,
        'tickets' as reason_family,
        cast(null as {{ dbt.type_string() }}) as call_reason_raw,
        tickets.tags,
        tickets.department_raw,
        tickets.subject,
        tickets.text,
        tickets.subject_masked,
        tickets.text_masked,
        tickets.status,
        tickets.ticket_type,
        tickets.problem_id,
        tickets.group_id,
        tickets.agent_id,
        tickets.reopens,
        tickets.transfers,
        tickets.replies,
        tickets.first_reply_minutes,
        tickets.full_resolution_minutes,
        tickets.handle_seconds as source_handle_seconds,
        tickets.wait_seconds,
        tickets.outcome,
        tickets.ticket_ref,
        tickets.satisfaction,
        tickets.loaded_at as source_loaded_at
    from tickets
    left join merges
        on merges.ticket_system = tickets.source_system and merges.ticket_id = tickets.native_id
    where merges.ticket_id is null
),

call_contacts as (
    select
        (case when calls.source_system = 'csv' then 'cdr' else calls.source_system end)
            || ':' || calls.native_id as contact_id,
        case when calls.source_system = 'csv' then 'cdr' else calls.source_system end as source,
        calls.source_system,
        'calls' as source_family,
        calls.native_id,
        merged.source_system as ticket_system,
        merged.native_id as ticket_native_id,
        merged.source_system || ':' || merged.native_id as merged_ticket_id,
        coalesce(calls.customer_ref, merged.customer_ref) as customer_ref,
        coalesce(calls.customer_key, merged.customer_key) as customer_key,
        coalesce(calls.organization_key, merged.organization_key) as organization_key,
        calls.started_at,
        calls.ended_at,
        calls.channel,
        calls.channel_group,
        calls.channel_raw,
        {{ normalize_direction('calls.direction_raw') }} as direction,
        case when merged.native_id is not null then merged.reason_raw else calls.reason_raw end as reason_raw,
        case when merged.native_id is not null then 'tickets' else 'calls' end as reason_family,
        case when merged.native_id is not null then calls.reason_raw end as call_reason_raw,
        merged.tags,
        coalesce(merged.department_raw, calls.department_raw) as department_raw,
        merged.subject,
        coalesce(merged.text, calls.text) as text,
        merged.subject_masked,
        coalesce(merged.text_masked, calls.text_masked) as text_masked,
        coalesce(merged.status, calls.status) as status,
        merged.ticket_type,
        merged.problem_id,
        coalesce(merged.group_id, calls.group_id) as group_id,
        coalesce(calls.agent_id, merged.agent_id) as agent_id,
        coalesce(merged.reopens, calls.reopens) as reopens,
        calls.transfers,
        merged.replies,
        merged.first_reply_minutes,
        merged.full_resolution_minutes,
        coalesce(calls.handle_seconds, merged.handle_seconds) as source_handle_seconds,
        calls.wait_seconds,
        calls.outcome,
        calls.ticket_ref,
        merged.satisfaction,
        greatest(calls.loaded_at, coalesce(merged.loaded_at, calls.loaded_at)) as source_loaded_at
    from calls
    left join merges
        on merges.call_system = calls.source_system and merges.call_id = calls.native_id
    left join tickets as merged
        on merged.source_system = merges.ticket_system and merged.native_id = merges.ticket_id
),

contacts as (
    select * from ticket_contacts
    union all
    select * from call_contacts
),

costed as (
    select
        *,
        -- default_handle_minutes is for a source without any handle-time column (var handle_time_sources lists
        -- the '<family>:<source>' that have one), not for a row: in a source that measures it, an empty
        -- value is a call nobody handled (abandoned, or a 0 that null_values turned into null)
        case
            when source_handle_seconds is not null then source_handle_seconds
            when {{ handle_time_measured('source_family', 'source') }} then 0.0
            else ({{ channel_setting_case('channel', 'default_handle_minutes', 'channel_group') }}) * 60.0
        end as handle_seconds,
        source_handle_seconds is null and not {{ handle_time_measured('source_family', 'source') }}
            as handle_is_default
    from contacts
)

select
    contact_id,
    source,
    source_system,
    source_family,
    native_id,
    ticket_system,
    ticket_native_id,
    merged_ticket_id,
    customer_ref,
    customer_key,
    organization_key,  -- the account, pseudonymised at load by the same rule (orchestration/lib/masking.py)
    started_at,
    ended_at,
    {{ to_local('started_at') }} as started_at_local,
    {{ local_date('started_at') }} as contact_date,
    channel,
    channel_group,
    channel_raw,
    direction,
    reason_raw,
    reason_family,
    call_reason_raw,
    tags,
    department_raw,
    subject,
    text,
    subject_masked,
    text_masked,
    status,
    ticket_type,
    problem_id,
    group_id,
    agent_id,
    reopens,
    transfers,
    replies,
    first_reply_minutes,
    full_resolution_minutes,
    cast(handle_seconds as double) as handle_seconds,
    handle_is_default,
    -- rounded here and only here (macros/cost.sql), to a millionth of the currency unit: 6 min x 0.55 is 3.3
    {{ round_cost("handle_seconds / 60.0 * (" ~ channel_setting_case('channel', 'cost_per_minute', 'channel_group') ~ ")") }} as cost,
    wait_seconds,
    outcome,
    ticket_ref,
    satisfaction,
    -- for the suspect rules, computed once per contact: length of the trimmed text, hash of the folded text
    {{ dbt.length('trim(text)') }} as text_chars,
    {{ dbt.length(fold_spacing('text')) }} as folded_text_chars,
    {{ dbt.hash(fold_spacing('text')) }} as folded_text_hash,
    source_loaded_at as _source_loaded_at
from costed
