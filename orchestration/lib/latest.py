"""The latest-version rule, read from its one definition: ``dbt_project/macros/latest_version.sql``.

dbt uses the macros directly; Python (the quality batches, the bench) reads the same ORDER BY text
here, so a check never judges a version that dbt drops (issue 15).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "latest_version.sql"
_MACRO = r"\{%-?\s*macro\s+latest_(?P<kind>\w+)_order\(\)\s*-?%\}(?P<body>.*?)\{%-?\s*endmacro\s*-?%\}"
_TERM = re.compile(r"(?P<expr>.+?)\s+(?P<dir>asc|desc)(?:\s+nulls\s+(?P<nulls>first|last))?", re.IGNORECASE)


@functools.cache
def _orders() -> dict[str, str]:
    text = MACROS.read_text(encoding="utf-8")
    found = {m["kind"]: " ".join(m["body"].split()) for m in re.finditer(_MACRO, text, re.DOTALL)}
    for kind, body in found.items():
        if "{" in body:
            raise ValueError(f"{MACROS}: latest_{kind}_order must be plain SQL (Python reads it)")
    return found


def order_by(kind: str) -> str:
    """The ORDER BY list of ``kind`` (``contact`` or ``response``): the first row is the latest version."""
    return _orders()[kind]


def terms(kind: str) -> list[tuple[str, bool, bool]]:
    """(expression, descending, nulls last) of each term of the rule."""
    out = []
    for term in order_by(kind).split(", "):
        match = _TERM.fullmatch(term.strip())
        if match is None:
            raise ValueError(f"{MACROS}: cannot read the order term {term!r}")
        descending = match["dir"].lower() == "desc"
        nulls = (match["nulls"] or "last").lower()  # DuckDB's default: nulls last
        out.append((match["expr"], descending, nulls == "last"))
    return out


_LOWEST = {"timestamp": "'-infinity'::timestamptz", "int": "-9223372036854775808", "text": "''"}


def arg_max_key(kind: str, columns: dict[str, tuple[str, str] | None]) -> str:
    """A struct for ``arg_max(row, key)`` that ranks rows as the rule's ORDER BY does (the latest is the
    max), where a window would not fit in memory. ``columns`` maps each column the rule names to
    (expression, type: timestamp | int | text) in the caller's query, or to None when every row has the
    same value (a term on it decides nothing). Descending terms only; a NULL is the lowest value."""
    fields = []
    for number, (expr, descending, nulls_last) in enumerate(terms(kind)):
        if not descending or not nulls_last:
            raise ValueError(f"arg_max_key supports descending, nulls-last terms only, not {expr!r}")
        names = [c for c in columns if re.search(rf"(?<!\w){re.escape(c)}(?!\w)", expr)]
        if any(columns[c] is None for c in names):
            continue
        pattern = "|".join(rf"(?<!\w){re.escape(c)}(?!\w)" for c in names)
        sql = re.sub(pattern, lambda m: f"({columns[m.group(0)][0]})", expr) if names else expr
        kinds = {columns[c][1] for c in names}
        is_case = expr.lstrip().lower().startswith("case")
        lowest = _LOWEST["int" if is_case or len(kinds) != 1 else kinds.pop()]
        fields.append(f"k{number} := coalesce({sql}, {lowest})")
    return f"struct_pack({', '.join(fields)})"
