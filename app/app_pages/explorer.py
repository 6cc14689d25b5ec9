"""Contact explorer: the contacts behind any number, filtered, shown and downloadable."""

import streamlit as st

from app import data, filters, ui

ctx = ui.context()
ui.header(ctx, "page_explorer", "explorer_caption")

options = data.filter_options()
c1, c2, c3 = st.columns(3)
channels = filters.multiselect(
    c1, "channel", ctx.t("channels"), options["channel"], format_func=ctx.labels.channel
)
reasons = filters.multiselect(c2, "reason", ctx.t("reasons"), options["reason"], ctx.labels.reason)
departments = filters.multiselect(
    c3, "department", ctx.t("departments"), options["department"], ctx.labels.department
)
c4, c5, c6 = st.columns(3)
incident_names = {"any": ctx.t("any"), "with": ctx.t("with_incident"), "without": ctx.t("without_incident")}
incident = filters.choice(
    c4,
    "incident",
    ctx.t("incident_filter"),
    [*data.INCIDENT_MODES, *options["incident"]],
    lambda v: incident_names.get(v, v),
    default="any",
)
yes_no = {"any": ctx.t("any"), "yes": ctx.t("yes"), "no": ctx.t("no")}
repeat = filters.choice(c5, "repeat", ctx.t("repeat_filter"), data.YES_NO_ANY, yes_no.get, default="any")
suspect = filters.choice(
    c6,
    "suspect",
    ctx.t("suspect_filter"),
    data.YES_NO_ANY,
    yes_no.get,
    default="any" if ctx.include_suspects else "no",
)

flt = ctx.contacts(channels=tuple(channels), reasons=tuple(reasons), departments=tuple(departments))
total = data.explore_count(flt, incident, repeat, suspect)
st.caption(f"{ctx.date(ctx.start)} → {ctx.date(ctx.end)}")
st.metric(ctx.t("matching"), ctx.num(total))
if total == 0:
    ui.empty(ctx.t("no_data"))
    st.stop()

rows = data.explore_contacts(flt, incident, repeat, suspect, limit=data.EXPLORER_MAX_ROWS)
if total > len(rows):
    st.warning(ctx.t("capped", shown=ctx.num(len(rows)), total=ctx.num(total)), icon=":material/filter_alt:")
rows["reason"] = rows["reason_code"].map(ctx.labels.reason)
rows["department"] = rows["department_id"].map(ctx.labels.department)
rows["handle_min"] = rows["handle_seconds"] / 60
shown = rows.assign(
    channel=rows["channel"].map(ctx.labels.channel),
    reason_method=rows["reason_method"].map(lambda m: ctx.labels.code("reason_method", m)),
)
columns = {
    "started_at": ("started_at", "datetime"),
    "contact_id": ("contact_id", "text"),
    "channel": ("channel", "text"),
    "reason": ("reason", "text"),
    "department": ("department", "text"),
    "incident_id": ("incident", "text"),
    "is_unwanted": ("unwanted", "bool"),
    "is_repeat": ("repeat", "bool"),
    "is_suspect": ("suspect", "bool"),
    "suspect_reason": ("suspect_reason", "text"),
    "handle_min": ("handle_min", "float1"),
    "cost": ("cost", "money"),
    "transfers": ("transfers", "int"),
    "reopens": ("reopens", "int"),
    "reason_method": ("reason_method", "text"),
    "subject": ("subject", "text"),
    "text_excerpt": ("text", "text"),
    "text": ("text", "text"),
}
ui.table(shown, ctx.lang, columns, height=520, key="explorer_table")
st.download_button(
    ctx.t("download_csv"),
    data=rows.drop(columns=["handle_min"]).to_csv(index=False).encode("utf-8"),
    file_name=f"whycall_contacts_{ctx.start.isoformat()}_{ctx.end.isoformat()}.csv",
    mime="text/csv",
    icon=":material/download:",
    on_click="ignore",
)
