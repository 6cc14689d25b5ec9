"""The closed loop end to end, through the real CLI: a dissatisfied survey answer in the landing zone reaches its
department manager's inbox (a local aiosmtpd) and becomes a follow-up ticket (a local Zendesk stand-in), is
reminded, escalated to the parent department's manager, and the manager's outcome comes back to marts.alerts.

`whycall run` notifies at the real time (alert_notifications, after publication); later steps use the
controllable clock of `whycall notify --now`. The planted answer is two hours old when the test starts.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from generator.landing import generate_landing
from tests.notify.servers import FakeZendesk, http_server, smtp_server
from tests.pipeline.conftest import query, whycall

pytestmark = pytest.mark.slow

TZ = ZoneInfo("Europe/Brussels")
COMMENT = "Appli toujours en panne, rappelez-moi au 0470 98 76 54 svp"
RESPONDENT = ("Vandamme", "Ilse", "ilse.vandamme@mail.be")
SECRETS = {"ZENDESK_API_TOKEN": "tok-E2E-SECRET", "WHYCALL_SMTP_PASSWORD": "pw-E2E-SECRET"}
OUTCOME_FIELD = 360099


def _departments_by_reason(reference: Path) -> dict[str, str]:
    """tickets reason field value → owning department, from reason_map.csv and reasons.csv (undated rows)."""
    owner = {}
    with (reference / "reasons.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if not row["valid_from"] and not row["valid_to"]:
                owner[row["reason_code"]] = row["department_id"]
    with (reference / "reason_map.csv").open(encoding="utf-8") as f:
        return {r["source_value"]: owner.get(r["reason_code"]) for r in csv.DictReader(f) if r["source"] == "tickets"}


def _pick_ticket(landing: Path, department: str) -> dict:
    """A written ticket of the oldest day whose reason belongs to ``department``, from a requester seen once (not
    suspect) and never called (no outbound contact may recontact the alert)."""
    by_reason = _departments_by_reason(landing / "reference")
    tickets = [t for page in sorted((landing / "tickets").glob("*.json")) for t in json.loads(page.read_text())["tickets"]]
    calls = "".join(p.read_text() for p in (landing / "calls").glob("*.json"))
    seen: dict[int, int] = {}
    for t in tickets:
        seen[t["requester_id"]] = seen.get(t["requester_id"], 0) + 1
    oldest = min(t["created_at"][:10] for t in tickets)
    for t in tickets:
        reason = next((f["value"] for f in t["custom_fields"] if f["id"] == 360000000001), None)
        if (by_reason.get(reason) == department and t["created_at"][:10] == oldest and t["via"]["channel"] != "voice"
                and seen[t["requester_id"]] == 1 and str(t["requester_id"]) not in calls):
            return t
    raise AssertionError(f"the generated landing has no usable {department} ticket")


def _plant_survey(landing: Path, ticket: dict, answered_utc: dt.datetime) -> str:
    """Replace the generated answers by one dissatisfied answer (CSAT 1, NPS 2) linked to ``ticket``."""
    files = sorted((landing / "surveys").glob("*.csv"))
    header = files[0].read_text(encoding="utf-8").splitlines()[:3]
    for f in files:
        f.unlink()
    columns = next(csv.reader([header[0]]))
    local = answered_utc.replace(tzinfo=dt.UTC).astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")
    values = dict.fromkeys(columns, "")
    values.update(StartDate=local, EndDate=local, RecordedDate=local, Status="0", Progress="100", Finished="1",
                  ResponseId="R_e2eClosedLoop1", RecipientLastName=RESPONDENT[0], RecipientFirstName=RESPONDENT[1],
                  RecipientEmail=RESPONDENT[2], DistributionChannel="email", UserLanguage="FR", Q1="2", Q2="1",
                  Q3="", Q4=COMMENT, ticket_id=str(ticket["id"]), customer_id=str(ticket["requester_id"]))
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([values[c] for c in columns])
    (landing / "surveys" / "qualtrics_responses_e2e.csv").write_text("\n".join(header) + "\n" + out.getvalue(),
                                                                    encoding="utf-8")
    return "alert:R_e2eClosedLoop1"


def _configure(landing: Path, smtp_port: int) -> None:
    departments = landing / "reference" / "departments.csv"
    rows = list(csv.DictReader(departments.open(encoding="utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, [*rows[0].keys(), "zendesk_group_id"], lineterminator="\n")
    writer.writeheader()
    for i, row in enumerate(rows):
        writer.writerow({**row, "zendesk_group_id": str(361000 + i)})
    departments.write_text(out.getvalue(), encoding="utf-8")
    with (landing / "whycall.yml").open("a", encoding="utf-8") as f:
        f.write(
            "notify:\n  remind_after_hours: 24\n"
            f"  email: {{host: 127.0.0.1, port: {smtp_port}, security: none, from: whycall@example.org}}\n"
            f"  zendesk: {{outcome_field_id: {OUTCOME_FIELD}}}\n"
        )


def test_from_a_dissatisfied_answer_to_the_outcome_on_marts_alerts(tmp_path):
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    t0 = now - dt.timedelta(hours=2)  # the customer answered two hours ago
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "whycall.duckdb"
    generate_landing(landing, days=2, contacts_per_day=40, seed=11, end=(now - dt.timedelta(days=2)).date())
    ticket = _pick_ticket(landing, "digital")  # Digital's parent department is IT (departments.csv)
    alert_id = _plant_survey(landing, ticket, t0)
    departments = {r["department_id"]: r for r in csv.DictReader((landing / "reference" / "departments.csv").open())}
    manager, parent = departments["digital"], departments[departments["digital"]["parent_id"]]
    fake = FakeZendesk()
    with smtp_server() as (inbox, port), http_server(fake) as base:
        _configure(landing, port)
        env = {"ZENDESK_BASE_URL": base, "ZENDESK_EMAIL": "bot@example.org", **SECRETS}
        paths = ["--landing", str(landing), "--warehouse", str(warehouse)]

        # 1. the pipeline publishes, then notifies: the SMTP server refuses once; the run still publishes, says so
        inbox.fail_next = 1
        first = whycall("run", *paths, env=env)
        assert first.returncode == 0, first.stdout + first.stderr
        assert "warehouse published" in first.stdout
        assert "notifications: 1 sent, 1 failed" in first.stdout and "451" in first.stdout
        ops = [json.loads(line) for line in (warehouse.parent / "logs" / "operations.jsonl").read_text().splitlines()]
        notified = [o for o in ops if o["event"] == "notifications"]
        assert (notified[-1]["sent"], notified[-1]["failed"]) == (1, 1)
        alert = query(warehouse, "select department_id, status, manager from marts.alerts where alert_id = ?",
                      [alert_id])
        assert alert == [("digital", "open", manager["manager"])]
        assert not inbox.messages
        (follow_up,) = fake.tickets.values()  # the follow-up ticket, in Digital's group
        assert (follow_up["external_id"], follow_up["group_id"]) == (f"whycall-alert-{alert_id}", 361002)

        def notify(at: dt.datetime) -> str:
            done = whycall("notify", *paths, "--now", at.isoformat(), env=env)
            assert done.returncode == 0, done.stdout + done.stderr
            return done.stdout

        # 2. the e-mail is retried after its backoff: one message, in the manager's language, with the ticket link
        notify(t0 + dt.timedelta(hours=3))
        (mail,) = inbox.messages
        assert mail["To"] == manager["manager_email"] == "sofia.janssens@example.org"
        assert manager["language"] == "en" and mail["Subject"].startswith("[whycall] Dissatisfied customer")
        text = mail.get_body(("plain",)).get_content()
        assert f"Hello {manager['manager']}," in text and "CSAT 1" in text and "Appli toujours en panne" in text
        assert f"{base}/agent/tickets/{ticket['id']}" in text and "45 h left" in mail["Subject"]
        for _ in range(3):
            notify(t0 + dt.timedelta(hours=4))
        assert len(inbox.messages) == 1 and len(fake.tickets) == 1  # reruns resend nothing

        # 3. still open after remind_after_hours: one reminder; 4. past 48 h: one escalation to IT's manager
        notify(t0 + dt.timedelta(hours=23))
        assert len(inbox.messages) == 1
        notify(t0 + dt.timedelta(hours=25))
        assert [m["Subject"][:30] for m in inbox.messages[1:]] == ["[whycall] Reminder: dissatisfi"]
        notify(t0 + dt.timedelta(hours=49))
        notify(t0 + dt.timedelta(hours=50))
        escalations = [m for m in inbox.messages if m["To"] == parent["manager_email"]]
        assert len(escalations) == 1 and len(inbox.messages) == 3
        assert parent["language"] == "fr" and escalations[0]["Subject"].startswith("[whycall] Escalade")

        # 5. the manager solves the follow-up with an outcome; the next run publishes it on marts.alerts
        solved = t0 + dt.timedelta(hours=51)
        follow_up.update(status="solved", updated_at=solved.isoformat() + "Z",
                         custom_fields=[{"id": OUTCOME_FIELD, "value": "Resolved"}])
        notify(t0 + dt.timedelta(hours=52))
        second = whycall("run", *paths, env=env)
        assert second.returncode == 0, second.stdout + second.stderr
        assert len(inbox.messages) == 3 and len(fake.tickets) == 1
        (row,) = query(
            warehouse,
            "select status, recontacted_at, recontact_contact_id, notified_at, reminded_at, escalated_at, "
            "follow_up_ticket_id, outcome from marts.alerts where alert_id = ?",
            [alert_id],
        )
        assert row[0:3] == ("late", solved, f"zendesk:{follow_up['id']}")
        assert t0 < row[3] <= t0 + dt.timedelta(hours=3)  # the follow-up ticket of the first run (wall clock)
        assert row[4:] == (t0 + dt.timedelta(hours=25), t0 + dt.timedelta(hours=49), str(follow_up["id"]),
                           "resolved")

    # no secret and no customer detail in any message, ticket, log or notifier table
    con = duckdb.connect(str(warehouse.with_name("whycall.state.duckdb")), read_only=True)
    tables = [repr(con.execute(f"select * from notify.{t}").fetchall()) for t in ("attempts", "follow_ups")]
    con.close()
    logs = [p.read_text(errors="replace") for p in (warehouse.parent / "logs").rglob("*") if p.is_file()]
    blob = "\n".join([m.as_string() for m in inbox.messages] + [json.dumps(t) for t in fake.tickets.values()]
                     + tables + logs + [first.stdout, first.stderr, second.stdout])
    customer_key = query(warehouse, "select customer_key from marts.alerts where alert_id = ?", [alert_id])[0][0]
    for forbidden in (*RESPONDENT, "0470 98 76 54", "98 76 54", customer_key, str(ticket["requester_id"]),
                      *SECRETS.values()):
        assert forbidden not in blob, forbidden
