"""The notifier against local servers: exact messages, exactly once, retry, reminder, escalation, outcome.

A hand-made published warehouse holds three alerts; the clock is an argument (no sleeping, no timing).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.config import build_config
from orchestration.lib.notify.run import run_notifier
from tests.notify.servers import FakeZendesk, http_server, smtp_server

T0 = dt.datetime(2026, 5, 4, 8, 0)  # UTC; 10:00 in Brussels
CUSTOMER_KEY = "ck_5f1e0c2a9b"  # a salted customer hash: must appear nowhere the notifier writes
COMMENT = "Facture fausse, rappelez-moi au 0470 12 34 56 ou jan.peeters@mail.be"
SECRETS = {"ZENDESK_API_TOKEN": "tok-SECRET-123", "WHYCALL_SMTP_PASSWORD": "pw-SECRET-456"}


def make_landing(root: Path) -> Path:
    ref = root / "landing" / "reference"
    ref.mkdir(parents=True)
    (ref / "departments.csv").write_text(
        "department_id,name,manager,parent_id,volume_measure,manager_email,language,zendesk_group_id\n"
        "billing,Billing,Claire Dubois,finance,,claire.dubois@example.org,fr,360001\n"
        "logistics,Logistics,Marc Peeters,,,marc.peeters@example.org,en,360002\n"
        "finance,Finance,Paul Martin,,,paul.martin@example.org,en,\n",
        encoding="utf-8",
    )
    return root / "landing"


def make_warehouse(path: Path, alerts: list[tuple]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        "create table marts.alerts (alert_id varchar, response_id varchar, contact_id varchar, "
        "customer_key varchar, department_id varchar, created_at timestamp, status varchar, "
        "recontacted_at timestamp, csat double, nps double, ces double, is_suspect boolean)"
    )
    con.executemany("insert into marts.alerts values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", alerts)
    con.execute("create table marts.survey_responses as select 'r1' as response_id, ? as comment", [COMMENT])
    con.execute(
        "create table marts.fct_contacts as select * from (values ('zendesk:9001', 'INV'), "
        "('zendesk:9002', 'LATE')) t(contact_id, reason_code)"
    )
    con.execute(
        "create table marts.dim_reasons as select * from (values ('INV', 'Unclear invoice', "
        "'Facture peu claire'), ('LATE', 'Late delivery', 'Livraison en retard')) t(reason_code, label_en, label_fr)"
    )
    con.close()
    return path


def alert_row(rid, contact, dept, created, status="open", csat=1.0, nps=None):
    return (f"alert:{rid}", rid, contact, CUSTOMER_KEY, dept, created, status, None, csat, nps, None, False)


@pytest.fixture
def world(tmp_path, monkeypatch):
    landing = make_landing(tmp_path)
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    state = tmp_path / "wh" / "whycall.state.duckdb"
    fake = FakeZendesk()
    with smtp_server() as (inbox, port), http_server(fake) as base:
        config = build_config(
            {
                "notify": {
                    "language": "en",
                    "remind_after_hours": 24,
                    "email": {
                        "host": "127.0.0.1",
                        "port": port,
                        "security": "none",
                        "from": "whycall@example.org",
                    },
                    "chat": {"kind": "slack"},
                    "zendesk": {"outcome_field_id": 360099},
                }
            }
        )
        env = {
            "WHYCALL_CHAT_WEBHOOK": f"{base}/chat/T000/B000/SECRETPATH",
            "ZENDESK_BASE_URL": base,
            "ZENDESK_EMAIL": "bot@example.org",
            **SECRETS,
        }

        def run(now, **kw):
            return run_notifier(
                landing_dir=landing,
                warehouse=warehouse,
                state_db=state,
                config=config,
                now=now,
                env=env,
                **kw,
            )

        yield {
            "inbox": inbox,
            "fake": fake,
            "run": run,
            "warehouse": warehouse,
            "state": state,
            "base": base,
            "config": config,
            "env": env,
        }


def attempts(state: Path) -> list[tuple]:
    con = duckdb.connect(str(state), read_only=True)
    try:
        return con.execute(
            "select alert_id, kind, channel, status, recipient, error from notify.attempts "
            "order by attempted_at, alert_id, kind, channel"
        ).fetchall()
    finally:
        con.close()


def test_exact_messages_once_then_reminder_escalation_and_outcome(world):
    inbox, fake, run = world["inbox"], world["fake"], world["run"]
    make_warehouse(
        world["warehouse"],
        [
            alert_row("r1", "zendesk:9001", "billing", T0),
            alert_row("r2", "zendesk:9002", "logistics", T0 + dt.timedelta(hours=1), csat=None, nps=2.0),
            alert_row("r3", "zendesk:9002", "logistics", T0 - dt.timedelta(days=30)),  # too old: skipped
        ],
    )
    first = run(T0 + dt.timedelta(hours=2))
    assert (first.sent, first.failed, first.skipped) == (6, 0, 3), first.summary()
    # e-mail: one per alert, to the department's manager, in the manager's language, text + HTML
    claire = inbox.to("claire.dubois@example.org")
    assert len(claire) == 1 and len(inbox.messages) == 2
    msg = claire[0]
    assert msg["From"] == "whycall@example.org"
    assert (
        msg["Subject"]
        == "[whycall] Client insatisfait à rappeler · Billing · 46 h restantes avant la limite de 48 h"
    )
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "Bonjour Claire Dubois," in text and "Scores: CSAT 1" in text
    assert "Motif: Facture peu claire (INV)" in text and "Département: Billing (billing)" in text
    assert "Date: 2026-05-04 10:00 CEST" in text
    assert f"{world['base']}/agent/tickets/9001" in text and "<table>" in html
    marc = inbox.to("marc.peeters@example.org")[0]
    assert marc["Subject"].startswith("[whycall] Dissatisfied customer to call back · Logistics · 47 h left")
    assert "Reason: Late delivery (LATE)" in marc.get_body(("plain",)).get_content()
    # chat: one post per alert; Zendesk: one follow-up per alert, in the department's group, with its external_id
    assert len(fake.chat) == 2 and fake.chat[0]["text"].startswith("*[whycall] Client insatisfait")
    tickets = sorted(fake.tickets.values(), key=lambda t: t["id"])
    assert [(t["external_id"], t["group_id"], t["tags"]) for t in tickets] == [
        ("whycall-alert-alert:r1", 360001, ["whycall_followup"]),
        ("whycall-alert-alert:r2", 360002, ["whycall_followup"]),
    ]
    assert tickets[0]["comment"]["public"] is False
    skipped = {(a[0], a[2]) for a in attempts(world["state"]) if a[3] == "skipped"}
    assert skipped == {("alert:r3", "email"), ("alert:r3", "chat"), ("alert:r3", "zendesk")}

    # three reruns at the same time and a little later: nothing new
    for minutes in (0, 5, 60):
        again = run(T0 + dt.timedelta(hours=2, minutes=minutes))
        assert again.sent == again.failed == again.skipped == 0
    assert (len(inbox.messages), len(fake.chat), len(fake.tickets)) == (2, 2, 2)

    # Marc solves r2's follow-up with an outcome: r2 counts as recontacted (within 48 h), no reminder for it
    ticket_r2 = tickets[1]
    ticket_r2.update(
        status="solved",
        updated_at="2026-05-04T20:00:00Z",
        custom_fields=[{"id": 360099, "value": "resolved"}],
    )
    at_24h = run(T0 + dt.timedelta(hours=24))
    assert at_24h.follow_ups_solved == 1
    reminders = [m for m in inbox.messages if "Rappel" in m["Subject"] or "Reminder" in m["Subject"]]
    assert [m["To"] for m in reminders] == ["claire.dubois@example.org"]
    assert reminders[0]["Subject"].startswith(
        "[whycall] Rappel : un client insatisfait attend toujours un appel"
    )
    con = duckdb.connect(str(world["state"]), read_only=True)
    assert con.execute(
        "select alert_id, status, solved_at, outcome from notify.follow_ups where solved_at is not null"
    ).fetchall() == [("alert:r2", "solved", dt.datetime(2026, 5, 4, 20, 0), "resolved")]
    con.close()

    # past 48 h: r1 escalated once to the parent department's manager (Finance, in English)
    run(T0 + dt.timedelta(hours=48))
    assert not inbox.to("paul.martin@example.org")
    run(T0 + dt.timedelta(hours=49))
    run(T0 + dt.timedelta(hours=60))
    paul = inbox.to("paul.martin@example.org")
    assert len(paul) == 1
    assert (
        paul[0]["Subject"]
        == "[whycall] Escalation: customer not called back in time · Billing · 1 h past the 48 h limit"
    )
    assert "escalated from Billing (manager Claire Dubois)" in paul[0].get_body(("plain",)).get_content()

    # no customer detail and no secret anywhere the notifier wrote
    everything = [m.as_string() for m in inbox.messages] + [json.dumps(c) for c in fake.chat]
    everything += [json.dumps(t) for t in fake.tickets.values()] + [repr(attempts(world["state"]))]
    everything.append((world["warehouse"].parent / "logs" / "operations.jsonl").read_text())
    blob = "\n".join(everything)
    # the whole phone number, not "0470" alone: a Message-ID's random digits may hold those four
    forbidden_strings = (CUSTOMER_KEY, "0470 12 34 56", "12 34 56", "jan.peeters", "mail.be", *SECRETS.values())
    for forbidden in (*forbidden_strings, "SECRETPATH"):
        assert forbidden not in blob, forbidden


def test_a_failed_send_is_recorded_retried_after_the_backoff_and_delivered_once(world):
    inbox, fake, run = world["inbox"], world["fake"], world["run"]
    make_warehouse(world["warehouse"], [alert_row("r1", "zendesk:9001", "billing", T0)])
    inbox.fail_next, fake.chat_fail_next = 1, 1
    first = run(T0 + dt.timedelta(minutes=10))
    assert (first.sent, first.failed) == (1, 2)  # the Zendesk ticket went through
    assert "failed" in first.summary() and "451" in first.summary()
    failed = [a for a in attempts(world["state"]) if a[3] == "failed"]
    assert {a[2] for a in failed} == {"email", "chat"}
    assert all("SECRETPATH" not in a[5] for a in failed)
    assert "HTTP 503" in next(a[5] for a in failed if a[2] == "chat")
    log = [
        json.loads(line)
        for line in (world["warehouse"].parent / "logs" / "operations.jsonl").read_text().splitlines()
    ]
    assert log[-1]["event"] == "notifications" and log[-1]["failed"] == 2

    early = run(T0 + dt.timedelta(minutes=24))  # the first retry waits 15 minutes
    assert (early.sent, early.failed, early.waiting) == (0, 0, 2)
    retry = run(T0 + dt.timedelta(minutes=25))
    assert (retry.sent, retry.failed) == (2, 0)
    for _ in range(3):
        run(T0 + dt.timedelta(minutes=30))
    assert len(inbox.messages) == 1 and len(fake.chat) == 1 and len(fake.tickets) == 1


def test_zendesk_follow_up_is_not_created_twice_when_the_state_is_lost(world, tmp_path):
    make_warehouse(world["warehouse"], [alert_row("r1", "zendesk:9001", "billing", T0)])
    world["run"](T0 + dt.timedelta(hours=1))
    world["state"].unlink()  # someone deleted the state database: external_id still prevents a duplicate
    world["run"](T0 + dt.timedelta(hours=1))
    assert len(world["fake"].tickets) == 1


def test_digest_mode_sends_one_email_per_manager_per_day(world):
    from dataclasses import replace

    config = world["config"]
    digest = replace(
        config,
        notify=replace(
            config.notify, email=replace(config.notify.email, mode="digest"), chat=None, zendesk=None
        ),
    )
    make_warehouse(
        world["warehouse"],
        [
            alert_row("r1", "zendesk:9001", "billing", T0),
            alert_row("r2", "zendesk:9002", "billing", T0 + dt.timedelta(hours=1)),
        ],
    )
    landing = world["warehouse"].parent.parent / "landing"

    def run(now):
        return run_notifier(
            landing_dir=landing,
            warehouse=world["warehouse"],
            state_db=world["state"],
            config=digest,
            now=now,
            env=world["env"],
        )

    run(T0 + dt.timedelta(hours=2))
    assert [m["Subject"] for m in world["inbox"].messages] == [
        "[whycall] 2 client(s) insatisfait(s) à rappeler"
    ]
    body = world["inbox"].messages[0].get_body(("plain",)).get_content()
    assert "alert:r1" in body and "alert:r2" in body
    make_warehouse(
        world["warehouse"],
        [
            alert_row("r1", "zendesk:9001", "billing", T0),
            alert_row("r2", "zendesk:9002", "billing", T0 + dt.timedelta(hours=1)),
            alert_row("r4", "zendesk:9001", "billing", T0 + dt.timedelta(hours=3)),
        ],
    )
    run(T0 + dt.timedelta(hours=4))  # same local day: r4 waits for tomorrow's digest
    assert len(world["inbox"].messages) == 1
    run(T0 + dt.timedelta(hours=17))  # 01:00 the next day in Brussels
    assert (
        len(world["inbox"].messages) == 2
        and "alert:r4" in world["inbox"].messages[1].get_body(("plain",)).get_content()
    )


def test_dry_run_prints_and_sends_nothing(world):
    make_warehouse(world["warehouse"], [alert_row("r1", "zendesk:9001", "billing", T0)])
    lines: list[str] = []
    out = world["run"](T0 + dt.timedelta(hours=1), dry_run=True, echo=lines.append)
    assert out.sent == 3 and out.summary() == "notifications (dry run): 3 would be sent, 0 would be skipped"
    assert any(
        line.startswith("would send notify by email to Claire Dubois <claire.dubois@example.org> [fr]")
        for line in lines
    )
    assert not world["inbox"].messages and not world["fake"].chat and not world["fake"].tickets
    assert not world["state"].exists()
