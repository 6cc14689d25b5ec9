"""A tiny hand-written landing, loaded straight into raw.* for the dbt tests (and for developing models).

Each block below plants one CONTRACT §5 definition; test_dbt_build.py asserts the marts it must give.
Timestamps are naive UTC like the loader writes them; the business time zone is Europe/Brussels (UTC+1 in winter).

    uv run python tests/dbt/seed_raw.py /tmp/whycall_dev.duckdb      # then dbt build with WHYCALL_BUILD_DB
"""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration.lib.masking import mask_pending
from orchestration.lib.privacy import PrivacyRules
from orchestration.lib.raw_schema import TABLES, create_table_sql

LOADED_AT = datetime(2024, 3, 1, 6, 0)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def ticket(native_id, started, customer, channel="email", *, source_system="zendesk", **fields) -> dict:
    # a ticket has its own text (a Zendesk description always does): an empty written contact is suspect
    fields.setdefault("text", f"Ticket {native_id}: see the subject.")
    return {
        "source_system": source_system,
        "native_id": str(native_id),
        "updated_at": fields.pop("updated_at", ts(started) if source_system != "csv" else None),
        "is_deleted": fields.pop("is_deleted", False),
        "customer_ref": customer,
        "started_at": ts(started),
        "channel": channel,
        "_file": fields.pop("_file", "tickets/page1.json"),
        **fields,
    }


def call(native_id, started, customer, *, source_system="talk", direction="inbound", **fields) -> dict:
    return {
        "source_system": source_system,
        "native_id": str(native_id),
        "updated_at": ts(started) if source_system != "csv" else None,
        "is_deleted": False,
        "customer_ref": customer,
        "started_at": ts(started),
        "channel": fields.pop("channel", "phone" if source_system == "talk" else None),
        "direction": direction,
        "handle_seconds": fields.pop("handle_seconds", 300.0 if source_system == "talk" else None),
        "_file": fields.pop("_file", "calls/page1.json"),
        **fields,
    }


