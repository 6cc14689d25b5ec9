-- Tickets (Zendesk exports or a CSV ticket profile): one row per ticket, its latest version; deleted tickets removed.
{{ staged_contacts(source('raw', 'tickets')) }}
