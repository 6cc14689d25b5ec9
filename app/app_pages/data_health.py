"""Data health: what was loaded, what was rejected, which quality checks passed."""

import streamlit as st

from app import data, ui
from app.i18n import fmt_datetime

ctx = ui.context()
ui.header(ctx, "page_health", "health_caption")
ui.scope(ctx, "scope_health")

stamp = data.warehouse_stamp()
if stamp:
    st.markdown(
        ctx.t(
            "file_info",
            path=stamp[0],
            size=ctx.num(stamp[2] / 1e6, 1) + " MB",
            when=fmt_datetime(data.published_at(), ctx.lang),
        )
    )
gaps = data.contract_gaps()
if gaps:
    st.error(ctx.t("contract_missing", items=", ".join(f"`{g}`" for g in gaps)), icon=":material/error:")
else:
    st.success(ctx.t("contract_ok"), icon=":material/check_circle:")

st.subheader(ctx.t("classification_title"))
st.caption(ctx.t("classification_caption"))
methods = data.classification_shares(ctx.start, ctx.end)
if methods.empty:
    ui.empty(ctx.t("no_loads"))
else:
    cols = st.columns(len(methods))
    for col, row in zip(cols, methods.itertuples(), strict=True):
        ui.kpi(col, ctx.labels.code("reason_method", row.reason_method), ctx.pct(row.share))

st.subheader(ctx.t("load_audit_title"))
loads = data.load_summary()
loads["source"] = loads["source"].map(lambda s: ctx.labels.code("source", s))
if loads.empty:
    ui.empty(ctx.t("no_loads"))
else:
    cols = st.columns(4)
    ui.kpi(cols[0], ctx.t("files"), ctx.num(loads["files"].sum()))
    ui.kpi(cols[1], ctx.t("rows_read"), ctx.num(loads["rows_read"].sum()))
    ui.kpi(cols[2], ctx.t("rows_loaded"), ctx.num(loads["rows_loaded"].sum()))
    ui.kpi(cols[3], ctx.t("rows_rejected"), ctx.num(loads["rows_rejected"].sum()))
    ui.table(
        loads,
        ctx.lang,
        {
            "source": ("source", "text"),
            "files": ("files", "int"),
            "rows_read": ("rows_read", "int"),
            "rows_loaded": ("rows_loaded", "int"),
            "rows_rejected": ("rows_rejected", "int"),
            "loaded_at": ("loaded_at", "datetime"),
        },
        key="load_summary",
    )
    with st.expander(ctx.t("load_files_title")):
        ui.table(
            data.load_files(),
            ctx.lang,
            {
                "loaded_at": ("loaded_at", "datetime"),
                "source": ("source", "text"),
                "file": ("file", "text"),
                "status": ("status", "text"),
                "rows_read": ("rows_read", "int"),
                "rows_loaded": ("rows_loaded", "int"),
                "rows_rejected": ("rows_rejected", "int"),
            },
            key="load_files",
        )

st.subheader(ctx.t("rejects_title"))
rejects = data.rejects_by_reason()
if rejects.empty:
    ui.empty(ctx.t("no_rejects"))
else:
    ui.table(
        rejects,
        ctx.lang,
        {
            "source": ("source", "text"),
            "reason": ("reason", "text"),
            "rows": ("rows", "int"),
            "files": ("files", "int"),
        },
        key="rejects_by_reason",
    )
    with st.expander(ctx.t("rejects_sample_title")):
        ui.table(
            data.rejects_sample(),
            ctx.lang,
            {
                "source": ("source", "text"),
                "file": ("file", "text"),
                "line": ("line", "int"),
                "reason": ("reason", "text"),
                "raw": ("raw", "text"),
            },
            key="rejects_sample",
        )

st.subheader(ctx.t("quality_title"))
quality = data.quality_results()
if quality is None:
    ui.empty(ctx.t("no_quality_table"))
elif quality.empty:
    ui.empty(ctx.t("no_data"))
else:
    quality["severity"] = quality["severity"].map(lambda s: ctx.labels.code("severity", s))
    latest_run = quality["run"].iloc[0]  # data.quality_results puts the latest run first
    latest = quality[quality["run"] == latest_run]
    passed = latest["passed"].fillna(False).astype(bool)
    cols = st.columns(2)
    ui.kpi(cols[0], ctx.t("checks_passed"), ctx.num(passed.sum()))
    ui.kpi(cols[1], ctx.t("checks_failed"), ctx.num((~passed).sum()))
    st.caption(
        ctx.t("quality_latest", run=latest_run, passed=ctx.num(passed.sum()), failed=ctx.num((~passed).sum()))
    )
    ui.table(
        quality,
        ctx.lang,
        {
            "run": ("run", "text"),
            "check": ("check", "text"),
            "asset": ("asset", "text"),
            "severity": ("severity", "text"),
            "passed": ("passed", "bool"),
            "failing_rows": ("failing_rows", "int"),
            "details": ("details", "text"),
        },
        key="quality_table",
    )
