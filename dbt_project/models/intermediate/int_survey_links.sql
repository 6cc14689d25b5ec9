-- Survey response -> contact. The response's ticket reference (a ticket native id, or a contact_id) first;
-- else the customer's latest inbound contact started in the 7 days before the response.
with responses as (
    select
        *,
        customer_key as response_customer_key
    from {{ ref('stg_qualtrics__responses') }}
),

contacts as (
    select contact_id, ticket_system, ticket_native_id, customer_key, direction, started_at
    from {{ ref('int_contacts_unified') }}
),

ticket_matches as (
    select responses.response_id, contacts.contact_id,
        case when contacts.ticket_system = 'zendesk' then 0 else 1 end as match_rank
    from responses
    inner join contacts on contacts.ticket_native_id = responses.ticket_ref
    union all
    select responses.response_id, contacts.contact_id, 2 as match_rank
    from responses
    inner join contacts on contacts.contact_id = responses.ticket_ref
),

ticket_links as (
    select response_id, contact_id
    from (
        select
            *,
            row_number() over (partition by response_id order by match_rank, contact_id) as link_rank
        from ticket_matches
    ) as ranked
    where link_rank = 1
),

customer_links as (
    select response_id, contact_id
    from (
        select
            responses.response_id,
            contacts.contact_id,
            row_number() over (
                partition by responses.response_id order by contacts.started_at desc, contacts.contact_id desc
            ) as link_rank
        from responses
        left join ticket_links on ticket_links.response_id = responses.response_id
        inner join contacts
            on contacts.customer_key = responses.response_customer_key
            and contacts.direction = 'inbound'
            and contacts.started_at <= responses.responded_at
            and contacts.started_at >= {{ dbt.dateadd('day', -7, 'responses.responded_at') }}
        where ticket_links.response_id is null
    ) as ranked
    where link_rank = 1
)

select
    responses.response_id,
    responses.source_system,
    responses.responded_at,
    {{ local_date('responses.responded_at') }} as response_date,
    coalesce(responses.response_customer_key, linked.customer_key) as customer_key,
    responses.ticket_ref,
    coalesce(ticket_links.contact_id, customer_links.contact_id) as contact_id,
    case
        when ticket_links.contact_id is not null then 'ticket'
        when customer_links.contact_id is not null then 'customer'
    end as link_method,
    responses.nps,
    responses.csat,
    responses.ces,
    responses.comment_masked as comment,  -- published: personal data masked at load
    responses.finished
from responses
left join ticket_links on ticket_links.response_id = responses.response_id
left join customer_links on customer_links.response_id = responses.response_id
left join contacts as linked
    on linked.contact_id = coalesce(ticket_links.contact_id, customer_links.contact_id)
