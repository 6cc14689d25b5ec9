"""The one-page monthly brief a service leader takes to a department (``whycall brief``, the Departments page).

``load_brief`` reads the published warehouse (read-only, bound parameters); ``render_html`` is pure: it turns
what was read into one printable HTML page (print CSS, no external resource) in English or French.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from app import priority_view
from app.i18n import LANGS, fmt_date, fmt_money, fmt_month, fmt_num, fmt_pct, fmt_signed, t

TOP_REASONS = 5
TREND_MONTHS = 6


class BriefError(ValueError):
    """A brief that cannot be made: names what is wrong and how to fix it."""


@dataclasses.dataclass
class Brief:
    department_id: str
    department_name: str
    manager: str | None
    month: dt.date  # first day
    scorecard: pd.DataFrame  # the last TREND_MONTHS months up to `month`
    reasons: pd.DataFrame  # fix_priorities rows of the department, by rank
    incidents: pd.DataFrame  # incidents of the department that overlap the month
    actions: pd.DataFrame  # action_effect rows of the department
    published: dt.datetime | None = None


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> pd.DataFrame:
    return con.execute(sql, params).df()


def load_brief(warehouse: Path, department_id: str, month: str | None = None) -> Brief:
    """Read one department's brief; ``month`` is YYYY-MM (default: its latest scorecard month)."""
    if not Path(warehouse).exists():
        raise BriefError(f"{warehouse}: no published warehouse; run `whycall run` first")
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        found = con.execute(
            "select department_name, manager from marts.dim_departments where department_id = ?", [department_id]
        ).fetchall()
        if not found:
            known = [r[0] for r in con.execute("select department_id from marts.dim_departments order by 1").fetchall()]
            raise BriefError(f"department {department_id!r} is not in departments.csv; known: {', '.join(known)}")
        name, manager = found[0]
        if month:
            try:
                first = dt.date.fromisoformat(f"{month}-01")
            except ValueError:
                raise BriefError(f"--month {month!r}: write the month as YYYY-MM, e.g. 2026-11") from None
        else:
            latest = con.execute(
                "select max(month) from marts.department_scorecard where department_id = ?", [department_id]
            ).fetchone()[0]
            if latest is None:
                raise BriefError(f"department {department_id!r} has no scorecard month yet")
            first = pd.Timestamp(latest).date()
        scorecard = _frame(
            con,
            # unwanted per 1,000 = unwanted / volume x 1000 = contacts_per_1000 x unwanted / contacts
            """select month, contacts, unwanted_contacts, contacts_per_1000,
                      contacts_per_1000 * unwanted_contacts / nullif(contacts, 0) as unwanted_per_1000,
                      alerts, alerts_recontacted, target_alerts_recontacted
               from marts.department_scorecard
               where department_id = ? and month <= ? and month > ?::date - interval 6 month
               order by month""",
            [department_id, first, first],
        )
        if scorecard.empty or pd.Timestamp(scorecard["month"].iloc[-1]).date() != first:
            raise BriefError(f"department {department_id!r} has no scorecard for {first:%Y-%m}; pick a published month")
        reasons = _frame(
            con,
            """select reason_code, label_en, label_fr, rank, recommended_move, cost_per_year,
                      unwanted_contacts_per_month, nps_gap, nps_gap_low, nps_gap_high, latest_action_id,
                      latest_action_verdict, has_action
               from marts.fix_priorities where department_id = ? and rank is not null order by rank limit ?""",
            [department_id, TOP_REASONS],
        )
        incidents = _frame(
            con,
            """select incident_id, title, reason_code, started_at, ended_at, excess_contacts, excess_cost, proactive
               from marts.incident_impact
               where department_id = ? and started_at < ?::date + interval 1 month
                 and coalesce(ended_at, started_at) >= ?::date
               order by started_at""",
            [department_id, first, first],
        )
        actions = _frame(
            con,
            """select action_id, description, reason_code, implemented_on, rate_ratio, ci_low, ci_high, verdict
               from marts.action_effect where department_id = ? order by implemented_on desc, action_id""",
            [department_id],
        )
    finally:
        con.close()
    published = dt.datetime.fromtimestamp(Path(warehouse).stat().st_mtime)
    return Brief(department_id, name or department_id, manager, first, scorecard, reasons, incidents, actions,
                 published)  # fmt: skip


