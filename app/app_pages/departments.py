"""Departments: who causes unwanted contacts relative to their own volume, their scorecard, their reasons."""

import pandas as pd
import streamlit as st

from app import charts, data, filters, period, ui
from app.i18n import fmt_change_pct, fmt_change_points, fmt_month, fmt_signed


def _as_scorecard(window: dict) -> dict:
    """data.department_window's figures under the scorecard's column names."""
    names = {"unwanted": "unwanted_contacts"}
    return {names.get(k, k): v for k, v in window.items()}


ctx = ui.context()
ui.header(ctx, "page_departments", "dept_caption")
ui.scope(ctx, "scope_departments")

ranking = data.department_ranking(ctx.contacts())
if ranking.empty:
    ui.empty(ctx.t("no_data"))
    st.stop()
ranking["department"] = ranking["department_id"].map(ctx.labels.department)
ranking["measure"] = ranking["department_id"].map(ctx.labels.volume_measure)
ranked = ranking[ranking["unwanted_per_1000"].notna()]
unranked = ranking[ranking["unwanted_per_1000"].isna()]

left, right = st.columns(2, gap="large")
with left:
    if ranked.empty:
        ui.empty(ctx.t("no_volume_note", names=", ".join(unranked["department"])))
    else:
        ui.show_chart(charts.department_ranking(ranked, ctx.lang))
with right:
    ui.table(
        ranking,
        ctx.lang,
        {
            "department": ("department", "text"),
            "unwanted_per_1000": ("unwanted_per_1000", "float1"),
            "unwanted": ("unwanted_contacts", "int"),
            "volume": ("volume", "int"),
            "measure": ("volume_measure", "text"),
            "contacts_per_1000": ("contacts_per_1000", "float1"),
        },
        key="dept_ranking",
    )
    if not unranked.empty and not ranked.empty:
        st.caption(ctx.t("no_volume_note", names=", ".join(unranked["department"])))

st.divider()
st.subheader(ctx.t("scorecard_title"))
ui.scope(ctx, "scope_scorecard")
department = filters.pick_one(
    st, "department", ctx.t("pick_department"), ranking["department_id"].tolist(), ctx.labels.department
)
scorecard = data.department_scorecard(department)
scorecard = scorecard[scorecard["month"] <= pd.Timestamp(ctx.end)].tail(12).reset_index(drop=True)
if scorecard.empty:
    ui.empty(ctx.t("no_data"))
    st.stop()

latest = scorecard.iloc[-1]
previous = (
    scorecard.iloc[-2] if len(scorecard) > 1 else pd.Series(None, index=scorecard.columns, dtype=object)
)
manager = ctx.labels.manager(department)
mtd = period.month_to_date(pd.Timestamp(latest["month"]).date(), ctx.end, *ctx.bounds)
monthly_target = None if pd.isna(latest["target_alerts_recontacted"]) else latest["target_alerts_recontacted"]
if mtd.partial:
    # A month in progress against the same days of the month before, never against a whole month.
    latest = pd.Series(
        {**latest.to_dict(), **_as_scorecard(data.department_window(department, mtd.start, mtd.end))}
    )
    latest["target_alerts_recontacted"] = mtd.prorate(monthly_target)
    has_previous = mtd.previous_start >= ctx.bounds[0]
    previous = pd.Series(
        _as_scorecard(data.department_window(department, mtd.previous_start, mtd.previous_end))
        if has_previous
        else {},
        index=scorecard.columns,
        dtype=object,
    )
    caption = ctx.t(
        "scorecard_mtd",
        start=ctx.date(mtd.start),
        end=ctx.date(mtd.end),
        days=mtd.days,
        month_days=mtd.month_days,
        pstart=ctx.date(mtd.previous_start),
        pend=ctx.date(mtd.previous_end),
    )
else:
    caption = ctx.t("scorecard_month", month=fmt_month(latest["month"], ctx.lang))
    if not pd.isna(previous["month"]) and pd.Timestamp(previous["month"]).date() < ctx.bounds[0]:
        # the month before is only partly in the data: no comparison rather than a false rise
        previous = pd.Series(None, index=scorecard.columns, dtype=object)
st.caption(caption + (f" · {manager}" if manager else ""))


def _trend(column, scale=1.0):
    return (scorecard[column] * scale).round(2).dropna().tolist()


