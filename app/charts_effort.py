"""Figures of the page "How hard is it to get an answer?". Each hover ends with the figure's definition.

Like app/charts.py: ready DataFrames in (labels already in the page language), a figure out, no query.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.charts import _date_axis, _layout, pct_suffix
from app.i18n import fmt_num, fmt_pct, t
from app.palette import GOOD, SLATE, UNWANTED, WARN


def definition(key: str, lang: str) -> str:
    """A definition as hover text: wrapped lines, safe inside a hovertemplate (no '%{')."""
    text = t(key, lang).replace("{", "(").replace("}", ")")
    return "<br>".join(textwrap.wrap(text, 70))


def _label(key: str, lang: str) -> str:
    """ "Handed off: " in English, "Transmis : " in French."""
    return t(key, lang) + (" : " if lang == "fr" else ": ")


def _hover(lines: list[str], key: str, lang: str) -> str:
    return "<br>".join(lines) + "<br><br><i>" + definition(key, lang) + "</i><extra></extra>"


def _hours(value, lang: str) -> str:
    return "–" if pd.isna(value) else t("effort_business_hours", lang, value=fmt_num(value, lang, 1))


def waits_by_group(frame: pd.DataFrame, lang: str, title_key: str) -> go.Figure:
    """Median full resolution and first reply (business hours) per ``label``, slowest on top."""
    ordered = frame.sort_values("resolution_hours", na_position="first")
    fig = go.Figure()
    for column, name_key, color, key in (
        ("resolution_hours", "effort_resolution_chart", UNWANTED, "def_resolution"),
        ("first_reply_hours", "effort_first_reply_chart", WARN, "def_first_reply"),
    ):
        fig.add_bar(
            x=ordered[column], y=ordered["label"], orientation="h", name=t(name_key, lang), marker_color=color,
            customdata=list(zip([_hours(v, lang) for v in ordered[column]],
                                [fmt_num(v, lang) for v in ordered["tickets"]], strict=True)),
            hovertemplate=_hover(["%{y}", "%{customdata[0]}", t("effort_tickets", lang, count="%{customdata[1]}")],
                                 key, lang),
        )
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=t("effort_hours_axis", lang), rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return _layout(fig, t(title_key, lang), lang, height=max(300, 120 + 44 * len(ordered)))


def bounce_by_reason(frame: pd.DataFrame, lang: str) -> go.Figure:
    """Share of each reason's tickets handed to another group, most bouncing on top."""
    ordered = frame.sort_values("handoff_rate", na_position="first")
    fig = go.Figure(go.Bar(
        x=ordered["handoff_rate"] * 100, y=ordered["label"], orientation="h", marker_color=SLATE,
        text=[fmt_pct(v, lang, 0) for v in ordered["handoff_rate"]], textposition="outside", cliponaxis=False,
        customdata=list(zip([fmt_pct(v, lang, 1) for v in ordered["handoff_rate"]],
                            [fmt_num(v, lang, 2) for v in ordered["groups_per_ticket"]],
                            [fmt_num(v, lang) for v in ordered["tickets"]], strict=True)),
        hovertemplate=_hover(["%{y}", _label("effort_col_handoff", lang) + "%{customdata[0]}",
                              _label("effort_col_groups", lang) + "%{customdata[1]}",
                              t("effort_tickets", lang, count="%{customdata[2]}")], "def_bounce", lang),
    ))
    fig.update_xaxes(title=t("effort_col_handoff", lang), ticksuffix=pct_suffix(lang), rangemode="tozero")
    fig.update_yaxes(automargin=True)
    return _layout(fig, t("effort_bounce_chart", lang), lang, height=max(280, 100 + 40 * len(ordered)),
                   legend=False)


def sla_trend(weekly: pd.DataFrame, lang: str) -> go.Figure:
    """Weekly SLA achievement (%), with the targets measured behind it."""
    fig = go.Figure(go.Scatter(
        x=weekly["week"], y=weekly["sla_achievement"] * 100, mode="lines+markers",
        line={"color": GOOD, "width": 3}, name=t("effort_sla_share", lang),
        customdata=list(zip([fmt_pct(v, lang, 1) for v in weekly["sla_achievement"]],
                            [fmt_num(v, lang) for v in weekly["sla_achieved"]],
                            [fmt_num(v, lang) for v in weekly["sla_measured"]], strict=True)),
        hovertemplate=_hover(["%{x}", _label("effort_sla_share", lang) + "%{customdata[0]}",
                              "%{customdata[1]} / %{customdata[2]} " + t("effort_sla_targets", lang).lower()],
                             "def_sla", lang),
    ))
    _date_axis(fig, lang, title=t("effort_week", lang))
    fig.update_yaxes(title="%", range=[0, 105], ticksuffix=pct_suffix(lang))
    return _layout(fig, t("effort_sla_chart", lang), lang, height=340, legend=False)


def abandoned_by_hour(hours: pd.DataFrame, lang: str) -> go.Figure:
    """Abandoned calls per local hour (bars) and their share of the hour's inbound calls (line)."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    custom = list(zip([fmt_num(v, lang) for v in hours["abandoned"]], [fmt_num(v, lang) for v in hours["calls"]],
                      [fmt_pct(v, lang, 1) for v in hours["abandoned_share"]], strict=True))
    hover = _hover(["%{x}h", "%{customdata[0]} / %{customdata[1]} " + t("effort_calls_abandoned", lang).lower(),
                    _label("effort_abandon_share", lang) + "%{customdata[2]}"], "def_abandoned", lang)
    fig.add_bar(x=hours["hour"], y=hours["abandoned"], name=t("effort_calls_abandoned", lang),
                marker_color=UNWANTED, customdata=custom, hovertemplate=hover, secondary_y=False)
    fig.add_scatter(x=hours["hour"], y=hours["abandoned_share"] * 100, name=t("effort_abandon_share", lang),
                    mode="lines+markers", line={"color": SLATE, "width": 2}, customdata=custom,
                    hovertemplate=hover, secondary_y=True)
    fig.update_xaxes(title=t("effort_hour_axis", lang), dtick=2, range=[-0.5, 23.5])
    fig.update_yaxes(title=t("effort_calls_abandoned", lang), rangemode="tozero", secondary_y=False)
    fig.update_yaxes(title="%", ticksuffix=pct_suffix(lang), rangemode="tozero", secondary_y=True)
    return _layout(fig, t("effort_abandon_chart", lang), lang, height=360)
