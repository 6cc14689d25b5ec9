-- A reason owned by two departments on the same day makes the dated ownership ambiguous (the later
-- valid_from wins in int_reason_ownership). Warn so the reference file gets fixed.
{{ config(severity='warn') }}

select earlier.reason_code, earlier.valid_from, later.valid_from as overlapping_valid_from
from {{ ref('stg_reference__reasons') }} as earlier
inner join {{ ref('stg_reference__reasons') }} as later
    on later.reason_code = earlier.reason_code
    and coalesce(later.valid_from, date '0001-01-01') > coalesce(earlier.valid_from, date '0001-01-01')
    and (earlier.valid_to is null or earlier.valid_to >= coalesce(later.valid_from, date '0001-01-01'))
