"""Overview: the morning read — volume, waste and feedback against the previous period; what moved this week."""

import datetime as dt

import streamlit as st

from app import charts, data, ui
from app.i18n import fmt_change_pct, fmt_change_points, fmt_signed


def _share(part, whole):
    return part / whole if part is not None and whole else None


ctx = ui.context()
ui.header(ctx, "page_overview")
if ctx.bounds is None:
    ui.empty(ctx.t("no_data"))
    st.stop()

days = (ctx.end - ctx.start).days + 1
prev_end = ctx.start - dt.timedelta(days=1)
prev_start = prev_end - dt.timedelta(days=days - 1)
# Compare only with a previous period the data fully covers; a half-empty one would show false rises.
comparable = prev_start >= ctx.bounds[0]
st.caption(
    ctx.t(
        "vs_previous",
        start=ctx.date(ctx.start),
        end=ctx.date(ctx.end),
        days=ctx.num(days),
        pstart=ctx.date(prev_start),
        pend=ctx.date(prev_end),
    )
    + " "
    + ui.suspects_note(ctx)
    + ("" if comparable else " " + ctx.t("no_previous_period"))
)

flt = ctx.contacts()
now = data.contact_kpis(flt)
before = data.contact_kpis(flt.with_(start=prev_start, end=prev_end)) if comparable else {}
weekly = data.contact_kpis_weekly(flt.with_(start=max(prev_start, ctx.bounds[0])))
if not now.get("contacts"):
    ui.empty(ctx.t("no_data"))
    st.stop()

# Unwanted share over classified contacts: a contact no rule classified is neither wanted nor unwanted, so it
# is left out of both sides and shown as its own share.
share_now, share_before = (
    _share(now["unwanted_classified"], now["classified"]),
    _share(before.get("unwanted_classified"), before.get("classified")),
)
unclassified_now, unclassified_before = (
    _share(now["contacts"] - now["classified"], now["contacts"]),
    _share(before["contacts"] - before["classified"], before["contacts"]) if before.get("contacts") else None,
)
repeat_now, repeat_before = (
    _share(now["repeats"], now["contacts"]),
    _share(before.get("repeats"), before.get("contacts")),
)

st.subheader(ctx.t("volume_section"))
c1, c2, c2b, c3, c4 = st.columns(5)
ui.kpi(
    c1,
    ctx.t("contacts"),
    ctx.num(now["contacts"]),
    fmt_change_pct(now["contacts"], before.get("contacts"), ctx.lang),
    delta_color="inverse",
    trend=weekly["contacts"].tolist(),
)
ui.kpi(
    c2,
    ctx.t("unwanted_share"),
    ctx.pct(share_now),
    fmt_change_points(share_now, share_before, ctx.lang),
    delta_color="inverse",
    help=ctx.t("unwanted_help"),
    trend=(weekly["unwanted_classified"] / weekly["classified"] * 100).round(1).dropna().tolist(),
)
ui.kpi(
    c2b,
    ctx.t("unclassified_share"),
    ctx.pct(unclassified_now),
    fmt_change_points(unclassified_now, unclassified_before, ctx.lang),
    delta_color="inverse",
    help=ctx.t("unclassified_help"),
    trend=(weekly["unclassified"] / weekly["contacts"] * 100).round(1).tolist(),
)
ui.kpi(
    c3,
    ctx.t("unwanted_cost"),
    ctx.money(now["unwanted_cost"]),
    fmt_change_pct(now["unwanted_cost"], before.get("unwanted_cost"), ctx.lang),
    delta_color="inverse",
    help=ctx.t("cost_help"),
    trend=weekly["unwanted_cost"].round(0).tolist(),
)
ui.kpi(
    c4,
    ctx.t("repeat_rate"),
    ctx.pct(repeat_now),
    fmt_change_points(repeat_now, repeat_before, ctx.lang),
    delta_color="inverse",
    trend=(weekly["repeats"] / weekly["contacts"] * 100).round(1).tolist(),
)

survey_now = data.survey_kpis(ctx.start, ctx.end, ctx.include_suspects)
survey_before = data.survey_kpis(prev_start, prev_end, ctx.include_suspects) if comparable else {}
survey_weekly = data.survey_kpis_weekly(max(prev_start, ctx.bounds[0]), ctx.end, ctx.include_suspects)
st.subheader(ctx.t("survey_section"))
s1, s2, s3, s4 = st.columns(4)
ui.kpi(
    s1,
    ctx.t("csat"),
    ctx.pct(survey_now.get("csat")),
    fmt_change_points(survey_now.get("csat"), survey_before.get("csat"), ctx.lang),
    help=ctx.t("csat_help"),
    trend=(survey_weekly["csat"] * 100).round(1).dropna().tolist(),
)
ui.kpi(
    s2,
    ctx.t("nps"),
    ctx.num(survey_now.get("nps")),
    fmt_change_points(survey_now.get("nps"), survey_before.get("nps"), ctx.lang, scale=1, decimals=0),
    help=ctx.t("nps_help"),
    trend=survey_weekly["nps"].round(1).dropna().tolist(),
)
ui.kpi(
    s3,
    ctx.t("ces"),
    ctx.num(survey_now.get("ces"), 2),
    fmt_change_points(survey_now.get("ces"), survey_before.get("ces"), ctx.lang, scale=1, decimals=2),
    help=ctx.t("ces_help"),
    trend=survey_weekly["ces"].round(2).dropna().tolist(),
)
ui.kpi(
    s4,
    ctx.t("responses"),
    ctx.num(survey_now.get("responses")),
    fmt_change_pct(survey_now.get("responses"), survey_before.get("responses"), ctx.lang),
    delta_color="off",
    trend=survey_weekly["responses"].tolist(),
)

left, right = st.columns([3, 2], gap="large")
with left:
    ui.show_chart(charts.weekly_unwanted_value(weekly, ctx.lang, period_start=ctx.start))
with right:
    st.subheader(ctx.t("changed_most"))
    week_start = ctx.end - dt.timedelta(days=6)
    st.caption(ctx.t("changed_most_caption", start=ctx.date(week_start), end=ctx.date(ctx.end)))
    changes = data.top_changes(flt)
    if changes.empty:
        ui.empty(ctx.t("no_change"))
    else:
        changes["label"] = changes["reason_code"].map(ctx.labels.reason)
        for key, row in (
            ("biggest_rise", changes.loc[changes["change"].idxmax()]),
            ("biggest_fall", changes.loc[changes["change"].idxmin()]),
        ):
            if (row["change"] > 0) == (key == "biggest_rise"):
                st.markdown(
                    ctx.t(
                        key,
                        reason=row["label"],
                        delta=fmt_signed(row["change"], ctx.lang),
                        before=ctx.num(row["previous"]),
                        after=ctx.num(row["current"]),
                    )
                )
        ui.show_chart(charts.change_by_reason(changes, ctx.lang))
