-- One row per reason and ownership period (a reason moving to another department has several rows).
with source as (
    {{ latest_reference_rows(source('raw', 'reasons'), ['reason_code', 'valid_from']) }}
)

select
    trim(reason_code) as reason_code,
    {{ blank_to_null('label_en') }} as label_en,
    {{ blank_to_null('label_fr') }} as label_fr,
    {{ blank_to_null('department_id') }} as department_id,
    lower({{ blank_to_null('kind') }}) as kind,
    {{ blank_to_null('keywords_en') }} as keywords_en,
    {{ blank_to_null('keywords_fr') }} as keywords_fr,
    valid_from,
    valid_to
from source
where {{ blank_to_null('reason_code') }} is not null
