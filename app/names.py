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
        # Zendesk via.channel values and common export values kept distinct (CONTRACT §5)
        "voice": ("Voice ticket", "Ticket vocal"),
        "native_messaging": ("Messaging", "Messagerie"),
        "messaging": ("Messaging", "Messagerie"),
        "whatsapp": ("WhatsApp", "WhatsApp"),
        "twitter": ("X (Twitter)", "X (Twitter)"),
        "facebook": ("Facebook", "Facebook"),
        "mobile": ("Mobile app", "Application mobile"),
        "mobile_sdk": ("Mobile app", "Application mobile"),
        "online": ("Online", "En ligne"),
        "web_form": ("Web form", "Formulaire web"),
        "help_center": ("Help centre", "Centre d'aide"),
        "fax": ("Fax", "Fax"),
        "postal_mail": ("Postal mail", "Courrier postal"),
        "letter": ("Letter", "Courrier"),
        "referral": ("Referral", "Transmis par un tiers"),
        "ivr": ("IVR", "SVI (serveur vocal)"),
        "self_service": ("Self-service", "Libre-service"),
        "other": ("Other", "Autre"),
    },
    "channel_group": {
        "phone": ("Phone", "Téléphone"),
        "written": ("Written", "Écrit"),
        "self_service": ("Self-service", "Libre-service"),
        "other": ("Other", "Autre"),
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


_WORD_CODES = ("volume_measure", "channel", "channel_group")


def code_name(kind: str, code: Any, lang: str) -> str:
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return ""
    pair = CODES.get(kind, {}).get(str(code))
    if pair is None:
        # a code not listed (a new channel from an export: 'walk_in') reads as words, never disappears
        return str(code).replace("_", " ") if kind in _WORD_CODES else str(code)
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
