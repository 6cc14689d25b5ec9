"""The raw landing schema: the one interface between ingestion (parsers) and dbt.

Parsers turn vendor files into rows with exactly these columns; the loader appends them to
DuckDB tables ``raw.<table>``; dbt declares them as sources. Timestamps are naive UTC.
Bookkeeping columns (``_file``, ``_record``, ``_sha256``, ``_loaded_at``) are added by the loader,
not by the parsers.
"""

from __future__ import annotations

import pyarrow as pa

# Canonical contact columns shared by raw.tickets and raw.calls (CONTRACT §3 plus vendor extras).
CONTACT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("source_system", pa.string()),  # zendesk | talk | csv
    ("native_id", pa.string()),  # id in the source system (contact_id = '<source>:<native_id>')
    ("updated_at", pa.timestamp("us")),  # version of the record; latest wins; null for CSV
    ("is_deleted", pa.bool_()),  # Zendesk status 'deleted': the ticket must disappear
    ("customer_ref", pa.string()),  # requester_id / customer_id / CSV customer column
    ("started_at", pa.timestamp("us")),  # created_at for tickets/calls, UTC
    ("ended_at", pa.timestamp("us")),
    ("channel", pa.string()),  # raw channel: via.channel for Zendesk (email, web, voice, chat, api...), phone for calls
    ("direction", pa.string()),  # inbound | outbound (null = inbound)
    ("reason_raw", pa.string()),  # custom field value / call wrap-up code / CSV issue column
    ("tags", pa.string()),  # space-separated Zendesk tags
    ("department_raw", pa.string()),
    ("subject", pa.string()),
    ("text", pa.string()),  # description / first comment / complaint narrative
    ("status", pa.string()),
    ("ticket_type", pa.string()),
    ("problem_id", pa.string()),  # Zendesk incident -> problem link
    ("group_id", pa.string()),
    ("agent_id", pa.string()),
    ("reopens", pa.int32()),
    ("transfers", pa.int32()),
    ("replies", pa.int32()),
    ("first_reply_minutes", pa.float64()),
    ("full_resolution_minutes", pa.float64()),
    ("handle_seconds", pa.float64()),
    ("wait_seconds", pa.float64()),
    ("outcome", pa.string()),  # call completion_status / CSV outcome
    ("ticket_ref", pa.string()),  # call -> ticket id it created or belongs to
    ("satisfaction", pa.string()),  # Zendesk satisfaction_rating.score (good/bad/offered/unoffered)
    # the account (B2B): Zendesk organization_id, a CSV column; last, as ALTER appends new columns
    ("organization_ref", pa.string()),
]

SURVEY_FIELDS: list[tuple[str, pa.DataType]] = [
    ("source_system", pa.string()),  # qualtrics | csv
    ("response_id", pa.string()),
    ("responded_at", pa.timestamp("us")),  # UTC
    ("customer_ref", pa.string()),
    ("ticket_ref", pa.string()),
    ("nps", pa.float64()),  # 0-10
    ("csat", pa.float64()),  # on the configured scale
    ("ces", pa.float64()),  # on the configured scale, as answered
    ("comment", pa.string()),
    ("finished", pa.bool_()),
]

