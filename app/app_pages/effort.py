"""How hard is it to get an answer? Speed and effort of tickets and calls, in business hours, per reason and
department; the reasons bouncing between groups; SLA achievement per week; calls abandoned by hour of day."""

import streamlit as st

from app import charts_effort, data_effort, ui

ctx = ui.context()
ui.header(ctx, "page_effort", "effort_caption")
period = (ctx.start, ctx.end, ctx.include_suspects)

EFFORT_COLUMNS = {
    "label": ("effort_col_reason", "text"),
    "tickets": ("effort_col_tickets", "int"),
    "first_reply_hours": ("effort_col_first_reply", "float1"),
    "resolution_hours": ("effort_col_resolution", "float1"),
    "resolution_p90_hours": ("effort_col_resolution_p90", "float1"),
    "replies_per_ticket": ("effort_col_replies", "float2"),
    "reopen_rate": ("effort_col_reopen", "pct"),
    "handoff_rate": ("effort_col_handoff", "pct"),
    "one_touch_rate": ("effort_col_one_touch", "pct"),
    "sla_achievement": ("effort_sla", "pct"),
}


def hours(value) -> str:
    return ctx.t("effort_business_hours", value=ctx.num(value, 1)) if value is not None else "–"


if not data_effort.has_lifecycle():
    ui.empty(ctx.t("effort_no_history"))
else:
    ui.scope(ctx, "effort_scope")
    totals = data_effort.effort_totals(*period)
    if not totals.get("tickets"):
        ui.empty(ctx.t("no_data"))
    else:
        sla = totals["sla_achieved"] / totals["sla_measured"] if totals.get("sla_measured") else None
        tickets = ctx.t("effort_tickets", count=ctx.num(totals["tickets"]))
        tiles = st.columns(5)
        ui.kpi(tiles[0], ctx.t("effort_first_reply"), hours(totals["first_reply_hours"]), tickets,
               help=ctx.t("def_first_reply"), arrow=False)
        ui.kpi(tiles[1], ctx.t("effort_resolution"), hours(totals["resolution_hours"]),
               help=ctx.t("def_resolution"))
        ui.kpi(tiles[2], ctx.t("effort_reopen_rate"), ctx.pct(totals["reopen_rate"]), help=ctx.t("def_reopen_rate"))
        ui.kpi(tiles[3], ctx.t("effort_handoff_rate"), ctx.pct(totals["handoff_rate"]),
               help=ctx.t("def_handoff_rate"))
        ui.kpi(tiles[4], ctx.t("effort_sla"), ctx.pct(sla), help=ctx.t("def_sla"))

        st.subheader(ctx.t("effort_by_reason"))
        by_reason = data_effort.effort_by("reason", *period)
        by_reason["label"] = by_reason["code"].map(ctx.labels.reason)
        ui.show_chart(charts_effort.waits_by_group(by_reason, ctx.lang, "effort_waits_reason_chart"), key="effort_reasons")
        ui.table(by_reason, ctx.lang, EFFORT_COLUMNS, key="effort_reason_table")

        st.subheader(ctx.t("effort_bounce_title"))
        bouncing = by_reason[by_reason["handoff_rate"] > 0].nlargest(10, ["handoff_rate", "tickets"])
        if bouncing.empty:
            ui.empty(ctx.t("no_data"))
        else:
            ui.show_chart(charts_effort.bounce_by_reason(bouncing, ctx.lang), key="effort_bounce")

        st.subheader(ctx.t("effort_by_department"))
        by_department = data_effort.effort_by("department", *period)
        by_department["label"] = by_department["code"].map(ctx.labels.department)
        ui.show_chart(charts_effort.waits_by_group(by_department, ctx.lang, "effort_waits_department_chart"),
                      key="effort_departments")
        ui.table(by_department, ctx.lang, {**EFFORT_COLUMNS, "label": ("effort_col_department", "text")},
                 key="effort_department_table")

        st.subheader(ctx.t("effort_sla_title"))
        weekly = data_effort.sla_weekly(*period)
        weekly = weekly[weekly["sla_measured"] > 0]
        if weekly.empty:
            ui.empty(ctx.t("no_data"))
        else:
            ui.show_chart(charts_effort.sla_trend(weekly, ctx.lang), key="effort_sla")

st.subheader(ctx.t("effort_abandon_title"))
calls = data_effort.calls_by_hour(*period) if data_effort.has_call_outcomes() else None
if calls is None or not calls["calls"].sum():
    ui.empty(ctx.t("effort_no_calls"))
else:
    share = calls["abandoned"].sum() / calls["calls"].sum()
    ui.kpi(st, ctx.t("effort_abandoned"), ctx.pct(share),
           ctx.t("effort_calls", count=ctx.num(calls["calls"].sum())), help=ctx.t("def_abandoned"), arrow=False)
    ui.show_chart(charts_effort.abandoned_by_hour(calls, ctx.lang), key="effort_abandon")

ui.explain(ctx, "def_first_reply", "def_resolution", "def_replies", "def_reopen_rate", "def_handoff_rate",
           "def_one_touch", "def_sla", "def_abandoned")
