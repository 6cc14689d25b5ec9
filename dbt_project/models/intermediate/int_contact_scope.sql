-- The contacts an incremental build recomputes: those the changed records made before this build and those they make
-- now, with their customers. Empty on a first or full-refresh build (every model is rebuilt whole).
select contact_id, customer_key
from {{ ref('int_contact_changes') }}
where kind = 'old_contact'
union
select contact_id, customer_key
from {{ ref('int_contacts_unified') }}
where (source_family = 'tickets' and native_id in ({{ changed_ids('ticket') }}))
    or (source_family = 'calls' and native_id in ({{ changed_ids('call') }}))
    or ticket_native_id in ({{ changed_ids('ticket') }})
