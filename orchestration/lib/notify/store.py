"""The notifier's own tables in the state database (schema ``notify``; dbt never drops them).

``notify.attempts``: one row per attempt (alert, kind, channel, time, status sent/failed/skipped,
error without secrets, the recipient's department and the external reference: Message-ID or
Zendesk ticket id). ``notify.follow_ups``: the follow-up tickets' latest known state (status, solved
time, outcome). Both survive reruns, backfills and full refreshes: what was sent is never sent again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import duckdb

from orchestration.lib.notify.plan import Attempt

ATTEMPTS_DDL = """
create table if not exists notify.attempts (
    alert_id varchar not null, kind varchar not null, channel varchar not null, department_id varchar,
    recipient varchar, attempted_at timestamp not null, status varchar not null, error varchar,
    external_ref varchar, run_id varchar
)"""
FOLLOW_UPS_DDL = """
create table if not exists notify.follow_ups (
    alert_id varchar primary key, ticket_id varchar not null, status varchar, solved_at timestamp,
    outcome varchar, checked_at timestamp
)"""


def connect(state_db: Path) -> duckdb.DuckDBPyConnection:
    Path(state_db).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(state_db))
    con.execute("create schema if not exists notify")
    con.execute(ATTEMPTS_DDL)
    con.execute(FOLLOW_UPS_DDL)
    return con


def read_attempts(con: duckdb.DuckDBPyConnection) -> list[Attempt]:
    rows = con.execute(
        "select alert_id, kind, channel, department_id, attempted_at, status, coalesce(error, ''), "
        "coalesce(external_ref, '') from notify.attempts order by attempted_at"
    ).fetchall()
    return [Attempt(*row) for row in rows]


def record_attempts(con: duckdb.DuckDBPyConnection, rows: Iterable[tuple], run_id: str = "") -> int:
    """rows: (alert_id, kind, channel, department_id, recipient, attempted_at, status, error, external_ref)."""
    rows = [tuple(r) + (run_id,) for r in rows]
    if rows:
        con.executemany("insert into notify.attempts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def follow_up_tickets(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """alert_id → Zendesk ticket id of every follow-up created."""
    rows = con.execute(
        "select alert_id, external_ref from notify.attempts "
        "where channel = 'zendesk' and kind = 'notify' and status = 'sent' and external_ref <> ''"
    ).fetchall()
    return dict(rows)


def save_follow_ups(con: duckdb.DuckDBPyConnection, rows: Iterable[tuple], checked_at: dt.datetime) -> None:
    """rows: (alert_id, ticket_id, status, solved_at, outcome). A solved time once seen is kept."""
    for alert_id, ticket_id, status, solved_at, outcome in rows:
        con.execute(
            "insert into notify.follow_ups values (?, ?, ?, ?, ?, ?) on conflict (alert_id) do update set "
            "ticket_id = excluded.ticket_id, status = excluded.status, "
            "solved_at = coalesce(solved_at, excluded.solved_at), "
            "outcome = coalesce(excluded.outcome, outcome), checked_at = excluded.checked_at",
            [alert_id, ticket_id, status, solved_at, outcome, checked_at],
        )


def read_follow_ups(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    """alert_id → (ticket_id, status, solved_at, outcome)."""
    rows = con.execute(
        "select alert_id, ticket_id, status, solved_at, outcome from notify.follow_ups"
    ).fetchall()
    return {r[0]: r[1:] for r in rows}


def state_digest(state_db: Path) -> str:
    """What of the notifier's state the marts publish (sent attempts, the follow-ups' status and outcome), as one
    digest: a run with no new file is still "something new" when this changed since the last published run.
    Read-only; "unknown" (never equal to a saved digest) when the state database is busy or unreadable."""
    import hashlib

    if not Path(state_db).exists():
        return "none"
    try:
        con = duckdb.connect(str(state_db), read_only=True)
    except duckdb.Error:
        return f"unknown:{dt.datetime.now().isoformat()}"
    try:
        if not con.execute(
            "select count(*) from information_schema.tables where table_schema = 'notify'"
        ).fetchone()[0]:
            return "none"
        sent = con.execute(
            "select count(*), max(attempted_at) from notify.attempts where status = 'sent'"
        ).fetchone()
        follow_ups = con.execute(
            "select string_agg(concat_ws('|', alert_id, ticket_id, status, solved_at, outcome), '\n' "
            "order by alert_id) from notify.follow_ups"
        ).fetchone()
    except duckdb.Error:
        return f"unknown:{dt.datetime.now().isoformat()}"
    finally:
        con.close()
    return hashlib.sha256(repr((sent, follow_ups)).encode()).hexdigest()
