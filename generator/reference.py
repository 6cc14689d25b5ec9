"""The fictional company behind the synthetic landing zone: departments, reasons, raw codes, volumes.

Everything here is static data plus the CSV/YAML writers for the reference files of CONTRACT §2.
The shares and volume factors are chosen so the planted causes are unambiguous (see landing.py).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str
    manager: str
    manager_agent_id: int  # the manager's Zendesk user id: outbound recontact calls carry it as agent_id
    parent_id: str
    # (measure, units per average contact per day, weekday profile Mon..Sun); volume = cpd * factor * profile
    measures: tuple[tuple[str, float, tuple[float, ...]], ...]
    volume_measure: str  # the denominator when a department has several measures


_WORKDAYS = (1.3, 1.2, 1.15, 1.1, 1.05, 0.2, 0.0)  # invoices and shipments: business days only
_SHOP = (1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 0.85)
_FLAT = (1.0,) * 7

DEPARTMENTS: tuple[Department, ...] = (
    Department(
        "billing",
        "Facturation / Billing",
        "Claire Dubois",
        361000000001,
        "",
        (("invoices_sent", 8.0, _WORKDAYS),),
        "invoices_sent",
    ),
    Department(
        "logistics",
        "Logistique / Logistics",
        "Marc Peeters",
        361000000002,
        "",
        (("orders_shipped", 20.0, _WORKDAYS), ("parcels_returned", 1.5, _WORKDAYS)),
        "orders_shipped",
    ),
    Department(
        "digital",
        "Site web & app / Digital",
        "Sofia Janssens",
        361000000003,
        "it",
        (("web_sessions", 500.0, _SHOP),),
        "web_sessions",
    ),
    Department(
        "sales",
        "Ventes / Sales",
        "Thomas Lambert",
        361000000004,
        "",
        (("orders_placed", 22.0, _SHOP),),
        "orders_placed",
    ),
    Department(
        "it",
        "Informatique / IT",
        "Nadia El Amrani",
        361000000005,
        "",
        (("active_customers", 300.0, _FLAT),),
        "active_customers",
    ),
    Department(
        "customer_service",
        "Service clients / Customer service",
        "Luc Verhaegen",
        361000000006,
        "",
        (("active_customers", 300.0, _FLAT),),
        "active_customers",
    ),
)
DEPARTMENT_BY_ID = {d.department_id: d for d in DEPARTMENTS}


@dataclass(frozen=True)
class Reason:
    code: str
    label_en: str
    label_fr: str
    department_id: str
    kind: str  # unwanted | value
    keywords_en: tuple[str, ...]
    keywords_fr: tuple[str, ...]
    share: float  # share of fresh inbound contacts on an ordinary day
    ticket_values: tuple[str, ...]  # raw Zendesk custom-field values (reason_map source tickets)
    call_code: str  # Talk wrap-up code (reason_map source calls)


# Keywords are whole phrases that appear verbatim (lower case) in the texts of texts.py and in no other
# reason's texts; tests/unit/test_generator.py checks that.
REASONS: tuple[Reason, ...] = (
    Reason(
        "invoice_unclear",
        "Invoice unclear",
        "Facture incomprise",
        "billing",
        "unwanted",
        ("don't understand my invoice", "explain my invoice", "invoice amount is different"),
        ("comprends pas ma facture", "expliquer ma facture", "montant de ma facture"),
        0.20,
        ("facture_incomprise", "question_facture"),
        "FACT-EXPL",
    ),
    Reason(
        "payment_failed",
        "Payment failed",
        "Paiement refusé",
        "billing",
        "unwanted",
        ("payment failed", "payment was declined", "direct debit rejected"),
        ("paiement a échoué", "paiement refusé", "prélèvement rejeté"),
        0.06,
        ("paiement_refuse",),
        "FACT-PAIE",
    ),
    Reason(
        "delivery_late",
        "Late delivery",
        "Livraison en retard",
        "logistics",
        "unwanted",
        ("delivery is late", "parcel has not arrived", "still waiting for my delivery"),
        ("livraison en retard", "colis n'est toujours pas arrivé", "toujours pas reçu ma commande"),
        0.09,
        ("livraison_retard",),
        "LIV-RETARD",
    ),
    Reason(
        "parcel_damaged",
        "Parcel damaged",
        "Colis abîmé",
        "logistics",
        "unwanted",
        ("parcel arrived damaged", "item is broken"),
        ("colis abîmé", "article cassé"),
        0.04,
        ("colis_endommage",),
        "LIV-DOMMAGE",
    ),
    Reason(
        "order_status",
        "Where is my order",
        "Où en est ma commande",
        "logistics",
        "unwanted",
        ("where is my order", "order status", "track my order"),
        ("où en est ma commande", "statut de ma commande", "suivi de ma commande"),
        0.08,
        ("suivi_commande",),
        "LIV-SUIVI",
    ),
    Reason(
        "return_request",
        "Return an item",
        "Retour d'article",
        "logistics",
        "unwanted",
        ("return my order", "return label"),
        ("retourner ma commande", "étiquette de retour"),
        0.05,
        ("retour_produit",),
        "LIV-RETOUR",
    ),
    Reason(
        "website_info_wrong",
        "Wrong information on the website",
        "Information erronée sur le site",
        "digital",
        "unwanted",
        ("wrong information on the website", "website shows a different price"),
        ("information erronée sur le site", "prix affiché sur le site"),
        0.05,
        ("info_site_erronee",),
        "WEB-INFO",
    ),
    # A simple question the website should answer; ownership moves from customer_service to digital.
    Reason(
        "address_change",
        "Change of address",
        "Changement d'adresse",
        "customer_service",
        "unwanted",
        ("change my address", "update my address"),
        ("changer mon adresse", "modifier mon adresse"),
        0.06,
        ("changement_adresse",),
        "ADM-ADRESSE",
    ),
    Reason(
        "login_problem",
        "Cannot log in",
        "Problème de connexion",
        "it",
        "unwanted",
        ("cannot log in", "password reset link"),
        ("impossible de me connecter", "mot de passe oublié"),
        0.06,
        ("probleme_connexion",),
        "IT-LOGIN",
    ),
    Reason(
        "app_crash",
        "App crashes",
        "L'application plante",
        "it",
        "unwanted",
        ("app crashes", "app keeps crashing"),
        ("application plante", "appli plante"),
        0.03,
        ("bug_application",),
        "IT-APP",
    ),
    Reason(
        "promo_code_invalid",
        "Promo code not accepted",
        "Code promo refusé",
        "sales",
        "unwanted",
        ("promo code", "discount code does not work"),
        ("code promo", "code de réduction"),
        0.04,
        ("code_promo",),
        "VTE-PROMO",
    ),
    Reason(
        "cancellation",
        "Cancellation",
        "Résiliation",
        "sales",
        "unwanted",
        ("cancel my subscription", "cancellation fee"),
        ("résilier mon abonnement", "frais de résiliation"),
        0.05,
        ("resiliation",),
        "VTE-RESIL",
    ),
    Reason(
        "follow_up_no_answer",
        "No answer to an earlier request",
        "Relance sans réponse",
        "customer_service",
        "unwanted",
        ("still no reply", "third time I write"),
        ("toujours pas de réponse", "troisième fois que j'écris"),
        0.04,
        ("relance_sans_reponse",),
        "SC-RELANCE",
    ),
    Reason(
        "purchase_advice",
        "Purchase advice",
        "Conseil avant achat",
        "sales",
        "value",
        ("which model", "advice before buying"),
        ("quel modèle", "conseil avant achat"),
        0.10,
        ("conseil_achat",),
        "VTE-CONSEIL",
    ),
    Reason(
        "upgrade_sale",
        "Upgrade to a bigger plan",
        "Passage à l'offre supérieure",
        "sales",
        "value",
        ("upgrade my plan", "premium offer"),
        ("offre supérieure", "offre premium"),
        0.05,
        ("upgrade_offre",),
        "VTE-UPGRADE",
    ),
)
REASON_BY_CODE = {r.code: r for r in REASONS}

# Raw wrap-up codes seen in calls that reason_map.csv deliberately does not cover (reason none).
UNMAPPED_CALL_CODE = "AUTRE"
RECONTACT_CALL_CODE = "RAPPEL-CLIENT"  # managers' outbound calls after a bad survey

# The reason that changes owner mid-period (dated mapping in reasons.csv).
MOVING_REASON = "address_change"
MOVING_TO = "digital"

REFERENCE_HEADERS: dict[str, tuple[str, ...]] = {
    "departments": ("department_id", "name", "manager", "parent_id", "volume_measure", "manager_email", "language"),
    "reasons": (
        "reason_code",
        "label_en",
        "label_fr",
        "department_id",
        "kind",
        "keywords_en",
        "keywords_fr",
        "valid_from",
        "valid_to",
    ),
    "reason_map": ("source", "source_value", "reason_code"),
    "incidents": (
        "incident_id",
        "title",
        "department_id",
        "reason_code",
        "started_at",
        "ended_at",
        "proactive_notice_at",
    ),
    "actions": ("action_id", "reason_code", "department_id", "implemented_on", "description"),
    "volumes": ("date", "department_id", "measure", "value"),
    "targets": ("department_id", "metric", "period", "target"),
    "holidays": ("date", "name", "department_id"),
}


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def holidays_rows(start: date, end: date) -> list[tuple]:
    """Belgian public holidays of the period (every schedule), plus billing's yearly closing day on 2 January."""
    from datetime import timedelta

    rows = []
    for year in range(start.year, end.year + 1):
        easter = _easter(year)
        days = [
            (date(year, 1, 1), "New Year's Day / Nouvel An", ""),
            (date(year, 1, 2), "Billing closing day / Cloture facturation", "billing"),
            (easter + timedelta(days=1), "Easter Monday / Lundi de Paques", ""),
            (date(year, 5, 1), "Labour Day / Fete du Travail", ""),
            (easter + timedelta(days=39), "Ascension / Ascension", ""),
            (easter + timedelta(days=50), "Whit Monday / Lundi de Pentecote", ""),
            (date(year, 7, 21), "National Day / Fete nationale", ""),
            (date(year, 8, 15), "Assumption / Assomption", ""),
            (date(year, 11, 1), "All Saints' Day / Toussaint", ""),
            (date(year, 11, 11), "Armistice / Armistice", ""),
            (date(year, 12, 25), "Christmas / Noel", ""),
        ]
        rows += [(d.isoformat(), name, dept) for d, name, dept in days if start <= d <= end]
    return sorted(rows)


