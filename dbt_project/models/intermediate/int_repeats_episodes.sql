-- depends_on: {{ ref('int_contact_scope') }}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in ({{ scoped_contacts() }}) or contact_id in (select contact_id from {{ ref('int_contacts_unified') }} where customer_key in ({{ scoped_customers() }})){% endif %}",
) }}
-- Repeats and episodes over inbound contacts of a known customer with a reason (not 'none'), any channel.
-- A contact is a repeat when the customer's previous inbound contact on the same reason was at most
-- repeat_window_days local days before (same day = 0 days). An episode is a chain with gaps <= the window;
-- episode_id is the contact_id of its first contact.
-- A full build runs the chains in buckets of customers (DuckDB's windows hold their input in memory: 10M contacts
-- at once do not fit a 3 GB buffer pool); every chain is one customer's, so the buckets are independent.
{%- set buckets = 1 if is_incremental() else full_build_buckets() %}
{%- for bucket in range(buckets) %}
{%- if not loop.first %}
union all
{%- endif %}
(
    with contacts as (
        select
            unified.contact_id,
            unified.customer_key,
            unified.started_at,
            unified.contact_date,
            reasons.reason_code
        from {{ ref('int_contacts_unified') }} as unified
        inner join {{ ref('int_contact_reasons') }} as reasons on reasons.contact_id = unified.contact_id
        where unified.direction = 'inbound'
            and unified.customer_key is not null
            and reasons.reason_code <> 'none'
            {%- if is_incremental() %}
            -- a customer's chains are recomputed whole: a new or changed contact can start, join or split an episode
            and unified.customer_key in ({{ scoped_customers() }})
            {%- endif %}
            {%- if buckets > 1 %}
            and {{ in_bucket('unified.customer_key', bucket, buckets) }}
            {%- endif %}
    ),

    sequenced as (
        select
            *,
            lag(contact_date) over (
                partition by customer_key, reason_code order by started_at, contact_id
            ) as previous_contact_date
        from contacts
    ),

    flagged as (
        select
            *,
            coalesce(
                {{ dbt.datediff('previous_contact_date', 'contact_date', 'day') }} <= {{ setting_number('repeat_window_days') }},
                false
            ) as is_repeat
        from sequenced
    ),

    numbered as (
        select
            *,
            sum(case when is_repeat then 0 else 1 end) over (
                partition by customer_key, reason_code order by started_at, contact_id
                rows between unbounded preceding and current row
            ) as episode_number
        from flagged
    )

    select
        contact_id,
        is_repeat,
        {{ dbt.datediff('previous_contact_date', 'contact_date', 'day') }} as days_since_previous,
        first_value(contact_id) over (
            partition by customer_key, reason_code, episode_number order by started_at, contact_id
            rows between unbounded preceding and unbounded following
        ) as episode_id,
        row_number() over (
            partition by customer_key, reason_code, episode_number order by started_at, contact_id
        ) as episode_sequence
    from numbered
)
{%- endfor %}
