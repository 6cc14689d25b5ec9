"""One palette for every page: a colour means one thing.

Three colours are fixed meanings and never used for anything else: unwanted (red), value (blue) and
unclassified (grey). "Other" (the reasons grouped beyond a chart's top N) has its own neutral, lighter than
unclassified. Each contact reason gets its own colour from ``REASON_COLORS``, by the reason's place in the
sorted list of every reason the warehouse knows, so a reason has the same colour on every page and every chart.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

UNWANTED = "#C8423B"
VALUE = "#2F7FB5"
UNCLASSIFIED = "#9AA5B1"
OTHER = "#D8DDE3"
# Meanings that are not kinds of contact: good news / needs attention (verdicts, quadrants, age of an alert).
GOOD = "#2A9D8F"
WARN = "#E9A23B"
INK = "#3D3D3D"
SLATE = "#5C6B7A"  # "before", "no evidence", a previous period: context, not a kind of contact

# Distinct from the fixed meanings above (no red, blue, grey, teal or amber).
REASON_COLORS = (
    "#8E6BB8", "#D17FB0", "#7FB800", "#8C564B", "#17BECF", "#BCBD22", "#4E5BA6", "#1B7F5B",
    "#B07AA1", "#9C755F", "#5E3C99", "#E6AB02", "#66A61E", "#F28E2B", "#0E6E84", "#C49C94",
)  # fmt: skip

FIXED = (UNWANTED, VALUE, UNCLASSIFIED, OTHER, GOOD, WARN)


def reason_colors(known_codes: Iterable[str]) -> dict[str, str]:
    """reason_code -> colour, for every known reason (sorted, so the mapping does not depend on a page's order)."""
    return {code: REASON_COLORS[i % len(REASON_COLORS)] for i, code in enumerate(sorted(set(known_codes)))}


def reason_color(code: str, known: dict[str, str]) -> str:
    """The colour of ``code``; a code the warehouse does not list gets a stable one from its name."""
    if code in known:
        return known[code]
    return REASON_COLORS[zlib.crc32(str(code).encode("utf-8")) % len(REASON_COLORS)]
