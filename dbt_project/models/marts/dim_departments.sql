-- Departments with their manager and the volume measure used as denominator of contacts per 1,000.
with departments as (
    select * from {{ ref('stg_reference__departments') }}
),

denominators as (
    select department_id, min(measure) as denominator_measure, count(*) as volume_days
    from {{ ref('int_department_volumes') }}
    group by department_id
)

select
    cast(departments.department_id as varchar) as department_id,
    cast(departments.department_name as varchar) as department_name,
    cast(departments.manager as varchar) as manager,
    cast(departments.parent_department_id as varchar) as parent_department_id,
    cast(departments.volume_measure as varchar) as volume_measure,
    cast(denominators.denominator_measure as varchar) as denominator_measure,
    cast(coalesce(denominators.volume_days, 0) > 0 as boolean) as has_volumes
from departments
left join denominators on denominators.department_id = departments.department_id
