with source as (
    {{ latest_reference_rows(source('raw', 'departments'), ['department_id']) }}
)

select
    trim(department_id) as department_id,
    {{ blank_to_null('name') }} as department_name,
    {{ blank_to_null('manager') }} as manager,
    {{ blank_to_null('parent_id') }} as parent_department_id,
    {{ blank_to_null('volume_measure') }} as volume_measure
from source
where {{ blank_to_null('department_id') }} is not null
