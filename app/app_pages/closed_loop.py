"""Closed loop: are dissatisfied customers called back within 48 h? Open alerts by age and manager."""

import streamlit as st

from app import charts, data, ui
from app.i18n import fmt_datetime

AGE_KEYS = ("age_lt24", "age_24_48", "age_2_7d", "age_gt7d")

ctx = ui.context()
ui.header(ctx, "page_closed_loop", "loop_caption")

as_of = data.activity_as_of()
summary = data.alert_summary(ctx.start, ctx.end, ctx.include_suspects)
open_alerts = data.open_alerts(as_of, ctx.include_suspects) if as_of else None
ui.scope(ctx, "scope_loop")
if as_of:
    st.caption(ctx.t("as_of", when=fmt_datetime(as_of, ctx.lang)) + " · " + ctx.t("mart_note"))

alerts = summary.get("alerts") or 0
cols = st.columns(4)
ui.kpi(cols[0], ctx.t("open_alerts"), ctx.num(0 if open_alerts is None else len(open_alerts)))
ui.kpi(
    cols[1],
    ctx.t("recontacted_in_time"),
    ctx.pct(summary.get("in_time", 0) / alerts if alerts else None),
    f"{ctx.num(summary.get('in_time'))} / {ctx.num(alerts)}" if alerts else None,
    arrow=False,
    help=ctx.t("recontacted_in_time_help"),
)
median = summary.get("median_hours")
ui.kpi(cols[2], ctx.t("median_recontact"), ctx.t("hours_unit", value=ctx.num(median, 1)) if median else "–")
ui.kpi(cols[3], ctx.t("recontacted_late"), ctx.num(summary.get("late")))

if open_alerts is None or open_alerts.empty:
    ui.empty(ctx.t("no_open_alert"))
else:
    buckets = [ctx.t(k) for k in AGE_KEYS]
    open_alerts["bucket"] = open_alerts["age_bucket"].map(dict(enumerate(buckets)))
    open_alerts["manager"] = open_alerts["manager"].fillna(ctx.t("unknown_manager"))
    by_age = open_alerts.groupby("age_bucket").size().reindex(range(len(buckets)), fill_value=0)
    left, right = st.columns(2, gap="large")
    with left:
        ui.show_chart(
            charts.open_alerts_by_age(by_age.rename("alerts").to_frame().assign(bucket=buckets), ctx.lang)
        )
    with right:
        by_manager = (
            open_alerts.groupby(["manager", "bucket"], as_index=False)
            .size()
            .rename(columns={"size": "alerts"})
        )
        ui.show_chart(charts.open_alerts_by_manager(by_manager, buckets, ctx.lang))

monthly = data.monthly_recontact(ctx.start, ctx.end)
if monthly.empty:
    ui.empty(ctx.t("no_alert"))
else:
    monthly["target"] = ui.prorated_targets(monthly, ctx)
    ui.show_chart(charts.recontact_vs_target(monthly, ctx.lang, title_key="monthly_recontact"))
    st.caption(ctx.t("target_chart_note"))

if open_alerts is not None and not open_alerts.empty:
    st.subheader(ctx.t("open_alert_list"))
    open_alerts["department"] = open_alerts["department_id"].map(ctx.labels.department)
    ui.table(
        open_alerts.sort_values("age_hours", ascending=False),
        ctx.lang,
        {
            "alert_id": ("alert_id", "text"),
            "created_at": ("created_at", "datetime"),
            "age_hours": ("age_hours", "int"),
            "bucket": ("age", "text"),
            "department": ("department", "text"),
            "manager": ("manager", "text"),
            "customer_key": ("customer", "text"),
        },
        key="open_alert_table",
    )
