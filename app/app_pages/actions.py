"""Actions: did the improvement actions work? Before/after with interval, verdict and contacts avoided."""

import datetime as dt

import pandas as pd
import streamlit as st

from app import charts, data, ui

ctx = ui.context()
ui.header(ctx, "page_actions", "actions_caption")
ui.scope(ctx, "scope_actions")

effects = data.action_effects()
if effects.empty:
    ui.empty(ctx.t("no_action"))
    st.stop()
effects["label"] = effects["reason_code"].map(ctx.labels.reason)
effects["department"] = effects["department_id"].map(ctx.labels.department)
effects["name"] = [
    f"{a} · {d}" if isinstance(d, str) and d else f"{a} · {r}"
    for a, d, r in zip(effects["action_id"], effects["description"], effects["label"])
]
effects["verdict_text"] = effects["verdict"].map(
    lambda v: ctx.t(f"verdict_{v}") if isinstance(v, str) else ""
)
effects["interval"] = [
    f"{ctx.num(lo, 2)} – {ctx.num(hi, 2)}" for lo, hi in zip(effects["ci_low"], effects["ci_high"])
]
reduced = effects[effects["verdict"] == "reduced"]

cols = st.columns(3)
ui.kpi(cols[0], ctx.t("actions_count"), ctx.num(len(effects)))
ui.kpi(cols[1], ctx.t("actions_reduced"), f"{ctx.num(len(reduced))} / {ctx.num(len(effects))}")
ui.kpi(
    cols[2],
    ctx.t("contacts_avoided"),
    ctx.num(reduced["contacts_avoided"].sum()),
    help=ctx.t("contacts_avoided_help"),
)

ui.explain(ctx, "interval_help")
# The rate's unit: per 1,000 units of the department's volume ("invoices sent"), or per week without volumes.
effects["rate_unit"] = [
    ctx.t("rate_unit_week")
    if basis == "week"
    else (ctx.t("rate_unit", measure=m) if m else ctx.t("rate_unit_generic"))
    for m, basis in zip(effects["department_id"].map(ctx.labels.volume_measure), effects["exposure_basis"])
]

left, right = st.columns(2, gap="large")
with left:
    ui.show_chart(charts.action_forest(effects, ctx.lang))
with right:
    ui.show_chart(charts.action_before_after(effects, ctx.lang))

ui.table(
    effects,
    ctx.lang,
    {
        "action_id": ("action", "text"),
        "description": ("description", "text"),
        "label": ("reason", "text"),
        "department": ("department", "text"),
        "implemented_on": ("implemented_on", "date"),
        "rate_unit": ("unit", "text"),
        "rate_before": ("before", "float3"),
        "rate_after": ("after", "float3"),
        "rate_ratio": ("ratio", "float2"),
        "interval": ("interval", "text"),
        "verdict_text": ("verdict", "text"),
        "contacts_avoided": ("contacts_avoided", "int"),
    },
    key="action_table",
)

dated = effects[effects["implemented_on"].notna()]
if not dated.empty:
    action_id = st.selectbox(
        ctx.t("action"),
        dated["action_id"].tolist(),
        format_func=lambda a: dated.set_index("action_id").at[a, "name"],
        key="action_pick",
    )
    row = dated.set_index("action_id").loc[action_id]
    implemented = pd.Timestamp(row["implemented_on"]).date()
    weeks_before = int(row["weeks_before"] or 8)
    weeks_after = int(row["weeks_after"] or 8)
    weekly = data.weekly_contacts_of_reason(
        row["reason_code"],
        implemented - dt.timedelta(weeks=weeks_before),
        implemented + dt.timedelta(weeks=weeks_after),
    )
    if weekly.empty:
        ui.empty(ctx.t("no_data"))
    else:
        ui.show_chart(charts.action_series(weekly, implemented, row["label"], ctx.lang))
