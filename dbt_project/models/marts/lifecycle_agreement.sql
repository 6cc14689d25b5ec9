-- Do whycall's lifecycle figures, computed from the ticket history, agree with Zendesk's own metric sets
-- (side-loaded with the ticket export)? Per metric: the tickets where both exist, those within 1 minute (counts:
-- equal), the share, and a few tickets that disagree to look at. No row for a metric no ticket has both ways.
-- A metric set is Zendesk's count at the moment of the ticket version it came with: it is compared only when no
-- audit came after that version (a later reply or reopen is in the history, not yet in the metric set; the next
-- export of the ticket brings the metric set that counts it).
with exported as (
    select native_id as ticket_id, updated_at
    from {{ ref('stg_zendesk__tickets') }}
    where source_system = 'zendesk'
),

pairs as (
    select
        lifecycle.ticket_id,
        contacts.first_reply_minutes as zendesk_first_reply,
        lifecycle.first_reply_calendar_minutes as whycall_first_reply,
        contacts.full_resolution_minutes as zendesk_full_resolution,
        lifecycle.full_resolution_calendar_minutes as whycall_full_resolution,
        contacts.replies as zendesk_replies,
        lifecycle.replies as whycall_replies,
        contacts.reopens as zendesk_reopens,
        lifecycle.reopens as whycall_reopens
    from {{ ref('ticket_lifecycle') }} as lifecycle
    inner join {{ ref('fct_contacts') }} as contacts
        on contacts.contact_id = lifecycle.contact_id
    inner join {{ ref('int_ticket_history') }} as history
        on history.ticket_id = lifecycle.ticket_id
    inner join exported
        on exported.ticket_id = lifecycle.ticket_id
    where history.latest_audit_at <= exported.updated_at
),

compared as (
    {%- for metric, tolerance in [('first_reply', 1), ('full_resolution', 1), ('replies', 0), ('reopens', 0)] %}
    {%- if not loop.first %}
    union all
    {%- endif %}
    select
        '{{ metric }}' as metric,
        ticket_id,
        abs(cast(whycall_{{ metric }} as double) - cast(zendesk_{{ metric }} as double)) <= {{ tolerance }} as agrees
    from pairs
    where whycall_{{ metric }} is not null and zendesk_{{ metric }} is not null
    {%- endfor %}
),

ranked as (
    select
        *,
        row_number() over (partition by metric, agrees order by ticket_id) as sample_rank
    from compared
)

select
    cast(metric as varchar) as metric,
    cast(count(*) as integer) as tickets_compared,
    cast(count(*) filter (where agrees) as integer) as tickets_agreeing,
    cast(count(*) filter (where agrees) * 1.0 / count(*) as double) as share_agreeing,
    cast({{ dbt.listagg("case when not agrees and sample_rank <= 10 then ticket_id end", "' '") }} as varchar)
        as disagreeing_tickets
from ranked
group by metric
