"""Masking of personal data in free text (orchestration/lib/privacy.py), on realistic FR / EN / NL-BE texts.

Each expected text is written by hand from the input: what a reader must still see (order and invoice
numbers, amounts, dates, versions) and what must be gone.
"""

from __future__ import annotations

import duckdb
import pytest

from orchestration.lib import raw_schema
from orchestration.lib.config import build_config
from orchestration.lib.masking import mask_pending
from orchestration.lib.privacy import CustomerRefs, PrivacyRules, mask_record, mask_text, rules_from_config
from orchestration.lib.records import InputError

REFS = CustomerRefs.of(["380000000123", "C-00777", "c1"])

CASES = [
    # e-mail addresses
    ("Merci d'écrire à jean.dupont+sav@example.org.", "Merci d'écrire à [email]."),
    ("Mail: Jan.Peeters@telenet.be of jan@skynet.be", "Mail: [email] of [email]"),
    # Belgian and French phone numbers, international and national formats
    ("Appelez-moi au +32 470 12 34 56 svp", "Appelez-moi au [phone] svp"),
    ("Mon GSM : 0470/12.34.56, merci", "Mon GSM : [phone], merci"),
    ("Bel mij op 0032 470 12 34 56 of 02 555 01 00.", "Bel mij op [phone] of [phone]."),
    ("Mon numéro : +33 6 12 34 56 78 ou 06 12 34 56 78", "Mon numéro : [phone] ou [phone]"),
    ("Call me on +32 (0)470 12 34 56", "Call me on [phone]"),
    # IBAN with and without spaces; a Luhn-valid card number
    ("IBAN BE68 5390 0754 7034 svp", "IBAN [iban] svp"),
    ("Rekeningnummer BE68539007547034.", "Rekeningnummer [iban]."),
    ("Virement depuis FR14 2004 1010 0505 0001 3M02 606 reçu", "Virement depuis [iban] reçu"),
    ("Card 4111 1111 1111 1111 was charged twice", "Card [card] was charged twice"),
    ("Ma carte 5555-5555-5555-4444 a été débitée", "Ma carte [card] a été débitée"),
    # raw customer references: the ones seen in the landing zone, and digit runs of their shape
    ("Klantnummer 380000000123, adres gewijzigd", "Klantnummer [customer_ref], adres gewijzigd"),
    ("Customer number 380000000999 (new account)", "Customer number [customer_ref] (new account)"),
    ("Dossier client C-00777.", "Dossier client [customer_ref]."),
    # numbers that must NOT be masked
    ("Facture F0123456 de 123,45 EUR du 01/03/2024", "Facture F0123456 de 123,45 EUR du 01/03/2024"),
    ("Order CMD-123456789 due 2024-03-12, total 1 234,56 EUR", "Order CMD-123456789 due 2024-03-12, total 1 234,56 EUR"),
    ("Bestelling 20240312 van 12.03.2024, versie 4.12", "Bestelling 20240312 van 12.03.2024, versie 4.12"),
    ("Référence 012345, code PROMO01234, 3 min 20 s", "Référence 012345, code PROMO01234, 3 min 20 s"),
    ("Order 1234567890123 is late", "Order 1234567890123 is late"),  # 13 digits, not Luhn-valid
    ("Ticket #c1 reopened", "Ticket #c1 reopened"),  # too short a reference to look for
    # the card number survives the phone rule, the phone number an amount after it
    ("Rappel au 0499 12 34 56 pour 25,00 EUR", "Rappel au [phone] pour 25,00 EUR"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_mask_text(text, expected):
    assert mask_text(text, refs=REFS) == expected


def test_null_and_empty_stay_as_they_are():
    assert mask_text(None) is None
    assert mask_text("") == ""


def test_a_kind_turned_off_is_left_and_an_extra_pattern_is_masked():
    rules = rules_from_config({"mask": {"phone": False}, "patterns": {"national_id": r"\b\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2}\b"}})
    text = "Rijksregisternummer 85.07.30-033.61, tel +32 470 12 34 56, mail a@b.be"
    assert mask_text(text, rules, REFS) == "Rijksregisternummer [national_id], tel +32 470 12 34 56, mail [email]"


def test_records_mask_their_strings_and_the_customer_ref_field():
    record = {"customer_ref": "99", "subject": "Tel 0470/12.34.56", "n": 3, "tags": ["a@b.be"]}
    assert mask_record(record) == {"customer_ref": "[customer_ref]", "subject": "Tel [phone]", "n": 3,
                                   "tags": ["[email]"]}


def test_privacy_section_is_validated(tmp_path):
    assert build_config({}).privacy["mask"]["email"] is True
    with pytest.raises(InputError, match=r"privacy\.mask\.emails"):
        build_config({"privacy": {"mask": {"emails": False}}})
    with pytest.raises(InputError, match=r"privacy\.patterns\.bad.*invalid regular expression"):
        build_config({"privacy": {"patterns": {"bad": "(unclosed"}}})
    with pytest.raises(InputError, match=r"privacy\.phone_regions\[0\]"):
        build_config({"privacy": {"phone_regions": ["XX"]}})


def _state(tmp_path):
    con = duckdb.connect(str(tmp_path / "state.duckdb"))
    con.execute("CREATE SCHEMA raw")
    for table in raw_schema.TABLES:
        con.execute(raw_schema.create_table_sql(table))
    return con


def test_mask_pending_fills_masked_columns_and_keeps_the_unmasked_text(tmp_path):
    con = _state(tmp_path)
    con.execute("INSERT INTO raw.tickets (native_id, customer_ref, subject, text) VALUES "
                "('1', '380000000123', 'Call from +32 470 12 34 56', 'client 380000000123, mail a@b.be'), "
                "('2', NULL, NULL, NULL)")
    con.execute("INSERT INTO raw.rejects (run_id, raw) VALUES ('r', '{\"email\": \"x.y@example.org\"}')")
    assert mask_pending(con, PrivacyRules(), salt="s") == 3
    assert con.execute("SELECT subject, text, subject_masked, text_masked, _masked FROM raw.tickets "
                       "ORDER BY native_id").fetchall() == [
        ("Call from +32 470 12 34 56", "client 380000000123, mail a@b.be", "Call from [phone]",
         "client [customer_ref], mail [email]", True),
        (None, None, None, None, True),
    ]
    assert con.execute("SELECT raw FROM raw.rejects").fetchone()[0] == '{"email": "[email]"}'
    assert mask_pending(con, PrivacyRules(), salt="s") == 0  # nothing left to mask
    # other rules: everything is masked again
    assert mask_pending(con, PrivacyRules(kinds=frozenset({"email"})), salt="s") == 3
    assert con.execute("SELECT subject_masked FROM raw.tickets WHERE native_id = '1'").fetchone()[0] == (
        "Call from +32 470 12 34 56"
    )
