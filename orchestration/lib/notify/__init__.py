"""Closed-loop notifications: every alert reaches the manager who must call the customer back.

Pure pieces (settings, recipients, planning, messages) plus thin transports (SMTP, chat webhook,
Zendesk API) and the run that ties them to the warehouse and the attempts table. No Dagster import.
See docs/notifications.md.
"""
