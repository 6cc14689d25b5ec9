"""Small rendering helpers shared by the pages: the page context, labels, KPI tiles, tables, empty states."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app import data, filters, names, palette, period
from app.i18n import fmt_date, fmt_datetime, fmt_money, fmt_month, fmt_num, fmt_pct, t


class Labels:
    """Readable names for codes, in the page language; codes show as themselves when no name is published."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        reasons = data.reasons()
        label_column = "label_fr" if lang == "fr" else "label_en"
        self._reason = {
            r.reason_code: (getattr(r, label_column) or r.label_en or r.reason_code)
            for r in reasons.itertuples(index=False)
            if r.reason_code is not None
        }
        self._kind = {r.reason_code: r.kind for r in reasons.itertuples(index=False)}
        self._owner = {r.reason_code: r.department_id for r in reasons.itertuples(index=False)}
        departments = data.departments()
        self._department = {
            d.department_id: names.bilingual(
                d.name, lang, getattr(d, "name_en", None), getattr(d, "name_fr", None)
            )
            or d.department_id
            for d in departments.itertuples(index=False)
        }
        self._measure = {
            d.department_id: getattr(d, "volume_measure", None) for d in departments.itertuples(index=False)
        }
        self._manager = {d.department_id: d.manager for d in departments.itertuples(index=False)}
        self._colors = palette.reason_colors(c for c in self._reason if c not in (data.NO_REASON, "none"))

    def reason(self, code: Any) -> str:
        if code is None or code == data.NO_REASON or (isinstance(code, float) and pd.isna(code)):
            return t("unclassified", self.lang)
        return str(self._reason.get(code) or code)

    def code(self, kind: str, code: Any) -> str:
        """A stored code (channel, source, reason_method, severity) in the page language (app.names)."""
        return names.code_name(kind, code, self.lang)

    def channel(self, code: Any) -> str:
        return names.code_name("channel", code, self.lang)

    def volume_measure(self, department_id: Any) -> str | None:
        """What the department's volume counts ("invoices sent"), when the warehouse says."""
        measure = self._measure.get(department_id)
        return names.code_name("volume_measure", measure, self.lang) if isinstance(measure, str) else None

    def color(self, code: Any) -> str:
        """The reason's colour, the same on every page (app.palette); unclassified is always grey."""
        if self.reason(code) == t("unclassified", self.lang) or code == "none":
            return palette.UNCLASSIFIED
        return palette.reason_color(str(code), self._colors)

    def colors_by_label(self, codes: Any) -> dict[str, str]:
        """label -> colour for the reason codes given (charts take labels)."""
        return {self.reason(code): self.color(code) for code in codes}

    def department(self, department_id: Any) -> str:
        if department_id is None or department_id == data.NO_DEPARTMENT or pd.isna(department_id):
            return t("no_department", self.lang)
        return str(self._department.get(department_id) or department_id)

    @property
    def kinds(self) -> dict[str, Any]:
        """reason_code -> kind (value | unwanted)."""
        return dict(self._kind)

    @property
    def owners(self) -> dict[str, Any]:
        """reason_code -> department owning it now."""
        return dict(self._owner)

    def manager(self, department_id: Any) -> str | None:
        return self._manager.get(department_id)

    def kind_name(self, kind: Any) -> str:
        if kind in ("value", "unwanted"):
            return t(f"kind_{kind}", self.lang)
        return "" if kind is None or pd.isna(kind) else str(kind)


@dataclasses.dataclass
class PageContext:
    lang: str
    start: dt.date
    end: dt.date
    include_suspects: bool
    bounds: tuple[dt.date, dt.date] | None
    labels: Labels

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.lang, **values)

    def contacts(self, **changes: Any) -> data.ContactFilter:
        flt = data.ContactFilter(start=self.start, end=self.end, include_suspects=self.include_suspects)
        return flt.with_(**changes) if changes else flt

    def date(self, value: Any) -> str:
        return fmt_date(value, self.lang)

    def num(self, value: Any, decimals: int = 0) -> str:
        return fmt_num(value, self.lang, decimals)

    def pct(self, value: Any, decimals: int = 1) -> str:
        return fmt_pct(value, self.lang, decimals)

    def money(self, value: Any) -> str:
        return fmt_money(value, self.lang)


def context() -> PageContext:
    flt = filters.current()
    bounds = data.date_bounds()
    start, end = filters.period(bounds)
    return PageContext(
        lang=flt.lang,
        start=start,
        end=end,
        include_suspects=flt.suspects,
        bounds=bounds,
        labels=Labels(flt.lang),
    )


