-- Contact -> registered incident. A contact is linked when its reason is the incident's reason and it started
-- between started_at and ended_at + incident_grace_hours (an incident without ended_at is still open); the most
-- recently started incident wins. A Zendesk ticket whose problem_id points to a linked (problem) ticket is linked
-- to the same incident, whatever its reason or time.
with contacts as (
    select
        unified.contact_id,
        unified.ticket_system,
        unified.ticket_native_id,
        unified.problem_id,
        unified.started_at,
        reasons.reason_code
    from {{ ref('int_contacts_unified') }} as unified
    inner join {{ ref('int_contact_reasons') }} as reasons on reasons.contact_id = unified.contact_id
),

incidents as (
    select * from {{ ref('stg_reference__incidents') }}
),

register_links as (
    select contact_id, incident_id
    from (
        select
            contacts.contact_id,
            incidents.incident_id,
            row_number() over (
                partition by contacts.contact_id
                order by incidents.started_at desc, incidents.incident_id desc
            ) as link_rank
        from contacts
        inner join incidents
            on incidents.reason_code = contacts.reason_code
            and contacts.started_at >= incidents.started_at
            and (
                incidents.ended_at is null
                or contacts.started_at <= {{ dbt.dateadd('hour', setting_number('incident_grace_hours'), 'incidents.ended_at') }}
            )
    ) as ranked
    where link_rank = 1
),

problem_links as (
    select contact_id, incident_id
    from (
        select
            child.contact_id,
            register_links.incident_id,
            row_number() over (
                partition by child.contact_id order by register_links.incident_id
            ) as link_rank
        from contacts as child
        inner join contacts as problem
            on problem.ticket_system = child.ticket_system
            and problem.ticket_native_id = child.problem_id
        inner join register_links on register_links.contact_id = problem.contact_id
        left join register_links as own_link on own_link.contact_id = child.contact_id
        where child.problem_id is not null and own_link.contact_id is null
    ) as ranked
    where link_rank = 1
)

select contact_id, incident_id, 'register' as incident_link
from register_links
union all
select contact_id, incident_id, 'problem' as incident_link
from problem_links
