-- Demand per reason and local day: non-suspect INBOUND contacts (an outbound campaign or call-back is work the
-- company chose to do, not demand), over the whole published range (first to last contact day of any direction);
-- a day without contacts of a reason is a row with 0. Incident excess, candidates and action effects read it.
with contacts as (
    select contact_date, reason_code, direction, is_suspect, cost
    from {{ ref('int_contacts_enriched') }}
),

bounds as (
    select min(contact_date) as first_day, max(contact_date) as last_day
    from contacts
),

days as (
    select {{ day_rows('first_day', 'last_day') }} as contact_date
    from bounds
    where first_day is not null
),

reasons as (
    select distinct reason_code from contacts
),

counts as (
    select
        contact_date,
        reason_code,
        cast(sum(case when is_suspect then 0 else 1 end) as bigint) as contacts,
        cast(sum(case when is_suspect then 1 else 0 end) as bigint) as suspect_contacts,
        cast(sum(case when is_suspect then 0 else {{ exact_cost('cost') }} end) as double) as cost
    from contacts
    where direction = 'inbound'
    group by contact_date, reason_code
),

grid as (
    select
        days.contact_date,
        reasons.reason_code,
        coalesce(counts.contacts, 0) as contacts,
        coalesce(counts.suspect_contacts, 0) as suspect_contacts,
        coalesce(counts.cost, 0) as cost
    from days
    cross join reasons
    left join counts
        on counts.contact_date = days.contact_date and counts.reason_code = reasons.reason_code
)

select * from grid
