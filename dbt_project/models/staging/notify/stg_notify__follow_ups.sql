with source as (
    {{ optional_source('notify', 'follow_ups', [('alert_id', 'varchar'), ('ticket_id', 'varchar'),
        ('status', 'varchar'), ('solved_at', 'timestamp'), ('outcome', 'varchar')]) }}
)

select
    alert_id,
    ticket_id as follow_up_ticket_id,
    status as follow_up_status,
    solved_at as follow_up_solved_at,
    outcome
from source
