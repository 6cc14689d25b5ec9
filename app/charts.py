"""Plotly figures for the pages: readable titles, units on the axes, numbers and dates in the page language.

Functions take ready DataFrames (codes already turned into labels by the page) and return a figure; they
never query.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from app.i18n import date_pattern, fmt_num, fmt_signed, plotly_separators, t
from app.palette import GOOD, INK, OTHER, SLATE, UNCLASSIFIED, UNWANTED, VALUE, WARN, reason_color

# Leverage is where value contacts are: blue like them; the three unwanted moves are shades of alarm.
QUADRANT_COLORS = {"eliminate": UNWANTED, "automate": WARN, "simplify": "#6D597A", "leverage": VALUE}
VERDICT_COLORS = {"reduced": GOOD, "no_evidence": SLATE, "increased": UNWANTED}
AGE_COLORS = ["#9CC5A1", "#E9C46A", "#E9A23B", UNWANTED]


def pct_suffix(lang: str) -> str:
    """ "12 %" in French (a space before the sign), "12%" in English."""
    return " %" if lang == "fr" else "%"


def _layout(fig: go.Figure, title: str, lang: str, height: int = 420, legend: bool | str = True) -> go.Figure:
    """Title top left; the legend on one line between the title and the plot (``legend="right"`` for a
    long legend, as a column on the right)."""
    if legend == "right":
        legend_layout = {
            "orientation": "v",
            "yanchor": "top",
            "y": 1,
            "xanchor": "left",
            "x": 1.02,
            "title": None,
            "traceorder": "normal",
        }
    else:
        legend_layout = {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "title": None,
            "traceorder": "normal",
        }
    fig.update_layout(
        title={
            "text": title,
            "x": 0,
            "xanchor": "left",
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 17},
        },
        separators=plotly_separators(lang),
        height=height,
        margin={"l": 10, "r": 10, "t": 84 if legend is True else 56, "b": 10},
        hovermode="closest",
        showlegend=bool(legend),
        legend=legend_layout,
        bargap=0.25,
    )
    return fig


def _date_axis(fig: go.Figure, lang: str, **kwargs) -> None:
    fig.update_xaxes(tickformat=date_pattern(lang), hoverformat=date_pattern(lang), **kwargs)


def weekly_unwanted_value(weekly: pd.DataFrame, lang: str, period_start: dt.date | None = None) -> go.Figure:
    """Stacked weekly bars of unwanted and value contacts; weeks before ``period_start`` (the previous
    period, shown for comparison) are shaded."""
    fig = go.Figure()
    if period_start is not None and (weekly["week_start"] < pd.Timestamp(period_start)).any():
        fig.add_vrect(
            x0=weekly["week_start"].min() - pd.Timedelta(days=3.5),
            x1=pd.Timestamp(period_start) - pd.Timedelta(days=3.5),
            fillcolor=SLATE,
            opacity=0.12,
            line_width=0,
            layer="below",
            annotation_text=t("previous_period", lang),
            annotation_position="top left",
            annotation_font_size=11,
        )
    series = [
        (
            "unwanted_classified" if "unwanted_classified" in weekly else "unwanted",
            "unwanted_contacts",
            UNWANTED,
        ),
        ("value", "value_contacts", VALUE),
    ]
    if (
        "unclassified" in weekly
    ):  # stacked on top: the bar is every contact, and unclassified is no kind of it
        series.append(("unclassified", "unclassified_contacts", UNCLASSIFIED))
    for column, key, color in series:
        fig.add_bar(x=weekly["week_start"], y=weekly[column], name=t(key, lang), marker_color=color)
    fig.update_layout(barmode="stack")
    _date_axis(fig, lang, title=t("week", lang))
    fig.update_yaxes(title=t("contacts", lang), tickformat=",d")
    return _layout(fig, t("overview_trend_title", lang), lang, height=360)


def change_by_reason(changes: pd.DataFrame, lang: str) -> go.Figure:
    """Diverging bars: change in unwanted contacts per reason (``label``, ``change``, ``previous``, ``current``)."""
    ordered = changes.sort_values("change")
    colors = [UNWANTED if c > 0 else GOOD for c in ordered["change"]]
    fig = go.Figure(
        go.Bar(
            x=ordered["change"],
            y=ordered["label"],
            orientation="h",
            marker_color=colors,
            customdata=ordered[["previous", "current"]],
            hovertemplate="%{y}<br>%{customdata[0]:,d} → %{customdata[1]:,d}<br>%{x:+,d}<extra></extra>",
            text=[fmt_signed(c, lang) for c in ordered["change"]],
            textposition="outside",
            cliponaxis=False,
        )
    )
    reach = max(float(ordered["change"].abs().max() or 1), 1) * 1.3
    fig.update_xaxes(
        title=t("change", lang) + " (" + t("unwanted_contacts", lang).lower() + ")",
        zeroline=True,
        range=[-reach if (ordered["change"] < 0).any() else -reach * 0.1, reach],
    )
    fig.update_yaxes(automargin=True)
    return _layout(
        fig, t("changed_most_chart", lang), lang, height=max(260, 60 + 38 * len(ordered)), legend=False
    )


def pareto(breakdown: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of unwanted and value contacts per reason, biggest first, with the cumulative share line.

    ``kind`` tells value reasons from the unclassified ones: contacts no rule classified are neither value
    nor irritant, and are drawn grey.
    """
    ordered = breakdown.sort_values(["contacts", "label"], ascending=[False, True])
    cumulative = ordered["contacts"].cumsum() / max(ordered["contacts"].sum(), 1) * 100
    is_value = ordered["kind"].eq("value")
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(
        x=ordered["label"], y=ordered["unwanted"], name=t("unwanted_contacts", lang), marker_color=UNWANTED
    )
    fig.add_bar(
        x=ordered["label"],
        y=ordered["value"].where(is_value, 0),
        name=t("value_contacts", lang),
        marker_color=VALUE,
    )
    if (~is_value & ordered["value"].gt(0)).any():
        fig.add_bar(
            x=ordered["label"],
            y=ordered["value"].where(~is_value, 0),
            name=t("unclassified_contacts", lang),
            marker_color=UNCLASSIFIED,
        )
    fig.add_scatter(
        x=ordered["label"],
        y=cumulative,
        name=t("cumulative_share", lang),
        mode="lines+markers",
        line={"color": INK, "width": 2},
        hovertemplate="%{y:.0f}" + pct_suffix(lang) + "<extra></extra>",
        secondary_y=True,
    )
    fig.update_layout(barmode="stack")
    fig.update_yaxes(title_text=t("contacts", lang), tickformat=",d", secondary_y=False)
    fig.update_yaxes(
        title_text=t("cumulative_share", lang),
        range=[0, 105],
        tickvals=[0, 20, 40, 60, 80, 100],
        ticksuffix=pct_suffix(lang),
        secondary_y=True,
        showgrid=False,
    )
    fig.update_xaxes(tickangle=-30)
    return _layout(fig, t("pareto_title", lang), lang, height=460)


