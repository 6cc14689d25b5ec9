"""Labels of the What-to-fix-first page and of the department brief, English and French (merged into i18n.TEXTS).

Kept in their own module so the page and the brief can grow without touching the shared label table.
"""

from __future__ import annotations

# key -> (English, French)
PRIORITY_TEXTS: dict[str, tuple[str, str]] = {
    "priorities_caption": (
        (
            "The ten fixes worth most, with their owner: money (cost per year) and pain (what the NPS loses to them), "
            "over the whole published history, {start} → {end} ({days} days)."
        ),
        (
            "Les dix corrections qui valent le plus, avec leur responsable : l'argent (coût par an) et la douleur (ce "
            "que le NPS perd à cause d'elles), sur tout l'historique publié, {start} → {end} ({days} jours)."
        ),
    ),
    "priorities_none": (
        "No ranked reason yet: this warehouse has no marts.fix_priorities (rebuild with whycall run).",
        "Aucun motif classé : cet entrepôt n'a pas encore marts.fix_priorities (reconstruire avec whycall run).",
    ),
    "priorities_top_cost": ("Cost per year of the top 10", "Coût annuel du top 10"),
    "priorities_top_cost_help": (
        "Annualised from the published window: cost × 365.25 / days in the window.",
        "Annualisé depuis la fenêtre publiée : coût × 365,25 / jours de la fenêtre.",
    ),
    "priorities_share_of_cost": ("Share of all reasons' cost", "Part du coût de tous les motifs"),
    "priorities_with_penalty": ("Top 10 that lower the NPS", "Top 10 qui font baisser le NPS"),
    "priorities_with_action": ("Top 10 with an action", "Top 10 avec une action"),
    "priority_rank": ("#", "#"),
    "priority_score": ("Score", "Score"),
    "owner": ("Owner", "Responsable"),
    "manager": ("Manager", "Manager"),
    "cost_per_year": ("Cost per year", "Coût par an"),
    "unwanted_per_month": ("Unwanted per month", "Évitables par mois"),
    "repeats_caused": ("Repeat contacts", "Recontacts"),
    "customers_affected": ("Customers", "Clients"),
    "trend_8w": ("Trend (8 wk vs 8 before)", "Tendance (8 sem. vs 8 avant)"),
    "nps_gap": ("NPS vs others", "NPS vs autres"),
    "nps_impact": ("NPS without it", "NPS sans ce motif"),
    "action_status": ("Action", "Action"),
    "no_action_yet": ("none yet", "aucune"),
    "action_unmeasured": ("not measured yet", "pas encore mesurée"),
    "open_contacts": ("Contacts", "Contacts"),
    "open_department": ("Department", "Département"),
    "link_contacts": ("see contacts", "voir les contacts"),
    "link_department": ("see department", "voir le département"),
    "priorities_chart_title": (
        "Cost per year of the top 10, by recommended move",
        "Coût annuel du top 10, par action recommandée",
    ),
    "priorities_method_title": ("How the list is ranked", "Comment la liste est classée"),
    "priorities_method": (
        (
            "**Score** = (cost weight × share of the yearly cost + satisfaction weight × share of the NPS penalty) / "
            "(sum of the weights); weights in `whycall.yml` (`rules.priority`, 1 and 1 by default). **Cost per year** "
            "= the reason's cost over the published window × 365.25 / the window's days (a window holding a seasonal "
            "peak annualises the peak). **NPS penalty** = how much higher the overall NPS would be without the "
            "responses linked to the reason's contacts (leave-one-out), 0 when it would not be higher. Intervals are "
            "95 % bootstrap intervals (200 resamples). **Trend** = inbound contacts of the last 8 weeks / the 8 weeks "
            "before, with a 95 % interval. Unclassified contacts are not ranked: see the Why page. The moves follow the "
            "value / irritant matrix (The Best Service is No Service, Price & Jaffe)."
        ),
        (
            "**Score** = (poids du coût × part du coût annuel + poids de la satisfaction × part de la pénalité NPS) / "
            "(somme des poids) ; poids dans `whycall.yml` (`rules.priority`, 1 et 1 par défaut). **Coût par an** = le "
            "coût du motif sur la fenêtre publiée × 365,25 / les jours de la fenêtre (une fenêtre qui contient un pic "
            "saisonnier annualise le pic). **Pénalité NPS** = de combien le NPS global serait plus haut sans les réponses "
            "liées aux contacts du motif (sans ce motif), 0 s'il ne serait pas plus haut. Les intervalles sont des "
            "intervalles bootstrap à 95 % (200 rééchantillonnages). **Tendance** = contacts entrants des 8 dernières "
            "semaines / les 8 semaines d'avant, avec un intervalle à 95 %. Les contacts non classés ne sont pas classés "
            "ici : voir la page Pourquoi. Les actions suivent la matrice valeur / irritant (The Best Service is No "
            "Service, Price & Jaffe)."
        ),
    ),
    "priorities_download": ("Download the whole list (CSV)", "Télécharger toute la liste (CSV)"),
    # the department brief (whycall brief, Departments page)
    "brief_button": ("Download the monthly brief (HTML)", "Télécharger la note mensuelle (HTML)"),
    "brief_title": ("Monthly brief — {department}", "Note mensuelle — {department}"),
    "brief_subtitle": (
        "{month} · manager {manager} · published {published}",
        "{month} · responsable {manager} · publié le {published}",
    ),
    "brief_unwanted_per_1000": ("Unwanted contacts per 1,000", "Contacts évitables pour 1 000"),
    "brief_unwanted": ("Unwanted contacts", "Contacts évitables"),
    "brief_vs_previous": ("vs previous month: {change}", "vs mois précédent : {change}"),
    "brief_alerts": ("Alerts recontacted in time", "Alertes recontactées à temps"),
    "brief_alerts_value": ("{done} of {alerts} (target {target})", "{done} sur {alerts} (objectif {target})"),
    "brief_no_target": ("no target", "pas d'objectif"),
    "brief_trend_title": ("Unwanted contacts, last 6 months", "Contacts évitables, 6 derniers mois"),
    "brief_reasons_title": ("Top reasons owned by the department", "Principaux motifs du département"),
    "brief_incidents_title": ("Incidents this month", "Incidents du mois"),
    "brief_actions_title": ("Actions and their verdicts", "Actions et leurs verdicts"),
    "brief_none": ("None.", "Aucun."),
    "brief_footer": (
        "whycall · figures exclude suspect contacts · cost per year annualised from the published window",
        "whycall · chiffres hors contacts suspects · coût annuel annualisé depuis la fenêtre publiée",
    ),
    "brief_excess": ("Excess contacts", "Contacts en excès"),
    "brief_month": ("Month", "Mois"),
}
