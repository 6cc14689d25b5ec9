with source as (
    {{ latest_reference_rows(source('raw', 'targets'), ['department_id', 'metric', 'period']) }}
)

select
    trim(department_id) as department_id,
    trim(metric) as metric,
    {{ blank_to_null('period') }} as period,
    cast(target as double) as target
from source
where {{ blank_to_null('department_id') }} is not null and {{ blank_to_null('metric') }} is not null