def header(ctx: PageContext, title_key: str, caption_key: str | None = None, **values: Any) -> None:
    st.title(ctx.t(title_key))
    if caption_key:
        st.caption(ctx.t(caption_key, **values))


def scope(ctx: PageContext, key: str) -> None:
    """The caption saying which days a page's figures cover (and what else, and why)."""
    st.caption(ctx.t(key, start=ctx.date(ctx.start), end=ctx.date(ctx.end)))


def prorated_targets(monthly: pd.DataFrame, ctx: PageContext) -> list[float | None]:
    """The ``target`` column of a monthly frame, pro-rated to the days of each month the data covers."""
    months = [pd.Timestamp(m).date() for m in monthly["month"]]
    targets = [None if pd.isna(v) else float(v) for v in monthly["target"]]
    return period.prorated_targets(months, targets, *ctx.bounds) if ctx.bounds else targets


def explain(ctx: PageContext, *keys: str) -> None:
    """An expander with one sentence per figure of the page: how it is computed."""
    with st.expander(ctx.t("how_computed"), icon=":material/calculate:"):
        st.markdown("\n".join(f"- {ctx.t(key)}" for key in keys))


def empty(message: str) -> None:
    """An explained empty state: never a blank space or a traceback."""
    st.info(message, icon=":material/info:")


def kpi(
    container: Any,
    label: str,
    value: str,
    delta: str | None = None,
    *,
    delta_color: str = "normal",
    help: str | None = None,
    trend: list[float] | None = None,
    arrow: bool = True,
) -> None:
    """A KPI tile. ``arrow=False`` for a delta that is context ("34 / 57"), not a change."""
    if delta is not None and delta.startswith("±"):  # no change: neither good nor bad
        arrow = False
    container.metric(
        label,
        value,
        delta=delta,
        delta_color=delta_color if arrow else "off",
        delta_arrow="auto" if arrow else "off",
        help=help,
        border=True,
        chart_data=trend if trend and len(trend) > 1 else None,
        chart_type="area",
    )


# Column kinds for tables: how to show each value.
Formatter = Callable[[Any], str]


def _formatters(lang: str) -> dict[str, Formatter]:
    def missing_or(func: Formatter) -> Formatter:
        return lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else func(v)

    return {
        "int": missing_or(lambda v: fmt_num(v, lang, 0)),
        "float1": missing_or(lambda v: fmt_num(v, lang, 1)),
        "float2": missing_or(lambda v: fmt_num(v, lang, 2)),
        "float3": missing_or(lambda v: fmt_num(v, lang, 3)),
        "pct": missing_or(lambda v: fmt_pct(v, lang, 1)),
        "money": missing_or(lambda v: fmt_money(v, lang)),
        "date": missing_or(lambda v: fmt_date(v, lang)),
        "datetime": missing_or(lambda v: fmt_datetime(v, lang)),
        "month": missing_or(lambda v: fmt_month(v, lang)),
        "bool": missing_or(lambda v: t("yes", lang) if v else t("no", lang)),
    }


# The width of the page's main column at a 1,400 px window (sidebar open), less the table's borders.
TABLE_WIDTH_PX = 940
_CHAR_PX, _PAD_PX, _MIN_TEXT_PX, _MAX_HEADER_PX = 7.5, 26, 90, 110


