"""Names in the user's language (app/names.py)."""

from app.names import bilingual, code_name


def test_the_french_slash_english_convention_is_split() -> None:
    assert bilingual("Logistique / Logistics", "fr") == "Logistique"
    assert bilingual("Logistique / Logistics", "en") == "Logistics"
    assert bilingual("Site web & app / Digital", "en") == "Digital"
    assert bilingual("Billing", "fr") == "Billing"  # one name only: shown as it is
    assert bilingual("A / B / C", "en") == "A / B / C"  # not the convention


def test_explicit_columns_win() -> None:
    assert bilingual("Logistique / Logistics", "fr", name_en="Shipping", name_fr="Expédition") == "Expédition"
    assert bilingual("x", "en", name_en=" ", name_fr="y") == "x"


def test_codes() -> None:
    assert code_name("channel", "phone", "fr") == "Téléphone"
    assert code_name("reason_method", "map", "en") == "Reason map"
    assert code_name("severity", "block", "fr") == "Bloquant"
    assert code_name("volume_measure", "invoices_sent", "en") == "invoices sent"
    assert code_name("volume_measure", "parcels_lost", "fr") == "parcels lost"
    assert code_name("channel", "pigeon", "fr") == "pigeon"
