-- Calls (Zendesk Talk or a CSV call-centre profile): one row per call, its latest version.
with latest as (
    {{ latest_contact_versions(source('raw', 'calls')) }}
)

select
    {{ contact_columns() }}
from latest
