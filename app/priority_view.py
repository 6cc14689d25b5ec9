"""Pure helpers of the What-to-fix-first page and the department brief: links, interval and status texts.

No Streamlit and no query here: the page and the brief give them rows of marts.fix_priorities.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import urlencode

from app.i18n import DEFAULT_LANG, fmt_num, fmt_signed, t


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def _iso(value: Any) -> str | None:
    if _missing(value):
        return None
    if hasattr(value, "date") and not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]


def _lang_params(lang: str) -> dict[str, str]:
    return {} if lang == DEFAULT_LANG else {"lang": lang}


def explorer_link(reason_code: str, start: Any, end: Any, lang: str) -> str:
    """The explorer filtered on one reason over ``start``..``end`` (a relative URL the app reads at start-up)."""
    params = {"reason": reason_code, **_lang_params(lang)}
    if _iso(start) and _iso(end):
        params["from"], params["to"] = _iso(start), _iso(end)
    return "/explorer?" + urlencode(params)


def department_link(department_id: Any, lang: str) -> str | None:
    if _missing(department_id) or not str(department_id):
        return None
    return "/departments?" + urlencode({"department": str(department_id), **_lang_params(lang)})


def interval_text(
    value: Any, low: Any, high: Any, lang: str, decimals: int = 0, signed: bool = True, suffix: str = ""
) -> str:
    """``-12 [-20, -4]`` (French ``-12 [-20; -4]``): the estimate and its 95 % interval; the estimate alone when
    the interval is missing. ``suffix`` follows every number (`` %``)."""
    if _missing(value):
        return ""

    def show(x: Any) -> str:
        return (fmt_signed(x, lang, decimals) if signed else fmt_num(x, lang, decimals)) + suffix

    if _missing(low) or _missing(high):
        return show(value)
    separator = "; " if lang == "fr" else ", "
    return f"{show(value)} [{show(low)}{separator}{show(high)}]"


def trend_text(ratio: Any, low: Any, high: Any, lang: str) -> str:
    """The 8-week trend as a change in %: ``+25 % [+3 %; +52 %]``."""
    if _missing(ratio):
        return ""
    pct = [None if _missing(x) else (float(x) - 1) * 100 for x in (ratio, low, high)]
    return interval_text(pct[0], pct[1], pct[2], lang, 0, suffix=" %" if lang == "fr" else "%")


def action_status(has_action: Any, action_id: Any, verdict: Any, lang: str) -> str:
    """``A12 · reduced`` / ``A12 · not measured yet`` / ``none yet``."""
    if _missing(has_action) or not bool(has_action):
        return t("no_action_yet", lang)
    shown = (
        t(f"verdict_{verdict}", lang)
        if isinstance(verdict, str) and verdict
        else t("action_unmeasured", lang)
    )
    return f"{action_id} · {shown}" if not _missing(action_id) else shown
