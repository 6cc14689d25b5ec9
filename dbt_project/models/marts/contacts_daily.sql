-- Every contact of fct_contacts summed per local day x channel x direction x reason x department x suspect, unwanted
-- and repeat flags, with additive measures only (an average is a sum over a count): the dashboards filter and group
-- on these columns, and read a few thousand rows here instead of every contact. Nothing is left out (suspect and
-- outbound contacts included, filter as on fct_contacts) and a null is its own group.
select
    cast(contact_date as date) as contact_date,
    cast(channel as varchar) as channel,
    cast(direction as varchar) as direction,
    cast(reason_code as varchar) as reason_code,
    cast(department_id as varchar) as department_id,
    cast(is_suspect as boolean) as is_suspect,
    cast(is_unwanted as boolean) as is_unwanted,
    cast(is_repeat as boolean) as is_repeat,
    cast(count(*) as bigint) as contacts,
    -- decimal sums: identical on every re-run (a double sum depends on the order rows arrive in)
    cast(sum({{ exact_cost('cost') }}) as double) as cost,
    cast(sum(cast(handle_seconds as decimal(18, 3))) as double) as handle_seconds,
    cast(count(handle_seconds) as bigint) as handle_seconds_count,
    cast(sum(transfers) as bigint) as transfers,
    cast(count(transfers) as bigint) as transfers_count
from {{ ref('fct_contacts') }}
group by contact_date, channel, direction, reason_code, department_id, is_suspect, is_unwanted, is_repeat
