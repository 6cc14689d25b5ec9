"""Queries of the page "How hard is it to get an answer?": marts.ticket_lifecycle and the calls of fct_contacts.

Same rules as app/data.py (whose ``_query`` runs them): bound parameters only, identifiers from a whitelist,
one read-only connection per query. Business minutes are turned into business hours here, once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from app import data

LIFECYCLE = "ticket_lifecycle"
# the columns a grouping may use, and nothing else (identifiers are never taken from the caller)
GROUPINGS = {"reason": "reason_code", "department": "department_id"}

_SCOPE = "contact_date between ? and ? and (? or not coalesce(is_suspect, false))"

_EFFORT = """
    count(*) as tickets,
    median(first_reply_business_minutes) / 60.0 as first_reply_hours,
    median(full_resolution_business_minutes) / 60.0 as resolution_hours,
    quantile_cont(full_resolution_business_minutes, 0.9) / 60.0 as resolution_p90_hours,
    avg(replies) as replies_per_ticket,
    avg(case when reopens > 0 then 1.0 else 0.0 end) as reopen_rate,
    avg(case when group_stations >= 2 then 1.0 else 0.0 end) as handoff_rate,
    avg(group_stations) as groups_per_ticket,
    avg(case when touch = 'one' then 1.0 when touch is not null then 0.0 end) as one_touch_rate,
    count(*) filter (where first_reply_sla = 'achieved') + count(*) filter (where resolution_sla = 'achieved')
        as sla_achieved,
    count(*) filter (where first_reply_sla in ('achieved', 'breached'))
        + count(*) filter (where resolution_sla in ('achieved', 'breached')) as sla_measured
"""


def has_lifecycle() -> bool:
    return data.has_table(LIFECYCLE, ("contact_date", "full_resolution_business_minutes", "group_stations"))


def has_call_outcomes() -> bool:
    """fct_contacts says which calls were abandoned and at what local hour (not in a warehouse from before)."""
    return data.has_table("fct_contacts", ("is_abandoned", "started_at_local", "is_suspect"))


def _params(start: dt.date, end: dt.date, include_suspects: bool) -> list[Any]:
    return [start, end, bool(include_suspects)]


def effort_totals(start: dt.date, end: dt.date, include_suspects: bool) -> dict[str, Any]:
    """The page's tiles: every ticket with history created in the period."""
    return data._scalar_row(
        f"select {_EFFORT} from marts.ticket_lifecycle where {_SCOPE}", _params(start, end, include_suspects)
    )


def effort_by(grouping: str, start: dt.date, end: dt.date, include_suspects: bool) -> pd.DataFrame:
    """Speed and effort per reason or department (``grouping`` in GROUPINGS), slowest resolution first."""
    column = GROUPINGS[grouping]
    frame = data._query(
        f"""
        select {column} as code, {_EFFORT}
        from marts.ticket_lifecycle where {_SCOPE}
        group by {column}
        order by resolution_hours desc nulls last, tickets desc, code
        """,
        _params(start, end, include_suspects),
    )
    frame["sla_achievement"] = frame["sla_achieved"] / frame["sla_measured"].where(frame["sla_measured"] > 0)
    return frame


def sla_weekly(start: dt.date, end: dt.date, include_suspects: bool) -> pd.DataFrame:
    """Per week of creation (Monday): SLA targets measured and achieved (first reply and resolution)."""
    frame = data._query(
        f"""
        select cast(date_trunc('week', contact_date) as date) as week, {_EFFORT}
        from marts.ticket_lifecycle where {_SCOPE}
        group by week order by week
        """,
        _params(start, end, include_suspects),
    )
    frame["sla_achievement"] = frame["sla_achieved"] / frame["sla_measured"].where(frame["sla_measured"] > 0)
    return frame[["week", "sla_achieved", "sla_measured", "sla_achievement"]]


def calls_by_hour(start: dt.date, end: dt.date, include_suspects: bool) -> pd.DataFrame:
    """Inbound calls and the abandoned ones per local hour of the day the call started (0-23, every hour)."""
    return data._query(
        f"""
        with calls as (
            -- a call is a contact with an outcome (is_abandoned is null for tickets), whatever its source
            select extract(hour from started_at_local) as hour, is_abandoned as abandoned
            from marts.fct_contacts
            where is_abandoned is not null and direction = 'inbound' and {_SCOPE}
        )
        select hours.hour, count(calls.hour) as calls,
            count(*) filter (where calls.abandoned) as abandoned,
            count(*) filter (where calls.abandoned) * 1.0 / nullif(count(calls.hour), 0) as abandoned_share
        from range(24) as hours(hour)
        left join calls on calls.hour = hours.hour
        group by hours.hour order by hours.hour
        """,
        _params(start, end, include_suspects),
    )
