"""marts.reason_suggestions, written into the state database after dbt and before publishing.

The sample: per population, the ``SAMPLE_SIZE`` non-suspect contacts with the smallest md5 of their contact_id,
so the same contacts every run, whatever order the days were loaded in, and seconds at 1M contacts.
"""

from __future__ import annotations

import csv
from datetime import timedelta
from pathlib import Path

import duckdb

from orchestration.lib.suggestions import Contact, suggest

SAMPLE_SIZE = 10_000
TOP = 10
TABLE = "marts.reason_suggestions"
# the contacts whose topics are looked for, and what they must stand out from
POPULATIONS = {"none": "reason_method = 'none'", "keywords": "reason_method = 'keywords'"}
BACKGROUND = "reason_method in ('field', 'map')"
SAMPLING = (f"the {SAMPLE_SIZE:,} non-suspect contacts with a text of the population with the smallest "
            "md5(contact_id) (the same contacts every run)")


def read_reasons(landing_dir: Path) -> list[dict[str, str]]:
    path = landing_dir / "reference" / "reasons.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def _sample(con: duckdb.DuckDBPyConnection, where: str) -> tuple[list[Contact], int]:
    # the population is the contacts with a text to read (a call without its voice ticket has none)
    where = f"not is_suspect and {where} and (subject is not null or text_excerpt is not null)"
    total = con.execute(f"select count(*) from marts.fct_contacts where {where}").fetchone()[0]
    rows = con.execute(
        "select contact_id, contact_date, coalesce(subject, '') || chr(10) || coalesce(text_excerpt, ''), reason_code "
        f"from marts.fct_contacts where {where} order by md5(contact_id), contact_id limit ?", [SAMPLE_SIZE]).fetchall()
    return [Contact(*row) for row in rows], total


def build_suggestions(con: duckdb.DuckDBPyConnection, landing_dir: Path) -> int:
    """(Re)write marts.reason_suggestions from marts.fct_contacts; return its row count."""
    reasons = read_reasons(landing_dir)
    start, end = con.execute("select min(contact_date), max(contact_date) from marts.fct_contacts "
                             "where not is_suspect").fetchone()
    split_on = start + timedelta(days=((end - start).days + 1) // 2) if start else None
    background, _ = _sample(con, BACKGROUND)
    rows = []
    for population, where in POPULATIONS.items():
        sample, total = _sample(con, where)
        for s in suggest(sample, background, reasons, top=TOP, split_on=split_on):
            examples = list(s.examples) + [None] * (3 - len(s.examples))
            trend = s.recent_contacts / s.earlier_contacts if s.earlier_contacts else None
            rows.append((population, s.rank, s.phrase, s.language, s.contacts, len(sample), total, s.share,
                         round(s.share * total), s.earlier_contacts, s.recent_contacts, trend, *examples,
                         s.nearest_reason, s.nearest_similarity, s.paste_file, s.paste_line, start, end, split_on,
                         SAMPLING))
    con.execute("create schema if not exists marts")
    con.execute(f"""create or replace table {TABLE} (
        population varchar, rank integer, phrase varchar, language varchar, sample_contacts bigint,
        sample_size bigint, population_contacts bigint, share double, estimated_contacts bigint,
        earlier_contacts bigint, recent_contacts bigint, trend_ratio double,
        example_1 varchar, example_2 varchar, example_3 varchar,
        nearest_reason_code varchar, nearest_similarity double, paste_file varchar, paste_line varchar,
        window_start date, window_end date, recent_from date, sampling varchar)""")
    if rows:
        con.executemany(f"insert into {TABLE} values ({', '.join('?' * 23)})", rows)
    return len(rows)
