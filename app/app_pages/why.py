"""Why do customers contact us? Reasons unwanted vs value, who causes them, what to do, what customers say."""

import streamlit as st

from app import charts, data, filters, ui

ctx = ui.context()
ui.header(ctx, "page_why", "why_caption")

options = data.filter_options()
channels = filters.multiselect(
    st, "channel", ctx.t("channels"), options["channel"], format_func=ctx.labels.channel
)
st.caption(
    f"{ctx.date(ctx.start)} → {ctx.date(ctx.end)} · " + ctx.t("contacts") + " · " + ui.suspects_note(ctx)
)

flt = ctx.contacts(channels=tuple(channels))
breakdown = data.reason_breakdown(flt)
if breakdown.empty:
    ui.empty(ctx.t("no_data"))
    st.stop()
breakdown["label"] = breakdown["reason_code"].map(ctx.labels.reason)
breakdown["kind"] = breakdown["reason_code"].map(ctx.labels.kinds)

ui.show_chart(charts.pareto(breakdown, ctx.lang))

left, right = st.columns(2, gap="large")
with left:
    drivers = data.unwanted_by_department_reason(flt)
    if drivers.empty:
        ui.empty(ctx.t("no_data"))
    else:
        drivers["label"] = drivers["reason_code"].map(ctx.labels.reason)
        drivers["department"] = drivers["department_id"].map(ctx.labels.department)
        colors = ctx.labels.colors_by_label(drivers["reason_code"].unique())
        ui.show_chart(charts.drivers_by_department(drivers, ctx.lang, colors))
with right:
    matrix = data.value_irritant_quadrants(breakdown, ctx.labels.kinds, ctx.labels.owners)
    if matrix.empty:
        ui.empty(ctx.t("no_data"))
    else:
        ui.show_chart(charts.value_irritant_matrix(matrix, ctx.lang))
st.caption(ctx.t("matrix_caption"))
ui.explain(ctx, "unwanted_help", "cost_help")

if not matrix.empty:
    matrix["move"] = matrix["quadrant"].map(lambda q: ctx.t(f"q_{q}"))
    matrix["department"] = (
        matrix["reason_code"]
        .map(ctx.labels.owners)
        .fillna(matrix["department_id"])
        .map(ctx.labels.department)
    )
    ui.table(
        matrix.sort_values(["unwanted", "contacts"], ascending=False),
        ctx.lang,
        {
            "label": ("reason", "text"),
            "move": ("quadrant", "text"),
            "department": ("department", "text"),
            "contacts": ("contacts", "int"),
            "unwanted": ("unwanted_contacts", "int"),
            "unwanted_cost": ("unwanted_cost", "money"),
            "avg_handle_min": ("avg_handle_min", "float1"),
            "repeat_rate": ("repeat_rate", "pct"),
        },
        key="why_matrix",
    )

st.subheader(ctx.t("drill_title"))
by_unwanted = breakdown.sort_values(["unwanted", "contacts"], ascending=False)["reason_code"].tolist()
reason = filters.pick_one(st, "reason", ctx.t("drill_reason"), by_unwanted, format_func=ctx.labels.reason)
texts = data.contact_texts(flt, reason) if reason else None
if texts is None:
    ui.empty(ctx.t("no_text_column"))
elif texts.empty:
    ui.empty(ctx.t("no_text_for_reason"))
else:
    st.caption(ctx.t("drill_caption", n=data.TEXT_SAMPLE_ROWS))
    ui.table(
        texts,
        ctx.lang,
        {
            "started_at": ("started_at", "datetime"),
            "channel": ("channel", "text"),
            "subject": ("subject", "text"),
            "text_excerpt": ("text", "text"),
            "text": ("text", "text"),
            "contact_id": ("contact_id", "text"),
        },
        key="why_texts",
    )
