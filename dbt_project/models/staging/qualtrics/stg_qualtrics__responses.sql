-- Survey responses (Qualtrics or a CSV survey profile): one row per response_id, the latest load wins.
with ranked as (
    select
        *,
        row_number() over (
            partition by response_id
            order by {{ latest_response_order() }}
        ) as version_rank
    from {{ source('raw', 'surveys') }}
    where response_id is not null and trim(response_id) <> ''
)

select
    {{ blank_to_null('source_system') }} as source_system,
    trim(response_id) as response_id,
    responded_at,
    {{ blank_to_null('customer_ref') }} as customer_ref,
    customer_key,  -- salted at load (orchestration/lib/masking.py): the salt never reaches dbt
    {{ blank_to_null('ticket_ref') }} as ticket_ref,
    cast(nps as double) as nps,
    cast(csat as double) as csat,
    cast(ces as double) as ces,
    comment,
    comment_masked,
    finished,
    _file as loaded_from_file,
    _loaded_at as loaded_at
from ranked
where version_rank = 1
