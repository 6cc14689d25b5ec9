-- Calendar and business minutes of each ticket's lifecycle measures. Business minutes count only the minutes
-- inside the opening intervals of the ticket's schedule (int_business_intervals); null without business hours.
with spans as (
    select
        spans.*,
        schedules.schedule
    from {{ ref('int_ticket_spans') }} as spans
    inner join {{ ref('int_ticket_schedules') }} as schedules
        on schedules.ticket_id = spans.ticket_id
),

calendar as (
    select
        ticket_id,
        measure,
        sum({{ seconds_between('span_start', 'span_end') }}) / 60.0 as calendar_minutes
    from spans
    group by ticket_id, measure
),

business as (
    select
        spans.ticket_id,
        spans.measure,
        sum(
            {{ seconds_between(
                'greatest(spans.span_start, intervals.opening_start)',
                'least(spans.span_end, intervals.opening_end)') }}
        ) / 60.0 as business_minutes
    from spans
    inner join {{ ref('int_business_intervals') }} as intervals
        on intervals.schedule = spans.schedule
        and intervals.opening_start < spans.span_end
        and intervals.opening_end > spans.span_start
    group by spans.ticket_id, spans.measure
)

select
    calendar.ticket_id,
    calendar.measure,
    cast(calendar.calendar_minutes as double) as calendar_minutes,
    {%- if has_business_hours() %}
    cast(coalesce(business.business_minutes, 0) as double) as business_minutes
    {%- else %}
    cast(null as double) as business_minutes
    {%- endif %}
from calendar
left join business
    on business.ticket_id = calendar.ticket_id
    and business.measure = calendar.measure
