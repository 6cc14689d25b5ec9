"""`whycall bench` (CONTRACT §6): generate N contacts, full build, one more day, dashboard queries.

Prints one JSON line: contacts, full_build_s, incremental_day_s, peak_rss_mb, query_p50_ms,
query_p95_ms, raw_duckdb_s, overhead. Progress goes to stderr so stdout stays one JSON line.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

from orchestration.lib import latest

BENCH_DAYS = 182
BENCH_END = date(2026, 6, 28)
_DAY_FILE = re.compile(r"(\d{4}-\d{2}-\d{2})_p\d+\.json")

# The same aggregation as marts.unwanted_contacts_daily, as one hand-written DuckDB query over the
# landed files: latest ticket version, mapped reason, local day, calls merged with their voice ticket.
# The latest-version key (dbt_project/macros/latest_version.sql): every page is loaded at once here, so
# _loaded_at decides nothing; a record twice in one page with the same updated_at is not in the exports.
_VERSION_KEY = latest.arg_max_key("contact", {
    "updated_at": ("updated_at", "timestamp"), "is_deleted": ("is_deleted", "int"), "_loaded_at": None,
    "_file": ("filename", "text"), "_record": None})
RAW_SQL = """
with pages as (
    select filename, unnest(json_extract(json, '$.tickets[*]')) as t
    from read_json_objects(?, format = 'auto', filename = true)
), ticket_versions as (
    select t->>'id' as id, (t->>'updated_at')::timestamptz as updated_at, filename,
           t->>'status' = 'deleted' as is_deleted,
           struct_pack(created_at := (t->>'created_at')::timestamptz, status := t->>'status',
                       channel := t->'via'->>'channel',
                       reason_raw := (select f->>'value' from unnest(json_extract(t, '$.custom_fields[*]')) as u(f)
                                      where f->>'id' = ?)) as v
    from pages
), tickets as (
    -- the latest version (the rule of dbt_project/macros/latest_version.sql, as an arg_max key): a hash
    -- aggregate, which spills to disk (a window over 15M versions does not)
    select id, unnest(arg_max(v, {contact_key})) from ticket_versions group by id
), call_pages as (
    select filename, unnest(json_extract(json, '$.calls[*]')) as c
    from read_json_objects(?, format = 'auto', filename = true)
), calls as (
    select id, unnest(arg_max(v, {contact_key})) from (
        select c->>'id' as id, (c->>'updated_at')::timestamptz as updated_at, filename, false as is_deleted,
               struct_pack(created_at := (c->>'created_at')::timestamptz, ticket_id := c->>'ticket_id',
                           reason_raw := c->>'wrap_up_reason', duration := (c->>'duration')::double) as v
        from call_pages
    ) group by id
), contacts as (
    select t.id, t.created_at, coalesce(t.channel, 'web') as channel, m.reason_code
    from tickets t left join reason_map m on m.source = 'tickets' and m.source_value = t.reason_raw
    where t.status <> 'deleted'
    union all
    select c.id, c.created_at, 'phone', m.reason_code
    from calls c left join reason_map m on m.source = 'calls' and m.source_value = c.reason_raw
    where not exists (select 1 from tickets t where t.id = c.ticket_id and t.channel = 'voice'
                      and abs(epoch(t.created_at) - epoch(c.created_at)) <= 3600)
)
select cast(timezone(?, created_at) as date) as contact_date, channel, reason_code, count(*) as contacts
from contacts group by all
""".replace("{contact_key}", _VERSION_KEY)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _peak_rss_mb() -> dict[str, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # dbt runs as a subprocess
    return {"peak_rss_mb": round(max(own, children), 1), "peak_rss_whycall_mb": round(own, 1),
            "peak_rss_dbt_mb": round(children, 1)}


def _split_last_day(full: Path, landing: Path, last: date) -> list[Path]:
    """Hard-link every generated file except the last day's pages; return those held back."""
    held = []
    for path in full.rglob("*"):
        if path.is_dir():
            continue
        rel = path.relative_to(full)
        match = _DAY_FILE.fullmatch(path.name)
        if match and date.fromisoformat(match.group(1)) == last:
            held.append(rel)
            continue
        (landing / rel).parent.mkdir(parents=True, exist_ok=True)
        os.link(path, landing / rel)
    return held


def _time_dashboard_queries(warehouse: Path, rounds: int = 20) -> list[float]:
    """The five queries behind the first screen of each main page, uncached, in ms."""
    os.environ["WHYCALL_WAREHOUSE"] = str(warehouse)
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from app import data

    lo, hi = data.date_bounds()
    flt = data.ContactFilter(start=max(lo, hi - timedelta(days=90)), end=hi)
    queries = [
        lambda: data.contact_kpis(flt),  # Overview
        lambda: data.reason_breakdown(flt),  # Why do they contact us?
        lambda: data.department_ranking(flt.start, flt.end),  # Departments
        lambda: data.daily_contacts_by_reason(flt),  # Incidents
        lambda: data.action_effects(),  # Actions
    ]
    timings = []
    for _ in range(rounds):
        for run in queries:
            data._cached_query.clear()
            t0 = time.perf_counter()
            run()
            timings.append((time.perf_counter() - t0) * 1000)
    return timings


