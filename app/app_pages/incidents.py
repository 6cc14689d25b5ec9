"""Incidents: which incidents produced how many extra contacts, what they cost, and spikes nobody registered."""

import streamlit as st

from app import charts, data, filters, names, ui

ctx = ui.context()
ui.header(ctx, "page_incidents", "incidents_caption")
ui.scope(ctx, "scope_incidents")

impact = data.incidents(ctx.start, ctx.end)
candidates = data.incident_candidates(ctx.start, ctx.end)
if impact.empty:
    ui.empty(ctx.t("no_incident"))
else:
    impact["label"] = impact["reason_code"].map(ctx.labels.reason)
    impact["department"] = impact["department_id"].map(ctx.labels.department)
    impact["name"] = [
        f"{i} · {names.bilingual(title, ctx.lang)}" if isinstance(title, str) and title else f"{i} · {label}"
        for i, title, label in zip(impact["incident_id"], impact["title"], impact["label"])
    ]
    impact["excess_cost_text"] = impact["excess_cost"].map(ctx.money)
    proactive = impact["proactive"].fillna(False).astype(bool)

    told, not_told = impact.loc[proactive, "excess_contacts"], impact.loc[~proactive, "excess_contacts"]
    cols = st.columns(3)
    ui.kpi(cols[0], ctx.t("incidents_count"), ctx.num(len(impact)))
    ui.kpi(
        cols[1], ctx.t("excess_contacts"), ctx.num(impact["excess_contacts"].sum()), help=ctx.t("excess_help")
    )
    ui.kpi(cols[2], ctx.t("excess_cost"), ctx.money(impact["excess_cost"].sum()), help=ctx.t("excess_help"))
    if len(told) and len(not_told):
        st.markdown(ctx.t("proactive_compare", told=ctx.num(told.mean()), not_told=ctx.num(not_told.mean())))

    ui.show_chart(charts.incident_excess(impact, ctx.lang))
    impact["period"] = [
        f"{ctx.date(a)} → {ctx.date(b)}" for a, b in zip(impact["period_start"], impact["period_end"])
    ]
    impact["proactive_text"] = proactive.map({True: ctx.t("yes"), False: ctx.t("no")})
    ui.table(
        impact,
        ctx.lang,
        {
            "name": ("incident", "text"),
            "department": ("department", "text"),
            "label": ("reason", "text"),
            "period": ("period", "text"),
            "linked_contacts": ("linked_contacts", "int"),
            "baseline_contacts": ("baseline_contacts", "int"),
            "excess_contacts": ("excess_contacts", "int"),
            "excess_cost": ("excess_cost", "money"),
            "proactive_text": ("proactive", "text"),
            "contacts_per_hour_peak": ("peak_per_hour", "int"),
        },
        key="incident_table",
    )

st.divider()
candidates["label"] = candidates["reason_code"].map(ctx.labels.reason)
default_reasons = list(dict.fromkeys([*impact.get("reason_code", []), *candidates["reason_code"]]))
options = data.filter_options()["reason"]
chosen = filters.multiselect(
    st,
    "reason",
    ctx.t("timeline_reasons"),
    options,
    ctx.labels.reason,
    placeholder=ctx.t("timeline_placeholder"),
)
reasons = chosen or default_reasons
if not reasons:
    ui.empty(ctx.t("no_incident"))
else:
    daily = data.daily_contacts_by_reason(ctx.contacts(reasons=tuple(reasons)))
    if daily.empty:
        ui.empty(ctx.t("no_data"))
    else:
        daily["label"] = daily["reason_code"].map(ctx.labels.reason)
        shown_impact = impact[impact["reason_code"].isin(reasons)] if not impact.empty else impact
        shown_candidates = candidates[candidates["reason_code"].isin(reasons)]
        colors = ctx.labels.colors_by_label(daily["reason_code"].unique())
        ui.show_chart(charts.incident_timeline(daily, shown_impact, shown_candidates, ctx.lang, colors))
        st.caption(ui.suspects_note(ctx))

st.subheader(ctx.t("unregistered_spikes"))
st.caption(ctx.t("unregistered_caption"))
ui.explain(ctx, "excess_help", "proactive_help", "score_help")
spikes = candidates[candidates["matched_incident_id"].isna()]
if spikes.empty:
    ui.empty(ctx.t("no_spike"))
else:
    ui.table(
        spikes.sort_values("score", ascending=False),
        ctx.lang,
        {
            "contact_date": ("date", "date"),
            "label": ("reason", "text"),
            "observed": ("observed", "int"),
            "expected": ("expected", "float1"),
            "score": ("score", "float1"),
        },
        key="spike_table",
    )
