-- The opening intervals of every business-hours schedule, dated and in UTC, over the days ticket history covers:
-- whycall.yml business_hours (local times in the business time zone, so a DST change moves them with the clock)
-- minus reference/holidays.csv (a whole local day, for every schedule or for one department's). Empty without
-- business hours.
with weekly as (
    {{ business_hours_rows() }}
),

bounds as (
    select
        cast({{ dbt.dateadd('day', -1, 'min(created_at)') }} as date) as first_day,
        cast({{ dbt.dateadd('day', 1, 'max(measured_until)') }} as date) as last_day
    from {{ ref('int_ticket_history') }}
),

days as (
    select {{ day_rows('first_day', 'last_day') }} as local_day
    from bounds
    where first_day is not null
),

holidays as (
    select * from {{ ref('stg_reference__holidays') }}
),

opening as (
    select
        weekly.schedule,
        days.local_day,
        cast(days.local_day as timestamp) + weekly.start_minute * interval '1 minute' as local_start,
        cast(days.local_day as timestamp) + weekly.end_minute * interval '1 minute' as local_end
    from days
    inner join weekly
        on weekly.isodow = {{ isodow('days.local_day') }}
    where not exists (
        select 1 from holidays
        where holidays.holiday_date = days.local_day
            and (holidays.department_id is null or holidays.department_id = weekly.schedule)
    )
)

select
    schedule,
    local_day,
    {{ from_local('local_start') }} as opening_start,
    {{ from_local('local_end') }} as opening_end
from opening
