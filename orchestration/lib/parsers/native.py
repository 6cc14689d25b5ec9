"""DuckDB fast path for the two big JSON sources: Zendesk ticket pages and Talk calls pages.

The Python parsers (``zendesk.py``, ``talk.py``) stay the reference. ``NativeReader.load_batch``
computes the same raw rows in SQL for a batch of pages at once (``from_json`` over the page text:
one parse per page, no Python object per record; one statement per 64 MB of pages, whose plan costs
more than converting a page; one INSERT per batch, as DuckDB writes big appends far more cheaply),
and only for what it can vouch for:

- the file must be one plain JSON page of a known shape: a modern Zendesk page ``{"tickets": [...]}``
  (with an optional ``metric_sets`` side-load), a Talk page ``{"calls": [...]}``, or a bare array.
  Anything else (legacy ``results`` pages, JSON Lines, text DuckDB would read but ``json.loads``
  refuses: trailing commas, nan/inf spellings...) is declined: the loader parses the whole file in
  Python, which also gives whole-file errors their exact message;
- a record is converted in SQL only when every value it reads has a form whose meaning is certain
  (integer or trimmed-string ids, ISO 8601 ``...Z``/``±hh:mm`` times not in the future, plain
  numbers, ASCII labels...). Every other record goes, by index, to the Python converter: rejects
  keep their exact reasons and unusual values their exact handling.

Known difference: in an object with a duplicated key, DuckDB reads the first value, ``json`` the
last (RFC 8259 leaves it open; the exports never do it). ``WHYCALL_NATIVE_INGEST=0`` turns the fast
path off: every file is then parsed in Python.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from orchestration.lib.config import SourceProfile, WhycallConfig
from orchestration.lib.parsers import talk, zendesk
from orchestration.lib.parsers._common import future_limit
from orchestration.lib.raw_schema import CONTACT_FIELDS, duckdb_type
from orchestration.lib.records import Chunk

STAGE = "_whycall_native"  # temp table: the converted records of the batch
STAGE_BYTES = 64 << 20  # JSON converted by one statement (parsed in memory at once)


@dataclass
class NativeResult:
    rows: int  # rows the SQL appended to raw.<table>
    rest: Iterator[Chunk]  # rows and rejects of the records left to the Python converter


class NativeReader:
    """The SQL path of one source (see the module docstring): ``load_batch`` appends what the SQL
    converts of a batch of files; the loader then finishes each file (left records, audit)."""

    def __init__(self, rows_sql: str, params: dict, parse: Callable[..., Iterator[Chunk]],
                 profile: SourceProfile, config: WhycallConfig):  # fmt: skip
        self._rows_sql = rows_sql
        self._params = params
        self._parse = parse
        self._profile = profile
        self._config = config

    def load_batch(
        self, con: duckdb.DuckDBPyConnection, table: str, files: list[tuple[Path, str, str, dt.datetime]]
    ) -> dict[Path, NativeResult]:
        """Append to raw.<table> the rows the SQL converts of these (path, _file, _sha256, _loaded_at)
        files. The answer has the pages it read, with the records it left; the other files are
        for the Python parser."""
        todo = [f for f in files if not _GLOB.search(str(f[0])) and f[0].suffix.lower() not in talk.JSONL_SUFFIXES]
        # (JSON Lines stay in Python; read_text takes a glob, so names that look like one too)
        if not todo:
            return {}
        (threads,) = con.execute("SELECT current_setting('threads')").fetchone()
        # One thread: these statements hardly parallelise, and on a shared 2-core machine a second
        # thread made both the conversion and the append slower (measured).
        con.execute("SET threads = 1")
        con.execute(f"DROP TABLE IF EXISTS {STAGE}")
        con.execute(f"CREATE TEMP TABLE {STAGE} ({_STAGE_COLUMNS})")
        try:
            for group in _groups(todo):
                try:
                    self._stage(con, group)
                except duckdb.Error:  # one page DuckDB cannot read spoils the group: stage them one by one
                    for f in group:
                        try:
                            self._stage(con, [f])
                        except duckdb.Error:
                            pass  # the Python parser will say what is wrong with it
            con.execute(
                f"INSERT INTO raw.{table} ({_COLUMNS}, _file, _record, _sha256, _loaded_at) "
                f"SELECT {_COLUMNS}, _file, idx, _sha256, _loaded_at FROM {STAGE} WHERE ok AND idx >= 0"
            )
            summary = con.execute(
                f"SELECT src, count_if(ok AND idx >= 0), list(idx ORDER BY idx) FILTER (NOT ok AND idx >= 0) "
                f"FROM {STAGE} GROUP BY src HAVING bool_or(ok AND idx < 0)"
            ).fetchall()
        finally:
            con.execute(f"DROP TABLE IF EXISTS {STAGE}")
            con.execute(f"SET threads = {int(threads)}")
        paths = {str(f[0]): f[0] for f in todo}
        done = {}
        for src, rows, left in summary:
            path = paths[src]  # pages are joined with $paths: src is one of them
            rest = self._parse(path, self._profile, self._config, only=left) if left else iter(())
            done[path] = NativeResult(rows, rest)
        return done

    def _stage(self, con: duckdb.DuckDBPyConnection, files: list[tuple]) -> None:
        params = {
            "paths": [str(path) for path, _, _, _ in files],
            "files": [file for _, file, _, _ in files],
            "shas": [sha for _, _, sha, _ in files],
            "ats": [at for _, _, _, at in files],
            "limit": future_limit(),
            **self._params,
        }
        con.execute(f"INSERT INTO {STAGE} BY NAME {self._rows_sql}", params)


def _groups(files: list[tuple]) -> Iterator[list[tuple]]:
    """Files staged by one statement: its parsed pages are in memory at once."""
    group: list[tuple] = []
    size = 0
    for f in files:
        group.append(f)
        size += f[0].stat().st_size
        if size >= STAGE_BYTES:
            yield group
            group, size = [], 0
    if group:
        yield group


def native_reader(source: str, config: WhycallConfig) -> NativeReader | None:
    """The SQL path of ``source`` when its format has one (zendesk, zendesk_talk), else None."""
    if os.environ.get("WHYCALL_NATIVE_INGEST", "1") == "0" or source not in ("tickets", "calls"):
        return None
    profile = config.sources[source]
    if profile.format == "zendesk":
        sql, parse = _tickets_sql(profile), zendesk.parse
    elif profile.format == "zendesk_talk":
        sql, parse = _calls_sql(profile), talk.parse
    else:
        return None
    return NativeReader(*sql, parse, profile, config) if sql is not None else None


_GLOB = re.compile(r"[*?\[\]{}]")  # read_text takes a glob
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")  # call fields named in whycall.yml that the SQL reads
_COLUMNS = ", ".join(name for name, _ in CONTACT_FIELDS)
_STAGE_COLUMNS = ", ".join(
    ["src VARCHAR", "_file VARCHAR", "_sha256 VARCHAR", "_loaded_at TIMESTAMP", "idx BIGINT", "ok BOOLEAN"]
    + [f"{name} {duckdb_type(dtype)}" for name, dtype in CONTACT_FIELDS]
)

# --- SQL building blocks ---------------------------------------------------------------------------
# A leaf j_<name> is the JSON text of a value (SQL NULL when absent or null); s_<name> is the value of
# a JSON string leaf (NULL for any other leaf). Converters give (value SQL, ok SQL): ok is true when
# the value is exactly what the Python converter computes. Value SQL never raises.
_SPACE = r"[\t-\r\x1c-\x20\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]"
_ISO = (  # what the fast path reads of TimestampParser's ISO 8601
    r"'[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])'"
)
# Text DuckDB reads as JSON but json.loads refuses: trailing commas, nan/inf literals in any case
# (a string holding such text only sends its page to Python). Three patterns each starting with one
# character are much faster in RE2 than one.
_WS = r"[ \t\n\r]*"
_NAN = r"[-+]?[nNiI][aAnN][nNfF]"
_LENIENT = [rf",{_WS}(?:[\]}}]|{_NAN})", rf":{_WS}{_NAN}", rf"\[{_WS}{_NAN}"]


def _text(j: str) -> str:
    """The value of a JSON string leaf, NULL for any other leaf."""
    return (
        f"CASE WHEN starts_with({j}, '\"') THEN CASE WHEN contains({j}, '\\') "
        f"THEN json_extract_string({j}, '$') ELSE {j}[2:-2] END END"
    )


def _trimmed(s: str) -> str:
    """Nothing str.strip() would remove (printable ASCII at both ends: no regex needed)."""
    return (
        f"CASE WHEN ord({s}) BETWEEN 33 AND 126 AND ord({s}[-1]) BETWEEN 33 AND 126 THEN true "
        f"ELSE NOT regexp_matches({s}, '^{_SPACE}|{_SPACE}$') END"
    )


def _to_str(name: str) -> tuple[str, str]:
    """_common.to_str of a string (trimmed; blank → NULL) or an integer (its digits)."""
    j, s = f"j_{name}", f"s_{name}"
    value = f"CASE WHEN {s} IS NOT NULL THEN nullif({s}, '') ELSE {j} END"
    ok = f"({j} IS NULL OR CASE WHEN {s} IS NOT NULL THEN {_trimmed(s)} ELSE CAST(TRY_CAST({j} AS BIGINT) AS VARCHAR) = {j} END)"
    return value, ok


def _lower(name: str) -> tuple[str, str]:
    """to_str(...).lower() of an ASCII string (Python and DuckDB lower other letters differently)."""
    j, s = f"j_{name}", f"s_{name}"
    return f"lower(nullif({s}, ''))", f"({j} IS NULL OR ({s} IS NOT NULL AND {_trimmed(s)} AND strlen({s}) = length({s})))"


def _timestamp(name: str) -> tuple[str, str]:
    """TimestampParser on ISO 8601 with Z or ±hh:mm → naive UTC (other forms: not ok). The leaf is
    read as VARCHAR: whatever is not a string cannot match the pattern."""
    s = f"j_{name}"
    offset = (
        f"(CASE WHEN {s}[-6] = '-' THEN -1 ELSE 1 END) * "
        f"(TRY_CAST({s}[-5:-4] AS INTEGER) * 60 + TRY_CAST({s}[-2:] AS INTEGER))"
    )
    value = (
        f"CASE WHEN ends_with({s}, 'Z') THEN TRY_CAST({s} AS TIMESTAMP) "
        f"ELSE TRY_CAST({s}[:-7] AS TIMESTAMP) - to_minutes({offset}) END"
    )
    return value, f"({s} IS NULL OR regexp_full_match({s}, {_ISO}))"


def _to_int(name: str) -> tuple[str, str]:
    """_common.to_int of a JSON integer that fits the INTEGER columns."""
    j = f"j_{name}"
    return f"TRY_CAST({j} AS INTEGER)", f"({j} IS NULL OR CAST(TRY_CAST({j} AS INTEGER) AS VARCHAR) = {j})"


def _to_float(name: str, *, duration: bool = False) -> tuple[str, str]:
    """_common.to_float (to_duration: not negative) of a finite JSON number."""
    j = f"j_{name}"
    number = f"TRY_CAST({j} AS DOUBLE)"
    check = f"isfinite({number})" + (f" AND {number} >= 0" if duration else "")
    return number, f"({j} IS NULL OR (NOT starts_with({j}, '\"') AND {check}))"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _leaves(leaves: dict[str, str], text: tuple[str, ...] = ()) -> str:
    """``j_<name>`` and ``s_<name>`` for each leaf SQL; just ``j_<name>`` for leaves read as VARCHAR."""
    return ",\n        ".join(
        f"{sql} AS j_{name}" if name in text else f"CAST({sql} AS VARCHAR) AS j_{name}, {_text(sql)} AS s_{name}"
        for name, sql in leaves.items()
    )


def _values(values: dict[str, tuple[str, str]]) -> str:
    """``v_<name>`` (value) and ``k_<name>`` (ok) for each converted value."""
    return ",\n        ".join(f"{value} AS v_{name}, {ok} AS k_{name}" for name, (value, ok) in values.items())


def _select(columns: dict[str, str], checks: list[str], source: str) -> str:
    """The staged record: src, idx, ok, then the contact columns."""
    out = ["src", "_file", "_sha256", "_loaded_at", "idx", "coalesce(" + " AND ".join(checks) + ", false) AS ok"]
    for name, dtype in CONTACT_FIELDS:
        value = f"'{source}'" if name == "source_system" else columns.get(name, "NULL")
        out.append(f"CAST({value} AS {duckdb_type(dtype)}) AS {name}")
    return ",\n    ".join(out)


def _pages(key: str, structure: dict, fit: str) -> str:
    """CTE ``pages``: src, the file's bookkeeping (_file, _sha256, _loaded_at), ``fit`` (the SQL reads
    the page) and ``p``, the parsed page. A bare array is read as ``{key: array}``."""
    plain = " AND ".join(f"NOT regexp_matches(content, '{rx}')" for rx in _LENIENT)
    return f"""WITH pages AS MATERIALIZED (
    SELECT src, _file, _sha256, _loaded_at, coalesce({plain} AND {fit}, false) AS fit, p
    FROM (SELECT filename AS src, content, from_json(CASE WHEN regexp_matches(content, '^[ \\t\\n\\r]*\\[')
            THEN '{{"{key}":' || content || '}}' ELSE content END, {_sql_string(json.dumps(structure))}) AS p
          FROM read_text($paths))
    JOIN (SELECT unnest($paths) AS src, unnest($files) AS _file, unnest($shas) AS _sha256,
                 unnest($ats) AS _loaded_at) USING (src)
)"""


def _records(pages: str, key: str) -> str:
    """SELECT src, bookkeeping, idx, x: each record of the pages that fit."""
    return (
        f"SELECT src, _file, _sha256, _loaded_at, unnest(p.{key}) AS x, "
        f"CAST(generate_subscripts(p.{key}, 1) - 1 AS BIGINT) AS idx FROM {pages} WHERE fit"
    )


# --- Zendesk ticket pages: zendesk._modern_converter ----------------------------------------------
_METRIC = {
    "reopens": "JSON",
    "replies": "JSON",
    "group_stations": "JSON",
    "reply_time_in_minutes": "JSON",
    "full_resolution_time_in_minutes": "JSON",
}


def _calendar(j: str) -> str:
    """zendesk._calendar: {"calendar": n, "business": n} → n; a plain value stays."""
    return f"CASE WHEN starts_with({j}, '{{') THEN from_json({j}, '{{\"calendar\": \"JSON\"}}').calendar ELSE {j} END"


def _tickets_sql(profile: SourceProfile) -> tuple[str, dict] | None:
    """(SQL, parameters) of the staged records of the ticket pages $paths."""
    field_id = profile.reason_field_id
    if field_id is not None and not re.fullmatch(r"[0-9]+", field_id):
        return None  # str(custom field id) compared with an unusual id: leave it to Python
    custom = [{"id": "JSON", "value": "JSON"}]
    record = {
        "id": "JSON", "created_at": "VARCHAR", "updated_at": "VARCHAR", "status": "JSON",
        "via": {"channel": "JSON", "source": {"rel": "JSON"}}, "requester_id": "JSON",
        "custom_fields": custom, "fields": custom, "tags": "JSON", "subject": "JSON", "raw_subject": "JSON",
        "description": "JSON", "type": "JSON", "problem_id": "JSON", "group_id": "JSON",
        "assignee_id": "JSON", "satisfaction_rating": "JSON", "metric_set": _METRIC,
    }  # fmt: skip
    structure = {"tickets": [record], "metric_sets": [{"ticket_id": "JSON", **_METRIC}]}
    leaves = {
        "id": "x.id",
        "created": "x.created_at",
        "updated": "x.updated_at",
        "status": "x.status",
        "channel": "x.via.channel",
        "rel": "x.via.source.rel",
        "requester": "x.requester_id",
        "tags": "x.tags",
        "subject": "coalesce(x.subject, x.raw_subject)",
        "description": "x.description",
        "type": "x.type",
        "problem": "x.problem_id",
        "group": "x.group_id",
        "assignee": "x.assignee_id",
        # satisfaction_rating.score, or the rating itself when it is not an object
        "score": "CASE WHEN starts_with(x.satisfaction_rating, '{') THEN from_json(x.satisfaction_rating, "
        "'{\"score\": \"JSON\"}').score ELSE x.satisfaction_rating END",
    }
    if field_id is not None:  # zendesk._custom_field: the first entry whose id is the field id
        match = "f -> f.id IN ($field_id, $field_id_json)"  # as an integer, or as a string
        leaves["reason"] = (
            f"coalesce(list_filter(x.custom_fields, {match})[1], list_filter(x.fields, {match})[1]).value"
        )
    values = {
        "native": _to_str("id"),
        "created": _timestamp("created"),
        "updated": _timestamp("updated"),
        "status": _lower("status"),
        "channel": _lower("channel"),
        "requester": _to_str("requester"),
        "tags": _tags(),
        "subject": _to_str("subject"),
        "type": _lower("type"),
        "problem": _to_str("problem"),
        "group": _to_str("group"),
        "assignee": _to_str("assignee"),
        **({"reason": _to_str("reason")} if field_id is not None else {}),
    }
    metric_leaves = {
        "reopens": "m.reopens",
        "replies": "m.replies",
        "stations": "m.group_stations",
        "reply": _calendar("m.reply_time_in_minutes"),
        "resolution": _calendar("m.full_resolution_time_in_minutes"),
    }
    metric_values = {
        "reopens": _to_int("reopens"),
        "replies": _to_int("replies"),
        "stations": _to_int("stations"),
        "reply": _to_float("reply"),
        "resolution": _to_float("resolution"),
    }
    columns = {
        "native_id": "v_native",
        "updated_at": "v_updated",
        "is_deleted": "coalesce(v_status = 'deleted', false)",
        "customer_ref": "v_requester",
        "started_at": "v_created",
        "channel": "v_channel",
        "direction": "CASE WHEN contains(lower(s_rel), 'outbound') THEN 'outbound' ELSE 'inbound' END",
        "reason_raw": "v_reason" if field_id is not None else "NULL",
        "tags": "v_tags",
        "subject": "v_subject",
        "text": "nullif(s_description, '')",
        "status": "v_status",
        "ticket_type": "v_type",
        "problem_id": "v_problem",
        "group_id": "v_group",
        "agent_id": "v_assignee",
        "reopens": "v_reopens",
        "transfers": "CASE WHEN v_stations IS NOT NULL THEN greatest(v_stations - 1, 0) END",
        "replies": "v_replies",
        "first_reply_minutes": "v_reply",
        "full_resolution_minutes": "v_resolution",
        "satisfaction": "lower(nullif(s_score, ''))",
    }
    checks = [f"k_{name}" for name in [*values, *metric_values]] + [
        "v_native IS NOT NULL",
        "v_created IS NOT NULL AND v_created <= $limit",  # missing or in the future: Python rejects it
        "(j_updated IS NULL OR v_updated IS NOT NULL)",
        "(s_rel IS NULL OR strlen(s_rel) = length(s_rel))",
        "(j_description IS NULL OR s_description IS NOT NULL)",
        "(s_score IS NULL OR strlen(s_score) = length(s_score))",
    ]
    # zendesk._metric_sets keys by str(ticket_id), the last one winning: integer and string ids only,
    # each once (other pages are read in Python)
    key = f"CASE WHEN starts_with(m.ticket_id, '\"') THEN {_text('m.ticket_id')} ELSE CAST(m.ticket_id AS VARCHAR) END"
    key_ok = "starts_with(m.ticket_id, '\"') OR CAST(TRY_CAST(m.ticket_id AS BIGINT) AS VARCHAR) = m.ticket_id"
    params = {"field_id": field_id, "field_id_json": json.dumps(field_id)} if field_id is not None else {}
    sql = f"""
{_pages("tickets", structure, "p.tickets IS NOT NULL")}, side AS (  -- the side-loaded metric sets by ticket id
    SELECT src, m, {key} AS k, m.ticket_id IS NULL OR {key_ok} AS key_ok
    FROM (SELECT src, unnest(p.metric_sets) AS m FROM pages WHERE fit)
), fit_pages AS (
    SELECT pages.* EXCLUDE (fit), pages.fit AND coalesce(side_fit.fit, true) AS fit
    FROM pages LEFT JOIN (
        SELECT src, bool_and(key_ok) AND count(k) = count(DISTINCT k) AS fit FROM side GROUP BY src
    ) side_fit USING (src)
), leaves AS (
    SELECT *,
        {_leaves(leaves, text=("created", "updated"))}
    FROM ({_records("fit_pages", "tickets")})
), vals AS (
    SELECT *,
        {_values(values)}
    FROM leaves
), metric AS (  -- the metric set: side-loaded for this ticket id, else the ticket's own metric_set
    SELECT vals.*, CASE WHEN side.k IS NOT NULL THEN side.m ELSE x.metric_set END AS m
    FROM vals LEFT JOIN side ON side.src = vals.src AND side.k = vals.v_native
), metric_leaves AS (
    SELECT *,
        {_leaves(metric_leaves)}
    FROM metric
), metric_vals AS (
    SELECT *,
        {_values(metric_values)}
    FROM metric_leaves
)
SELECT {_select(columns, checks, "zendesk")}
FROM metric_vals
UNION ALL BY NAME  -- each page's sentinel row, idx -1: whether the SQL reads the page
SELECT src, -1 AS idx, fit AS ok FROM fit_pages"""
    return sql, params


def _tags() -> tuple[str, str]:
    """to_str(tags): a list of trimmed strings joined by one space, or one string."""
    items = "from_json(j_tags, '[\"JSON\"]')"
    value = (
        f"CASE WHEN s_tags IS NOT NULL THEN nullif(s_tags, '') WHEN j_tags = '[]' THEN NULL "
        f"WHEN starts_with(j_tags, '[') THEN nullif(array_to_string(list_filter(list_transform({items}, "
        f"e -> {_text('e')}), t -> t <> ''), ' '), '') ELSE j_tags END"
    )
    ok = (
        f"(j_tags IS NULL OR j_tags = '[]' OR CASE WHEN s_tags IS NOT NULL THEN {_trimmed('s_tags')} "
        f"WHEN starts_with(j_tags, '[') THEN list_bool_and(list_transform({items}, "
        f"e -> e IS NULL OR coalesce({_trimmed(_text('e'))}, false))) "
        f"ELSE CAST(TRY_CAST(j_tags AS BIGINT) AS VARCHAR) = j_tags END)"
    )
    return value, ok


# --- Talk calls pages: talk._converter --------------------------------------------------------------
def _calls_sql(profile: SourceProfile) -> tuple[str, dict] | None:
    """(SQL, parameters) of the staged records of the calls pages $paths."""
    fields = ["id", "created_at", "updated_at", "duration", "talk_time", "hold_time", "wrap_up_time",
              "wait_time", "customer_id", "direction", "completion_status", "ticket_id", "agent_id"]  # fmt: skip
    transfer = [profile.transfer_field] if profile.transfer_field else list(talk.TRANSFER_FIELDS)
    extra = [f for f in [profile.reason_field, *transfer] if f]
    names = list(dict.fromkeys([*fields, *extra]))
    odd = [f for f in extra if not _NAME.fullmatch(f) or f in ("created_at", "updated_at")]
    if odd or len({n.lower() for n in names}) != len(names):
        return None  # unusual field names (SQL struct fields ignore case...): leave them to Python
    leaf = {name: f'x."{name}"' for name in names}
    leaves = {
        "id": leaf["id"], "created": leaf["created_at"], "updated": leaf["updated_at"],
        "duration": leaf["duration"], "talk": leaf["talk_time"], "hold": leaf["hold_time"],
        "wrap": leaf["wrap_up_time"], "wait": leaf["wait_time"], "customer": leaf["customer_id"],
        "direction": leaf["direction"], "status": leaf["completion_status"], "ticket": leaf["ticket_id"],
        "agent": leaf["agent_id"], **{f"transfer{n}": leaf[name] for n, name in enumerate(transfer)},
        **({"reason": leaf[profile.reason_field]} if profile.reason_field else {}),
    }  # fmt: skip
    values = {
        "native": _to_str("id"),
        "created": _timestamp("created"),
        "updated": _timestamp("updated"),
        "duration": _to_float("duration", duration=True),
        "talk": _to_float("talk", duration=True),
        "hold": _to_float("hold", duration=True),
        "wrap": _to_float("wrap", duration=True),
        "wait": _to_float("wait", duration=True),
        "customer": _to_str("customer"),
        "direction": _lower("direction"),
        "status": _to_str("status"),
        "ticket": _to_str("ticket"),
        "agent": _to_str("agent"),
        "transfers": _to_int("transfer0"),
        **({"reason": _to_str("reason")} if profile.reason_field else {}),
    }
    columns = {
        "native_id": "v_native",
        "updated_at": "v_updated",
        "is_deleted": "false",
        "customer_ref": "nullif(v_customer, '0')",  # talk._id: 0 means none
        "started_at": "v_created",
        # started + timedelta(seconds=duration), for whole seconds (no rounding question)
        "ended_at": "v_created + to_seconds(TRY_CAST(j_duration AS BIGINT))",
        "channel": "'phone'",
        "direction": "coalesce(v_direction, 'inbound')",
        "reason_raw": "v_reason" if profile.reason_field else "NULL",
        "transfers": "v_transfers",
        # talk.handle_seconds
        "handle_seconds": "CASE WHEN v_talk IS NOT NULL THEN v_talk + coalesce(v_hold, 0.0) + coalesce(v_wrap, 0.0) "
        "WHEN starts_with(lower(trim(v_status)), 'abandoned') THEN 0.0 "
        "WHEN v_duration IS NULL THEN NULL "  # greatest() would skip the null
        "ELSE greatest(v_duration - coalesce(v_wait, 0.0), 0.0) END",
        "wait_seconds": "v_wait",
        "outcome": "v_status",
        "ticket_ref": "nullif(v_ticket, '0')",
        "agent_id": "nullif(v_agent, '0')",
    }
    # the first transfer field present counts, even when null; SQL cannot tell null from absent, so
    # a later field with a value after a null first one goes to Python
    later_null = " AND ".join(f"j_transfer{n} IS NULL" for n in range(1, len(transfer))) or "true"
    checks = [f"k_{name}" for name in values] + [
        "v_native IS NOT NULL",
        "v_created IS NOT NULL AND v_created <= $limit",  # missing or in the future: Python rejects it
        "(j_updated IS NULL OR v_updated IS NOT NULL)",
        "(j_duration IS NULL OR CAST(TRY_CAST(j_duration AS INTEGER) AS VARCHAR) = j_duration)",
        f"(j_transfer0 IS NOT NULL OR ({later_null}))",
    ]
    structure = {"calls": [{name: "VARCHAR" if name in ("created_at", "updated_at") else "JSON" for name in names}]}
    sql = f"""
{_pages("calls", structure, "p.calls IS NOT NULL")}, leaves AS (
    SELECT *,
        {_leaves(leaves, text=("created", "updated"))}
    FROM ({_records("pages", "calls")})
), vals AS (
    SELECT *,
        {_values(values)}
    FROM leaves
)
SELECT {_select(columns, checks, "talk")}
FROM vals
UNION ALL BY NAME  -- each page's sentinel row, idx -1: whether the SQL reads the page
SELECT src, -1 AS idx, fit AS ok FROM pages"""
    return sql, {}
