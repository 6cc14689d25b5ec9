-- Calls (Zendesk Talk or a CSV call-centre profile): one row per call, its latest version.
{{ staged_contacts(source('raw', 'calls')) }}