def drivers_by_department(
    drivers: pd.DataFrame, lang: str, colors: dict[str, str] | None = None, top_reasons: int = 8
) -> go.Figure:
    """Horizontal stacked bars: unwanted contacts per department, split by reason (``department``, ``label``).

    ``colors``: label -> colour (app.palette, the same on every page); the reasons beyond the top ones are grouped
    as "Other", in its own neutral."""
    colors = colors or {}
    totals = drivers.groupby("label")["unwanted"].sum().sort_values(ascending=False)
    keep = set(totals.index[:top_reasons])
    other = t("other_reasons", lang)
    frame = drivers.assign(label=drivers["label"].where(drivers["label"].isin(keep), other))
    frame = frame.groupby(["department", "label"], as_index=False)["unwanted"].sum()
    dept_order = frame.groupby("department")["unwanted"].sum().sort_values().index.tolist()
    reason_order = [r for r in totals.index if r in keep] + ([other] if other in set(frame["label"]) else [])
    fig = go.Figure()
    # Every department × reason cell, 0 when empty: a missing segment is not drawn, and Plotly then stacks
    # the next one from the wrong base, so the bar comes out short.
    cells = frame.pivot_table(
        index="department", columns="label", values="unwanted", aggfunc="sum", fill_value=0
    ).reindex(index=dept_order, columns=reason_order, fill_value=0)
    for reason in reason_order:
        fig.add_bar(
            y=dept_order,
            x=cells[reason].astype(int).tolist(),
            name=reason,
            orientation="h",
            marker_color=OTHER if reason == other else colors.get(reason) or reason_color(reason, {}),
            hovertemplate="%{y} · " + reason.replace("%", "%%") + ": %{x:,d}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("unwanted_contacts", lang), tickformat=",d")
    fig.update_yaxes(automargin=True)
    return _layout(
        fig, t("drivers_title", lang), lang, height=max(440, 100 + 60 * len(dept_order)), legend="right"
    )


def value_irritant_matrix(matrix: pd.DataFrame, lang: str) -> go.Figure:
    """The reasons grouped by recommended move (eliminate, automate, simplify, leverage), sized by contacts."""
    frame = matrix[matrix["contacts"] > 0]
    moves = [q for q in QUADRANT_COLORS if q in set(frame["quadrant"])]
    move_names = {q: t(f"q_{q}", lang) for q in moves}
    ids = [f"q:{q}" for q in moves] + [f"r:{r}" for r in frame["reason_code"]]
    labels = [move_names[q] for q in moves] + frame["label"].tolist()
    parents = [""] * len(moves) + [f"q:{q}" for q in frame["quadrant"]]
    values = [int(frame.loc[frame["quadrant"] == q, "contacts"].sum()) for q in moves] + frame[
        "contacts"
    ].tolist()
    colors = [QUADRANT_COLORS[q] for q in moves] + [QUADRANT_COLORS[q] for q in frame["quadrant"]]
    shares = [""] * len(moves) + [
        f"{t('unwanted_share', lang)}: {fmt_num(v * 100, lang, 0)}{pct_suffix(lang)}"
        for v in frame["unwanted_share"]
    ]
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker={"colors": colors, "line": {"width": 2, "color": "white"}},
            customdata=shares,
            texttemplate="<b>%{label}</b><br>%{value:,d} " + t("contacts", lang).lower(),
            hovertemplate="<b>%{label}</b><br>%{value:,d} "
            + t("contacts", lang).lower()
            + "<br>%{customdata}<extra></extra>",
            tiling={"pad": 3},
            pathbar={"visible": False},
            textfont={"size": 14},
        )
    )
    return _layout(fig, t("matrix_title", lang), lang, height=440, legend=False)


