"""Shareable links to the Contact explorer, filtered on what a table row stands for (a department, a reason).

The explorer reads its filters from the URL (app/filters.py), so a link is the page's path and query
parameters: it opens the contacts behind a number, and can be sent to a colleague as it is. Pure, no Streamlit.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse

EXPLORER_PATH = "explorer"


def explorer_url(
    lang: str,
    start: dt.date,
    end: dt.date,
    *,
    department: str | None = None,
    reason: str | None = None,
    channels: tuple[str, ...] = (),
    suspects: bool = False,
) -> str:
    """A relative link (``explorer?...``, resolved against the app's own address) to the explorer filtered on
    the period and, when given, the department, the reason and the channels."""
    params: list[tuple[str, str]] = [("from", start.isoformat()), ("to", end.isoformat())]
    if lang != "en":
        params.append(("lang", lang))
    if suspects:
        params.append(("suspects", "1"))
    if department:
        params.append(("department", department))
    if reason:
        params.append(("reason", reason))
    params.extend(("channel", c) for c in channels)
    return f"{EXPLORER_PATH}?{urllib.parse.urlencode(params)}"