def owner_on(reason: Reason, day: date, move_on: date | None) -> str:
    """Department owning a reason on a day (the one dated move included)."""
    if reason.code == MOVING_REASON and move_on is not None and day >= move_on:
        return MOVING_TO
    return reason.department_id


def open_csv(path: Path, table: str):
    """Open a reference CSV and write its contract header; returns (file, writer)."""
    f = path.open("w", encoding="utf-8", newline="")
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(REFERENCE_HEADERS[table])
    return f, writer


def write_csv(path: Path, table: str, rows: list[tuple]) -> None:
    f, writer = open_csv(path, table)
    with f:
        writer.writerows(rows)


# The language each manager reads notifications in (departments.csv optional column, docs/notifications.md).
MANAGER_LANGUAGE = {"logistics": "en", "digital": "en", "customer_service": "en"}
MANAGER_DOMAIN = "example.org"  # reserved for documentation (RFC 2606): no demo message can reach a real person


def manager_email(manager: str) -> str:
    """``Nadia El Amrani`` → ``nadia.el.amrani@example.org``."""
    return ".".join(manager.lower().split()) + "@" + MANAGER_DOMAIN


def departments_rows() -> list[tuple]:
    return [(d.department_id, d.name, d.manager, d.parent_id, d.volume_measure, manager_email(d.manager),
             MANAGER_LANGUAGE.get(d.department_id, "fr")) for d in DEPARTMENTS]


