-- reference/holidays.csv: whole local days closed, for every schedule (department_id empty) or one department's.
with source as (
    {{ latest_reference_rows(source('raw', 'holidays'), ['date', 'department_id']) }}
)

select
    cast(date as date) as holiday_date,
    trim(name) as holiday_name,
    {{ blank_to_null('department_id') }} as department_id
from source
where date is not null
