with source as (
    {{ latest_reference_rows(source('raw', 'volumes'), ['"date"', 'department_id', 'measure']) }}
)

select
    "date" as volume_date,
    trim(department_id) as department_id,
    {{ blank_to_null('measure') }} as measure,
    cast(value as double) as volume
from source
where "date" is not null and {{ blank_to_null('department_id') }} is not null and value is not null
