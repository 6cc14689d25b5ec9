"""whycall dashboards: why customers contact us, which department causes it, and whether fixes work.

Run with ``whycall app`` or ``streamlit run app/streamlit_app.py``; the warehouse comes from
``WHYCALL_WAREHOUSE`` (default ``data/warehouse/whycall.duckdb``). This script only sets up the shell:
language, period and suspect switch in the sidebar, then ``st.navigation`` over ``app_pages/``.
"""

from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run app/streamlit_app.py` puts app/ on sys.path, not the project root that holds the package.
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import streamlit as st

from app import data, filters, run_status
from app.i18n import fmt_date, fmt_datetime, t

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"

# (file, title key, icon, url path, navigation section)
PAGES = (
    ("overview.py", "page_overview", ":material/dashboard:", "overview", "nav_section_questions"),
    ("why.py", "page_why", ":material/help:", "why", "nav_section_questions"),
    ("departments.py", "page_departments", ":material/apartment:", "departments", "nav_section_questions"),
    ("incidents.py", "page_incidents", ":material/bolt:", "incidents", "nav_section_questions"),
    ("actions.py", "page_actions", ":material/task_alt:", "actions", "nav_section_questions"),
    (
        "closed_loop.py",
        "page_closed_loop",
        ":material/phone_callback:",
        "closed-loop",
        "nav_section_questions",
    ),
    ("explorer.py", "page_explorer", ":material/manage_search:", "explorer", "nav_section_detail"),
    ("data_health.py", "page_health", ":material/health_and_safety:", "data-health", "nav_section_detail"),
)


def _navigation(lang: str):  # -> StreamlitPage
    sections: dict[str, list] = {}
    for file, title_key, icon, url_path, section_key in PAGES:
        page = st.Page(
            PAGES_DIR / file,
            title=t(title_key, lang),
            icon=icon,
            url_path=url_path,
            default=url_path == "overview",
        )
        sections.setdefault(t(section_key, lang), []).append(page)
    return st.navigation(sections)


def _sidebar(lang: str) -> None:
    bounds = data.date_bounds()
    filters.period_input(st.sidebar, lang, bounds)
    filters.suspects_toggle(st.sidebar, lang)
    published = data.published_at()
    lines = []
    if bounds:
        lines.append(t("data_as_of", lang, date=fmt_date(bounds[1], lang)))
    if published:
        lines.append(t("published_at", lang, when=fmt_datetime(published, lang)))
    st.sidebar.caption(" · ".join(lines))


def _local(moment):
    """An aware timestamp (UTC in the log) in the server's local time, as the publish time is shown."""
    return moment.astimezone().replace(tzinfo=None)


def _stale_banner(lang: str) -> None:
    """On every page: the latest run failed, so what the page shows is older than it looks."""
    stale = run_status.latest_stale_data(data.warehouse_path())
    if stale is None:
        return
    published = data.published_at()
    text = t(
        "stale_banner",
        lang,
        failed_at=fmt_datetime(_local(stale.failed_at), lang),
        error=stale.error,
        published=fmt_datetime(published, lang),
        since=fmt_datetime(_local(stale.failing_since), lang),
        runs=stale.failed_runs,
        log=stale.log,
    )
    if stale.failed_checks:
        text += "\n\n" + t("stale_checks", lang) + "\n" + "\n".join(f"- {c}" for c in stale.failed_checks[:5])
    st.error(text, icon=":material/sync_problem:")


def _no_warehouse(lang: str) -> None:
    st.title(t("no_warehouse_title", lang))
    st.info(t("no_warehouse_body", lang, path=data.warehouse_path().absolute()), icon=":material/database:")


def _unreadable(lang: str, error: Exception) -> None:
    st.title(t("warehouse_error_title", lang))
    st.warning(
        t("warehouse_error_body", lang, path=data.warehouse_path().absolute(), error=error),
        icon=":material/warning:",
    )


def main() -> None:
    # An emoji favicon is drawn locally; a :material/ one would be fetched from fonts.gstatic.com.
    st.set_page_config(page_title="whycall", page_icon="📞", layout="wide")
    filters.current()
    st.sidebar.markdown(f"### {t('app_title', filters.current().lang)}")
    lang = filters.language_switch(st.sidebar)
    page = _navigation(lang)
    try:
        if not data.warehouse_exists():
            raise data.WarehouseMissing(str(data.warehouse_path()))
        _sidebar(lang)
        filters.sync_url()
        _stale_banner(lang)
        page.run()
    except data.WarehouseMissing:
        filters.sync_url()
        _no_warehouse(lang)
    except data.WarehouseError as exc:
        filters.sync_url()
        _unreadable(lang, exc)


main()
