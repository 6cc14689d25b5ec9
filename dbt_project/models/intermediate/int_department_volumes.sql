-- Each department's denominator per local day: departments.volume_measure when named, else the department's
-- only measure. A department with several measures and none named has no denominator.
with volumes as (
    select volume_date, department_id, coalesce(measure, '') as measure, volume
    from {{ ref('stg_reference__volumes') }}
),

measures as (
    select department_id, count(distinct measure) as measure_count, min(measure) as only_measure
    from volumes
    group by department_id
),

denominators as (
    select
        measures.department_id,
        coalesce(
            departments.volume_measure,
            case when measures.measure_count = 1 then measures.only_measure end
        ) as measure
    from measures
    left join {{ ref('stg_reference__departments') }} as departments
        on departments.department_id = measures.department_id
)

select
    volumes.volume_date,
    volumes.department_id,
    volumes.measure,
    sum(volumes.volume) as volume
from volumes
inner join denominators
    on denominators.department_id = volumes.department_id
    and denominators.measure = volumes.measure
group by volumes.volume_date, volumes.department_id, volumes.measure