def _raw_duckdb_seconds(landing: Path, timezone: str, reason_field_id: str) -> float:
    # a scratch file and a bounded buffer pool, so DuckDB spills: at 10M contacts the query does not fit in
    # memory (it ran out of 18.8 GB with a window for the latest versions; the hash aggregate spills)
    scratch = Path(tempfile.mkdtemp(prefix="whycall-raw-")) / "raw.duckdb"
    con = duckdb.connect(str(scratch), config={"preserve_insertion_order": False, "memory_limit": "8GB",
                                               "temp_directory": str(scratch.parent / "spill")})
    con.execute("create table reason_map as select * from read_csv(?, all_varchar = true)",
                [str(landing / "reference" / "reason_map.csv")])
    t0 = time.perf_counter()
    con.execute(RAW_SQL, [str(landing / "tickets" / "*.json"), reason_field_id, str(landing / "calls" / "*.json"),
                          timezone]).fetchall()
    seconds = time.perf_counter() - t0
    con.close()
    shutil.rmtree(scratch.parent, ignore_errors=True)
    return seconds


def run_bench(contacts: int = 1_000_000, workdir: str | None = None) -> int:
    from generator.landing import generate_landing
    from orchestration.lib.config import load_config
    from orchestration.runner import run_pipeline

    root = Path(workdir or tempfile.mkdtemp(prefix="whycall-bench-")).resolve()
    full, landing = root / "generated", root / "landing"
    warehouse = root / "warehouse" / "whycall.duckdb"
    for stale in (landing, warehouse.parent):
        shutil.rmtree(stale, ignore_errors=True)
    per_day = max(1, math.ceil(contacts / BENCH_DAYS))
    params = {"days": BENCH_DAYS + 1, "contacts_per_day": per_day, "seed": 42, "end": BENCH_END.isoformat()}
    marker = full / ".bench.json"
    if marker.exists() and json.loads(marker.read_text()) == params:
        _say(f"bench: reusing the landing zone generated before in {full}")
    else:
        _say(f"bench: generating {BENCH_DAYS + 1} days × {per_day:,} contacts/day in {full}")
        generate_landing(full, days=BENCH_DAYS + 1, contacts_per_day=per_day, seed=42, end=BENCH_END,
                         progress=_say, metric_sets=False, ticket_events=False)
        marker.write_text(json.dumps(params))
    held = _split_last_day(full, landing, BENCH_END)
    os.environ["WHYCALL_LANDING_DIR"] = str(landing)
    os.environ["WHYCALL_WAREHOUSE"] = str(warehouse)
    logging.getLogger("whycall.progress").addHandler(logging.StreamHandler(sys.stderr))
    logging.getLogger("whycall.progress").setLevel(logging.INFO)

    _say("bench: full build")
    first = run_pipeline(full_refresh=True)
    if not first.success:
        _say(first.summary())
        return 1
    _say("bench: one more day")
    for rel in held:
        os.link(full / rel, landing / rel)
    second = run_pipeline(date=BENCH_END)
    if not second.success:
        _say(second.summary())
        return 1

    rss = _peak_rss_mb()  # the pipeline's peak, before the baseline query adds its own
    timings = _time_dashboard_queries(warehouse)
    config = load_config(landing)
    _say(f"bench: full build {first.seconds:.1f} s, one more day {second.seconds:.1f} s, {rss}; "
         "now the raw DuckDB baseline")
    try:
        raw_s = _raw_duckdb_seconds(landing, config.timezone, str(config.sources["tickets"].reason_field_id))
    except duckdb.Error as exc:  # the pipeline's figures are still worth printing
        _say(f"bench: the raw DuckDB baseline failed: {str(exc).splitlines()[0]}")
        raw_s = None
    with duckdb.connect(str(warehouse), read_only=True) as con:
        n = con.execute("select count(*) from marts.fct_contacts").fetchone()[0]
    result = {
        "contacts": n,
        "full_build_s": round(first.seconds, 2),
        "incremental_day_s": round(second.seconds, 2),
        **rss,
        "query_p50_ms": round(statistics.median(timings), 1),
        "query_p95_ms": round(statistics.quantiles(timings, n=20)[18], 1),
        "raw_duckdb_s": round(raw_s, 2) if raw_s else None,
        "overhead": round(first.seconds / raw_s, 2) if raw_s else None,
        # where the time goes (extra to CONTRACT §6): seconds per Dagster step of each build
        "full_build_steps": first.step_seconds,
        "incremental_day_steps": second.step_seconds,
    }
    print(json.dumps(result), flush=True)
    return 0