CSS = """
@page { size: A4; margin: 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2933; font-size: 10.5pt; margin: 0 auto;
       max-width: 190mm; }
h1 { font-size: 17pt; margin: 0 0 2pt 0; } h2 { font-size: 12pt; margin: 12pt 0 4pt 0; color: #334e68; }
.sub { color: #627d98; margin-bottom: 8pt; }
.kpis { display: flex; gap: 8pt; } .kpi { flex: 1; border: 1px solid #d9e2ec; border-radius: 4pt; padding: 6pt; }
.kpi .label { color: #627d98; font-size: 9pt; } .kpi .value { font-size: 15pt; font-weight: bold; }
.kpi .delta { font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
th, td { border-bottom: 1px solid #e4e7eb; padding: 3pt 4pt; text-align: left; }
td.n, th.n { text-align: right; } th { color: #486581; font-weight: 600; }
.bar { background: #C8423B; height: 8pt; display: inline-block; }
footer { margin-top: 12pt; color: #829ab1; font-size: 8pt; }
@media print { .kpi, table { break-inside: avoid; } }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value))


def _table(headers: list[tuple[str, bool]], rows: list[list[str]], lang: str) -> str:
    if not rows:
        return f"<p>{_e(t('brief_none', lang))}</p>"
    head = "".join(f'<th class="{"n" if num else ""}">{_e(h)}</th>' for h, num in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{"n" if num else ""}">{cell}</td>' for cell, (_, num) in zip(row, headers))
        + "</tr>"
        for row in rows
    )  # cells are escaped by the caller
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(brief: Brief, lang: str) -> str:
    """The brief as one self-contained HTML page in ``lang``."""
    if lang not in LANGS:
        raise BriefError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    sc = brief.scorecard
    now, before = sc.iloc[-1], (sc.iloc[-2] if len(sc) > 1 else None)
    label = "label_fr" if lang == "fr" else "label_en"

    def per_1000(row: Any) -> Any:
        return None if row is None else row["unwanted_per_1000"]

    change = fmt_signed(per_1000(now) - per_1000(before), lang, 1) if before is not None and pd.notna(
        per_1000(now)) and pd.notna(per_1000(before)) else "–"  # fmt: skip
    unwanted_change = (
        fmt_signed(now["unwanted_contacts"] - before["unwanted_contacts"], lang) if before is not None else "–"
    )
    target = now["target_alerts_recontacted"]
    alerts_value = t(
        "brief_alerts_value", lang, done=fmt_num(now["alerts_recontacted"], lang), alerts=fmt_num(now["alerts"], lang),
        target=fmt_num(target, lang) if pd.notna(target) else t("brief_no_target", lang),
    )  # fmt: skip
    kpis = [
        (t("brief_unwanted_per_1000", lang), fmt_num(per_1000(now), lang, 1), t("brief_vs_previous", lang, change=change)),
        (t("brief_unwanted", lang), fmt_num(now["unwanted_contacts"], lang),
         t("brief_vs_previous", lang, change=unwanted_change)),
        (t("brief_alerts", lang), alerts_value, ""),
    ]  # fmt: skip
    kpi_html = "".join(
        f'<div class="kpi"><div class="label">{_e(a)}</div><div class="value">{_e(b)}</div>'
        f'<div class="delta">{_e(c)}</div></div>'
        for a, b, c in kpis
    )
    peak = max(float(sc["unwanted_contacts"].max() or 0), 1.0)
    trend_rows = [
        [_e(fmt_month(r.month, lang)), _e(fmt_num(r.unwanted_contacts, lang)), _e(fmt_num(r.unwanted_per_1000, lang, 1)),
         f'<span class="bar" style="width:{int(120 * float(r.unwanted_contacts) / peak)}pt"></span>']
        for r in sc.itertuples()
    ]  # fmt: skip
    reason_rows = [
        [_e(fmt_num(r["rank"], lang)), _e(r[label] or r["reason_code"]), _e(t(f"q_{r['recommended_move']}", lang)),
         _e(fmt_money(r["cost_per_year"], lang)), _e(fmt_num(r["unwanted_contacts_per_month"], lang, 1)),
         _e(priority_view.interval_text(r["nps_gap"], r["nps_gap_low"], r["nps_gap_high"], lang)),
         _e(priority_view.action_status(r["has_action"], r["latest_action_id"], r["latest_action_verdict"], lang))]
        for _, r in brief.reasons.iterrows()
    ]  # fmt: skip
    incident_rows = [
        [_e(r["incident_id"]), _e(r["title"]), _e(fmt_date(r["started_at"], lang)),
         _e(fmt_num(r["excess_contacts"], lang)), _e(fmt_money(r["excess_cost"], lang))]
        for _, r in brief.incidents.iterrows()
    ]  # fmt: skip
    action_rows = [
        [_e(r["action_id"]), _e(r["description"]), _e(fmt_date(r["implemented_on"], lang)),
         _e(priority_view.interval_text(r["rate_ratio"], r["ci_low"], r["ci_high"], lang, 2, signed=False)),
         _e(t(f"verdict_{r['verdict']}", lang) if isinstance(r["verdict"], str) else "")]
        for _, r in brief.actions.iterrows()
    ]  # fmt: skip
    title = t("brief_title", lang, department=brief.department_name)
    subtitle = t(
        "brief_subtitle", lang, month=fmt_month(brief.month, lang), manager=brief.manager or "–",
        published=fmt_date(brief.published, lang) if brief.published else "–",
    )  # fmt: skip
    sections = [
        (t("brief_trend_title", lang), _table([(t("brief_month", lang), False), (t("brief_unwanted", lang), True),
                                               (t("brief_unwanted_per_1000", lang), True), ("", False)], trend_rows, lang)),
        (t("brief_reasons_title", lang), _table([("#", True), (t("reason", lang), False), (t("quadrant", lang), False),
                                                 (t("cost_per_year", lang), True), (t("unwanted_per_month", lang), True),
                                                 (t("nps_gap", lang), True), (t("action_status", lang), False)],
                                                reason_rows, lang)),
        (t("brief_incidents_title", lang), _table([(t("incident", lang), False), (t("title", lang), False),
                                                   (t("started_at", lang), False), (t("brief_excess", lang), True),
                                                   (t("excess_cost", lang), True)], incident_rows, lang)),
        (t("brief_actions_title", lang), _table([(t("action", lang), False), (t("description", lang), False),
                                                 (t("implemented_on", lang), False), (t("ratio", lang), True),
                                                 (t("verdict", lang), False)], action_rows, lang)),
    ]  # fmt: skip
    body = "".join(f"<h2>{_e(h)}</h2>{content}" for h, content in sections)
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f"<style>{CSS}</style></head><body><h1>{_e(title)}</h1><div class=\"sub\">{_e(subtitle)}</div>"
        f'<div class="kpis">{kpi_html}</div>{body}<footer>{_e(t("brief_footer", lang))}</footer></body></html>'
    )


def department_language(warehouse: Path, department_id: str) -> str | None:
    """The department's language when the warehouse publishes one (dim_departments.language), else None."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        has = con.execute(
            "select count(*) from information_schema.columns where table_schema = 'marts' "
            "and table_name = 'dim_departments' and column_name = 'language'"
        ).fetchone()[0]
        if not has:
            return None
        row = con.execute("select language from marts.dim_departments where department_id = ?", [department_id]).fetchone()
    finally:
        con.close()
    return row[0] if row and row[0] in LANGS else None


__all__ = ["Brief", "BriefError", "department_language", "fmt_pct", "load_brief", "render_html"]
