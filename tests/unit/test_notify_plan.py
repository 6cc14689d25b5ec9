"""The notifier's decisions, by hand: who gets what, once; reminders, escalations, retries with backoff."""

import datetime as dt

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.notify.messages import compose, scrub
from orchestration.lib.notify.plan import AlertCase, Attempt, plan_deliveries
from orchestration.lib.notify.recipients import Recipient, read_recipients
from orchestration.lib.notify.settings import EmailSettings, NotifySettings, RetrySettings, parse_notify
from orchestration.lib.records import InputError

T0 = dt.datetime(2026, 5, 4, 8, 0)  # the alert's creation time (UTC)
EMAIL = EmailSettings("smtp.test", 25, "none", "whycall@example.org", "immediate", "U", "P", 5)
SETTINGS = NotifySettings(
    remind_after_hours=24,
    expire_after_days=14,
    email=EMAIL,
    retry=RetrySettings(first_minutes=15, max_minutes=60, max_attempts=3),
)
RECIPIENTS = {
    "billing": Recipient("billing", "Billing", "Claire Dubois", "claire@example.org", "fr", None, "finance"),
    "finance": Recipient("finance", "Finance", "Paul Martin", "paul@example.org", "en", None, None),
    "nomail": Recipient("nomail", "No mail", "Nobody", None, "en", None, None),
}


def alert(alert_id="alert:r1", status="open", dept="billing", created=T0, **kw):
    return AlertCase(alert_id, dept, created, status, **kw)


def att(kind, status, at, alert_id="alert:r1", channel="email"):
    return Attempt(alert_id, kind, channel, "billing", at, status)


def keys(plan):
    return [(d.alert.alert_id, d.kind, d.channel, d.recipient.department_id) for d in plan.deliveries]


def test_a_new_open_alert_is_notified_to_its_department_manager_once():
    now = T0 + dt.timedelta(hours=1)
    first = plan_deliveries([alert()], RECIPIENTS, [], now, SETTINGS, 48)
    assert keys(first) == [("alert:r1", "notify", "email", "billing")]
    again = plan_deliveries([alert()], RECIPIENTS, [att("notify", "sent", now)], now, SETTINGS, 48)
    assert keys(again) == [] and again.skips == []


def test_reminder_after_remind_after_hours_and_escalation_to_the_parent_after_the_deadline():
    sent = [att("notify", "sent", T0 + dt.timedelta(hours=1))]
    at_23h = plan_deliveries([alert()], RECIPIENTS, sent, T0 + dt.timedelta(hours=23), SETTINGS, 48)
    assert keys(at_23h) == []
    at_24h = plan_deliveries([alert()], RECIPIENTS, sent, T0 + dt.timedelta(hours=24), SETTINGS, 48)
    assert keys(at_24h) == [("alert:r1", "remind", "email", "billing")]
    reminded = sent + [att("remind", "sent", T0 + dt.timedelta(hours=24))]
    at_48h = plan_deliveries([alert()], RECIPIENTS, reminded, T0 + dt.timedelta(hours=48), SETTINGS, 48)
    assert keys(at_48h) == []  # 48 h is still within the limit
    at_49h = plan_deliveries([alert()], RECIPIENTS, reminded, T0 + dt.timedelta(hours=49), SETTINGS, 48)
    assert keys(at_49h) == [("alert:r1", "escalate", "email", "finance")]
    escalated = reminded + [att("escalate", "sent", T0 + dt.timedelta(hours=49))]
    assert (
        keys(plan_deliveries([alert()], RECIPIENTS, escalated, T0 + dt.timedelta(days=5), SETTINGS, 48)) == []
    )


def test_a_recontacted_alert_gets_no_reminder_and_a_late_one_is_escalated():
    sent = [att("notify", "sent", T0)]
    now = T0 + dt.timedelta(hours=30)
    assert keys(plan_deliveries([alert(status="recontacted")], RECIPIENTS, sent, now, SETTINGS, 48)) == []
    late = plan_deliveries([alert(status="late")], RECIPIENTS, sent, now, SETTINGS, 48)
    assert keys(late) == [("alert:r1", "escalate", "email", "finance")]


