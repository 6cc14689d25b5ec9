"""What to fix first: the ten fixes worth most (cost per year + satisfaction penalty), their owner and move."""

import streamlit as st

from app import charts, data, priority_view, ui

TOP = 10

ctx = ui.context()
ranked = data.fix_priorities()
if ranked.empty:
    ui.header(ctx, "page_priorities")
    ui.empty(ctx.t("priorities_none"))
    st.stop()

first = ranked.iloc[0]
ui.header(
    ctx,
    "page_priorities",
    "priorities_caption",
    start=ctx.date(first["window_start"]),
    end=ctx.date(first["window_end"]),
    days=ctx.num(first["window_days"]),
)
st.caption(ctx.t("mart_note"))

ranked["label"] = ranked["reason_code"].map(ctx.labels.reason)
ranked["owner"] = ranked["department_id"].map(ctx.labels.department)
ranked["move"] = ranked["recommended_move"].map(lambda q: ctx.t(f"q_{q}") if isinstance(q, str) else "")
ranked["trend"] = [
    priority_view.trend_text(r, lo, hi, ctx.lang)
    for r, lo, hi in zip(ranked["trend_ratio"], ranked["trend_ci_low"], ranked["trend_ci_high"])
]
ranked["nps_gap_text"] = [
    priority_view.interval_text(v, lo, hi, ctx.lang)
    for v, lo, hi in zip(ranked["nps_gap"], ranked["nps_gap_low"], ranked["nps_gap_high"])
]
ranked["nps_impact_text"] = [
    priority_view.interval_text(v, lo, hi, ctx.lang)
    for v, lo, hi in zip(ranked["nps_impact"], ranked["nps_impact_low"], ranked["nps_impact_high"])
]
ranked["action"] = [
    priority_view.action_status(h, a, v, ctx.lang)
    for h, a, v in zip(ranked["has_action"], ranked["latest_action_id"], ranked["latest_action_verdict"])
]
ranked["contacts_link"] = [
    priority_view.explorer_link(code, start, end, ctx.lang)
    for code, start, end in zip(ranked["reason_code"], ranked["window_start"], ranked["window_end"])
]
ranked["department_link"] = [priority_view.department_link(d, ctx.lang) for d in ranked["department_id"]]
top = ranked.head(TOP)

total_cost = ranked["cost_per_year"].sum()
cols = st.columns(4)
ui.kpi(cols[0], ctx.t("priorities_top_cost"), ctx.money(top["cost_per_year"].sum()),
       help=ctx.t("priorities_top_cost_help"))  # fmt: skip
ui.kpi(cols[1], ctx.t("priorities_share_of_cost"),
       ctx.pct(top["cost_per_year"].sum() / total_cost if total_cost else None))  # fmt: skip
ui.kpi(cols[2], ctx.t("priorities_with_penalty"),
       f"{ctx.num((top['nps_impact_low'] > 0).sum())} / {ctx.num(len(top))}", arrow=False)  # fmt: skip
ui.kpi(cols[3], ctx.t("priorities_with_action"),
       f"{ctx.num(top['has_action'].fillna(False).astype(bool).sum())} / {ctx.num(len(top))}", arrow=False)  # fmt: skip

ui.show_chart(charts.fix_priorities_costs(top, ctx.lang))

columns = {
    "rank": ("priority_rank", "int"),
    "label": ("reason", "text"),
    "owner": ("owner", "text"),
    "manager": ("manager", "text"),
    "move": ("quadrant", "text"),
    "cost_per_year": ("cost_per_year", "money"),
    "unwanted_contacts_per_month": ("unwanted_per_month", "float1"),
    "repeat_contacts": ("repeats_caused", "int"),
    "customers_affected": ("customers_affected", "int"),
    "trend": ("trend_8w", "text"),
    "nps_gap_text": ("nps_gap", "text"),
    "nps_impact_text": ("nps_impact", "text"),
    "action": ("action_status", "text"),
    "priority_score": ("priority_score", "float3"),
    "contacts_link": ("open_contacts", "text"),
    "department_link": ("open_department", "text"),
}
links = {
    "contacts_link": st.column_config.LinkColumn(display_text=ctx.t("link_contacts")),
    "department_link": st.column_config.LinkColumn(display_text=ctx.t("link_department")),
}
ui.table(top, ctx.lang, columns, key="priorities_top", column_config=links)

with st.expander(ctx.t("priorities_method_title")):
    st.markdown(ctx.t("priorities_method"))

export = ranked.drop(columns=["contacts_link", "department_link", "trend", "nps_gap_text", "nps_impact_text"])
st.download_button(
    ctx.t("priorities_download"),
    export.to_csv(index=False).encode("utf-8"),
    file_name="fix_priorities.csv",
    mime="text/csv",
    key="priorities_download",
)
