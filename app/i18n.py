"""Labels in English and French, and number/date formatting per language.

Every string a leader reads goes through ``t()``; every number or date through the ``fmt_*`` helpers,
so a French page reads ``12 345,6`` and ``23/11/2026`` and an English one ``12,345.6`` and ``2026-11-23``.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pandas as pd

from app.i18n_effort import TEXTS as _EFFORT_TEXTS
from app.i18n_priorities import PRIORITY_TEXTS
from app.i18n_suggestions import SUGGESTION_TEXTS

LANGS = ("en", "fr")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "fr": "Français"}

# The warehouse does not record the currency; `whycall.yml` says EUR by default.
CURRENCY = os.environ.get("WHYCALL_CURRENCY", "EUR").upper()
_CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "CAD": "$"}

MISSING = "–"

# key -> (English, French)
TEXTS: dict[str, tuple[str, str]] = {
    # app shell
    "app_title": ("whycall", "whycall"),
    "app_tagline": (
        "Why customers contact us, and what to fix",
        "Pourquoi les clients nous contactent, et quoi corriger",
    ),
    "language": ("Language", "Langue"),
    "log_in": ("Log in", "Se connecter"),
    "log_out": ("Log out", "Se déconnecter"),
    "log_in_needed": (
        "Customer contacts are shown to logged-in users only.",
        "Les contacts clients ne sont montrés qu'aux utilisateurs connectés.",
    ),
    "period": ("Period", "Période"),
    "include_suspects": ("Include suspect contacts", "Inclure les contacts suspects"),
    "include_suspects_help": (
        (
            "Suspect contacts are flagged by listed rules (bursts, too-short or copy-pasted texts, straight-lined "
            "surveys). They are left out by default."
        ),
        (
            "Les contacts suspects sont repérés par des règles listées (rafales, textes trop courts ou copiés-collés, "
            "enquêtes remplies mécaniquement). Ils sont exclus par défaut."
        ),
    ),
    "data_as_of": ("Data up to {date}", "Données jusqu'au {date}"),
    "published_at": ("Published {when}", "Publié le {when}"),
    "warehouse": ("Warehouse", "Entrepôt"),
    # pages
    "page_overview": ("Overview", "Vue d'ensemble"),
    "page_priorities": ("What to fix first", "Quoi corriger d'abord"),
    "page_why": ("Why do customers contact us?", "Pourquoi nous contacte-t-on ?"),
    "page_departments": ("Departments", "Départements"),
    "page_incidents": ("Incidents", "Incidents"),
    "page_actions": ("Actions", "Actions"),
    "page_closed_loop": ("Closed loop", "Boucle de rappel"),
    "page_explorer": ("Contact explorer", "Explorateur de contacts"),
    "page_health": ("Data health", "Santé des données"),
    "nav_section_questions": ("Questions", "Questions"),
    "nav_section_detail": ("Detail", "Détail"),
    # empty / error states
    "no_warehouse_title": ("No warehouse published yet", "Aucun entrepôt publié pour l'instant"),
    "no_warehouse_body": (
        (
            "The dashboards read the published warehouse, and there is none at `{path}`.\n\n"
            "Run the pipeline first: `whycall run` (or `whycall demo` for generated sample data). "
            "To read another file, set `WHYCALL_WAREHOUSE` or start with `whycall app --warehouse FILE`."
        ),
        (
            "Les tableaux de bord lisent l'entrepôt publié, et il n'y en a pas à `{path}`.\n\n"
            "Lancez d'abord le pipeline : `whycall run` (ou `whycall demo` pour des données d'exemple). "
            "Pour lire un autre fichier, définissez `WHYCALL_WAREHOUSE` ou lancez `whycall app --warehouse FICHIER`."
        ),
    ),
    "warehouse_error_title": ("The warehouse could not be read", "L'entrepôt n'a pas pu être lu"),
    "warehouse_error_body": (
        (
            "`{path}` does not hold what this page needs ({error}). It may come from an older version: "
            "rebuild it with `whycall run --full-refresh`. The *Data health* page lists what is missing."
        ),
        (
            "`{path}` ne contient pas ce dont cette page a besoin ({error}). Il vient peut-être d'une version plus "
            "ancienne : reconstruisez-le avec `whycall run --full-refresh`. La page *Santé des données* liste ce qui manque."
        ),
    ),
    "no_data": (
        "No data for these filters. Widen the period or remove a filter.",
        "Aucune donnée pour ces filtres. Élargissez la période ou retirez un filtre.",
    ),
    "suspects_excluded_note": (
        "Suspect contacts are excluded (toggle in the sidebar).",
        "Les contacts suspects sont exclus (bouton dans la barre latérale).",
    ),
    "suspects_included_note": ("Suspect contacts are included.", "Les contacts suspects sont inclus."),
    "mart_note": (
        "Computed by the warehouse without suspect contacts, whatever the toggle.",
        "Calculé par l'entrepôt sans les contacts suspects, quel que soit le bouton.",
    ),
    "vs_previous": (
        "{start} → {end}, compared with the {days} days before ({pstart} → {pend}). Inbound contacts.",
        "{start} → {end}, comparé aux {days} jours précédents ({pstart} → {pend}). Contacts entrants.",
    ),
    "no_previous_period": (
        "The data does not cover the whole previous period, so changes are not shown.",
        "Les données ne couvrent pas toute la période précédente : les évolutions ne sont pas affichées.",
    ),
    # KPI names
    "contacts": ("Contacts", "Contacts"),
    "unwanted_contacts": ("Unwanted contacts", "Contacts évitables"),
    "value_contacts": ("Value contacts", "Contacts à valeur"),
    "unclassified_contacts": ("Unclassified contacts", "Contacts non classés"),
    "unwanted_share": ("Unwanted share", "Part évitable"),
    "unwanted_cost": ("Cost of unwanted contacts", "Coût des contacts évitables"),
    # the tile's label: one of five tiles side by side, so short enough not to be cut (the help says the rest)
    "unwanted_cost_tile": ("Unwanted cost", "Coût évitable"),
    "repeat_rate": ("Repeat rate", "Taux de recontact"),
    "csat": ("CSAT", "CSAT"),
    "nps": ("NPS", "NPS"),
    "ces": ("CES", "CES"),
    "csat_help": (
        "Share of satisfied answers (top 2 of the scale) among rated.",
        "Part de réponses satisfaites (2 meilleures notes) parmi les notées.",
    ),
    "nps_help": ("% promoters (9–10) − % detractors (0–6).", "% promoteurs (9–10) − % détracteurs (0–6)."),
    "ces_help": (
        "Average effort score, on its own scale (higher = easier).",
        "Score d'effort moyen, sur son échelle (plus haut = plus facile).",
    ),
    "unwanted_help": (
        (
            "Unwanted contacts ÷ classified contacts. A contact is unwanted when its reason is an irritant, when it is "
            "a repeat, or when it is linked to an incident. Contacts no rule classified are left out of both sides "
            "(they are neither wanted nor unwanted): see the unclassified share."
        ),
        (
            "Contacts évitables ÷ contacts classés. Un contact est évitable si son motif est un irritant, s'il s'agit "
            "d'un recontact ou s'il est lié à un incident. Les contacts qu'aucune règle n'a classés sont exclus des "
            "deux côtés (ni voulus ni évitables) : voir la part non classée."
        ),
    ),
    "unwanted_inbound_help": (
        (
            "Unwanted inbound contacts ÷ all inbound contacts of the department, unclassified ones included (this "
            "warehouse does not publish the share over classified contacts the Overview shows)."
        ),
        (
            "Contacts entrants évitables ÷ tous les contacts entrants du service, non classés compris (cet entrepôt "
            "ne publie pas la part sur les contacts classés que montre la vue d'ensemble)."
        ),
    ),
    "unclassified_share": ("Unclassified share", "Part non classée"),
    "unclassified_help": (
        (
            "Contacts whose reason no rule found (no field, no reason map entry, no keyword) ÷ all contacts. "
            "A rise means the reason rules miss something: the Data health page shows how reasons were found."
        ),
        (
            "Contacts dont aucune règle n'a trouvé le motif (ni champ, ni table de correspondance, ni mot-clé) ÷ tous "
            "les contacts. Une hausse signifie que les règles manquent quelque chose : voir la page Santé des données."
        ),
    ),
    "responses": ("Survey responses", "Réponses aux enquêtes"),
    "cost": ("Cost", "Coût"),
    "per_week": ("per week", "par semaine"),
    "week": ("Week", "Semaine"),
    "day": ("Day", "Jour"),
    "month": ("Month", "Mois"),
    "date": ("Date", "Date"),
    "reason": ("Reason", "Motif"),
    "department": ("Department", "Département"),
    "manager": ("Manager", "Responsable"),
    "channel": ("Channel", "Canal"),
    "incident": ("Incident", "Incident"),
    "kind": ("Kind", "Nature"),
    "kind_value": ("value", "valeur"),
    "kind_unwanted": ("unwanted", "évitable"),
    "unclassified": ("Unclassified", "Non classé"),
    "no_department": ("No department", "Sans département"),
    "share_pct": ("Share (%)", "Part (%)"),
    "cumulative_share": ("Cumulative share of contacts (%)", "Part cumulée des contacts (%)"),
    "avg_handle_min": ("Avg handle (min)", "Traitement moyen (min)"),
    "all_values": ("All", "Tous"),
    "timeline_placeholder": ("Reasons with an incident or a spike", "Motifs avec un incident ou un pic"),
    # overview
    "overview_trend_title": (
        "Contacts per week: unwanted vs value",
        "Contacts par semaine : évitables et à valeur",
    ),
    "changed_most": ("What changed most this week", "Ce qui a le plus changé cette semaine"),
    "changed_most_caption": (
        "Unwanted contacts of the last 7 days ({start} → {end}) against the 7 days before, by reason.",
        "Contacts évitables des 7 derniers jours ({start} → {end}) comparés aux 7 jours précédents, par motif.",
    ),
    "changed_most_chart": (
        "Unwanted contacts: change in a week",
        "Contacts évitables : évolution sur une semaine",
    ),
    "previous_period": ("previous period", "période précédente"),
    "biggest_rise": (
        "Biggest rise: **{reason}** {delta} ({before} → {after}).",
        "Plus forte hausse : **{reason}** {delta} ({before} → {after}).",
    ),
    "biggest_fall": (
        "Biggest fall: **{reason}** {delta} ({before} → {after}).",
        "Plus forte baisse : **{reason}** {delta} ({before} → {after}).",
    ),
    "no_change": ("Nothing changed between the two weeks.", "Rien n'a changé entre les deux semaines."),
    "change": ("Change", "Évolution"),
    "last_7_days": ("Last 7 days", "7 derniers jours"),
    "previous_7_days": ("7 days before", "7 jours précédents"),
    "survey_section": ("Customer feedback", "Retour des clients"),
    "volume_section": ("Volume and waste", "Volume et gaspillage"),
    # why page
    "why_caption": (
        "Every reason, split into unwanted contacts (irritants, repeats, incidents) and value contacts.",
        "Chaque motif, séparé entre contacts évitables (irritants, recontacts, incidents) et contacts à valeur.",
    ),
    "pareto_title": (
        "Contacts by reason: unwanted vs value (Pareto)",
        "Contacts par motif : évitables et à valeur (Pareto)",
    ),
    "drivers_title": (
        "Top unwanted drivers by originating department",
        "Principaux motifs évitables par département d'origine",
    ),
    "matrix_title": ("Value / irritant matrix", "Matrice valeur / irritant"),
    "matrix_caption": (
        (
            "**Eliminate**: unwanted, caused by an upstream department — fix the cause there. **Automate / deflect**: "
            "unwanted simple questions (5 min or less on average, rarely repeated) — answer them in self-service. "
            "**Simplify**: unwanted with no upstream owner, or transferred at every contact, or a value contact that "
            "clearly lowers the NPS — simplify the process. **Leverage**: value contacts — do them well. "
            "The move is computed over the whole published history (marts.fix_priorities)."
        ),
        (
            "**Éliminer** : évitable, causé par un département amont — y corriger la cause. **Automatiser / dévier** : "
            "questions simples évitables (5 min ou moins en moyenne, peu de recontacts) — y répondre en libre-service. "
            "**Simplifier** : évitable sans département amont, ou transféré à chaque contact, ou contact à valeur qui "
            "fait nettement baisser le NPS — simplifier le processus. **Valoriser** : contacts à valeur — bien les "
            "traiter. L'action est calculée sur tout l'historique publié (marts.fix_priorities)."
        ),
    ),
    "quadrant": ("Recommended move", "Action recommandée"),
    "q_eliminate": ("Eliminate", "Éliminer"),
    "q_automate": ("Automate / deflect", "Automatiser / dévier"),
    "q_simplify": ("Simplify", "Simplifier"),
    "q_leverage": ("Leverage", "Valoriser"),
    "channels": ("Channels", "Canaux"),
    "all_channels": ("All channels", "Tous les canaux"),
    "drill_title": ("What customers say", "Ce que disent les clients"),
    "drill_reason": ("Reason to read", "Motif à lire"),
    "drill_caption": (
        "Up to {n} recent contacts of this reason, newest first.",
        "Jusqu'à {n} contacts récents de ce motif, du plus récent au plus ancien.",
    ),
    "no_text_column": (
        "This warehouse publishes no contact text, so there is nothing to read here.",
        "Cet entrepôt ne publie pas le texte des contacts : rien à lire ici.",
    ),
    "no_text_for_reason": (
        "No contact text for this reason in the period.",
        "Aucun texte de contact pour ce motif sur la période.",
    ),
    "text": ("Text", "Texte"),
    "subject": ("Subject", "Objet"),
    "started_at": ("Started at", "Début"),
    # departments
    "dept_caption": (
        (
            "Ranked by unwanted contacts per 1,000 units of the department's own volume (invoices, orders…), not by "
            "raw counts: a big department is not a bad one."
        ),
        (
            "Classés par contacts évitables pour 1 000 unités du volume propre au département (factures, commandes…), "
            "pas en nombre brut : un gros département n'est pas un mauvais département."
        ),
    ),
    "ranking_title": (
        "Unwanted contacts per 1,000 units of own volume",
        "Contacts évitables pour 1 000 unités de volume propre",
    ),
    "unwanted_per_1000": ("Unwanted per 1,000", "Évitables pour 1 000"),
    "contacts_per_1000": ("Contacts per 1,000", "Contacts pour 1 000"),
    "volume": ("Volume", "Volume"),
    "no_volume_note": (
        "Without a volume measure, so not ranked: {names}.",
        "Sans mesure de volume, donc non classés : {names}.",
    ),
    "scorecard_title": ("Scorecard", "Tableau de bord"),
    "pick_department": ("Department", "Département"),
    "scorecard_month": ("{month}, compared with the month before", "{month}, comparé au mois précédent"),
    "scorecard_mtd": (
        (
            "Month to date: {start} → {end} ({days} of {month_days} days), compared with the same days of the month "
            "before ({pstart} → {pend}); the monthly target is pro-rated to {days}/{month_days}."
        ),
        (
            "Mois en cours : du {start} au {end} ({days} jours sur {month_days}), comparé aux mêmes jours du mois "
            "précédent (du {pstart} au {pend}) ; l'objectif mensuel est proratisé à {days}/{month_days}."
        ),
    ),
    "target_prorated": ("Pro-rated target", "Objectif proratisé"),
    "other_reasons": ("Other reasons", "Autres motifs"),
    # How each figure is computed, in one sentence a leader understands
    "how_computed": ("How these figures are computed", "Comment ces chiffres sont calculés"),
    "cost_help": (
        (
            "Cost = handle minutes of each contact × the cost per minute of its channel (whycall.yml), summed over "
            "the unwanted contacts."
        ),
        (
            "Coût = minutes de traitement de chaque contact × coût par minute de son canal (whycall.yml), additionné "
            "sur les contacts évitables."
        ),
    ),
    "per_1000_help": (
        (
            "Contacts of the department's own reasons per 1,000 units of its volume over the same days: "
            "per 1,000 {measure}."
        ),
        (
            "Contacts des motifs propres au département pour 1 000 unités de son volume sur les mêmes jours : "
            "pour 1 000 {measure}."
        ),
    ),
    "volume_measure": ("Volume measure", "Mesure du volume"),
    "excess_help": (
        (
            "Excess contacts = contacts linked to the incident − the baseline: what the same reason usually brings "
            "on the same weekdays (the 4 weeks before, incident days skipped). Excess cost = the excess × the "
            "average cost of those contacts."
        ),
        (
            "Contacts en excès = contacts liés à l'incident − la référence : ce que le même motif amène d'habitude "
            "les mêmes jours de semaine (les 4 semaines avant, jours d'incident exclus). Coût en excès = l'excès × "
            "le coût moyen de ces contacts."
        ),
    ),
    "proactive_help": (
        (
            "Told first = customers received a proactive notice (e-mail, SMS, banner) before the first contacts "
            "about the incident."
        ),
        (
            "Prévenus d'abord = les clients ont reçu une information proactive (e-mail, SMS, bandeau) avant les "
            "premiers contacts liés à l'incident."
        ),
    ),
    "score_help": (
        (
            "Score of a spike = (contacts of the day − the usual level) ÷ the usual day-to-day spread (median "
            "absolute deviation of the same weekday over the 4 prior weeks, incident days skipped). When that "
            "spread is 0 the score is the threshold it passed. A score above 3 is rare without a cause."
        ),
        (
            "Score d'un pic = (contacts du jour − niveau habituel) ÷ l'écart habituel d'un jour à l'autre (écart "
            "absolu médian du même jour de semaine sur les 4 semaines précédentes, jours d'incident exclus). Quand "
            "cet écart vaut 0, le score est le seuil franchi. Un score au-dessus de 3 est rare sans cause."
        ),
    ),
    "interval_help": (
        (
            "The rate after ÷ the rate before, with the range it would take 95 times out of 100 given normal "
            "week-to-week ups and downs (overdispersion allowed for). Reduced only when the whole range is below 1."
        ),
        (
            "Le taux après ÷ le taux avant, avec la plage où il tomberait 95 fois sur 100 compte tenu des hauts et "
            "bas habituels d'une semaine à l'autre (surdispersion prise en compte). Réduit seulement si toute la "
            "plage est sous 1."
        ),
    ),
    "rate_unit": ("Contacts per 1,000 {measure}", "Contacts pour 1 000 {measure}"),
    "unit": ("Unit", "Unité"),
    "rate_unit_week": ("Contacts per week", "Contacts par semaine"),
    "rate_unit_generic": ("Contacts per unit of volume", "Contacts par unité de volume"),
    "stale_banner": (
        (
            "**The latest pipeline run failed** ({failed_at}): {error}\n\n"
            "These pages show the data published {published}: no run has succeeded since {since} "
            "({runs} failed run(s)). Fix the cause and run `whycall run` again. Log: `{log}`"
        ),
        (
            "**La dernière exécution du pipeline a échoué** ({failed_at}) : {error}\n\n"
            "Ces pages montrent les données publiées le {published} : aucune exécution n'a réussi depuis le {since} "
            "({runs} exécution(s) en échec). Corrigez la cause et relancez `whycall run`. Journal : `{log}`"
        ),
    ),
    "stale_checks": ("Blocking checks that failed:", "Contrôles bloquants en échec :"),
    "target_chart_note": (
        "A month the data covers only in part is held to its target pro-rated to the days covered.",
        "Un mois que les données ne couvrent qu'en partie est comparé à son objectif proratisé aux jours couverts.",
    ),
    "target_prorated_help": (
        "Monthly target {target}, pro-rated to the {days} days of {month_days} covered so far.",
        "Objectif mensuel {target}, proratisé aux {days} jours sur {month_days} couverts à ce jour.",
    ),
    "alerts_recontacted": ("Alerts recontacted in time", "Alertes rappelées à temps"),
    "target": ("Target", "Objectif"),
    "alerts": ("Alerts", "Alertes"),
    "owned_reasons": (
        "Reasons it owns (whole history)",
        "Motifs dont il est responsable (tout l'historique)",
    ),
    "rank": ("Rank", "Rang"),
    "share_of_unwanted": ("Share of all unwanted", "Part de tous les évitables"),
    "trend_title": ("Monthly trend", "Tendance mensuelle"),
    "recontact_vs_target": ("Alerts recontacted in time vs target", "Alertes rappelées à temps vs objectif"),
    # incidents
    "incidents_caption": (
        "Registered incidents and spikes nobody registered, with the extra contacts they produced.",
        "Incidents enregistrés et pics non enregistrés, avec les contacts supplémentaires qu'ils ont causés.",
    ),
    "no_incident": ("No incident in this period.", "Aucun incident sur cette période."),
    "latest_incident_shown": (
        "The most recent incident is shown instead, with its timeline from {start} to {end}.",
        "Le plus récent est montré à la place, avec sa frise du {start} au {end}.",
    ),
    "timeline_default": (
        "By default: the incidents' reasons and the highest spikes' reasons, at most {n} lines; pick others above.",
        "Par défaut : les motifs des incidents et des plus forts pics, {n} courbes au plus ; d'autres ci-dessus.",
    ),
    "incidents_count": ("Incidents", "Incidents"),
    "excess_contacts": ("Excess contacts", "Contacts en excès"),
    "excess_cost": ("Excess cost", "Coût de l'excès"),
    "linked_contacts": ("Linked contacts", "Contacts liés"),
    "baseline_contacts": ("Baseline", "Référence"),
    "peak_per_hour": ("Peak per hour", "Pic par heure"),
    "proactive": ("Told first", "Prévenus"),
    "proactive_yes": ("told first", "prévenus"),
    "proactive_no": ("not told", "non prévenus"),
    "proactive_compare": (
        (
            "When customers were told first, an incident brought **{told}** extra contacts on average; "
            "**{not_told}** when they were not."
        ),
        (
            "Quand les clients ont été prévenus, un incident a amené en moyenne **{told}** contacts en excès ; "
            "**{not_told}** quand ils ne l'ont pas été."
        ),
    ),
    "excess_by_incident": ("Excess contacts per incident", "Contacts en excès par incident"),
    "timeline_title": (
        "Daily contacts per reason, incidents and spikes",
        "Contacts quotidiens par motif, incidents et pics",
    ),
    "timeline_reasons": ("Reasons on the timeline", "Motifs sur la frise"),
    "registered_incident": ("registered incident", "incident enregistré"),
    "unregistered_spike": ("Unregistered spike", "Pic non enregistré"),
    "matched_spike": ("Spike of a registered incident", "Pic d'un incident enregistré"),
    "unregistered_spikes": ("Unregistered spikes", "Pics non enregistrés"),
    "unregistered_caption": (
        (
            "Days whose contacts of a reason rose far above the usual level (same weekday, 4 prior weeks) with no "
            "incident registered: worth a question to the department."
        ),
        (
            "Jours où les contacts d'un motif ont largement dépassé le niveau habituel (même jour, 4 semaines "
            "précédentes) sans incident enregistré : une question à poser au département."
        ),
    ),
    "no_spike": ("No unregistered spike in this period.", "Aucun pic non enregistré sur cette période."),
    "observed": ("Observed", "Observé"),
    "expected": ("Expected", "Attendu"),
    "score": ("Score", "Score"),
    "title": ("Title", "Titre"),
    "from": ("From", "Du"),
    "to": ("To", "Au"),
    # actions
    "actions_caption": (
        (
            "Each improvement action: contacts of its reason per unit of volume, 8 weeks before against 8 weeks after, "
            "with a 95% interval. Reduced only when the whole interval is below 1."
        ),
        (
            "Chaque action d'amélioration : contacts de son motif par unité de volume, 8 semaines avant contre 8 semaines "
            "après, avec un intervalle à 95 %. « Réduit » seulement si tout l'intervalle est sous 1."
        ),
    ),
    "no_action": ("No improvement action registered yet.", "Aucune action d'amélioration enregistrée."),
    "actions_count": ("Actions", "Actions"),
    "actions_reduced": ("Actions that worked", "Actions efficaces"),
    "contacts_avoided": ("Contacts avoided", "Contacts évités"),
    "contacts_avoided_help": (
        "Sum over the actions whose effect is proven (verdict reduced).",
        "Somme sur les actions dont l'effet est prouvé (verdict réduit).",
    ),
    "forest_title": (
        "Rate after / rate before, with 95% interval",
        "Taux après / taux avant, intervalle à 95 %",
    ),
    "rate_ratio": ("Rate ratio (after / before)", "Rapport des taux (après / avant)"),
    "ratio": ("Ratio", "Rapport"),
    "before_after_title": ("Contact rate before and after", "Taux de contact avant et après"),
    "rate": ("Contacts per unit of volume", "Contacts par unité de volume"),
    "before": ("Before", "Avant"),
    "after": ("After", "Après"),
    "verdict": ("Verdict", "Verdict"),
    "verdict_reduced": ("reduced", "réduit"),
    "verdict_no_evidence": ("no evidence", "pas de preuve"),
    "verdict_increased": ("increased", "augmenté"),
    "action": ("Action", "Action"),
    "interval": ("95% interval", "Intervalle à 95 %"),
    "weeks_before": ("Weeks before", "Semaines avant"),
    "weeks_after": ("Weeks after", "Semaines après"),
    "action_series_title": (
        "Weekly contacts of {reason} around the action",
        "Contacts hebdomadaires de {reason} autour de l'action",
    ),
    "implemented_on": ("Implemented on", "Mise en œuvre le"),
    "action_detail": (
        "Implemented on {date} · {department} · {reason} · rate: {unit}",
        "Mise en œuvre le {date} · {department} · {reason} · taux : {unit}",
    ),
    "open_contacts": ("contacts →", "contacts →"),
    "contacts_link": ("Contacts behind it", "Contacts concernés"),
    "partial_week": ("(partial week: {days} of 7 days)", "(semaine partielle : {days} jours sur 7)"),
    "partial_week_legend": ("Partial week (hatched)", "Semaine partielle (hachurée)"),
    "description": ("Description", "Description"),
    # closed loop
    "loop_caption": (
        (
            "Every dissatisfied answer opens an alert for the department owning the contact; the customer should be "
            "called back within 48 h."
        ),
        (
            "Chaque réponse insatisfaite ouvre une alerte pour le département responsable du contact ; le client doit "
            "être rappelé sous 48 h."
        ),
    ),
    "open_alerts": ("Open alerts", "Alertes ouvertes"),
    "recontacted_in_time": ("Recontacted within 48 h", "Rappelés sous 48 h"),
    "recontacted_in_time_help": (
        "Share of the period's alerts whose customer was called back within the agreed delay (48 h by default).",
        "Part des alertes de la période dont le client a été rappelé dans le délai convenu (48 h par défaut).",
    ),
    "recontacted_late": ("Recontacted late", "Rappelés en retard"),
    "median_recontact": ("Median time to recontact", "Délai médian de rappel"),
    "hours_unit": ("{value} h", "{value} h"),
    "age": ("Age", "Âge"),
    "age_hours": ("Age (h)", "Âge (h)"),
    "age_lt24": ("< 24 h", "< 24 h"),
    "age_24_48": ("24–48 h", "24–48 h"),
    "age_2_7d": ("2–7 days", "2–7 jours"),
    "age_gt7d": ("> 7 days", "> 7 jours"),
    "open_by_age": ("Open alerts by age", "Alertes ouvertes par âge"),
    "open_by_manager": ("Open alerts by manager", "Alertes ouvertes par responsable"),
    "monthly_recontact": (
        "Alerts recontacted within 48 h per month, against the target",
        "Alertes rappelées sous 48 h par mois, face à l'objectif",
    ),
    "open_alert_list": ("Open alerts to call back", "Alertes ouvertes à rappeler"),
    "open_alert_list_note": (
        (
            "Still in time first (fewest hours left before the 48 h limit), then overdue ones. The source ticket "
            "holds the customer's details; a negative number of hours left is how long the limit was missed by."
        ),
        (
            "D'abord celles encore dans les temps (le moins d'heures avant la limite de 48 h), puis celles en retard. "
            "Le ticket source contient les coordonnées du client ; des heures restantes négatives disent de combien "
            "la limite est dépassée."
        ),
    ),
    "no_actionable_alert": (
        "No open alert younger than {days} days.",
        "Aucune alerte ouverte de moins de {days} jours.",
    ),
    "expired_alerts": (
        "Expired: {n} open alerts older than {days} days",
        "Expirées : {n} alertes ouvertes de plus de {days} jours",
    ),
    "of_which_expired": ("of which {n} expired", "dont {n} expirées"),
    "open_alerts_help": (
        (
            "Alerts still open, whatever the period. Those older than {days} days are expired: listed apart, below "
            "(WHYCALL_ALERT_EXPIRE_DAYS)."
        ),
        (
            "Alertes encore ouvertes, quelle que soit la période. Celles de plus de {days} jours sont expirées : "
            "listées à part, plus bas (WHYCALL_ALERT_EXPIRE_DAYS)."
        ),
    ),
    "all_managers": ("All managers", "Tous les responsables"),
    "manager_filter_help": (
        "Kept in the page address (?manager=…): send each manager the link to their own alerts.",
        "Gardé dans l'adresse de la page (?manager=…) : envoyez à chaque responsable le lien vers ses alertes.",
    ),
    "per_manager": ("Per manager", "Par responsable"),
    "alerts_received": ("Alerts received", "Alertes reçues"),
    "alerts_notified": ("Notified", "Notifiées"),
    "in_time_share": ("Share in time", "Part à temps"),
    "open_in_time_to_act": ("Open now", "Ouvertes"),
    "expired_open": ("Expired", "Expirées"),
    "manager_link": ("Link", "Lien"),
    "manager_link_text": ("their page", "sa page"),
    "per_manager_note": (
        (
            "Received, notified, recontacted: the period's alerts. Notified: a message reached the manager "
            "(whycall notify). Open now and expired (older than {days} days): every open alert, whatever the period."
        ),
        (
            "Reçues, notifiées, rappelées : les alertes de la période. Notifiées : un message est parvenu au "
            "responsable (whycall notify). Ouvertes et expirées (plus de {days} jours) : toutes les alertes "
            "ouvertes, quelle que soit la période."
        ),
    ),
    "callback_outcomes": ("Outcome of the call-backs", "Résultat des rappels"),
    "outcome": ("Outcome", "Résultat"),
    "outcome_unknown": ("Not reported", "Non renseigné"),
    "outcome_resolved": ("Resolved", "Résolu"),
    "outcome_not_reached": ("Customer not reached", "Client injoignable"),
    "outcome_compensated": ("Compensated", "Dédommagé"),
    "source_ticket": ("Source ticket", "Ticket source"),
    "hours_left": ("Hours left", "Heures restantes"),
    "comment": ("Comment", "Commentaire"),
    "notified_at": ("Notified at", "Notifiée le"),
    "no_open_alert": (
        "No open alert: every dissatisfied customer was called back.",
        "Aucune alerte ouverte : chaque client insatisfait a été rappelé.",
    ),
    "no_alert": ("No alert in this period.", "Aucune alerte sur cette période."),
    "as_of": (
        "Ages as of {when} (latest activity in the warehouse).",
        "Âges au {when} (dernière activité dans l'entrepôt).",
    ),
    "alert_id": ("Alert", "Alerte"),
    "customer": ("Customer", "Client"),
    "created_at": ("Created at", "Créée le"),
    "status": ("Status", "Statut"),
    "recontacted": ("Recontacted in time", "Rappelées à temps"),
    "unknown_manager": ("(no manager)", "(sans responsable)"),
    # explorer
    "explorer_caption": (
        "Find the contacts behind any number, and download them.",
        "Retrouvez les contacts derrière chaque chiffre, et téléchargez-les.",
    ),
    "reasons": ("Reasons", "Motifs"),
    "departments": ("Departments", "Départements"),
    "incident_filter": ("Incident", "Incident"),
    "any": ("Any", "Tous"),
    "with_incident": ("Linked to an incident", "Liés à un incident"),
    "without_incident": ("Not linked", "Non liés"),
    "repeat_filter": ("Repeat", "Recontact"),
    "suspect_filter": ("Suspect", "Suspect"),
    "yes": ("Yes", "Oui"),
    "no": ("No", "Non"),
    "matching": ("Matching contacts", "Contacts trouvés"),
    "capped": (
        "Showing the first {shown} of {total} contacts (newest first). Narrow the filters to see the rest.",
        "Affichage des {shown} premiers contacts sur {total} (les plus récents d'abord). Affinez les filtres pour voir la suite.",
    ),
    "download_csv": ("Download CSV", "Télécharger le CSV"),
    "download_all": (
        "The download holds every matching contact ({total}), not only the rows shown.",
        "Le téléchargement contient tous les contacts trouvés ({total}), pas seulement les lignes affichées.",
    ),
    "repeat": ("Repeat", "Recontact"),
    "unwanted": ("Unwanted", "Évitable"),
    "suspect": ("Suspect", "Suspect"),
    "suspect_reason": ("Suspect reason", "Raison de suspicion"),
    "handle_min": ("Handle (min)", "Traitement (min)"),
    "direction": ("Direction", "Sens"),
    "source": ("Source", "Source"),
    "contact_id": ("Contact", "Contact"),
    "reason_method": ("Classified by", "Classé par"),
    "transfers": ("Transfers", "Transferts"),
    "reopens": ("Reopens", "Réouvertures"),
    # data health
    "classification_title": ("How reasons were found", "Comment les motifs ont été trouvés"),
    "classification_caption": (
        "Inbound contacts by classification method: explicit field, reason map, keywords, or none.",
        "Contacts entrants par méthode : champ explicite, table de correspondance, mots-clés, ou aucun.",
    ),
    "share": ("Share", "Part"),
    "health_caption": (
        "What was loaded, what was rejected and which checks passed.",
        "Ce qui a été chargé, ce qui a été rejeté et quels contrôles sont passés.",
    ),
    "file_info": ("`{path}` — {size}, published {when}", "`{path}` — {size}, publié le {when}"),
    "contract_ok": (
        "Every table and column of the contract is present.",
        "Toutes les tables et colonnes du contrat sont présentes.",
    ),
    "contract_missing": ("Missing from the contract: {items}", "Absent du contrat : {items}"),
    "loads": ("Files loaded", "Fichiers chargés"),
    "rows_read": ("Rows read", "Lignes lues"),
    "rows_loaded": ("Rows loaded", "Lignes chargées"),
    "rows_rejected": ("Rows rejected", "Lignes rejetées"),
    "load_audit_title": ("Loads per source", "Chargements par source"),
    "load_files_title": ("Latest files", "Derniers fichiers"),
    "not_loaded_title": ("Files not loaded in the latest run", "Fichiers non chargés lors du dernier passage"),
    "not_loaded_caption": (
        "Every file of the landing zone is accounted for: these were ignored, rejected whole or deferred, and why.",
        "Chaque fichier de la zone de dépôt est compté : ceux-ci ont été ignorés, rejetés en entier ou reportés, et pourquoi.",
    ),
    "all_files_loaded": ("Every file of the latest run was loaded.", "Tous les fichiers du dernier passage ont été chargés."),
    "rejects_title": ("Rejected rows by reason", "Lignes rejetées par raison"),
    "rejects_sample_title": ("Sample of rejected rows", "Échantillon de lignes rejetées"),
    "no_rejects": ("No row was rejected.", "Aucune ligne rejetée."),
    "no_loads": ("No load recorded.", "Aucun chargement enregistré."),
    "quality_title": ("Quality checks", "Contrôles qualité"),
    "quality_latest": (
        "Latest run `{run}`: {passed} passed, {failed} failed.",
        "Dernière exécution `{run}` : {passed} réussis, {failed} en échec.",
    ),
    "no_quality_table": (
        "This warehouse publishes no quality results (table `marts.quality_results`).",
        "Cet entrepôt ne publie pas de résultats de contrôle (table `marts.quality_results`).",
    ),
    "checks_passed": ("Checks passed", "Contrôles réussis"),
    "checks_failed": ("Checks failed", "Contrôles en échec"),
    "files": ("Files", "Fichiers"),
    "file": ("File", "Fichier"),
    "line": ("Line", "Ligne"),
    "raw": ("Raw", "Brut"),
    "loaded_at": ("Loaded at", "Chargé le"),
    "rows": ("Rows", "Lignes"),
    "run": ("Run", "Exécution"),
    "check": ("Check", "Contrôle"),
    "asset": ("Asset", "Asset"),
    "severity": ("Severity", "Gravité"),
    "passed": ("Passed", "Réussi"),
    "failing_rows": ("Failing rows", "Lignes en échec"),
    "details": ("Details", "Détails"),
    # What period each figure covers (one period everywhere, or the caption says what else and why)
    "scope_departments": (
        (
            "{start} → {end}: the ranking counts the inbound contacts of these days (as on the Why page), against "
            "the department's volume over the same days (monthly volumes spread evenly over their days)."
        ),
        (
            "{start} → {end} : le classement compte les contacts entrants de ces jours (comme la page Pourquoi), "
            "rapportés au volume du département sur les mêmes jours (volumes mensuels répartis sur leurs jours)."
        ),
    ),
    "scope_scorecard": (
        (
            "Monthly scorecard up to {end}, computed by the warehouse without suspect contacts. A month still in "
            "progress is compared day for day: month-to-date against the same days of the previous month."
        ),
        (
            "Tableau de bord mensuel jusqu'au {end}, calculé par l'entrepôt sans les contacts suspects. Un mois en "
            "cours est comparé jour pour jour : depuis le début du mois, contre les mêmes jours du mois précédent."
        ),
    ),
    "scope_loop": (
        (
            "Recontact figures: alerts opened {start} → {end}. Open alerts: every alert still open, whatever the "
            "period (open work is today's work). Monthly chart: the months touching the period."
        ),
        (
            "Rappels : alertes ouvertes du {start} au {end}. Alertes ouvertes : toutes celles encore ouvertes, "
            "quelle que soit la période (c'est le travail du jour). Graphique mensuel : les mois de la période."
        ),
    ),
    "scope_actions": (
        (
            "Each action is measured over its own weeks before and after it started, not over the selected period "
            "({start} → {end}): its effect needs those full windows. Computed without suspect contacts."
        ),
        (
            "Chaque action est mesurée sur ses propres semaines avant et après sa mise en place, pas sur la période "
            "choisie ({start} → {end}) : son effet a besoin de ces fenêtres complètes. Sans les contacts suspects."
        ),
    ),
    "scope_health": (
        (
            "Classification: inbound contacts {start} → {end}. Loaded files, rejected rows and quality checks: "
            "every run, whatever the period (they describe the warehouse, not the customers)."
        ),
        (
            "Classification : contacts entrants du {start} au {end}. Fichiers chargés, lignes rejetées et contrôles : "
            "toutes les exécutions, quelle que soit la période (ils décrivent l'entrepôt, pas les clients)."
        ),
    ),
    "scope_incidents": (
        (
            "{start} → {end}: incidents that touch these days (with their whole impact) and spikes of these days. "
            "Impact computed by the warehouse without suspect contacts."
        ),
        (
            "{start} → {end} : incidents qui touchent ces jours (avec tout leur impact) et pics de ces jours. "
            "Impact calculé par l'entrepôt sans les contacts suspects."
        ),
    ),
}

# the lifecycle page's labels live with each other (app/i18n_effort.py); a key defined twice is a mistake
assert not TEXTS.keys() & _EFFORT_TEXTS.keys(), sorted(TEXTS.keys() & _EFFORT_TEXTS.keys())
TEXTS.update(_EFFORT_TEXTS)


TEXTS.update(SUGGESTION_TEXTS)  # the Why page's unclassified topics (app/i18n_suggestions.py)
TEXTS.update(PRIORITY_TEXTS)  # the What-to-fix-first page and the department brief (app/i18n_priorities.py)


def t(key: str, lang: str, **values: Any) -> str:
    """The label ``key`` in ``lang``; unknown keys show as themselves so a typo is visible, not fatal."""
    pair = TEXTS.get(key)
    text = key if pair is None else pair[1 if lang == "fr" else 0]
    return text.format(**values) if values else text


def safe_lang(value: object) -> str:
    return value if value in LANGS else DEFAULT_LANG


def _is_missing(x: Any) -> bool:
    """None, NaN, NA and NaT: shown as a dash."""
    try:
        return x is None or bool(pd.isna(x))
    except (TypeError, ValueError):  # a list or an array is not "missing"
        return False


def fmt_num(x: Any, lang: str, decimals: int = 0) -> str:
    """12,345.6 in English, 12 345,6 in French."""
    if _is_missing(x):
        return MISSING
    text = f"{float(x):,.{decimals}f}"
    if lang == "fr":
        text = text.replace(",", " ").replace(".", ",")
    return text


def fmt_pct(share: Any, lang: str, decimals: int = 1) -> str:
    """A share (0.123) as 12.3% / 12,3 %."""
    if _is_missing(share):
        return MISSING
    number = fmt_num(float(share) * 100, lang, decimals)
    return f"{number} %" if lang == "fr" else f"{number}%"


def fmt_money(x: Any, lang: str, decimals: int = 0) -> str:
    if _is_missing(x):
        return MISSING
    symbol = _CURRENCY_SYMBOLS.get(CURRENCY, CURRENCY)
    number = fmt_num(abs(float(x)), lang, decimals)
    sign = "-" if float(x) < 0 else ""
    if lang == "fr" or len(symbol) > 1:
        return f"{sign}{number} {symbol}"
    return f"{sign}{symbol}{number}"


def fmt_signed(x: Any, lang: str, decimals: int = 0, suffix: str = "") -> str:
    """A change with its sign: +12 / -3,5 pts. ASCII '-' so st.metric colours it as a fall."""
    if _is_missing(x):
        return MISSING
    sign = "+" if float(x) > 0 else ("-" if float(x) < 0 else "±")
    return f"{sign}{fmt_num(abs(float(x)), lang, decimals)}{suffix}"


def fmt_change_pct(current: Any, previous: Any, lang: str) -> str | None:
    """Relative change as +12.3% / -4,0 %; None when there is nothing to compare with."""
    if _is_missing(current) or _is_missing(previous) or float(previous) == 0:
        return None
    change = (float(current) - float(previous)) / float(previous) * 100
    return fmt_signed(change, lang, 1, " %" if lang == "fr" else "%")


def fmt_change_points(
    current: Any, previous: Any, lang: str, scale: float = 100, decimals: int = 1
) -> str | None:
    """Absolute change of a share or score, in points: +1.2 pts / -0,8 pt."""
    if _is_missing(current) or _is_missing(previous):
        return None
    unit = " pt" if lang == "fr" else " pts"
    return fmt_signed((float(current) - float(previous)) * scale, lang, decimals, unit)


def date_pattern(lang: str) -> str:
    return "%d/%m/%Y" if lang == "fr" else "%Y-%m-%d"


def date_input_format(lang: str) -> str:
    """The pattern st.date_input expects."""
    return "DD/MM/YYYY" if lang == "fr" else "YYYY-MM-DD"


def fmt_date(value: Any, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return value.strftime(date_pattern(lang))


def fmt_datetime(value: Any, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    return value.strftime(date_pattern(lang) + " %H:%M")


def fmt_month(value: Any, lang: str) -> str:
    if _is_missing(value):
        return MISSING
    return value.strftime("%m/%Y" if lang == "fr" else "%Y-%m")


def plotly_separators(lang: str) -> str:
    """Plotly's `separators`: decimal mark then thousands mark."""
    return ", " if lang == "fr" else ".,"