def department_ranking(ranking: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars of unwanted contacts per 1,000 of own volume (``department``, ``unwanted_per_1000``)."""
    ordered = ranking.sort_values("unwanted_per_1000")
    fig = go.Figure(
        go.Bar(
            x=ordered["unwanted_per_1000"],
            y=ordered["department"],
            orientation="h",
            marker_color=UNWANTED,
            text=[fmt_num(v, lang, 1) for v in ordered["unwanted_per_1000"]],
            textposition="outside",
            cliponaxis=False,
            customdata=ordered[["unwanted"]],
            hovertemplate="%{y}<br>%{x:,.1f} / 1000<br>%{customdata[0]:,d} "
            + t("unwanted_contacts", lang).lower()
            + "<extra></extra>",
        )
    )
    top = float(ordered["unwanted_per_1000"].max() or 0)
    fig.update_xaxes(title=t("unwanted_per_1000", lang), range=[0, max(top, 1) * 1.15])
    fig.update_yaxes(automargin=True)
    return _layout(
        fig, t("ranking_title", lang), lang, height=max(260, 100 + 50 * len(ordered)), legend=False
    )


def scorecard_trend(scorecard: pd.DataFrame, lang: str) -> go.Figure:
    """Monthly unwanted share and repeat rate (%), with CSAT (%) when present."""
    fig = go.Figure()
    for column, key, color in (
        ("unwanted_share", "unwanted_share", UNWANTED),
        ("repeat_rate", "repeat_rate", WARN),
        ("csat", "csat", GOOD),
    ):
        if scorecard[column].notna().any():
            fig.add_scatter(
                x=scorecard["month"],
                y=scorecard[column] * 100,
                name=t(key, lang),
                mode="lines+markers",
                line={"color": color, "width": 3},
                hovertemplate="%{y:.1f}" + pct_suffix(lang) + "<extra>" + t(key, lang) + "</extra>",
            )
    fig.update_xaxes(tickformat="%m/%Y" if lang == "fr" else "%Y-%m", dtick="M1", title=t("month", lang))
    fig.update_yaxes(title="%", rangemode="tozero", ticksuffix=pct_suffix(lang))
    return _layout(fig, t("trend_title", lang), lang, height=340)


def recontact_vs_target(
    monthly: pd.DataFrame, lang: str, title_key: str = "recontact_vs_target"
) -> go.Figure:
    """Monthly bars of alerts recontacted in time against the target markers (``month``, ``recontacted``,
    ``target``, ``alerts``)."""
    fig = go.Figure()
    fig.add_bar(x=monthly["month"], y=monthly["alerts"], name=t("alerts", lang), marker_color=OTHER)
    fig.add_bar(
        x=monthly["month"], y=monthly["recontacted"], name=t("alerts_recontacted", lang), marker_color=GOOD
    )
    if monthly["target"].notna().any():
        fig.add_scatter(
            x=monthly["month"],
            y=monthly["target"],
            name=t("target", lang),
            mode="markers+lines",
            line={"color": INK, "dash": "dash", "width": 2},
            marker={"symbol": "line-ew-open", "size": 28},
        )
    fig.update_layout(barmode="overlay")
    fig.update_xaxes(tickformat="%m/%Y" if lang == "fr" else "%Y-%m", dtick="M1", title=t("month", lang))
    fig.update_yaxes(title=t("alerts", lang), tickformat=",d", rangemode="tozero")
    return _layout(fig, t(title_key, lang), lang, height=340)


def incident_excess(impact: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of excess contacts per incident (``name``), coloured by whether customers were told first."""
    ordered = impact.sort_values("excess_contacts")
    fig = go.Figure()
    for proactive, name, color in (
        (True, t("proactive_yes", lang), GOOD),
        (False, t("proactive_no", lang), UNWANTED),
    ):
        part = ordered[ordered["proactive"].fillna(False).astype(bool) == proactive]
        if part.empty:
            continue
        fig.add_bar(
            x=part["excess_contacts"],
            y=part["name"],
            orientation="h",
            name=name,
            marker_color=color,
            customdata=part[["excess_cost_text"]],
            text=part["excess_cost_text"],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{y}<br>%{x:,.0f}<br>%{customdata[0]}<extra></extra>",
        )
    top = float(ordered["excess_contacts"].max() or 0)
    fig.update_xaxes(title=t("excess_contacts", lang), range=[min(0, top), max(top, 1) * 1.3])
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=ordered["name"].tolist())
    return _layout(fig, t("excess_by_incident", lang), lang, height=max(230, 140 + 45 * len(ordered)))


