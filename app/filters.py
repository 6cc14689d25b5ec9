"""Filters shared by the pages, kept in the URL so a link can be shared.

The canonical values live in ``st.session_state[STATE_KEY]``: read once from ``st.query_params`` when a
session starts, written back to the URL on every run. Widgets use their own keys and copy their value
into the canonical state when changed, so a filter survives page switches (a widget's own state is
dropped when its page is not shown).

Values from the URL are untrusted: language and switches are checked against their few allowed values,
dates must parse, and free values (channel, reason, department, incident) are only trimmed in length and
number — they always reach SQL as bound parameters, so a hostile value simply matches nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app import data
from app.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, date_input_format, safe_lang, t

STATE_KEY = "_whycall_filters"
MAX_VALUE_CHARS = 100
MAX_VALUES = 20
DEFAULT_DAYS = 28  # four weeks, compared with the four before: the morning read

LIST_PARAMS = ("channel", "reason", "department")
CHOICE_PARAMS: dict[str, tuple[str, ...] | None] = {
    "incident": None,  # any | with | without | an incident id
    "repeat": data.YES_NO_ANY,
    "suspect": data.YES_NO_ANY,
}


@dataclasses.dataclass
class Filters:
    lang: str = DEFAULT_LANG
    suspects: bool = False
    start: dt.date | None = None  # None = the default period, which follows new publishes
    end: dt.date | None = None
    channel: list[str] = dataclasses.field(default_factory=list)
    reason: list[str] = dataclasses.field(default_factory=list)
    department: list[str] = dataclasses.field(default_factory=list)
    incident: str | None = None
    repeat: str | None = None
    suspect: str | None = None


def _clean_values(values: Sequence[Any]) -> list[str]:
    out: list[str] = []
    for value in values:
        text = str(value)[:MAX_VALUE_CHARS]
        if text and text not in out:
            out.append(text)
        if len(out) >= MAX_VALUES:
            break
    return out


def _parse_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _from_url() -> Filters:
    qp = st.query_params
    flt = Filters(
        lang=safe_lang(qp.get("lang")),
        suspects=qp.get("suspects") in ("1", "true", "yes"),
        start=_parse_date(qp.get("from")) if "from" in qp else None,
        end=_parse_date(qp.get("to")) if "to" in qp else None,
    )
    if flt.start and flt.end and flt.start > flt.end:
        flt.start, flt.end = flt.end, flt.start
    for name in LIST_PARAMS:
        setattr(flt, name, _clean_values(qp.get_all(name)))
    for name, allowed in CHOICE_PARAMS.items():
        value = qp.get(name)
        if value is not None:
            value = str(value)[:MAX_VALUE_CHARS]
            if allowed is None or value in allowed:
                setattr(flt, name, value)
    return flt


def current() -> Filters:
    if STATE_KEY not in st.session_state:
        st.session_state[STATE_KEY] = _from_url()
    return st.session_state[STATE_KEY]


def _url_values(flt: Filters) -> dict[str, list[str]]:
    values: dict[str, list[str]] = {
        "lang": [flt.lang] if flt.lang != DEFAULT_LANG else [],
        "suspects": ["1"] if flt.suspects else [],
        "from": [flt.start.isoformat()] if flt.start else [],
        "to": [flt.end.isoformat()] if flt.end else [],
    }
    for name in LIST_PARAMS:
        values[name] = list(getattr(flt, name))
    for name in CHOICE_PARAMS:
        value = getattr(flt, name)
        values[name] = [value] if value else []
    return values


def sync_url() -> None:
    """Write the filters into the URL, touching only what changed."""
    for name, values in _url_values(current()).items():
        if st.query_params.get_all(name) == values:
            continue
        if values:
            st.query_params[name] = values if len(values) > 1 else values[0]
        else:
            del st.query_params[name]


# ---------------------------------------------------------------------------------------------------------
# Widgets bound to the canonical state


def _bound(
    name: str,
    to_widget: Callable[[Any], Any] = lambda v: v,
    from_widget: Callable[[Any], Any] = lambda v: v,
    widget: str = "",
) -> dict[str, Any]:
    """Prime widget key ``w_<name><widget>`` from the state and return the kwargs that copy changes back."""
    key = f"w_{name}{widget}"
    st.session_state[key] = to_widget(getattr(current(), name))

    def copy_back() -> None:
        value = from_widget(st.session_state[key])
        if value is not _KEEP:
            setattr(current(), name, value)

    return {"key": key, "on_change": copy_back}


_KEEP = object()


def language_switch(container: Any) -> str:
    container.segmented_control(
        t("language", current().lang),
        options=list(LANGS),
        format_func=LANG_NAMES.get,
        required=True,
        width="stretch",
        **_bound("lang"),
    )
    return current().lang


def suspects_toggle(container: Any, lang: str) -> bool:
    container.toggle(t("include_suspects", lang), help=t("include_suspects_help", lang), **_bound("suspects"))
    return current().suspects


def default_period(bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    first, last = bounds
    return max(first, last - dt.timedelta(days=DEFAULT_DAYS - 1)), last


def period(bounds: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date]:
    """The chosen period, or the default one: the last four weeks of data."""
    flt = current()
    if bounds is None:
        today = dt.date.today()
        bounds = (today, today)
    start, end = default_period(bounds)
    return flt.start or start, flt.end or end


def period_input(
    container: Any, lang: str, bounds: tuple[dt.date, dt.date] | None
) -> tuple[dt.date, dt.date]:
    start, end = period(bounds)
    first, last = bounds or (start, end)

    def from_widget(value: Any) -> Any:
        # While the user has picked only the first date, keep the old period.
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            return _KEEP
        current().start, current().end = value
        return _KEEP

    container.date_input(
        t("period", lang),
        min_value=min(first, start),
        max_value=max(last, end),
        format=date_input_format(lang),
        **_bound("start", to_widget=lambda _: (start, end), from_widget=from_widget),
    )
    return start, end


def multiselect(
    container: Any,
    name: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    placeholder: str | None = None,
) -> list[str]:
    """A multiselect over ``options``; values from the URL that are not options stay selectable (and
    selected), so a link with an unknown value shows "no data" instead of silently widening."""
    selected = getattr(current(), name)
    all_options = list(options) + [v for v in selected if v not in options]
    container.multiselect(
        label,
        options=all_options,
        format_func=format_func,
        placeholder=placeholder or t("all_values", current().lang),
        **_bound(name, to_widget=list, from_widget=list),
    )
    return list(getattr(current(), name))


def choice(
    container: Any,
    name: str,
    label: str,
    options: Sequence[str],
    format_func: Callable[[str], str],
    default: str,
) -> str:
    """A single choice kept in the URL; an unknown value from the URL is kept as an option too."""
    value = getattr(current(), name) or default
    all_options = list(options) + ([value] if value not in options else [])
    container.selectbox(
        label,
        options=all_options,
        format_func=format_func,
        **_bound(name, to_widget=lambda v: v or default, from_widget=lambda v: None if v == default else v),
    )
    return getattr(current(), name) or default


def pick_one(
    container: Any, name: str, label: str, options: Sequence[str], format_func: Callable[[str], str]
) -> str | None:
    """Pick one value of a list filter (drill-down): the first selected value, or the first option."""
    if not options:
        return None
    selected = [v for v in getattr(current(), name) if v in options]
    container.selectbox(
        label,
        options=list(options),
        format_func=format_func,
        **_bound(
            name,
            to_widget=lambda _: selected[0] if selected else options[0],
            from_widget=lambda v: [v],
            widget="_one",
        ),
    )
    chosen = [v for v in getattr(current(), name) if v in options]
    return chosen[0] if chosen else options[0]
