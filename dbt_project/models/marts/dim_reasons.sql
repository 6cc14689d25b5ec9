-- The reason taxonomy as of its latest ownership period (current owner), plus 'none' for unclassified contacts.
with latest as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by reason_code order by valid_from desc nulls last, valid_to desc nulls first
            ) as recency_rank,
            count(*) over (partition by reason_code) as ownership_periods
        from {{ ref('stg_reference__reasons') }}
    ) as ranked
    where recency_rank = 1
),

reasons as (
    select
        reason_code, label_en, label_fr, kind, department_id, valid_from, valid_to, keywords_en, keywords_fr,
        ownership_periods
    from latest
    union all
    select
        'none', 'Unclassified', 'Non classé', cast(null as varchar), cast(null as varchar),
        cast(null as date), cast(null as date), cast(null as varchar), cast(null as varchar), 0
    where 'none' not in (select reason_code from latest)
)

select
    cast(reasons.reason_code as varchar) as reason_code,
    cast(reasons.label_en as varchar) as label_en,
    cast(reasons.label_fr as varchar) as label_fr,
    cast(reasons.kind as varchar) as kind,
    cast(reasons.department_id as varchar) as department_id,
    cast(departments.department_name as varchar) as department_name,
    cast(reasons.valid_from as date) as valid_from,
    cast(reasons.valid_to as date) as valid_to,
    cast(reasons.ownership_periods as integer) as ownership_periods,
    cast(reasons.keywords_en as varchar) as keywords_en,
    cast(reasons.keywords_fr as varchar) as keywords_fr
from reasons
left join {{ ref('stg_reference__departments') }} as departments
    on departments.department_id = reasons.department_id
