"""Departments: who causes unwanted contacts relative to their own volume, their scorecard, their reasons."""

import pandas as pd
import streamlit as st

from app import charts, data, filters, ui
from app.i18n import fmt_change_pct, fmt_change_points, fmt_month, fmt_signed

ctx = ui.context()
ui.header(ctx, "page_departments", "dept_caption")
st.caption(f"{ctx.date(ctx.start)} → {ctx.date(ctx.end)} · " + ctx.t("mart_note"))

ranking = data.department_ranking(ctx.start, ctx.end)
if ranking.empty:
    ui.empty(ctx.t("no_data"))
    st.stop()
ranking["department"] = ranking["department_id"].map(ctx.labels.department)
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
            "contacts_per_1000": ("contacts_per_1000", "float1"),
        },
        key="dept_ranking",
    )
    if not unranked.empty and not ranked.empty:
        st.caption(ctx.t("no_volume_note", names=", ".join(unranked["department"])))

st.divider()
st.subheader(ctx.t("scorecard_title"))
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
st.caption(
    ctx.t("scorecard_month", month=fmt_month(latest["month"], ctx.lang))
    + (f" · {manager}" if manager else "")
)
brief = data.department_brief(department, pd.Timestamp(latest["month"]).date(), ctx.lang)
if brief:
    st.download_button(
        ctx.t("brief_button"),
        brief.encode("utf-8"),
        file_name=f"brief_{department}_{pd.Timestamp(latest['month']):%Y-%m}_{ctx.lang}.html",
        mime="text/html",
        key="department_brief",
        icon=":material/description:",
    )


def _trend(column, scale=1.0):
    return (scorecard[column] * scale).round(2).dropna().tolist()


cols = st.columns(4)
ui.kpi(
    cols[0],
    ctx.t("contacts_per_1000"),
    ctx.num(latest["contacts_per_1000"], 1),
    fmt_change_pct(latest["contacts_per_1000"], previous["contacts_per_1000"], ctx.lang),
    delta_color="inverse",
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
    fmt_signed(latest["alerts_recontacted"] - target, ctx.lang) + " vs " + ctx.t("target").lower()
    if has_target
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
    ui.show_chart(charts.recontact_vs_target(monthly, ctx.lang))

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
