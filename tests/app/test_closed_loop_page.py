"""The Closed loop page per manager: what each received, was notified of, called back in time; open alerts as a
list to act on (the source ticket, not the customer hash), expired ones apart; the ?manager= link. Expected
values come from SQL on the fixture warehouse, written here independently of app/data.py."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
from test_app_pages import END, START, en, frame_with, metric, query

from app.i18n import DEFAULT_LANG

NOT_SUSPECT = "not coalesce(r.is_suspect, false)"
LANG = {} if DEFAULT_LANG == "en" else {"lang": "en"}  # open_app() shows the page in English
FROM = "from marts.alerts a left join marts.survey_responses r using (response_id)"


def as_of(warehouse: Path) -> dt.datetime:
    return query(
        warehouse,
        "select greatest((select max(started_at) from marts.fct_contacts), (select max(created_at) from marts.alerts),"
        " (select max(recontacted_at) from marts.alerts))",
    )[0][0]


def per_manager(warehouse: Path, expire_days: float = 14) -> dict[str, tuple]:
    now, limit = as_of(warehouse), dt.timedelta(days=expire_days)
    period = {
        m: (n, notified, in_time, late)
        for m, n, notified, in_time, late in query(
            warehouse,
            f"""select a.manager, count(*), count(a.notified_at), count(*) filter (where a.status = 'recontacted'),
                       count(*) filter (where a.status = 'late')
                {FROM} where a.created_at::date between ? and ? and {NOT_SUSPECT} group by 1""",
            [START, END],
        )
    }
    opened = query(warehouse, f"select a.manager, a.created_at {FROM} where a.status = 'open' and {NOT_SUSPECT}")
    out = {}
    for m in set(period) | {m for m, _ in opened}:
        ages = [now - created for who, created in opened if who == m]
        out[m] = (*period.get(m, (0, 0, 0, 0)), sum(a <= limit for a in ages), sum(a > limit for a in ages))
    return out


def tables_with(at, column: str) -> list:
    return [d.value for d in at.dataframe if column in d.value.columns]


def test_per_manager_counts_match_the_alerts(open_app, warehouse: Path) -> None:
    at = open_app("closed_loop")
    table = frame_with(at, "Alerts received").set_index("Manager")
    expected = per_manager(warehouse)
    assert set(table.index) == {m or "(no manager)" for m in expected}
    for manager, (received, notified, in_time, late, open_now, expired) in expected.items():
        row = table.loc[manager or "(no manager)"]
        got = (row["Alerts received"], row["Notified"], row["Recontacted within 48 h"], row["Recontacted late"],
               row["Open now"], row["Expired"])
        assert got == (received, notified, in_time, late, open_now, expired), manager
        if manager:  # a link to send to that manager; none for alerts routed to no manager
            assert row["Link"] == "?" + urllib.parse.urlencode({"manager": manager, **LANG})
        else:
            assert pd.isna(row["Link"])
    assert sum(v[5] for v in expected.values()) > 0  # the fixture has expired alerts: the split is exercised


def test_manager_in_the_url_filters_the_page(open_app, warehouse: Path) -> None:
    manager = "Bruno Petit"
    at = open_app("closed_loop", manager=manager)
    assert at.selectbox(key="w_loop_manager").value == manager
    alerts, in_time = query(
        warehouse,
        f"""select count(*), count(*) filter (where a.status = 'recontacted')
            {FROM} where a.created_at::date between ? and ? and {NOT_SUSPECT} and a.manager = ?""",
        [START, END, manager],
    )[0]
    assert metric(at, "Recontacted within 48 h").delta == f"{in_time} / {alerts}"
    open_count = query(warehouse, f"select count(*) {FROM} where a.status = 'open' and {NOT_SUSPECT} and manager = ?",
                       [manager])[0][0]
    assert metric(at, "Open alerts").value == en(open_count)
    assert list(frame_with(at, "Alerts received")["Manager"]) == [manager]
    listed = tables_with(at, "Hours left")
    assert sum(len(t) for t in listed) == open_count and all(set(t["Manager"]) == {manager} for t in listed)
    # choosing another manager rewrites the link; "all" removes it
    at.selectbox(key="w_loop_manager").select("Alice Martin").run()
    assert at.query_params["manager"] == "Alice Martin"
    at.selectbox(key="w_loop_manager").select("All managers").run()
    assert "manager" not in at.query_params


def test_open_alerts_to_act_on_and_expired_apart(open_app, warehouse: Path, monkeypatch) -> None:
    monkeypatch.delenv("ZENDESK_SUBDOMAIN", raising=False)
    monkeypatch.delenv("ZENDESK_BASE_URL", raising=False)
    at = open_app("closed_loop")
    now = as_of(warehouse)
    rows = query(warehouse, f"select a.contact_id, a.created_at, a.customer_key, r.comment {FROM} "
                            f"where a.status = 'open' and {NOT_SUSPECT}")
    fresh = [r for r in rows if now - r[1] <= dt.timedelta(days=14)]
    old = [r for r in rows if now - r[1] > dt.timedelta(days=14)]
    actionable, expired = tables_with(at, "Hours left")
    assert (len(actionable), len(expired)) == (len(fresh), len(old)) and fresh and old
    assert max(actionable["Age (h)"]) <= 14 * 24 < min(expired["Age (h)"])
    # the reference of the source ticket, never the salted customer hash
    assert "Customer" not in actionable.columns
    shown = set(actionable["Source ticket"])
    assert shown == {("#" + c.split(":")[1]) if c.startswith("zendesk:") else c for c, *_ in fresh}
    assert not {key for _, _, key, _ in rows} & set(actionable.astype(str).to_numpy().ravel())
    assert set(actionable["Comment"].dropna()) == {c for *_, c in fresh if c}
    # hours left count down to 48 h; still in time first (fewest hours left), then overdue ones
    left = list(actionable["Hours left"])
    for (_, created, *_), hours in zip(sorted(fresh, key=lambda r: r[1]), sorted(left), strict=True):
        assert hours == pytest.approx(48 - (now - created).total_seconds() / 3600)
    in_time = [h for h in left if h >= 0]
    assert left[: len(in_time)] == sorted(in_time) and all(h < 0 for h in left[len(in_time):])


def test_zendesk_agent_link_when_the_subdomain_is_configured(open_app, monkeypatch) -> None:
    monkeypatch.setenv("ZENDESK_SUBDOMAIN", "acme")
    at = open_app("closed_loop")
    actionable = tables_with(at, "Hours left")[0]
    links = [s for s in actionable["Source ticket"] if s.startswith("https://")]
    assert links and all(s.startswith("https://acme.zendesk.com/agent/tickets/7") for s in links)


def test_expiry_age_is_configurable(open_app, warehouse: Path, monkeypatch) -> None:
    monkeypatch.setenv("WHYCALL_ALERT_EXPIRE_DAYS", "7")
    at = open_app("closed_loop")
    expected = per_manager(warehouse, expire_days=7)
    table = frame_with(at, "Alerts received").set_index("Manager")
    assert {m: table.loc[m or "(no manager)", "Expired"] for m in expected} == {m: v[5] for m, v in expected.items()}


def test_outcomes_of_the_call_backs(open_app, warehouse: Path) -> None:
    at = open_app("closed_loop", lang="fr")
    counts = dict(query(
        warehouse,
        f"""select coalesce(a.outcome, '-'), count(*) {FROM}
            where a.created_at::date between ? and ? and {NOT_SUSPECT} and a.recontacted_at is not null group by 1""",
        [START, END],
    ))
    names = {"resolved": "Résolu", "not_reached": "Client injoignable", "compensated": "Dédommagé", "-": "Non renseigné"}
    table = frame_with(at, "Résultat").set_index("Résultat")["Alertes"].to_dict()
    assert table == {names[k]: v for k, v in counts.items()}


def test_the_page_in_french(open_app) -> None:
    at = open_app("closed_loop", lang="fr", manager="Alice Martin")
    assert at.selectbox(key="w_loop_manager").value == "Alice Martin"
    headers = [s.value for s in at.subheader]
    assert "Par responsable" in headers and "Alertes ouvertes à rappeler" in headers
    columns = set(tables_with(at, "Heures restantes")[0].columns)
    assert {"Ticket source", "Commentaire", "Âge (h)", "Notifiée le"} <= columns
    assert any(e.label.startswith("Expirées : ") for e in at.expander)


def test_the_page_without_the_notifier_columns(open_app, minimal_warehouse: Path) -> None:
    at = open_app("closed_loop", path=minimal_warehouse)
    table = frame_with(at, "Alerts received")
    assert table["Notified"].isna().all()  # unknown, not zero
    assert not tables_with(at, "Outcome")
