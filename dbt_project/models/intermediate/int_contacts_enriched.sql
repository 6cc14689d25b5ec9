-- depends_on: {{ ref('int_contact_scope') }}
{{ config(
    materialized='incremental',
    unique_key='contact_id',
    incremental_strategy='delete+insert',
    post_hook="{% if is_incremental() %}delete from {{ this }} where contact_id in ({{ scoped_contacts() }}) and contact_id not in (select contact_id from {{ ref('int_contacts_unified') }}){% endif %}",
) }}
-- Every per-contact fact in one place: reason, owner, incident, repeat, episode, suspect flags, and the
-- attribution of CONTRACT section 5: department = the incident's department for an incident-linked contact,
-- else the reason's owner on the contact date; unwanted = unwanted kind or repeat or incident-linked.
with contact_suspects as (
    select entity_id as contact_id, suspect_reason
    from {{ ref('int_suspects') }}
    where entity = 'contact'
),
{%- if is_incremental() %}

-- contacts whose facts may differ from the stored ones: the build's scope, every contact of its customers (repeat
-- chains), and contacts whose suspect flags or incident links changed (those rules look across contacts)
rebuilt as (
    select contact_id from {{ ref('int_contact_scope') }}
    union
    select contact_id from {{ ref('int_contacts_unified') }} where customer_key in ({{ scoped_customers() }})
    union
    select coalesce(stored.contact_id, contact_suspects.contact_id)
    from (select contact_id, suspect_reason from {{ this }} where is_suspect) as stored
    full outer join contact_suspects on contact_suspects.contact_id = stored.contact_id
    where stored.suspect_reason is distinct from contact_suspects.suspect_reason
    union
    select coalesce(stored.contact_id, links.contact_id)
    from (select contact_id, incident_id, incident_link from {{ this }} where incident_id is not null) as stored
    full outer join {{ ref('int_contact_incidents') }} as links on links.contact_id = stored.contact_id
    where stored.incident_id is distinct from links.incident_id
        or stored.incident_link is distinct from links.incident_link
),
{%- endif %}

unified as (
    select
        *,
        -- the source's outcome says the caller hung up before being served; null when it says nothing
        case
            when outcome is null then null
            when {{ fold_words('outcome') }} like 'abandon%'
                or {{ fold_words('outcome') }} in ('hang', 'hangup', 'hang up', 'hung up', 'caller hung up')
                then true
            else false
        end as is_abandoned,
        -- a call alone: no ticket behind it, so reopens and replies do not apply
        source_family = 'calls' and merged_ticket_id is null as is_call_only
    from {{ ref('int_contacts_unified') }}
    {%- if is_incremental() %}
    where contact_id in (select contact_id from rebuilt)
    {%- endif %}
)

select
    unified.contact_id,
    unified.source,
    unified.source_system,
    unified.native_id,
    unified.channel,
    unified.channel_group,
    unified.direction,
    unified.customer_key,
    unified.organization_key,
    unified.started_at,
    unified.ended_at,
    unified.started_at_local,
    unified.contact_date,
    reasons.reason_code,
    reasons.reason_method,
    reasons.reason_evidence,
    ownership.reason_kind,
    ownership.reason_label_en,
    ownership.reason_label_fr,
    ownership.owner_department_id as reason_department_id,
    coalesce(incidents.department_id, ownership.owner_department_id) as department_id,
    contact_incidents.incident_id,
    contact_incidents.incident_link,
    coalesce(repeats.is_repeat, false) as is_repeat,
    repeats.episode_id,
    repeats.episode_sequence,
    (
        coalesce(ownership.reason_kind = 'unwanted', false)
        or coalesce(repeats.is_repeat, false)
        or contact_incidents.incident_id is not null
    ) as is_unwanted,
    contact_suspects.contact_id is not null as is_suspect,
    contact_suspects.suspect_reason,
    unified.transfers,
    unified.reopens,
    unified.replies,
    -- one touch: settled in the contact itself (not abandoned, no transfer, no reopen, at most one agent reply).
    -- A known fact that rules it out decides; otherwise an unknown fact that applies leaves it unknown (null):
    -- a ticket exported without metric_sets is not one touch by default.
    case
        when coalesce(unified.is_abandoned, false)
            or coalesce(unified.transfers, 0) > 0
            or coalesce(unified.reopens, 0) > 0
            or coalesce(unified.replies, 0) > 1
            then false
        when unified.transfers is null then null
        when unified.is_call_only then true
        when unified.reopens is null or unified.replies is null then null
        else true
    end as is_one_touch,
    unified.is_abandoned,
    unified.first_reply_minutes,
    unified.full_resolution_minutes,
    unified.handle_seconds,
    unified.handle_is_default,
    unified.cost,
    unified.wait_seconds,
    unified.ticket_ref,
    unified.merged_ticket_id,
    unified.status,
    unified.outcome,
    unified.satisfaction,
    -- published texts: personal data masked at load; classification read the unmasked ones
    unified.subject_masked as subject,
    substr(unified.text_masked, 1, 200) as text_excerpt,
    '{{ invocation_id }}' as _built_in
from unified
inner join {{ ref('int_contact_reasons') }} as reasons on reasons.contact_id = unified.contact_id
inner join {{ ref('int_reason_ownership') }} as ownership on ownership.contact_id = unified.contact_id
left join {{ ref('int_contact_incidents') }} as contact_incidents on contact_incidents.contact_id = unified.contact_id
left join {{ ref('stg_reference__incidents') }} as incidents on incidents.incident_id = contact_incidents.incident_id
left join {{ ref('int_repeats_episodes') }} as repeats on repeats.contact_id = unified.contact_id
left join contact_suspects on contact_suspects.contact_id = unified.contact_id
