-- Tickets (Zendesk exports or a CSV ticket profile): one row per ticket, its latest version; deleted tickets removed.
with latest as (
    {{ latest_contact_versions(source('raw', 'tickets')) }}
)

select
    {{ contact_columns() }}
from latest