# Zendesk ticket history (ticket_events/): one row per child event of an audit (or of an incremental
# ticket event), or one row per ticket metric event (``kind`` says which). Timestamps UTC.
TICKET_EVENT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("kind", pa.string()),  # audit | metric
    ("ticket_id", pa.string()),
    ("audit_id", pa.string()),  # audit / ticket event id; metric events: null
    ("event_id", pa.string()),  # child event id / metric event id
    ("created_at", pa.timestamp("us")),  # the audit's created_at / the metric event's time
    ("author_id", pa.string()),  # comment author, else the audit's author (updater)
    ("author_role", pa.string()),  # end-user | agent | admin from the side-loaded users; null if unknown
    ("via_channel", pa.string()),
    ("event_type", pa.string()),  # Create | Change | Comment | ... ; metric: activate, pause, fulfill, apply_sla, breach...
    ("field_name", pa.string()),  # status, group_id, assignee_id, tags... (Create / Change)
    ("value", pa.string()),  # lists joined by one space
    ("previous_value", pa.string()),
    ("is_public", pa.bool_()),  # Comment events
    ("metric", pa.string()),  # metric events: reply_time, requester_wait_time, agent_work_time...
    ("instance_id", pa.int32()),
    ("sla_policy", pa.string()),  # apply_sla: the policy title (else its id)
    ("sla_target_minutes", pa.float64()),
    ("sla_business_hours", pa.bool_()),
    ("is_deleted", pa.bool_()),  # a breach event Zendesk later withdrew
]

# Reference files (CONTRACT §2): column -> type. Dates are local business dates.
REFERENCE_FIELDS: dict[str, list[tuple[str, pa.DataType]]] = {
    "departments": [
        ("department_id", pa.string()),
        ("name", pa.string()),
        ("manager", pa.string()),
        ("parent_id", pa.string()),
        ("volume_measure", pa.string()),
    ],
    "reasons": [
        ("reason_code", pa.string()),
        ("label_en", pa.string()),
        ("label_fr", pa.string()),
        ("department_id", pa.string()),
        ("kind", pa.string()),
        ("keywords_en", pa.string()),
        ("keywords_fr", pa.string()),
        ("valid_from", pa.date32()),
        ("valid_to", pa.date32()),
    ],
    "reason_map": [
        ("source", pa.string()),
        ("source_value", pa.string()),
        ("reason_code", pa.string()),
    ],
    "incidents": [
        ("incident_id", pa.string()),
        ("title", pa.string()),
        ("department_id", pa.string()),
        ("reason_code", pa.string()),
        ("started_at", pa.timestamp("us")),  # UTC
        ("ended_at", pa.timestamp("us")),
        ("proactive_notice_at", pa.timestamp("us")),
    ],
    "actions": [
        ("action_id", pa.string()),
        ("reason_code", pa.string()),
        ("department_id", pa.string()),
        ("implemented_on", pa.date32()),
        ("description", pa.string()),
    ],
    "volumes": [
        ("date", pa.date32()),
        ("department_id", pa.string()),
        ("measure", pa.string()),
        ("value", pa.float64()),
    ],
    "holidays": [
        ("date", pa.date32()),
        ("name", pa.string()),
        ("department_id", pa.string()),  # empty: every schedule
    ],
    "targets": [
        ("department_id", pa.string()),
        ("metric", pa.string()),
        ("period", pa.string()),  # YYYY-MM or empty = every month
        ("target", pa.float64()),
    ],
}

# Columns every raw table gets from the loader.
LOADER_FIELDS: list[tuple[str, pa.DataType]] = [
    ("_file", pa.string()),  # path relative to the landing dir
    ("_record", pa.int64()),  # record index (JSON) or line number (CSV) in the file
    ("_sha256", pa.string()),
    ("_loaded_at", pa.timestamp("us")),
]

AUDIT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("run_id", pa.string()),
    ("source", pa.string()),  # tickets | ticket_events | calls | surveys | reference | landing (outside the source folders)
    ("file", pa.string()),
    ("sha256", pa.string()),
    ("status", pa.string()),  # loaded | duplicate | ignored | rejected_file | deferred
    ("rows_read", pa.int64()),
    ("rows_loaded", pa.int64()),
    ("rows_rejected", pa.int64()),
    ("loaded_at", pa.timestamp("us")),
    ("reason", pa.string()),  # why a file was not loaded (ignored, rejected_file, deferred); null otherwise
]
AUDIT_STATUSES = ("loaded", "duplicate", "ignored", "rejected_file", "deferred")

