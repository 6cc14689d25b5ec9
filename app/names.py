"""Names shown in the user's language: codes the warehouse stores in English (channels, sources, reason methods,
severities, volume measures) and bilingual reference names ("Logistique / Logistics", or name_fr/name_en columns).
"""

from __future__ import annotations

import math
from typing import Any

# code -> (English, French); a code not listed shows as itself.
CODES: dict[str, dict[str, tuple[str, str]]] = {
    "channel": {
        "phone": ("Phone", "Téléphone"),
        "email": ("Email", "E-mail"),
        "web": ("Web form", "Formulaire web"),
        "chat": ("Chat", "Chat"),
        "api": ("API", "API"),
        "sms": ("SMS", "SMS"),
        "social": ("Social media", "Réseaux sociaux"),
    },
    "source": {
        "zendesk": ("Zendesk tickets", "Tickets Zendesk"),
        "talk": ("Zendesk Talk calls", "Appels Zendesk Talk"),
        "tickets": ("Tickets", "Tickets"),
        "calls": ("Calls", "Appels"),
        "surveys": ("Surveys", "Enquêtes"),
        "reference": ("Reference files", "Fichiers de référence"),
    },
    "reason_method": {
        "field": ("Explicit field", "Champ explicite"),
        "map": ("Reason map", "Table de correspondance"),
        "keywords": ("Keywords", "Mots-clés"),
        "none": ("Not classified", "Non classé"),
    },
    "severity": {
        "block": ("Blocking", "Bloquant"),
        "warn": ("Warning", "Avertissement"),
        "error": ("Error", "Erreur"),
    },
    "volume_measure": {
        "invoices_sent": ("invoices sent", "factures envoyées"),
        "orders_shipped": ("orders shipped", "commandes expédiées"),
        "orders_placed": ("orders placed", "commandes passées"),
        "web_sessions": ("web sessions", "sessions web"),
        "active_customers": ("active customers", "clients actifs"),
    },
}


def code_name(kind: str, code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    pair = CODES.get(kind, {}).get(str(code))
    if pair is None:
        return str(code).replace("_", " ") if kind == "volume_measure" else str(code)
    return pair[1 if lang == "fr" else 0]


def bilingual(name: Any, lang: str, name_en: Any = None, name_fr: Any = None) -> str:
    """A reference name in ``lang``: the ``name_fr``/``name_en`` column when given, else the "French / English"
    convention of departments.csv and incidents.csv split at " / ", else the name as it is."""
    explicit = name_fr if lang == "fr" else name_en
    if isinstance(explicit, str) and explicit.strip():
        return explicit.strip()
    text = "" if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)
    parts = [p.strip() for p in text.split(" / ")]
    if len(parts) == 2 and all(parts):
        return parts[0] if lang == "fr" else parts[1]
    return text