def reasons_rows(move_on: date | None) -> list[tuple]:
    rows = []
    for r in REASONS:
        base = (r.code, r.label_en, r.label_fr)
        kw = (r.kind, "|".join(r.keywords_en), "|".join(r.keywords_fr))
        if r.code == MOVING_REASON and move_on is not None:
            last_day = date.fromordinal(move_on.toordinal() - 1).isoformat()
            rows.append((*base, r.department_id, *kw, "", last_day))
            rows.append((*base, MOVING_TO, *kw, move_on.isoformat(), ""))
        else:
            rows.append((*base, r.department_id, *kw, "", ""))
    return rows


def reason_map_rows() -> list[tuple]:
    rows = [("tickets", value, r.code) for r in REASONS for value in r.ticket_values]
    rows += [("calls", r.call_code, r.code) for r in REASONS]
    return rows


def whycall_yml() -> str:
    """CONTRACT §3, written as text so the bytes are stable."""
    return """\
# whycall source profiles and rules (CONTRACT section 3) - synthetic demo company
timezone: Europe/Brussels
currency: EUR
cost_per_minute: {phone: 0.90, chat: 0.70, email: 0.55, default: 0.60}
sources:
  tickets:
    format: zendesk
    reason_field_id: 360000000001
  calls:
    format: zendesk_talk
    reason_field: wrap_up_reason
  surveys:
    format: qualtrics
    questions: {nps: Q1, csat: Q2, ces: Q3, comment: Q4}
    scales: {csat: [1, 5], ces: [1, 7], ces_high_is_easy: true}
    link: {ticket: ticket_id, customer: customer_id}
rules:
  repeat_window_days: 7
  alert: {csat_max: 2, nps_max: 6, ces_max: 3, recontact_within_hours: 48}
  incident_grace_hours: 24
  suspect: {max_contacts_per_customer_day: 8, min_text_chars: 3,
            identical_text_min_customers: 5, identical_text_min_chars: 10,
            straight_lining: true}
default_handle_minutes: {email: 6, web: 6, chat: 8, api: 6, default: 6}
business_hours:                    # local times; reference/holidays.csv closes whole days
  default: {mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00",
            thu: "08:00-18:00", fri: "08:00-12:00,13:00-17:00"}
  by_department: {billing: {mon: "09:00-17:00", tue: "09:00-17:00", wed: "09:00-17:00",
                            thu: "09:00-17:00", fri: "09:00-16:00"}}
service_level_seconds: 20
"""
