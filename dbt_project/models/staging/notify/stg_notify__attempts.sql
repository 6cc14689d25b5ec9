with source as (
    {{ optional_source('notify', 'attempts', [('alert_id', 'varchar'), ('kind', 'varchar'), ('channel', 'varchar'),
        ('department_id', 'varchar'), ('attempted_at', 'timestamp'), ('status', 'varchar')]) }}
)

select
    alert_id,
    kind as delivery_kind,
    channel,
    department_id as recipient_department_id,
    attempted_at,
    status as attempt_status
from source
