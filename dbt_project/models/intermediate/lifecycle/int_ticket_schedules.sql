-- Each ticket with history, its contact (reason, department) and the business-hours schedule it follows: the one of
-- the department owning its reason on the creation date when whycall.yml business_hours.by_department has one,
-- else `default` (CONTRACT §3).
{%- set departments = [] -%}
{%- for row in var('business_hours', []) if row['schedule'] != 'default' and row['schedule'] not in departments -%}
    {%- do departments.append(row['schedule']) -%}
{%- endfor %}
with zendesk_contacts as (
    -- a voice ticket merged into its call is that call's contact (merged_ticket_id = 'zendesk:<id>')
    select
        *,
        case
            when source_system = 'zendesk' then native_id
            else substr(merged_ticket_id, {{ 'zendesk:' | length + 1 }})
        end as ticket_id
    from {{ ref('int_contacts_enriched') }}
    where source_system = 'zendesk' or merged_ticket_id like 'zendesk:%'
),

contacts as (
    select
        contact_id,
        ticket_id,
        reason_code,
        reason_department_id,
        department_id,
        channel,
        contact_date,
        is_suspect,
        row_number() over (partition by ticket_id order by contact_id) as contact_rank
    from zendesk_contacts
)

select
    history.ticket_id,
    contacts.contact_id,
    contacts.reason_code,
    contacts.department_id,
    contacts.channel,
    contacts.contact_date,
    contacts.is_suspect,
    {%- if departments %}
    case
    {%- for department in departments %}
        when contacts.reason_department_id = '{{ department | replace("'", "''") }}' then '{{ department | replace("'", "''") }}'
    {%- endfor %}
        else 'default'
    end as schedule
    {%- else %}
    -- no schedule by department (or no business hours at all): a case without a when is not SQL
    'default' as schedule
    {%- endif %}
from {{ ref('int_ticket_history') }} as history
left join contacts
    on contacts.ticket_id = history.ticket_id
    and contacts.contact_rank = 1
