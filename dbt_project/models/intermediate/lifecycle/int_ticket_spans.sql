-- Every stretch of time a lifecycle metric adds up, one row per ticket, measure and stretch, so calendar and
-- business minutes are computed in one place (int_ticket_span_minutes):
--   first_reply       creation -> first public agent/admin comment (the creation comment not counted)
--   first_resolution  creation -> first solve;  full_resolution  creation -> last solve
--   requester_wait    the periods in new, open or hold;  agent_wait  in pending;  on_hold  in hold
with history as (
    select * from {{ ref('int_ticket_history') }}
),

periods as (
    select * from {{ ref('int_ticket_status_periods') }}
)

select ticket_id, 'first_reply' as measure, created_at as span_start, first_reply_at as span_end
from history where first_reply_at is not null
union all
select ticket_id, 'first_resolution', created_at, first_solved_at
from history where first_solved_at is not null
union all
select ticket_id, 'full_resolution', created_at, last_solved_at
from history where last_solved_at is not null
union all
select ticket_id, 'requester_wait', started_at, ended_at
from periods where status in ('new', 'open', 'hold')
union all
select ticket_id, 'agent_wait', started_at, ended_at
from periods where status = 'pending'
union all
select ticket_id, 'on_hold', started_at, ended_at
from periods where status = 'hold'
