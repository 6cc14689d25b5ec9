-- Customer effort of the Zendesk tickets with history (non-suspect), per reason over the whole history
-- (grain = 'reason', month null) and per department and month (grain = 'department_month'): what the effort
-- columns of driver_ranking and department_scorecard show.
{%- set measures %}
        cast(count(*) as bigint) as tickets_with_history,
        cast({{ median('full_resolution_business_minutes') }} as double) as median_resolution_business_minutes,
        cast({{ median('first_reply_business_minutes') }} as double) as median_first_reply_business_minutes,
        cast(avg(replies) as double) as replies_per_ticket,
        cast(avg(case when reopens > 0 then 1.0 else 0.0 end) as double) as reopen_rate,
        -- a group handoff: the ticket went through more than one group (Zendesk group_stations > 1)
        cast(avg(case when group_stations > 1 then 1.0 else 0.0 end) as double) as transfer_rate
{%- endset %}
with lifecycle as (
    select * from {{ ref('ticket_lifecycle') }}
    where contact_id is not null and not is_suspect
)

select 'reason' as grain, reason_code, cast(null as varchar) as department_id, cast(null as date) as month,
    {{ measures }}
from lifecycle
group by reason_code
union all
select 'department_month', cast(null as varchar), department_id, {{ month_start('contact_date') }},
    {{ measures }}
from lifecycle
group by department_id, {{ month_start('contact_date') }}