def column_widths(kinds: dict[str, str], texts: dict[str, list[str]], budget: int | None) -> dict[str, int]:
    """Pixel width per column label: a number or short value column gets what its header and longest value
    need; the text columns share what is left of ``budget`` (never less than 90 px each), each at most what
    its own content needs."""

    def px(chars: int) -> int:
        return int(chars * _CHAR_PX + _PAD_PX)

    def natural(label: str) -> int:
        return px(max([len(label), *(len(v) for v in texts.get(label, []))]))

    widths = {label: natural(label) for label in kinds}
    if budget is None or sum(widths.values()) <= budget:
        return widths
    text = [label for label, kind in kinds.items() if kind == "text"]
    # too wide: a number column keeps its values whole, its header may shorten (the full name is on hover)
    for label in kinds:
        if label not in text:
            values = px(max([0, *(len(v) for v in texts.get(label, []))]))
            widths[label] = max(values, min(widths[label], _MAX_HEADER_PX))
    fixed = sum(w for label, w in widths.items() if label not in text)
    left = max(budget - fixed, _MIN_TEXT_PX * len(text))
    # share the rest: the narrow text columns keep their width, the wide ones split what remains
    ordered = sorted(text, key=widths.get)
    for i, label in enumerate(ordered):
        widths[label] = min(widths[label], max(_MIN_TEXT_PX, left // (len(ordered) - i)))
        left -= widths[label]
    total = sum(widths.values())
    if total > budget:  # many columns: every one a little narrower rather than the last ones off the page
        widths = {label: int(w * budget / total) for label, w in widths.items()}
    return widths


def table(
    frame: pd.DataFrame,
    lang: str,
    columns: dict[str, tuple[str, str]],
    *,
    height: int | str = "auto",
    key: str | None = None,
    width_budget: int | None = TABLE_WIDTH_PX,
    column_config: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
) -> None:
    """Show ``frame`` with the ``columns`` given as {column: (label key, kind)}, formatted for ``lang``.

    Columns are sized to fit ``width_budget`` pixels (a full-width table at 1,400 px; None: as wide as their
    content, for the explorer, which scrolls sideways on purpose): numbers at their own width, text columns share
    the rest (a longer text shows whole on hover).

    Values stay numbers underneath (sorting works); only their display follows the language.
    ``links``: {column: display regex} for columns holding URLs (shown as links, the regex's group as their
    text). ``column_config`` (keyed by frame column, e.g. a ``st.column_config.LinkColumn``) is passed to st.dataframe.
    """
    shown = frame[[c for c in columns if c in frame.columns]].copy()
    renamed = {c: t(columns[c][0], lang) for c in shown.columns}
    formatters = _formatters(lang)
    formats = {renamed[c]: formatters[columns[c][1]] for c in shown.columns if columns[c][1] in formatters}
    shown = shown.rename(columns=renamed)
    styler = shown.style.format(formats, na_rep="")
    kinds = {renamed[c]: columns[c][1] for c in renamed}
    texts = {
        label: [formats[label](v) if label in formats else ("" if v is None else str(v)) for v in shown[label]]
        for label in shown.columns
    }
    texts.update({label: [t("open_contacts", lang)] for label, kind in kinds.items() if kind == "link"})
    # a URL column is as wide as the text it shows, not as the URL
    for c, pattern in (links or {}).items():
        if c in renamed:
            texts[renamed[c]] = [_link_text(pattern, v) for v in texts[renamed[c]]]
    own = {renamed[c]: dict(v) for c, v in (column_config or {}).items() if c in renamed}
    for label, cfg in own.items():
        link = cfg.get("type_config") or {}
        if link.get("type") == "link" and isinstance(link.get("display_text"), str):
            texts[label] = [_link_text(link["display_text"], v) for v in texts[label]]
    widths = column_widths(kinds, texts, width_budget)
    # "link": a URL (app.links) shown as a short "contacts" link that opens the explorer filtered on the row
    config = {
        label: st.column_config.LinkColumn(label, display_text=t("open_contacts", lang), width=widths[label])
        if kinds[label] == "link"
        else st.column_config.Column(label, width=widths[label])
        for label in shown.columns
    }
    config.update({
        renamed[c]: st.column_config.LinkColumn(renamed[c], display_text=pattern, width=widths[renamed[c]])
        for c, pattern in (links or {}).items()
        if c in renamed
    })
    for label, cfg in own.items():  # a page's own column config, fitted like the others unless it sets a width
        if not cfg.get("width"):
            cfg["width"] = widths[label]
        config[label] = cfg
    st.dataframe(
        styler, hide_index=True, width="stretch", height=height, key=key, placeholder="–", column_config=config
    )


def _link_text(pattern: str, url: str) -> str:
    """What a LinkColumn shows for ``url``: the regex's first group when ``pattern`` is one that matches, else the
    pattern itself (a fixed text)."""
    try:
        match = re.search(pattern, url) if url else None
    except re.error:
        return pattern
    if match is None:
        return pattern if not any(ch in pattern for ch in "()[]*+?\\^$") else ""
    return match.group(1) if match.groups() else match.group(0)


def show_chart(fig: Any, key: str | None = None) -> None:
    st.plotly_chart(fig, width="stretch", key=key, config={"displaylogo": False})


def suspects_note(ctx: PageContext) -> str:
    return ctx.t("suspects_included_note" if ctx.include_suspects else "suspects_excluded_note")
