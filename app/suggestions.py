"""The Why page's section "what the unclassified contacts are about": the unclassified share per week and the
recurring topics of marts.reason_suggestions, each with masked examples and its ready-to-paste reasons.csv line."""

from __future__ import annotations

import streamlit as st

from app import charts, data, ui

POPULATIONS = ("none", "keywords")
DETAILED = 3  # topics shown with their examples and paste line
SIDE_TABLE_PX = 540  # the topics table sits in the right 3/5 of the page (about 554 px at 1,440 px)


def section(ctx: ui.PageContext, flt: data.ContactFilter) -> None:
    st.subheader(ctx.t("suggest_title"))
    weekly = data.contact_kpis_weekly(flt)
    left, right = st.columns([2, 3], gap="large")
    with left:
        if weekly.empty:
            ui.empty(ctx.t("no_data"))
        else:
            ui.show_chart(charts.unclassified_share(weekly, ctx.lang), key="why_unclassified_share")
    with right:
        population = st.radio(
            ctx.t("suggest_population"), POPULATIONS, format_func=lambda p: ctx.t(f"suggest_pop_{p}"),
            horizontal=True, key="why_suggest_population",
        )
        topics = data.reason_suggestions(population)
        if topics.empty:
            ui.empty(ctx.t("suggest_none"))
            return
        first = topics.iloc[0]
        st.caption(ctx.t("suggest_caption", sampling=first["sampling"], total=ctx.num(first["population_contacts"]),
                         recent_from=ctx.date(first["recent_from"])))
        topics["trend"] = topics["recent_contacts"] / topics["earlier_contacts"].where(topics["earlier_contacts"] > 0)
        topics["nearest"] = topics["nearest_reason_code"].map(lambda c: ctx.labels.reason(c) if c else "")
        ui.table(
            topics,
            ctx.lang,
            {
                "rank": ("rank", "int"),
                "phrase": ("suggest_phrase", "text"),
                "language": ("suggest_language", "text"),
                "estimated_contacts": ("suggest_estimated", "int"),
                "share": ("suggest_share", "pct"),
                "trend": ("suggest_trend", "float2"),
                "nearest": ("suggest_nearest", "text"),
            },
            key=f"why_suggestions_{population}",
            width_budget=SIDE_TABLE_PX,
        )
    for _, topic in topics.head(DETAILED).iterrows():
        with st.expander(f"{int(topic['rank'])}. {topic['phrase']} · ~{ctx.num(topic['estimated_contacts'])}"):
            st.markdown(f"**{ctx.t('suggest_examples')}**")
            for column in ("example_1", "example_2", "example_3"):
                if isinstance(topic[column], str) and topic[column]:
                    st.markdown(f"- {topic[column]}")
            reason = ctx.labels.reason(topic["nearest_reason_code"]) if topic["nearest_reason_code"] else None
            st.markdown(ctx.t("suggest_paste", reason=reason or ctx.t("suggest_new_reason")))
            st.code(topic["paste_line"], language="text")