def incident_timeline(
    daily: pd.DataFrame,
    incidents: pd.DataFrame,
    candidates: pd.DataFrame,
    lang: str,
    reason_colors: dict[str, str] | None = None,
) -> go.Figure:
    """Daily contacts per reason (``label``) with registered incidents shaded and spikes marked; ``reason_colors``
    label -> colour (app.palette)."""
    fig = go.Figure()
    colors: dict[str, str] = {}
    for label, part in daily.groupby("label", sort=False):
        colors[label] = (reason_colors or {}).get(label) or reason_color(label, {})
        fig.add_scatter(
            x=part["contact_date"],
            y=part["contacts"],
            name=label,
            mode="lines",
            line={"color": colors[label], "width": 2},
            hovertemplate="%{x}<br>" + label.replace("%", "%%") + ": %{y:,d}<extra></extra>",
        )
    for row in incidents.itertuples(index=False):
        if pd.isna(row.period_start) or pd.isna(row.period_end):
            continue
        fig.add_vrect(
            x0=pd.Timestamp(row.period_start) - pd.Timedelta(hours=12),
            x1=pd.Timestamp(row.period_end) + pd.Timedelta(hours=12),
            fillcolor=colors.get(row.label, UNWANTED),
            opacity=0.12,
            line_width=0,
            annotation_text=row.name,
            annotation_position="top left",
            annotation_font_size=11,
        )
    for matched, name, symbol, color in (
        (False, t("unregistered_spike", lang), "x", UNWANTED),
        (True, t("matched_spike", lang), "circle-open", INK),
    ):
        part = candidates[candidates["matched_incident_id"].notna() == matched]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["contact_date"],
            y=part["observed"],
            name=name,
            mode="markers",
            marker={"symbol": symbol, "size": 13, "color": color, "line": {"width": 2, "color": color}},
            customdata=part[["label", "expected", "score"]],
            hovertemplate="%{x}<br>%{customdata[0]}<br>%{y:,d} vs %{customdata[1]:,.0f}"
            "<br>score %{customdata[2]:.1f}<extra></extra>",
        )
    _date_axis(fig, lang, title=t("day", lang))
    fig.update_yaxes(title=t("contacts", lang) + " / " + t("day", lang).lower(), rangemode="tozero")
    fig.update_layout(hovermode="x unified")
    return _layout(fig, t("timeline_title", lang), lang, height=460)


def action_forest(effects: pd.DataFrame, lang: str) -> go.Figure:
    """Rate ratio per action (``name``) with its 95% interval, log scale, line at 1 (no change)."""
    ordered = effects.iloc[::-1]
    fig = go.Figure()
    for verdict, color in VERDICT_COLORS.items():
        part = ordered[ordered["verdict"] == verdict]
        if part.empty:
            continue
        fig.add_scatter(
            x=part["rate_ratio"],
            y=part["name"],
            mode="markers",
            name=t(f"verdict_{verdict}", lang),
            marker={"size": 13, "color": color},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": part["ci_high"] - part["rate_ratio"],
                "arrayminus": part["rate_ratio"] - part["ci_low"],
                "color": color,
                "thickness": 2,
                "width": 6,
            },
            customdata=part[["ci_low", "ci_high"]],
            hovertemplate="%{y}<br>%{x:.2f} [%{customdata[0]:.2f} – %{customdata[1]:.2f}]<extra></extra>",
        )
    fig.add_vline(x=1, line_dash="dash", line_color=INK)
    fig.update_xaxes(type="log", title=t("rate_ratio", lang))
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=ordered["name"].tolist())
    return _layout(fig, t("forest_title", lang), lang, height=max(260, 110 + 50 * len(ordered)))