cols = st.columns(4)
ui.kpi(
    cols[0],
    ctx.t("contacts_per_1000"),
    ctx.num(latest["contacts_per_1000"], 1),
    fmt_change_pct(latest["contacts_per_1000"], previous["contacts_per_1000"], ctx.lang),
    delta_color="inverse",
    help=ctx.t("per_1000_help", measure=ctx.labels.volume_measure(department) or ctx.t("volume").lower()),
    trend=_trend("contacts_per_1000"),
)
ui.kpi(
    cols[1],
    ctx.t("unwanted_share"),
    ctx.pct(latest["unwanted_share"]),
    fmt_change_points(latest["unwanted_share"], previous["unwanted_share"], ctx.lang),
    delta_color="inverse",
    trend=_trend("unwanted_share", 100),
)
ui.kpi(
    cols[2],
    ctx.t("repeat_rate"),
    ctx.pct(latest["repeat_rate"]),
    fmt_change_points(latest["repeat_rate"], previous["repeat_rate"], ctx.lang),
    delta_color="inverse",
    trend=_trend("repeat_rate", 100),
)
target = latest["target_alerts_recontacted"]
has_target = not pd.isna(target)
ui.kpi(
    cols[3],
    ctx.t("alerts_recontacted"),
    ctx.num(latest["alerts_recontacted"]) + (f" / {ctx.num(target)}" if has_target else ""),
    fmt_signed(latest["alerts_recontacted"] - target, ctx.lang)
    + " vs "
    + ctx.t("target_prorated" if mtd.partial else "target").lower()
    if has_target
    else None,
    help=ctx.t(
        "target_prorated_help",
        target=ctx.num(monthly_target),
        days=mtd.days,
        month_days=mtd.month_days,
    )
    if mtd.partial and has_target
    else None,
    trend=_trend("alerts_recontacted"),
)
cols = st.columns(4)
ui.kpi(
    cols[0],
    ctx.t("csat"),
    ctx.pct(latest["csat"]),
    fmt_change_points(latest["csat"], previous["csat"], ctx.lang),
    trend=_trend("csat", 100),
)
ui.kpi(
    cols[1],
    ctx.t("nps"),
    ctx.num(latest["nps"]),
    fmt_change_points(latest["nps"], previous["nps"], ctx.lang, scale=1, decimals=0),
    trend=_trend("nps"),
)
ui.kpi(
    cols[2],
    ctx.t("ces"),
    ctx.num(latest["ces"], 2),
    fmt_change_points(latest["ces"], previous["ces"], ctx.lang, scale=1, decimals=2),
    trend=_trend("ces"),
)
ui.kpi(
    cols[3],
    ctx.t("contacts"),
    ctx.num(latest["contacts"]),
    fmt_change_pct(latest["contacts"], previous["contacts"], ctx.lang),
    delta_color="off",
    trend=_trend("contacts"),
)

left, right = st.columns(2, gap="large")
with left:
    ui.show_chart(charts.scorecard_trend(scorecard, ctx.lang))
with right:
    monthly = scorecard.rename(
        columns={"alerts_recontacted": "recontacted", "target_alerts_recontacted": "target"}
    )
    monthly["target"] = ui.prorated_targets(monthly, ctx)
    ui.show_chart(charts.recontact_vs_target(monthly, ctx.lang))
    st.caption(ctx.t("target_chart_note"))

st.subheader(ctx.t("owned_reasons"))
owned = data.department_reasons(department)
if owned.empty:
    ui.empty(ctx.t("no_data"))
else:
    owned["label"] = owned["reason_code"].map(ctx.labels.reason)
    owned["kind_name"] = owned["kind"].map(ctx.labels.kind_name)
    ui.table(
        owned,
        ctx.lang,
        {
            "rank": ("rank", "int"),
            "label": ("reason", "text"),
            "kind_name": ("kind", "text"),
            "contacts": ("contacts", "int"),
            "unwanted_contacts": ("unwanted_contacts", "int"),
            "share_of_unwanted": ("share_of_unwanted", "pct"),
            "cost": ("cost", "money"),
            "repeat_rate": ("repeat_rate", "pct"),
            "csat": ("csat", "pct"),
        },
        key="dept_reasons",
    )
