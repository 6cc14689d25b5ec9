"""Closed loop: are dissatisfied customers called back within 48 h? Per manager (``?manager=`` in the URL, so a
link can be sent to each one): alerts received, notified, recontacted in time against the monthly target, open
now by age, outcomes; and the open alerts as a list to act on, expired ones apart."""

import urllib.parse

import streamlit as st

from app import charts, data, ui
from app.i18n import DEFAULT_LANG, fmt_datetime

AGE_KEYS = ("age_lt24", "age_24_48", "age_2_7d", "age_gt7d")
MANAGER_PARAM = "manager"
KNOWN_OUTCOMES = ("resolved", "not_reached", "compensated")
TICKET_LINK_TEXT = r"/tickets/(\d+)$"

ctx = ui.context()
ui.header(ctx, "page_closed_loop", "loop_caption")

# --- manager filter, kept in the URL --------------------------------------------------------------------
managers = data.alert_managers()
everyone = ctx.t("all_managers")
wanted = st.query_params.get(MANAGER_PARAM)
choice = st.selectbox(
    ctx.t("manager"),
    [everyone, *managers],
    index=1 + managers.index(wanted) if wanted in managers else 0,
    key="w_loop_manager",
    help=ctx.t("manager_filter_help"),
)
manager = None if choice == everyone else choice
if manager:
    st.query_params[MANAGER_PARAM] = manager
elif MANAGER_PARAM in st.query_params:
    del st.query_params[MANAGER_PARAM]

as_of = data.activity_as_of()
summary = data.alert_summary(ctx.start, ctx.end, ctx.include_suspects, manager)
open_alerts = data.open_alerts(as_of, ctx.include_suspects, manager) if as_of else None
expire_days = data.alert_expire_days()
ui.scope(ctx, "scope_loop")
if as_of:
    st.caption(ctx.t("as_of", when=fmt_datetime(as_of, ctx.lang)) + " · " + ctx.t("mart_note"))

alerts = summary.get("alerts") or 0
expired_count = 0 if open_alerts is None else int(open_alerts["expired"].sum())
cols = st.columns(4)
ui.kpi(
    cols[0],
    ctx.t("open_alerts"),
    ctx.num(0 if open_alerts is None else len(open_alerts)),
    ctx.t("of_which_expired", n=ctx.num(expired_count)) if expired_count else None,
    arrow=False,
    help=ctx.t("open_alerts_help", days=ctx.num(expire_days)),
)
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

# --- per manager ----------------------------------------------------------------------------------------
per_manager = data.manager_loop(ctx.start, ctx.end, ctx.include_suspects, as_of) if as_of else None
if per_manager is not None and not per_manager.empty:
    if manager:
        per_manager = per_manager[per_manager["manager"] == manager]
    per_manager = per_manager.assign(
        manager=per_manager["manager"].fillna(ctx.t("unknown_manager")),
        in_time_share=per_manager["in_time"] / per_manager["received"].where(per_manager["received"] > 0),
        link=[
            "?" + urllib.parse.urlencode({MANAGER_PARAM: m, **({"lang": ctx.lang} if ctx.lang != DEFAULT_LANG else {})})
            if isinstance(m, str) else None
            for m in per_manager["manager"]
        ],
    )
    st.subheader(ctx.t("per_manager"))
    ui.table(
        per_manager,
        ctx.lang,
        {
            "manager": ("manager", "text"),
            "received": ("alerts_received", "int"),
            "notified": ("alerts_notified", "int"),
            "in_time": ("recontacted_in_time", "int"),
            "in_time_share": ("in_time_share", "pct"),
            "late": ("recontacted_late", "int"),
            "open_now": ("open_in_time_to_act", "int"),
            "expired": ("expired_open", "int"),
            "link": ("manager_link", "text"),
        },
        key="manager_loop_table",
        links={"link": ctx.t("manager_link_text")},
    )
    st.caption(ctx.t("per_manager_note", days=ctx.num(expire_days)))

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

monthly = data.monthly_recontact(ctx.start, ctx.end, manager)
if monthly.empty:
    ui.empty(ctx.t("no_alert"))
else:
    monthly["target"] = ui.prorated_targets(monthly, ctx)
    ui.show_chart(charts.recontact_vs_target(monthly, ctx.lang, title_key="monthly_recontact"))
    st.caption(ctx.t("target_chart_note"))

# --- outcomes -------------------------------------------------------------------------------------------
outcomes = data.alert_outcomes(ctx.start, ctx.end, ctx.include_suspects, manager)
if not outcomes.empty:
    st.subheader(ctx.t("callback_outcomes"))
    outcomes["label"] = [
        ctx.t("outcome_unknown") if not isinstance(o, str) else ctx.t(f"outcome_{o}") if o in KNOWN_OUTCOMES else o
        for o in outcomes["outcome"]
    ]
    ui.table(outcomes, ctx.lang, {"label": ("outcome", "text"), "alerts": ("alerts", "int")}, key="outcome_table")

# --- the list to act on, expired alerts apart -----------------------------------------------------------
if open_alerts is not None and not open_alerts.empty:
    agent_base = data.zendesk_agent_base()
    sources = [data.source_ticket(c, agent_base) for c in open_alerts.get("contact_id", [None] * len(open_alerts))]
    open_alerts["source"] = [link or ref for ref, link in sources]
    open_alerts["department"] = open_alerts["department_id"].map(ctx.labels.department)
    columns = {
        "source": ("source_ticket", "text"),
        "created_at": ("created_at", "datetime"),
        "hours_left": ("hours_left", "int"),
        "age_hours": ("age_hours", "int"),
        "comment": ("comment", "text"),
        "department": ("department", "text"),
        "manager": ("manager", "text"),
        "notified_at": ("notified_at", "datetime"),
    }
    links = {"source": TICKET_LINK_TEXT} if agent_base else None
    actionable = open_alerts[~open_alerts["expired"]]
    expired = open_alerts[open_alerts["expired"]]
    st.subheader(ctx.t("open_alert_list"))
    st.caption(ctx.t("open_alert_list_note"))
    if actionable.empty:
        ui.empty(ctx.t("no_actionable_alert", days=ctx.num(expire_days)))
    else:
        # still in time first (fewest hours left), then overdue (least overdue first)
        order = actionable.assign(_overdue=actionable["hours_left"] < 0, _key=actionable["hours_left"].abs())
        ui.table(order.sort_values(["_overdue", "_key"]), ctx.lang, columns, key="open_alert_table", links=links)
    if not expired.empty:
        with st.expander(ctx.t("expired_alerts", n=ctx.num(len(expired)), days=ctx.num(expire_days))):
            ui.table(
                expired.sort_values("created_at", ascending=False),
                ctx.lang,
                columns,
                key="expired_alert_table",
                links=links,
            )