REJECT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("run_id", pa.string()),
    ("source", pa.string()),
    ("file", pa.string()),
    ("line", pa.int64()),
    ("reason", pa.string()),
    ("raw", pa.string()),
]

QUALITY_FIELDS: list[tuple[str, pa.DataType]] = [
    ("run_id", pa.string()),
    ("check", pa.string()),  # stable name, e.g. tickets.native_id_not_null
    ("family", pa.string()),  # schema, keys, ranges, window, allowed_values, references, volume, rejects, freshness
    ("asset", pa.string()),  # raw/tickets ...
    ("severity", pa.string()),  # block | warn
    ("passed", pa.bool_()),
    ("failing_rows", pa.int64()),
    ("details", pa.string()),
    ("sample", pa.string()),  # JSON array of up to 5 failing rows
    ("checked_at", pa.timestamp("us")),
]

# Written after the load by orchestration/lib/masking.py: the texts with personal data masked (what
# the marts publish; classification reads the unmasked columns) and whether the row was masked yet.
# customer_key is sha256(WHYCALL_SALT || trimmed customer_ref), hex, computed here so that the salt never
# reaches dbt (its compiled SQL, logs and manifest are files anyone with the build folder can read);
# organization_key is the account's (organization_ref) by the same rule.
MASKED_CONTACT_FIELDS: list[tuple[str, pa.DataType]] = [
    ("subject_masked", pa.string()),
    ("text_masked", pa.string()),
    ("customer_key", pa.string()),
    ("_masked", pa.bool_()),
    ("organization_key", pa.string()),  # last: ALTER appends it to an older state database
]
MASKED_SURVEY_FIELDS: list[tuple[str, pa.DataType]] = [
    ("comment_masked", pa.string()),
    ("customer_key", pa.string()),
    ("_masked", pa.bool_()),
]
MASKED_REJECT_FIELDS: list[tuple[str, pa.DataType]] = [("_masked", pa.bool_())]  # raw is masked in place

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "tickets": CONTACT_FIELDS + LOADER_FIELDS + MASKED_CONTACT_FIELDS,
    "calls": CONTACT_FIELDS + LOADER_FIELDS + MASKED_CONTACT_FIELDS,
    "surveys": SURVEY_FIELDS + LOADER_FIELDS + MASKED_SURVEY_FIELDS,
    "ticket_events": TICKET_EVENT_FIELDS + LOADER_FIELDS,
    **{name: fields + LOADER_FIELDS for name, fields in REFERENCE_FIELDS.items()},
    "load_audit": AUDIT_FIELDS,
    "rejects": REJECT_FIELDS + MASKED_REJECT_FIELDS,
    "quality_results": QUALITY_FIELDS,
}


def arrow_schema(fields: list[tuple[str, pa.DataType]]) -> pa.Schema:
    return pa.schema([pa.field(name, dtype) for name, dtype in fields])


_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.timestamp("us"): "TIMESTAMP",
    pa.bool_(): "BOOLEAN",
    pa.int32(): "INTEGER",
    pa.int64(): "BIGINT",
    pa.float64(): "DOUBLE",
    pa.date32(): "DATE",
}


def duckdb_type(dtype: pa.DataType) -> str:
    return _DUCKDB_TYPES[dtype]


def create_table_sql(table: str) -> str:
    """DDL for raw.<table>; identifiers come from TABLES only."""
    cols = ", ".join(f'"{name}" {_DUCKDB_TYPES[dtype]}' for name, dtype in TABLES[table])
    return f"CREATE TABLE IF NOT EXISTS raw.{table} ({cols})"


def add_missing_columns_sql(table: str) -> list[str]:
    """ALTERs that bring a raw.<table> created by an older version to TABLES (columns added at the end)."""
    return [
        f'ALTER TABLE raw.{table} ADD COLUMN IF NOT EXISTS "{name}" {_DUCKDB_TYPES[dtype]}'
        for name, dtype in TABLES[table]
    ]