def action_before_after(effects: pd.DataFrame, lang: str) -> go.Figure:
    """Dumbbells: contact rate before → after per action (``name``)."""
    ordered = effects.iloc[::-1]
    fig = go.Figure()
    for row in ordered.itertuples(index=False):
        fig.add_scatter(
            x=[row.rate_before, row.rate_after],
            y=[row.name, row.name],
            mode="lines",
            line={"color": VERDICT_COLORS.get(row.verdict, SLATE), "width": 4},
            showlegend=False,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=ordered["rate_before"],
        y=ordered["name"],
        mode="markers",
        name=t("before", lang),
        marker={"size": 12, "color": SLATE},
        hovertemplate="%{y}<br>%{x:.3g}<extra></extra>",
    )
    fig.add_scatter(
        x=ordered["rate_after"],
        y=ordered["name"],
        mode="markers",
        name=t("after", lang),
        marker={"size": 12, "color": INK},
        hovertemplate="%{y}<br>%{x:.3g}<extra></extra>",
    )
    fig.update_xaxes(title=t("rate", lang), rangemode="tozero")
    fig.update_yaxes(automargin=True, categoryorder="array", categoryarray=ordered["name"].tolist())
    return _layout(fig, t("before_after_title", lang), lang, height=max(260, 110 + 50 * len(ordered)))


def action_series(weekly: pd.DataFrame, implemented_on: dt.date, reason: str, lang: str) -> go.Figure:
    before = weekly[weekly["week_start"] < pd.Timestamp(implemented_on)]
    after = weekly[weekly["week_start"] >= pd.Timestamp(implemented_on)]
    fig = go.Figure()
    fig.add_bar(x=before["week_start"], y=before["contacts"], name=t("before", lang), marker_color=OTHER)
    fig.add_bar(x=after["week_start"], y=after["contacts"], name=t("after", lang), marker_color=SLATE)
    fig.add_vline(
        x=pd.Timestamp(implemented_on).timestamp() * 1000,
        line_dash="dash",
        line_color=INK,
        annotation_text=t("implemented_on", lang),
        annotation_position="top",
    )
    _date_axis(fig, lang, title=t("week", lang))
    fig.update_yaxes(title=t("contacts", lang) + " / " + t("week", lang).lower(), tickformat=",d")
    return _layout(fig, t("action_series_title", lang, reason=reason), lang, height=340)


def open_alerts_by_age(counts: pd.DataFrame, lang: str) -> go.Figure:
    """Bars of open alerts per age bucket (``bucket`` labels in order, ``alerts``)."""
    fig = go.Figure(
        go.Bar(
            x=counts["bucket"],
            y=counts["alerts"],
            marker_color=AGE_COLORS[: len(counts)],
            text=[fmt_num(v, lang) for v in counts["alerts"]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y:,d}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t("age", lang))
    fig.update_yaxes(title=t("open_alerts", lang), tickformat=",d", rangemode="tozero")
    return _layout(fig, t("open_by_age", lang), lang, height=340, legend=False)


def open_alerts_by_manager(by_manager: pd.DataFrame, buckets: list[str], lang: str) -> go.Figure:
    """Horizontal stacked bars of open alerts per manager, split by age bucket."""
    order = by_manager.groupby("manager")["alerts"].sum().sort_values().index.tolist()
    # Every manager × age cell, 0 when empty (see drivers_by_department: a missing segment shortens the bar).
    cells = by_manager.pivot_table(
        index="manager", columns="bucket", values="alerts", aggfunc="sum", fill_value=0
    ).reindex(index=order, columns=buckets, fill_value=0)
    fig = go.Figure()
    for bucket, color in zip(buckets, AGE_COLORS):
        fig.add_bar(
            y=order,
            x=cells[bucket].astype(int).tolist(),
            name=bucket,
            orientation="h",
            marker_color=color,
            hovertemplate="%{y} · " + bucket + ": %{x:,d}<extra></extra>",
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=t("open_alerts", lang), tickformat=",d")
    fig.update_yaxes(automargin=True)
    return _layout(fig, t("open_by_manager", lang), lang, height=max(300, 120 + 45 * len(order)))
