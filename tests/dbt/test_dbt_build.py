"""dbt build on the hand-written landing of seed_raw.py: every CONTRACT §5 definition, checked on exact values.

One session fixture seeds a temporary DuckDB file, runs `dbt build` (unit tests, models, data tests) the way the
orchestrator does (a dbt process, settings as --vars JSON) and `dbt docs generate`; the tests read the marts.
dbt runs in its own process: in-process, dbt-duckdb keeps the database file open with its own configuration.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from seed_raw import seed

from orchestration.lib.config import build_config

pytestmark = pytest.mark.timeout(300)

ROOT = Path(__file__).resolve().parents[2]
DBT_DIR = ROOT / "dbt_project"
SHARED = ROOT / ".." / "shared"
SALT = "test-salt"

# whycall.yml defaults (CONTRACT §3), passed exactly as the orchestrator does: the config's own dbt_vars()
# (tests/unit/test_config.py pins those defaults literally).
VARS = build_config({}).dbt_vars()


def customer_key(customer_ref: str) -> str:
    return hashlib.sha256((SALT + customer_ref).encode()).hexdigest()


def dbt(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("dbt")
    command = [str(executable) if executable.exists() else shutil.which("dbt") or "dbt", *args]
    return subprocess.run(command, check=False, env=env, capture_output=True, text=True, timeout=240)


@pytest.fixture(scope="session")
def build(tmp_path_factory):
    work = tmp_path_factory.mktemp("dbt")
    database = work / "whycall_build.duckdb"
    seed(database)
    env = {**os.environ, "WHYCALL_BUILD_DB": str(database), "WHYCALL_SALT": SALT}
    common = [
        "--project-dir",
        str(DBT_DIR),
        "--profiles-dir",
        str(DBT_DIR),
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    built = dbt("build", *common, "--vars", json.dumps(VARS), env=env)
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    docs = dbt("docs", "generate", *common, "--vars", json.dumps(VARS), env=env)
    return {"database": database, "build": built, "results": results, "docs": docs, "target": work / "target"}


@pytest.fixture(scope="session")
def marts(build):
    assert build["build"].returncode == 0, build["build"].stdout[-5000:]
    con = duckdb.connect(str(build["database"]), read_only=True)
    yield con
    con.close()


def rows(con, sql: str, *params) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def one(con, sql: str, *params) -> dict:
    found = rows(con, sql, *params)
    assert len(found) == 1, found
    return found[0]


def contact(con, contact_id: str) -> dict:
    return one(con, "select * from marts.fct_contacts where contact_id = ?", contact_id)


# --- the build itself -------------------------------------------------------------------------------------


def test_build_runs_every_unit_test_model_and_data_test(build):
    assert build["build"].returncode == 0, build["build"].stdout[-5000:]
    statuses: dict[str, set[str]] = {}
    counts: dict[str, int] = {}
    for result in build["results"]:
        kind = result["unique_id"].split(".")[0]
        statuses.setdefault(kind, set()).add(result["status"])
        counts[kind] = counts.get(kind, 0) + 1
    assert statuses == {"unit_test": {"pass"}, "model": {"success"}, "test": {"pass"}}
    assert counts["unit_test"] >= 20 and counts["model"] >= 39


def test_contract_tables_and_columns_are_published(marts):
    spec = importlib.util.spec_from_file_location("contract_check", SHARED / "tools" / "contract_check.py")
    contract_check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(contract_check)
    have = {}
    for table, column in marts.execute(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
    ).fetchall():
        have.setdefault(table, set()).add(column)
    for table, columns in contract_check.CONTRACT.items():
        assert set(columns.split()) <= have.get(table, set()), table
    assert not any("customer_ref" in columns for columns in have.values())


def test_docs_generate(build):
    assert build["docs"].returncode == 0, build["docs"].stdout[-3000:]
    catalog = json.loads((build["target"] / "catalog.json").read_text())
    assert "model.whycall.fct_contacts" in catalog["nodes"]


# --- fct_contacts ------------------------------------------------------------------------------------------


def test_call_and_its_voice_ticket_are_one_contact(marts):
    merged = contact(marts, "talk:1020")
    assert merged["merged_ticket_id"] == "zendesk:500"
    assert (merged["channel"], merged["reason_code"], merged["reason_method"]) == (
        "phone",
        "invoice_unclear",
        "field",
    )
    assert (merged["handle_seconds"], merged["cost"]) == (300.0, 4.5)
    assert merged["customer_key"] == customer_key("cust-merge")
    ids = {r["contact_id"] for r in rows(marts, "select contact_id from marts.fct_contacts")}
    assert "zendesk:500" not in ids
    # a call on an older ticket, and a voice ticket created 90 minutes after its call: separate contacts
    assert {"talk:1021", "zendesk:501", "talk:1022", "zendesk:502"} <= ids
    assert contact(marts, "talk:1021")["reason_code"] == "late_delivery"
    assert len(ids) == 65


def test_organization_key_is_the_account_hashed_like_the_customer(marts):
    # Zendesk organization_id (seeded as raw organization_ref) -> sha256(salt || ref), the customer_key rule
    assert contact(marts, "zendesk:501")["organization_key"] == customer_key("org-acme")
    # a call merged with its voice ticket takes the ticket's account; Talk calls carry none of their own
    assert contact(marts, "talk:1020")["organization_key"] == customer_key("org-acme")
    assert contact(marts, "talk:1021")["organization_key"] is None
    assert contact(marts, "zendesk:502")["organization_key"] is None


def test_a_voice_ticket_keeps_its_channel_and_costs_the_phone_rate(marts):
    # issue 15: Zendesk via.channel kept (voice, not collapsed into phone); its group prices it: 6 min x 0.90
    late_voice = contact(marts, "zendesk:502")
    assert (late_voice["channel"], late_voice["channel_group"]) == ("voice", "phone")
    assert (late_voice["handle_seconds"], late_voice["cost"]) == (360.0, 5.4)
    assert contact(marts, "talk:1022")["channel_group"] == "phone"


def test_versions_deletions_and_csv_sources(marts):
    ids = {r["contact_id"] for r in rows(marts, "select contact_id from marts.fct_contacts")}
    assert "zendesk:751" not in ids
    assert contact(marts, "zendesk:750")["reason_code"] == "invoice_unclear"  # latest updated_at
    assert contact(marts, "zendesk:752")["reason_code"] == "new_order"  # tie -> later file
    cfpb = contact(marts, "csv:CFPB-1")
    assert (cfpb["source"], cfpb["channel"], cfpb["reason_method"]) == ("csv", "web", "keywords")
    cdr = contact(marts, "cdr:K1")
    assert (cdr["source"], cdr["channel"], cdr["direction"]) == ("cdr", "phone", "inbound")
    assert (cdr["handle_seconds"], cdr["cost"], cdr["handle_is_default"]) == (360.0, 5.4, True)


def test_classification_order(marts):
    got = {
        r["contact_id"]: (r["reason_code"], r["reason_method"], r["reason_evidence"])
        for r in rows(
            marts,
            "select contact_id, reason_code, reason_method, reason_evidence from marts.fct_contacts "
            "where contact_id in ('zendesk:710', 'zendesk:711', 'zendesk:712', 'zendesk:713', 'zendesk:714', "
            "'zendesk:715', 'zendesk:716')",
        )
    }
    assert got == {
        "zendesk:710": ("invoice_unclear", "map", "billing_question"),
        "zendesk:711": ("late_delivery", "map", "delivery"),
        "zendesk:712": ("invoice_unclear", "keywords", "facture incomprehensible"),
        "zendesk:713": ("shipping_fee", "keywords", "delivery charge"),
        "zendesk:714": ("password_reset", "keywords", "mot de passe"),
        "zendesk:715": ("none", "none", None),
        "zendesk:716": ("new_order", "field", "new_order"),
    }


def test_repeats_and_episodes(marts):
    got = {
        r["contact_id"]: (r["is_repeat"], r["episode_id"])
        for r in rows(
            marts,
            "select contact_id, is_repeat, episode_id from marts.fct_contacts "
            "where contact_id in ('talk:1001', 'talk:1002', 'talk:1003', 'zendesk:700', 'talk:1010')",
        )
    }
    assert got == {
        "talk:1001": (False, "talk:1001"),
        "talk:1002": (True, "talk:1001"),  # 7 days later
        "talk:1003": (False, "talk:1003"),  # 8 days later
        "zendesk:700": (False, "zendesk:700"),
        "talk:1010": (True, "zendesk:700"),  # email then phone
    }
    assert contact(marts, "talk:1100")["episode_id"] is None  # outbound


def test_ownership_on_the_local_contact_date(marts):
    before, after = contact(marts, "zendesk:720"), contact(marts, "zendesk:721")
    assert (before["contact_date"], before["department_id"]) == (date(2024, 1, 31), "BILL")
    # 23:30 UTC on Jan 31 is 00:30 on Feb 1 in Brussels, when IT owns the reason
    assert (after["contact_date"], after["department_id"]) == (date(2024, 2, 1), "IT")


def test_incident_links_and_department(marts):
    linked = {
        r["contact_id"]: r["incident_link"]
        for r in rows(
            marts, "select contact_id, incident_link from marts.fct_contacts where incident_id = 'INC1'"
        )
    }
    assert linked == {
        "talk:1031": "register",
        "talk:1032": "register",
        "talk:1033": "register",
        "zendesk:730": "register",
        "zendesk:732": "register",
        "zendesk:731": "problem",
    }
    problem_child = contact(marts, "zendesk:731")
    assert (problem_child["reason_code"], problem_child["reason_department_id"]) == ("new_order", "SALES")
    assert (problem_child["department_id"], problem_child["is_unwanted"]) == ("LOGI", True)
    assert contact(marts, "talk:1034")["incident_id"] is None  # 1 minute after the grace


def test_suspect_contacts(marts):
    got = {
        r["suspect_reason"]: r["n"]
        for r in rows(
            marts, "select suspect_reason, count(*) as n from marts.fct_contacts where is_suspect group by 1"
        )
    }
    assert got == {
        "more than 8 contacts by the customer on the day; same text sent by 5 or more customers": 9,
        "same text sent by 5 or more customers": 4,
        "written text shorter than 3 characters": 2,  # 'ok' on the web, and an e-mail without any text
    }


# --- aggregated marts --------------------------------------------------------------------------------------


def test_unwanted_contacts_daily(marts):
    totals = one(
        marts,
        "select sum(contacts) as contacts, sum(unwanted_contacts) as unwanted, "
        "sum(repeat_contacts) as repeats, sum(suspect_contacts) as suspects from marts.unwanted_contacts_daily",
    )
    assert totals == {"contacts": 50, "unwanted": 42, "repeats": 2, "suspects": 15}
    incident_calls = one(
        marts,
        "select * from marts.unwanted_contacts_daily where contact_date = '2024-02-05' "
        "and reason_code = 'late_delivery' and channel = 'phone' and incident_id = 'INC1'",
    )
    assert (incident_calls["department_id"], incident_calls["contacts"], incident_calls["cost"]) == (
        "LOGI",
        2,
        9.0,
    )


def test_department_scorecard(marts):
    bill = one(
        marts,
        "select * from marts.department_scorecard where department_id = 'BILL' and month = '2024-01-01'",
    )
    assert {
        k: bill[k]
        for k in (
            "contacts",
            "unwanted_contacts",
            "repeat_contacts",
            "alerts",
            "alerts_recontacted",
            "alerts_late",
            "alerts_open",
            "target_alerts_recontacted",
            "nps",
            "ces",
            "csat_ratings",
        )
    } == {
        "contacts": 9,
        "unwanted_contacts": 9,
        "repeat_contacts": 1,
        "alerts": 3,
        "alerts_recontacted": 1,
        "alerts_late": 1,
        "alerts_open": 1,
        "target_alerts_recontacted": 3.0,
        "nps": -100.0,
        "ces": 2.0,
        "csat_ratings": 3,
    }
    assert bill["csat"] == pytest.approx(100 / 3)
    # invoices_sent, not payments, over the published days only: the first contact is on Jan 2, so January's
    # rate divides by 30 days of invoices, not 31 (a partial month)
    assert (bill["volume"], bill["contacts_per_1000"]) == (30_000.0, pytest.approx(9 / 30))
    feb = one(
        marts,
        "select * from marts.department_scorecard where department_id = 'BILL' and month = '2024-02-01'",
    )
    assert (feb["contacts_per_1000"], feb["target_alerts_recontacted"]) == (0.0, 5.0)
    logi = one(
        marts,
        "select * from marts.department_scorecard where department_id = 'LOGI' and month = '2024-02-01'",
    )
    # the last contact is on Feb 20: 20 published days of 2,000 orders, not the 29 days volumes.csv holds
    assert logi["contacts"] == 12 and logi["contacts_per_1000"] == pytest.approx(11 / 40)
    it = one(
        marts, "select * from marts.department_scorecard where department_id = 'IT' and month = '2024-02-01'"
    )
    assert (it["contacts"], it["contacts_per_1000"]) == (10, None)
    assert one(marts, "select count(*) as n from marts.department_scorecard")["n"] == 8


def test_driver_ranking(marts):
    got = [
        (r["rank"], r["reason_code"], r["department_id"], r["contacts"], r["unwanted_contacts"])
        for r in rows(marts, "select * from marts.driver_ranking order by rank")
    ]
    assert got == [
        (1, "password_reset", "IT", 14, 14),
        (2, "late_delivery", "LOGI", 12, 12),
        (3, "invoice_unclear", "IT", 10, 10),  # current owner
        (4, "shipping_fee", "LOGI", 5, 5),
        (5, "new_order", "SALES", 3, 1),
        (6, "none", None, 6, 0),
    ]
    assert one(
        marts, "select share_of_unwanted from marts.driver_ranking where reason_code = 'password_reset'"
    )["share_of_unwanted"] == pytest.approx(14 / 42)


def test_incident_impact(marts):
    got = {r["incident_id"]: r for r in rows(marts, "select * from marts.incident_impact")}
    inc1 = got["INC1"]
    assert {
        k: inc1[k]
        for k in (
            "linked_contacts",
            "baseline_contacts",
            "excess_contacts",
            "proactive",
            "contacts_per_hour_peak",
            "incident_days",
        )
    } == {
        "linked_contacts": 6,
        "baseline_contacts": 1.0,
        "excess_contacts": 6.0,
        "proactive": False,
        "contacts_per_hour_peak": 2,
        "incident_days": 2,
    }
    assert inc1["excess_cost"] == pytest.approx(6 * 50.7 / 12)
    inc2 = got["INC2"]
    assert (
        inc2["linked_contacts"],
        inc2["excess_contacts"],
        inc2["proactive"],
        inc2["contacts_per_hour_peak"],
    ) == (8, 7.0, True, 5)


def test_incident_candidates(marts):
    got = [
        (
            r["contact_date"],
            r["reason_code"],
            r["observed"],
            r["expected"],
            r["mad"],
            r["threshold_score"],
            r["matched_incident_id"],
        )
        for r in rows(marts, "select * from marts.incident_candidates order by contact_date")
    ]
    assert got == [
        # the 4 Mondays before: 1, 1, 0, 0 late deliveries (median 0.5, MAD 0.5)
        (date(2024, 2, 5), "late_delivery", 5, 0.5, 0.5, 4.5, "INC1"),
        (date(2024, 2, 12), "password_reset", 8, 1.0, 0.0, 7.0, "INC2"),
        (date(2024, 2, 19), "shipping_fee", 4, 0.0, 0.0, 4.0, None),  # unregistered spike
    ]
    # score is the robust z of CONTRACT section 5, undefined (null) when the 4 days were identical (MAD 0)
    scores = [r["score"] for r in rows(marts, "select score from marts.incident_candidates order by contact_date")]
    assert scores == [pytest.approx(4.5 / (1.4826 * 0.5)), None, None]


def test_action_effect(marts):
    act = one(marts, "select * from marts.action_effect where action_id = 'ACT1'")
    assert {
        k: act[k]
        for k in (
            "department_id",
            "weeks_before",
            "weeks_after",
            "contacts_before",
            "contacts_after",
            "exposure_basis",
            "exposure_before",
            "exposure_after",
            "verdict",
        )
    } == {
        "department_id": "BILL",
        "weeks_before": 4,
        "weeks_after": 2,
        "contacts_before": 7,
        "contacts_after": 1,
        "exposure_basis": "volume",
        "exposure_before": 28.0,
        "exposure_after": 14.0,
        "verdict": "no_evidence",
    }
    assert act["rate_ratio"] == pytest.approx(2 / 7)
    assert act["contacts_avoided"] == pytest.approx(2.5)
    # weekly contacts (weeks from Jan 4, 7,000 invoices each): 4, 0, 2, 1 before, 1, 0 after. Pearson chi-square
    # around 1.75 and 0.5 a week: (2.25^2 + 1.75^2 + 0.25^2 + 0.75^2) / 1.75 + (0.5^2 + 0.5^2) / 0.5 = 6 over
    # 6 - 2 weeks: dispersion 1.5; interval exp(ln(2/7) +- t(4) sqrt(1.5 (1/7 + 1/1))), t(4) = 2.776445105
    assert act["dispersion"] == pytest.approx(1.5)
    half = 2.776445105 * (1.5 * (1 / 7 + 1)) ** 0.5
    assert act["ci_low"] == pytest.approx(2 / 7 * math.exp(-half), abs=1e-6)
    assert act["ci_high"] == pytest.approx(2 / 7 * math.exp(half), abs=1e-6)
    assert act["description"] == "Clearer invoice layout"


def test_survey_responses(marts):
    got = {
        r["response_id"]: (r["contact_id"], r["link_method"], r["is_suspect"])
        for r in rows(marts, "select * from marts.survey_responses")
    }
    assert got == {
        "R1": ("talk:1020", "ticket", False),
        "R2": ("talk:1010", "customer", False),
        "R3": ("zendesk:712", "ticket", False),
        "R4": ("zendesk:716", "ticket", False),
        "R5": (None, None, True),
        "R6": ("talk:1003", "customer", False),
        "R7": (None, None, False),
    }


def test_alerts(marts):
    got = {
        r["alert_id"]: (r["status"], r["department_id"], r["manager"], r["hours_to_recontact"])
        for r in rows(marts, "select * from marts.alerts")
    }
    assert got == {
        "alert:R1": ("recontacted", "BILL", "Alice Martin", 10.0),
        "alert:R2": ("late", "BILL", "Alice Martin", 60.0),
        "alert:R3": ("open", "BILL", "Alice Martin", None),
        "alert:R5": ("open", None, None, None),
        "alert:R7": ("open", None, None, None),
    }
    r1 = one(marts, "select * from marts.alerts where alert_id = 'alert:R1'")
    assert (r1["created_at"], r1["recontacted_at"]) == (datetime(2024, 1, 11, 10), datetime(2024, 1, 11, 20))
    assert r1["customer_key"] == customer_key("cust-merge")


def test_load_audit_and_rejects(marts):
    audit = rows(
        marts,
        "select status, rows_read, rows_loaded, rows_rejected, run_id from marts.load_audit order by status",
    )
    assert audit == [
        {"status": "duplicate", "rows_read": 0, "rows_loaded": 0, "rows_rejected": 0, "run_id": "run-1"},
        {"status": "loaded", "rows_read": 3, "rows_loaded": 2, "rows_rejected": 1, "run_id": "run-1"},
    ]
    reject = one(marts, "select * from marts.rejects")
    assert (reject["file"], reject["line"], reject["reason"]) == (
        "tickets/page1.json",
        2,
        "bad timestamp 'soon' in created_at",
    )


def test_the_readme_docs_command_works_as_written(build, tmp_path):
    """The README's `dbt docs generate` line, run as written from a repository root after `whycall run` (the
    state database in data/warehouse/) and without WHYCALL_BUILD_DB: it failed with "Cannot open file
    target/whycall_dev.duckdb" (the profile's default pointed at a folder that does not exist)."""
    readme = (DBT_DIR.parent / "README.md").read_text()
    found = re.findall(r"`(uv run dbt docs generate[^`]*)`", readme)
    assert found, "README has no `uv run dbt docs generate ...` command"
    line = found[0]
    root = tmp_path / "clone"
    (root / "data" / "warehouse").mkdir(parents=True)
    (root / "dbt_project").symlink_to(DBT_DIR)
    shutil.copy(build["database"], root / "data" / "warehouse" / "whycall.state.duckdb")
    env = {k: v for k, v in os.environ.items() if k != "WHYCALL_BUILD_DB"}
    args = shlex.split(line.removeprefix("uv run dbt "))
    target = tmp_path / "target"  # not the checkout's dbt_project/target
    executable = Path(sys.executable).with_name("dbt")
    done = subprocess.run([str(executable), *args, "--target-path", str(target)], cwd=root, env=env,
                          capture_output=True, text=True, timeout=240, check=False)  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:]
    assert "model.whycall.fct_contacts" in json.loads((target / "catalog.json").read_text())["nodes"]