def test_failed_send_is_retried_with_doubling_waits_then_given_up():
    f1 = T0 + dt.timedelta(minutes=1)
    one = [att("notify", "failed", f1)]
    assert (
        keys(plan_deliveries([alert()], RECIPIENTS, one, f1 + dt.timedelta(minutes=14), SETTINGS, 48)) == []
    )
    assert (
        plan_deliveries([alert()], RECIPIENTS, one, f1 + dt.timedelta(minutes=14), SETTINGS, 48).waiting == 1
    )
    assert (
        len(
            plan_deliveries(
                [alert()], RECIPIENTS, one, f1 + dt.timedelta(minutes=15), SETTINGS, 48
            ).deliveries
        )
        == 1
    )
    f2 = f1 + dt.timedelta(minutes=15)
    two = one + [att("notify", "failed", f2)]  # second wait: 30 min
    assert (
        keys(plan_deliveries([alert()], RECIPIENTS, two, f2 + dt.timedelta(minutes=29), SETTINGS, 48)) == []
    )
    assert (
        len(
            plan_deliveries(
                [alert()], RECIPIENTS, two, f2 + dt.timedelta(minutes=30), SETTINGS, 48
            ).deliveries
        )
        == 1
    )
    three = two + [att("notify", "failed", f2 + dt.timedelta(minutes=30))]  # max_attempts 3 reached
    late = plan_deliveries([alert()], RECIPIENTS, three, T0 + dt.timedelta(hours=10), SETTINGS, 48)
    assert keys(late) == [] and late.given_up == 1
    assert RetrySettings(15, 60, 9).wait_minutes(5) == 60  # capped


def test_first_sight_skips_old_recontacted_suspect_and_unreachable_alerts():
    now = T0 + dt.timedelta(days=20)
    alerts = [
        alert("alert:old", created=T0),  # 20 days old > 14
        alert("alert:done", status="recontacted", created=now - dt.timedelta(hours=2)),
        alert("alert:sus", created=now - dt.timedelta(hours=2), is_suspect=True),
        alert("alert:nomail", dept="nomail", created=now - dt.timedelta(hours=2)),
        alert("alert:nodept", dept=None, created=now - dt.timedelta(hours=2)),
    ]
    plan = plan_deliveries(alerts, RECIPIENTS, [], now, SETTINGS, 48)
    assert plan.deliveries == []
    reasons = {s.alert_id: s.reason for s in plan.skips}
    assert reasons["alert:old"].startswith("older than notify.expire_after_days (14)")
    assert reasons["alert:done"] == "already recontacted when first seen"
    assert reasons["alert:sus"].startswith("suspect")
    assert reasons["alert:nomail"] == "no manager_email for department nomail"
    assert reasons["alert:nodept"] == "department (none) not in reference/departments.csv"


def test_no_parent_department_skips_the_escalation_once():
    a = alert(dept="finance")
    sent = [Attempt("alert:r1", "notify", "email", "finance", T0, "sent")]
    plan = plan_deliveries([a], RECIPIENTS, sent, T0 + dt.timedelta(hours=60), SETTINGS, 48)
    assert [(s.kind, s.reason) for s in plan.skips] == [("escalate", "no parent department to escalate to")]
    assert [d.kind for d in plan.deliveries] == ["remind"]


def test_message_in_the_managers_language_with_hours_left_and_no_customer_detail():
    a = alert(
        csat=1,
        nps=3,
        comment="Appelez-moi au +32 470 12 34 56 ou jean.dupont@mail.be, facture fausse",
        reason_code="INVOICE_UNCLEAR",
        reason_label_fr="Facture peu claire",
        reason_label_en="Unclear invoice",
        contact_id="zendesk:9001",
    )
    now = T0 + dt.timedelta(hours=17)
    plan = plan_deliveries([a], RECIPIENTS, [], now, SETTINGS, 48)
    msg = compose(
        plan.deliveries, now, 48, "Europe/Brussels", "https://acme.zendesk.com", {"billing": "Billing"}
    )
    assert (
        msg.subject
        == "[whycall] Client insatisfait à rappeler · Billing · 31 h restantes avant la limite de 48 h"
    )
    assert "Bonjour Claire Dubois," in msg.text
    assert "Scores: CSAT 1, NPS 3" in msg.text
    assert "Motif: Facture peu claire (INVOICE_UNCLEAR)" in msg.text
    assert "Date: 2026-05-04 10:00 CEST" in msg.text  # 08:00 UTC in Brussels summer time
    assert "https://acme.zendesk.com/agent/tickets/9001" in msg.text
    assert '<a href="https://acme.zendesk.com/agent/tickets/9001">' in msg.html
    for secret in ("470", "jean.dupont", "mail.be"):
        assert secret not in msg.text and secret not in msg.html
    english = compose(
        [plan.deliveries[0].__class__(a, "notify", "email", RECIPIENTS["finance"])],
        T0 + dt.timedelta(hours=50),
        48,
        "Europe/Brussels",
    )
    assert "2 h past the 48 h limit" in english.subject and "Unclear invoice" in english.text
    assert "zendesk:9001" in english.text  # no subdomain: the reference, not a link


def test_scrub_keeps_ordinary_numbers():
    assert scrub("commande 12345 livrée le 3/5") == "commande 12345 livrée le 3/5"
    assert scrub("call 0470/12.34.56 now") == "call […] now"


