"""orchestration/lib/suggestions.py on hand-made texts: folding, candidate phrases, masking, topics, paste line."""

from __future__ import annotations

import csv
import io
from datetime import date

from orchestration.lib.suggestions import Contact, fold, language, mask, paste, phrases, suggest

REASONS = [
    {"reason_code": "invoice_unclear", "label_en": "Invoice unclear", "label_fr": "Facture incomprise",
     "department_id": "BILL", "kind": "unwanted", "keywords_en": "explain my invoice",
     "keywords_fr": "expliquer ma facture", "valid_from": "", "valid_to": ""},
    {"reason_code": "delivery_late", "label_en": "Late delivery", "label_fr": "Livraison en retard",
     "department_id": "LOG", "kind": "unwanted", "keywords_en": "delivery is late",
     "keywords_fr": "livraison en retard", "valid_from": "", "valid_to": ""},
]


def test_fold_is_dbt_fold_words():
    # lower(strip_accents(x)), every run of non [a-z0-9] one space, trimmed (dbt_project/macros/text.sql)
    assert fold("  Portail E-Facture : ÉCHEC !! ") == "portail e facture echec"
    assert fold("Ça coûte 12,50 €") == "ca coute 12 50"
    assert fold(None) == ""


def test_phrases_neither_start_nor_end_with_a_stop_word_and_hold_no_digit():
    got = phrases(fold("The e-invoice portal shows an error, reference 123456."))
    assert "invoice portal" in got and "error reference" in got
    assert "portal error" not in got  # not a run of the text
    assert not [p for p in got if p.split()[0] in {"the", "an", "e"} or p.split()[-1] in {"the", "an"}]
    assert not [p for p in got if any(ch.isdigit() for ch in p)]
    fr = phrases(fold("Le portail e-facture affiche une erreur"))
    assert "portail e facture" in fr and "le portail" not in fr


def test_language_by_stop_words():
    assert language([fold("Je ne peux pas ouvrir le portail, merci de me rappeler")]) == "fr"
    assert language([fold("I cannot open the portal, please call me back")]) == "en"


def test_mask_hides_emails_phones_and_references():
    text = "Write to jane.doe@example.com or +32 2 555 01 00, order CMD-1234567, file 004512."
    assert mask(text) == "Write to [email] or [phone], order [ref], file [ref]."


def _contacts(texts: list[str], first_day: date, prefix: str) -> list[Contact]:
    return [Contact(f"{prefix}:{i}", first_day, text) for i, text in enumerate(texts)]


def test_suggest_finds_the_recurring_topic_names_its_nearest_reason_and_counts_its_trend():
    vague = [f"Hello, please call me back about file {i}" for i in range(40)]
    vague += [f"Can you help? Reference {i}" for i in range(40)]
    topic_early = [f"The e-invoice portal shows an error, reference {100_000 + i}" for i in range(10)]
    topic_late = [f"I cannot download my e-invoice from the e-invoice portal (file {200_000 + i})" for i in range(30)]
    population = (_contacts(vague, date(2026, 1, 1), "v") + _contacts(topic_early, date(2026, 1, 5), "a")
                  + _contacts(topic_late, date(2026, 2, 10), "b"))
    background = _contacts([f"Hello, my delivery is late, order {i}" for i in range(100)], date(2026, 1, 1), "k")
    got = suggest(population, background, REASONS, top=5, split_on=date(2026, 2, 1))
    by_phrase = {s.phrase: s for s in got}
    topic = by_phrase["invoice portal"]
    assert (topic.contacts, topic.earlier_contacts, topic.recent_contacts) == (40, 10, 30)
    assert topic.share == 40 / 120 and topic.language == "en"
    assert topic.nearest_reason == "invoice_unclear"
    assert "hello" not in by_phrase  # as common among the classified contacts: no topic
    assert len(topic.examples) == 3 and all("[ref]" in e and not any(ch.isdigit() for ch in e)
                                            for e in topic.examples)
    row = next(csv.reader(io.StringIO(topic.paste_line)))
    assert row[0] == "invoice_unclear" and row[5] == "explain my invoice|invoice portal" and len(row) == 9


def test_suggest_is_the_same_whatever_the_order_of_its_input():
    texts = [f"Portail e-facture en panne, dossier {i}" for i in range(20)] + [f"Aide svp {i}" for i in range(20)]
    population = _contacts(texts, date(2026, 1, 1), "c")
    assert suggest(population, [], REASONS) == suggest(population[::-1], [], REASONS)


def test_paste_without_a_near_reason_writes_a_new_reason_row():
    file, line = paste("portail e facture", "fr", None, REASONS)
    assert file == "reasons.csv"
    assert next(csv.reader(io.StringIO(line))) == [
        "new_portail_e_facture", "portail e facture", "portail e facture", "", "unwanted", "", "portail e facture",
        "", ""]


def test_paste_does_not_add_a_keyword_twice():
    _, line = paste("explain my invoice", "en", "invoice_unclear", REASONS)
    assert next(csv.reader(io.StringIO(line)))[5] == "explain my invoice"