def dataset() -> dict[str, list[dict]]:
    tickets: list[dict] = []
    calls: list[dict] = []

    # Repeat window (7 days = repeat, 8 = not) on late_delivery through the calls reason_map (wrap-up WRAP_DELIV).
    calls += [
        call(1001, "2024-01-08 10:00", "cust-repeat", reason_raw="WRAP_DELIV"),
        call(1002, "2024-01-15 10:00", "cust-repeat", reason_raw="WRAP_DELIV"),
        call(1003, "2024-01-23 10:00", "cust-repeat", reason_raw="WRAP_DELIV"),
    ]
    # Repeat across channels: email mapped to invoice_unclear, then a call whose field is the reason code.
    tickets.append(ticket(700, "2024-01-03 09:00", "cust-cross", reason_raw="billing_question"))
    calls.append(call(1010, "2024-01-05 15:00", "cust-cross", reason_raw="invoice_unclear"))

    # A call and the voice ticket it created = one contact (reason from the ticket, handle from the call) ...
    calls.append(call(1020, "2024-01-10 09:00", "cust-merge", reason_raw="WRAP_DELIV", ticket_ref="500"))
    tickets.append(
        ticket(
            500,
            "2024-01-10 09:05",
            "cust-merge",
            "voice",
            reason_raw="invoice_unclear",
            subject="Appel entrant",
            text="Question sur la facture",
            organization_ref="org-acme",
        )
    )
    # ... a call attached to an older ticket is a contact of its own, and so is the ticket ...
    org = "org-acme"
    tickets.append(
        ticket(501, "2024-01-02 08:00", "cust-merge", reason_raw="billing_question", organization_ref=org)
    )
    calls.append(call(1021, "2024-01-12 10:00", "cust-merge", reason_raw="WRAP_DELIV", ticket_ref="501"))
    # ... and a voice ticket created 90 minutes after the call is not merged either.
    calls.append(call(1022, "2024-01-16 10:00", "cust-late-voice", ticket_ref="502"))
    tickets.append(ticket(502, "2024-01-16 11:30", "cust-late-voice", "voice", subject="Mot de passe"))

    # Classification order and keywords.
    tickets += [
        # map beats keywords
        ticket(
            710,
            "2024-01-09 11:00",
            "cust-k1",
            "web",
            reason_raw="billing_question",
            subject="password problem",
            satisfaction="bad",
        ),
        # map on a tag
        ticket(711, "2024-01-09 12:00", "cust-k2", tags="vip delivery"),
        # French keywords, accents and case folded; the longest keyword is the evidence
        ticket(712, "2024-01-10 13:00", "cust-k3", "web", text="Encore une FACTURE INCOMPRÉHENSIBLE !"),
        # overlapping keywords: 'delivery charge' (shipping_fee) is longer than 'late delivery' (late_delivery)
        ticket(713, "2024-01-11 14:00", "cust-k4", text="The late delivery charge is too high"),
        ticket(714, "2024-01-11 15:00", "cust-k5", "chat", subject="Mot de passe oublié"),
        # 'colis' must not match inside 'colissimo'
        ticket(715, "2024-01-12 16:00", "cust-k6", "web", text="Bonjour, colissimo ?"),
        # explicit field, a value reason
        ticket(716, "2024-01-12 17:00", "cust-k7", reason_raw="new_order", satisfaction="good"),
    ]

    # Ownership moves from BILL to IT on 2024-02-01 (local); 23:30 UTC on Jan 31 is already Feb 1 in Brussels.
    tickets += [
        ticket(720, "2024-01-31 22:30", "cust-t1", reason_raw="invoice_unclear", satisfaction="good"),
        ticket(721, "2024-01-31 23:30", "cust-t2", reason_raw="invoice_unclear"),
    ]

    # Incident INC1 (late_delivery, 2024-02-05 08:00-20:00 UTC, 24 h grace).
    calls += [
        call(1030, "2024-02-05 07:59", "cust-i1", reason_raw="WRAP_DELIV"),  # before the start
        call(1031, "2024-02-05 09:00", "cust-i2", reason_raw="WRAP_DELIV"),
        call(1032, "2024-02-05 09:30", "cust-i3", reason_raw="WRAP_DELIV"),
        call(1033, "2024-02-06 19:59", "cust-i4", reason_raw="WRAP_DELIV"),  # inside the grace
        call(1034, "2024-02-06 20:01", "cust-i5", reason_raw="WRAP_DELIV"),  # after the grace
    ]
    tickets += [
        ticket(730, "2024-02-05 10:00", "cust-i6", tags="delivery", ticket_type="problem"),
        ticket(732, "2024-02-05 12:00", "cust-i7", "web", tags="delivery"),
        # a Zendesk incident ticket pointing to problem 730: linked to INC1 whatever its reason and time
        ticket(
            731,
            "2024-02-20 10:00",
            "cust-i8",
            reason_raw="new_order",
            problem_id="730",
            ticket_type="incident",
        ),
    ]

    # Incident INC2 (password_reset) and its spike: one contact on each of the 4 prior Mondays, 8 on Feb 12.
    for n, day in enumerate(["2024-01-15", "2024-01-22", "2024-01-29", "2024-02-05"]):
        tickets.append(ticket(760 + n, f"{day} 10:00", f"cust-p{n}", "web", subject="Reset my password"))
    for n, minute in enumerate(["09:05", "09:15", "09:25", "09:35", "09:45", "10:05", "10:15", "11:00"]):
        tickets.append(
            ticket(770 + n, f"2024-02-12 {minute}", f"cust-q{n}", "web", subject="password locked")
        )
    # An unregistered spike: 4 shipping_fee contacts on a Monday with nothing the 4 weeks before.
    for n in range(4):
        tickets.append(ticket(780 + n, f"2024-02-19 1{n}:00", f"cust-s{n}", text="delivery charge"))

    # Suspects: a customer with 9 contacts a day, 4 more customers sending the same text, a 2-character text.
    for n in range(9):
        tickets.append(
            ticket(790 + n, f"2024-01-17 10:0{n}", "cust-bot", "web", text="Where is my refund please")
        )
    for n, text in enumerate(
        [
            "where is my  REFUND please",
            "Whére is my refund please ",
            "WHERE IS MY REFUND PLEASE",
            "where is my refund please",
        ]
    ):
        tickets.append(ticket(800 + n, "2024-01-19 10:00", f"cust-copy{n}", text=text))
    tickets.append(ticket(740, "2024-01-18 10:00", "cust-short", "web", text="ok"))
    tickets.append(ticket(741, "2024-01-18 11:00", "cust-empty", "email", text=None))  # an empty e-mail

    # Versions: latest updated_at wins; a deletion removes the ticket; a tie goes to the later file.
    tickets += [
        ticket(750, "2024-01-22 09:00", "cust-v", reason_raw="new_order", updated_at=ts("2024-01-22 10:00")),
        ticket(
            750,
            "2024-01-22 09:00",
            "cust-v",
            reason_raw="billing_question",
            updated_at=ts("2024-01-22 12:00"),
        ),
        ticket(751, "2024-01-22 09:30", "cust-v2", reason_raw="new_order", updated_at=ts("2024-01-22 10:00")),
        ticket(751, "2024-01-22 09:30", "cust-v2", updated_at=ts("2024-01-23 10:00"), is_deleted=True),
        ticket(
            752,
            "2024-01-22 11:00",
            "cust-v3",
            reason_raw="billing_question",
            updated_at=ts("2024-01-22 11:00"),
            _file="tickets/2024-01-22.json",
        ),
        ticket(
            752,
            "2024-01-22 11:00",
            "cust-v3",
            reason_raw="new_order",
            updated_at=ts("2024-01-22 11:00"),
            _file="tickets/2024-01-23.json",
        ),
    ]

    # CSV profiles: a complaint extract (csv:) and a call-centre CDR (cdr:) without handle time.
    tickets.append(
        ticket(
            "CFPB-1",
            "2024-01-24 10:00",
            "csv-cust-1",
            "Web",
            source_system="csv",
            reason_raw="Billing dispute",
            text="Problem with my invoice",
        )
    )
    calls.append(call("K1", "2024-01-24 11:00", "csv-cust-2", source_system="csv", direction="Inbound"))

    # Outbound calls: recontact after alert R1 (10 h), after R2 (60 h), and one before alert R3 (does not count).
    calls += [
        call(1100, "2024-01-11 20:00", "cust-merge", direction="outbound"),
        call(1101, "2024-01-14 00:00", "cust-cross", direction="outbound"),
        call(1102, "2024-01-19 09:00", "cust-k3", direction="outbound"),
    ]

    for n, row in enumerate(tickets + calls):
        row.setdefault("_record", n)

    def survey(
        response_id, responded, customer=None, ticket_ref=None, nps=None, csat=None, ces=None, **extra
    ):
        return {
            "source_system": "qualtrics",
            "response_id": response_id,
            "responded_at": ts(responded),
            "customer_ref": customer,
            "ticket_ref": ticket_ref,
            "nps": nps,
            "csat": csat,
            "ces": ces,
            "finished": True,
            "_file": extra.get("_file", "surveys/export.csv"),
            "_record": extra.get("_record", 0),
        }

    surveys = [
        # ticket link -> the merged call; recontacted
        survey("R1", "2024-01-11 10:00", "cust-merge", "500", csat=1),
        survey("R2", "2024-01-11 12:00", "cust-cross", nps=3),  # customer fallback -> talk:1010; late
        survey("R3", "2024-01-20 09:00", "cust-k3", "712", ces=2),  # open (the outbound call was before)
        survey("R4", "2024-01-20 10:00", "cust-k7", "716", nps=10, csat=5, ces=7),  # satisfied, no alert
        survey("R4", "2024-01-20 10:00", "cust-k7", "716", nps=10, csat=5, ces=7, _file="surveys/again.csv"),
        survey("R5", "2024-01-25 10:00", "cust-nobody", nps=3, csat=3, ces=3),  # straight-lining, suspect
        survey("R6", "2024-01-25 12:00", "cust-repeat", csat=4),  # fallback -> talk:1003 (2 days before)
        survey("R7", "2024-02-01 12:00", "cust-repeat", csat=2),  # last contact 9 days before: no link
    ]

    departments = [
        {
            "department_id": "BILL",
            "name": "Billing",
            "manager": "Alice Martin",
            "volume_measure": "invoices_sent",
        },
        {"department_id": "LOGI", "name": "Logistics", "manager": "Bob Peeters"},
        {"department_id": "IT", "name": "IT", "manager": "Carla Dubois"},
        {"department_id": "SALES", "name": "Sales", "manager": "Dan Smet"},
    ]

    def reason(code, en, fr, dept, kind, kw_en, kw_fr, valid_from=None, valid_to=None):
        return {
            "reason_code": code,
            "label_en": en,
            "label_fr": fr,
            "department_id": dept,
            "kind": kind,
            "keywords_en": kw_en,
            "keywords_fr": kw_fr,
            "valid_from": valid_from,
            "valid_to": valid_to,
        }

    reasons = [
        reason(
            "invoice_unclear",
            "Unclear invoice",
            "Facture peu claire",
            "BILL",
            "unwanted",
            "invoice|unclear invoice",
            "facture|facture incompréhensible",
            valid_to=date(2024, 1, 31),
        ),
        reason(
            "invoice_unclear",
            "Unclear invoice",
            "Facture peu claire",
            "IT",
            "unwanted",
            "invoice|unclear invoice",
            "facture|facture incompréhensible",
            valid_from=date(2024, 2, 1),
        ),
        reason(
            "late_delivery",
            "Late delivery",
            "Livraison en retard",
            "LOGI",
            "unwanted",
            "late delivery|parcel",
            "livraison en retard|colis",
        ),
        reason(
            "shipping_fee",
            "Delivery charge",
            "Frais de livraison",
            "LOGI",
            "unwanted",
            "delivery charge",
            "frais de livraison",
        ),
        reason(
            "new_order", "New order", "Nouvelle commande", "SALES", "value", "order|buy", "commande|acheter"
        ),
        reason(
            "password_reset", "Password reset", "Mot de passe", "IT", "unwanted", "password", "mot de passe"
        ),
    ]
    reason_map = [
        {"source": "tickets", "source_value": "billing_question", "reason_code": "invoice_unclear"},
        {"source": "tickets", "source_value": "delivery", "reason_code": "late_delivery"},
        {"source": "calls", "source_value": "WRAP_DELIV", "reason_code": "late_delivery"},
    ]
    incidents = [
        {
            "incident_id": "INC1",
            "title": "Carrier outage",
            "department_id": "LOGI",
            "reason_code": "late_delivery",
            "started_at": ts("2024-02-05 08:00"),
            "ended_at": ts("2024-02-05 20:00"),
        },
        {
            "incident_id": "INC2",
            "title": "Login failure",
            "department_id": "IT",
            "reason_code": "password_reset",
            "started_at": ts("2024-02-12 09:00"),
            "ended_at": ts("2024-02-12 10:00"),
            "proactive_notice_at": ts("2024-02-12 08:30"),
        },
    ]
    actions = [
        {
            "action_id": "ACT1",
            "reason_code": "invoice_unclear",
            "department_id": "BILL",
            "implemented_on": date(2024, 2, 1),
            "description": "Clearer invoice layout",
        }
    ]
    volumes = []
    day = date(2024, 1, 1)
    while day <= date(2024, 2, 29):
        volumes += [
            {"date": day, "department_id": "BILL", "measure": "invoices_sent", "value": 1000.0},
            {"date": day, "department_id": "BILL", "measure": "payments", "value": 400.0},
            {"date": day, "department_id": "LOGI", "measure": "orders_shipped", "value": 2000.0},
        ]
        day += timedelta(days=1)
    targets = [
        {"department_id": "BILL", "metric": "alerts_recontacted", "period": "", "target": 5.0},
        {"department_id": "BILL", "metric": "alerts_recontacted", "period": "2024-01", "target": 3.0},
    ]
    load_audit = [
        {
            "run_id": "run-1",
            "source": "tickets",
            "file": "tickets/page1.json",
            "sha256": "ab" * 32,
            "status": "loaded",
            "rows_read": 3,
            "rows_loaded": 2,
            "rows_rejected": 1,
            "loaded_at": LOADED_AT,
        },
        {
            "run_id": "run-1",
            "source": "tickets",
            "file": "tickets/copy.json",
            "sha256": "ab" * 32,
            "status": "duplicate",
            "rows_read": 0,
            "rows_loaded": 0,
            "rows_rejected": 0,
            "loaded_at": LOADED_AT,
        },
    ]
    rejects = [
        {
            "run_id": "run-1",
            "source": "tickets",
            "file": "tickets/page1.json",
            "line": 2,
            "reason": "bad timestamp 'soon' in created_at",
            "raw": '{"id": 9}',
        }
    ]

    reference = {
        "departments": departments,
        "reasons": reasons,
        "reason_map": reason_map,
        "incidents": incidents,
        "actions": actions,
        "volumes": volumes,
        "targets": targets,
    }
    for name, rows in reference.items():
        for n, row in enumerate(rows):
            row.setdefault("_file", f"reference/{name}.csv")
            row.setdefault("_record", n + 2)

    return {
        "tickets": tickets,
        "calls": calls,
        "surveys": surveys,
        **reference,
        "load_audit": load_audit,
        "rejects": rejects,
    }