def test_notify_settings_validation_names_the_key():
    assert parse_notify(None).channels == ()
    ok = parse_notify(
        {
            "email": {"host": "smtp.example.org", "from": "w@example.org", "mode": "digest"},
            "chat": {"kind": "teams"},
            "zendesk": {},
        }
    )
    assert ok.channels == ("email", "chat", "zendesk") and ok.email.mode == "digest" and ok.email.port == 587
    with pytest.raises(InputError, match=r"notify.email.passwrd: unknown key 'passwrd'"):
        parse_notify({"email": {"host": "h", "from": "f@x.org", "passwrd": "x"}})
    with pytest.raises(InputError, match=r"notify.email.mode: expected immediate or digest"):
        parse_notify({"email": {"host": "h", "from": "f@x.org", "mode": "weekly"}})
    with pytest.raises(InputError, match=r"whycall.yml: notify.remind_aftre_hours: unknown key"):
        build_config({"notify": {"remind_aftre_hours": 3}})
    assert build_config({}).notify.channels == ()


def test_recipients_read_optional_columns_and_name_the_line(tmp_path):
    ref = tmp_path / "reference"
    ref.mkdir()
    (ref / "departments.csv").write_text(
        "department_id,name,manager,parent_id,manager_email,language,zendesk_group_id\n"
        "billing,Billing,Claire,finance,claire@example.org,,360001\n"
        "finance,Finance,Paul,,paul@example.org,en,\n",
        encoding="utf-8",
    )
    got = read_recipients(tmp_path, "fr")
    assert got["billing"] == Recipient(
        "billing", "Billing", "Claire", "claire@example.org", "fr", "360001", "finance"
    )
    assert got["finance"].language == "en" and got["finance"].parent_id is None
    (ref / "departments.csv").write_text("department_id,name,manager,manager_email\nb,B,C,not-an-address\n")
    with pytest.raises(InputError, match=r"departments.csv line 2: manager_email 'not-an-address'"):
        read_recipients(tmp_path, "fr")


def test_reference_loader_accepts_the_notify_columns_without_loading_the_address(tmp_path):
    from orchestration.lib.parsers import collect, parse_file

    path = tmp_path / "departments.csv"
    path.write_text(
        "department_id,name,manager,manager_email,language,zendesk_group_id\n"
        "billing,Billing,Claire,claire@example.org,fr,360001\n",
        encoding="utf-8",
    )
    parsed = collect(parse_file(path, "reference:departments", build_config({})))
    assert [r["department_id"] for r in parsed.rows] == ["billing"] and not parsed.rejects
    assert all("claire@example.org" not in str(v) for r in parsed.rows for v in r.values())


def test_follow_up_outcome_from_the_field_or_tag_renamed_by_outcome_map():
    from orchestration.lib.notify.outcome import follow_up_state

    settings = parse_notify(
        {"zendesk": {"outcome_field_id": 77, "outcome_map": {"Rappel_OK": "resolved", "injoignable": "not_reached"}}}
    )
    mapping = dict(settings.zendesk.outcome_map)
    assert mapping == {"rappel_ok": "resolved", "injoignable": "not_reached"}
    solved = {"status": "solved", "updated_at": "2026-05-04T20:00:00+02:00", "tags": ["whycall_followup"]}
    field = {**solved, "custom_fields": [{"id": 77, "value": "Rappel_OK"}]}
    assert follow_up_state(field, "77", mapping) == ("solved", dt.datetime(2026, 5, 4, 18, 0), "resolved")
    tagged = {**solved, "tags": ["callback_injoignable"]}
    assert follow_up_state(tagged, "77", mapping)[2] == "not_reached"
    # a value the map does not know is kept as it is; an open ticket has no solve time
    other = {**solved, "status": "open", "custom_fields": [{"id": 77, "value": "compensated"}]}
    assert follow_up_state(other, "77", mapping) == ("open", None, "compensated")
    with pytest.raises(InputError, match=r"notify\.zendesk\.outcome_map.*rappel_ok: resolved"):
        parse_notify({"zendesk": {"outcome_map": ["resolved"]}})


def test_a_bilingual_department_name_is_named_in_the_managers_language():
    a = alert(csat=1, contact_id="zendesk:9001")
    now = T0 + dt.timedelta(hours=1)
    plan = plan_deliveries([a], RECIPIENTS, [], now, SETTINGS, 48)
    names = {"billing": "Facturation / Billing"}
    french = compose(plan.deliveries, now, 48, "Europe/Brussels", None, names)  # Claire Dubois reads French
    assert " · Facturation · " in french.subject and "Département: Facturation (billing)" in french.text
    english = compose(
        [plan.deliveries[0].__class__(a, "notify", "email", RECIPIENTS["finance"])], now, 48, "Europe/Brussels",
        None, names,
    )
    assert " · Billing · " in english.subject and "Department: Billing (billing)" in english.text
    assert "Facturation" not in english.text
