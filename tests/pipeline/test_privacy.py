"""No personal data reaches the published warehouse (docs/security.md).

A small generated landing zone gets e-mail addresses, BE/FR phone numbers, IBANs, a card number and raw
customer numbers planted in ticket subjects and descriptions, survey comments and a record the parser
rejects; after a run, no text column of any published table holds any of them, nor any raw customer
reference of the landing zone. Numbers that are not personal (orders, invoices, amounts) stay.
"""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import date

import duckdb
import pytest

from generator.landing import generate_landing
from orchestration.settings import DBT_PROJECT_DIR
from tests.pipeline.conftest import whycall

PLANTED = {
    "email": ["jean.dupont@example.org", "Jan.Peeters@telenet.be"],
    "phone": ["+32 470 12 34 56", "0470/12.34.56", "+33 6 12 34 56 78"],
    "iban": ["BE68 5390 0754 7034", "BE68539007547034"],
    "card": ["4111 1111 1111 1111"],
}
KEPT = ["CMD-777123", "F0077712", "98,76 EUR"]
SALT = "s3cr3t-salt-7f1c9a"  # distinctive: found by a byte search if any file holds it


def _plant_tickets(landing) -> list[str]:
    """Personal data in the subject and description of a few tickets (every version of them), and in a
    record the parser rejects."""
    pages = {path: json.loads(path.read_text()) for path in sorted((landing / "tickets").glob("*.json"))}
    first = next(iter(pages.values()))
    values = [v for kind in PLANTED.values() for v in kind]
    chosen = {t["id"]: value for t, value in zip(first["tickets"], values, strict=False)}
    refs = [str(t["requester_id"]) for t in first["tickets"] if t["id"] in chosen]
    for page in pages.values():
        for ticket in page["tickets"]:
            if ticket["id"] in chosen:
                value = chosen[ticket["id"]]
                ticket["subject"] = ticket["raw_subject"] = f"Question {value}"
                ticket["description"] = (f"Bonjour, client {ticket['requester_id']}, contact {value}. Commande "
                                         f"{KEPT[0]}, facture {KEPT[1]} de {KEPT[2]}.")
    bad = dict(first["tickets"][0], id=None, created_at="not a date",
               description="Rejected: write to reject.me@example.org or call 0470/12.34.56")
    first["tickets"].append(bad)
    for path, page in pages.items():
        path.write_text(json.dumps(page))
    return refs


def _plant_surveys(landing) -> None:
    path = min((landing / "surveys").glob("*.csv"))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    comment = rows[0].index("Q4")
    values = [v for kind in PLANTED.values() for v in kind]
    for i, value in enumerate(values):
        rows[3 + i][comment] = f"Rappelez-moi au {value} svp"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def published(tmp_path_factory, dbt_manifest):
    root = tmp_path_factory.mktemp("privacy")
    landing, warehouse = root / "landing", root / "wh" / "whycall.duckdb"
    generate_landing(landing, days=14, contacts_per_day=40, seed=11, end=date(2026, 6, 28))
    refs = _plant_tickets(landing)
    _plant_surveys(landing)
    started = time.time()
    result = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse), env={"WHYCALL_SALT": SALT})
    assert warehouse.exists(), result.stdout + result.stderr
    # every raw customer reference of the landing zone, read from the files by plain JSON/CSV parsing
    all_refs = set(refs)
    for page_path in (landing / "tickets").glob("*.json"):
        all_refs |= {str(t["requester_id"]) for t in json.loads(page_path.read_text())["tickets"]
                     if t.get("requester_id")}
    return {"warehouse": warehouse, "refs": sorted(all_refs), "root": root, "started": started}


def _text_cells(warehouse) -> list[tuple[str, str, str]]:
    """(table, column, value) of every non-null text cell of every published table."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type = 'VARCHAR' AND table_schema NOT IN ('information_schema', 'pg_catalog')"
        ).fetchall()
        cells = []
        for schema, table, column in columns:
            rows = con.execute(f'SELECT "{column}" FROM "{schema}"."{table}" WHERE "{column}" IS NOT NULL').fetchall()
            cells += [(table, column, value) for (value,) in rows]
        return cells
    finally:
        con.close()


def test_no_planted_personal_data_is_published(published):
    warehouse = published["warehouse"]
    cells = _text_cells(warehouse)
    found = [(table, column, value) for table, column, value in cells
             for kind in PLANTED.values() for planted in kind if planted in value]
    found += [(t, c, v) for t, c, v in cells if "reject.me@example.org" in v]
    assert found == []
    # the planted texts are there, masked, with what is not personal kept
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        subjects = {s for (s,) in con.execute("SELECT subject FROM marts.fct_contacts WHERE subject LIKE 'Question [%'").fetchall()}
        assert subjects == {"Question [email]", "Question [phone]", "Question [iban]", "Question [card]"}
        excerpts = [t for (t,) in con.execute("SELECT text_excerpt FROM marts.fct_contacts WHERE text_excerpt LIKE "
                                              "'Bonjour, client [customer_ref]%'").fetchall()]
        assert len(excerpts) == 8
        assert all(kept in excerpt for excerpt in excerpts for kept in KEPT)
        comments = {c for (c,) in con.execute("SELECT comment FROM marts.survey_responses WHERE comment LIKE 'Rappelez%'").fetchall()}
        assert comments == {"Rappelez-moi au [email] svp", "Rappelez-moi au [phone] svp",
                            "Rappelez-moi au [iban] svp", "Rappelez-moi au [card] svp"}
        rejected = [raw for (raw,) in con.execute("SELECT raw FROM marts.rejects WHERE raw LIKE '%Rejected: write to%'").fetchall()]
        assert rejected and all("[email]" in raw and "[phone]" in raw for raw in rejected)
    finally:
        con.close()


def test_no_raw_customer_reference_is_published(published):
    warehouse, refs = published["warehouse"], published["refs"]
    assert len(refs) > 100
    cells = _text_cells(warehouse)
    leaked = [(t, c, v) for t, c, v in cells for ref in refs if ref in v]
    assert leaked == []


def test_the_salt_is_in_no_file_the_run_wrote(published):
    """dbt's target folders (compiled SQL, manifest, run results), its logs, the run log, the state and
    published databases: none holds WHYCALL_SALT."""
    roots = [published["root"], DBT_PROJECT_DIR / "target", DBT_PROJECT_DIR / "logs"]
    written = [path for root in roots if root.exists() for path in root.rglob("*")
               if path.is_file() and path.stat().st_mtime >= published["started"] - 1]
    assert any(path.suffix == ".sql" for path in written)  # dbt's compiled SQL is among them
    assert any(path.name.endswith(".duckdb") for path in written)
    holding = [str(path) for path in written if SALT.encode() in path.read_bytes()]
    assert holding == []