def seed(database: str | Path, data: dict[str, list[dict]] | None = None, salt: str = "test-salt") -> None:
    """Create schema raw with every raw_schema table and insert the dataset (bound parameters only); then
    mask and key the rows as the ingest does (customer_key = sha256(salt || customer_ref))."""
    data = dataset() if data is None else data
    con = duckdb.connect(str(database))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS raw")
        for table, fields in TABLES.items():
            con.execute(f"DROP TABLE IF EXISTS raw.{table}")
            con.execute(create_table_sql(table))
            rows = data.get(table, [])
            if not rows:
                continue
            names = [name for name, _ in fields]
            loader = {"_sha256": "0" * 64, "_loaded_at": LOADED_AT}
            values = [[row.get(name, loader.get(name)) for name in names] for row in rows]
            unknown = {key for row in rows for key in row} - set(names)
            assert not unknown, f"raw.{table} has no column {sorted(unknown)}"
            placeholders = ", ".join("?" for _ in names)
            con.executemany(f"INSERT INTO raw.{table} VALUES ({placeholders})", values)
        mask_pending(con, PrivacyRules(), salt=salt)
    finally:
        con.close()


if __name__ == "__main__":
    seed(sys.argv[1] if len(sys.argv) > 1 else "/tmp/whycall_dev.duckdb")
