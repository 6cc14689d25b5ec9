"""Labels of the page "How hard is it to get an answer?" (app_pages/effort.py), English and French.

Kept apart from app/i18n.py so the page's many definitions read together; app.i18n merges them into TEXTS, and
every lookup still goes through ``t()``.
"""

from __future__ import annotations

# key -> (English, French)
TEXTS: dict[str, tuple[str, str]] = {
    "page_effort": ("How hard is it to get an answer?", "Est-ce difficile d'obtenir une réponse ?"),
    "effort_caption": (
        ("Speed and effort of the Zendesk tickets and calls started in the period, in business hours: which reasons "
        "make customers wait longest and bounce between teams."),
        ("Rapidité et effort des tickets Zendesk et des appels commencés sur la période, en heures ouvrées : "
        "quels motifs font attendre le plus les clients et passent d'équipe en équipe."),
    ),
    "effort_scope": (
        "Tickets with a Zendesk history (ticket_events) created {start} → {end}; calls of the same days.",
        "Tickets avec un historique Zendesk (ticket_events) créés du {start} au {end} ; appels des mêmes jours.",
    ),
    "effort_no_history": (
        ("No ticket history is published: land Zendesk ticket audits and metric events in `ticket_events/` "
        "(or `whycall pull zendesk`) and run the pipeline; these figures are computed from them."),
        ("Aucun historique de ticket n'est publié : déposez les audits et événements de métriques Zendesk dans "
        "`ticket_events/` (ou `whycall pull zendesk`) et lancez le pipeline ; ces chiffres en sont calculés."),
    ),
    "effort_no_calls": ("No inbound calls in the period.", "Aucun appel entrant sur la période."),
    # tiles
    "effort_first_reply": ("Median first reply (business h)", "1re réponse, médiane (h ouvrées)"),
    "effort_resolution": ("Median resolution (business h)", "Résolution, médiane (h ouvrées)"),
    "effort_reopen_rate": ("Reopened", "Réouverts"),
    "effort_handoff_rate": ("Handed to another group", "Transmis à un autre groupe"),
    "effort_waits_reason_chart": ("Median business hours per reason", "Heures ouvrées médianes par motif"),
    "effort_waits_department_chart": (
        "Median business hours per department", "Heures ouvrées médianes par département"),
    "effort_bounce_chart": ("Share of tickets handed to another group", "Part des tickets transmis à un autre groupe"),
    "effort_sla_chart": ("SLA targets achieved, by week of creation", "Objectifs SLA tenus, par semaine de création"),
    "effort_abandon_chart": (
        "Abandoned calls and their share, by local hour", "Appels abandonnés et leur part, par heure locale"),
    "effort_sla": ("SLA achieved", "SLA respectés"),
    "effort_abandoned": ("Calls abandoned", "Appels abandonnés"),
    "effort_business_hours": ("{value} h", "{value} h"),
    "effort_tickets": ("{count} tickets", "{count} tickets"),
    "effort_calls": ("{count} inbound calls", "{count} appels entrants"),
    # definitions: the hover of every figure
    "def_first_reply": (
        ("First reply time: from the ticket's creation to the first public comment by an agent, counted only "
        "while the team's schedule is open (business hours; weekends and holidays closed). When an agent created "
        "the ticket with a public comment, that comment is not a reply: the clock stops at the second one "
        "(Zendesk's rule). Median over the tickets answered."),
        ("Délai de première réponse : de la création du ticket au premier commentaire public d'un agent, compté "
        "seulement pendant les heures d'ouverture de l'équipe (heures ouvrées ; week-ends et jours fériés fermés). "
        "Quand un agent a créé le ticket avec un commentaire public, celui-ci n'est pas une réponse : on s'arrête "
        "au deuxième (règle Zendesk). Médiane des tickets répondus."),
    ),
    "def_resolution": (
        ("Full resolution time: from creation to the last time the ticket was solved (after any reopen), in "
        "business hours. Median over the solved tickets."),
        ("Délai de résolution complète : de la création à la dernière résolution du ticket (après une éventuelle "
        "réouverture), en heures ouvrées. Médiane des tickets résolus."),
    ),
    "def_reopen_rate": (
        ("Share of tickets reopened at least once: a solved ticket set back to open, pending or on-hold (closing "
        "is not a reopen)."),
        ("Part des tickets rouverts au moins une fois : un ticket résolu repassé en ouvert, en attente ou en pause "
        "(la clôture n'est pas une réouverture)."),
    ),
    "def_handoff_rate": (
        ("Share of tickets that went through two groups or more (group stations ≥ 2): the customer was passed "
        "to another team."),
        ("Part des tickets passés par deux groupes ou plus (stations de groupe ≥ 2) : le client a été transmis "
        "à une autre équipe."),
    ),
    "def_replies": (
        "Replies: public comments by agents, the creation comment not counted. Per ticket: the average.",
        "Réponses : commentaires publics des agents, sans le commentaire de création. Par ticket : la moyenne.",
    ),
    "def_sla": (
        ("SLA achievement: share of the SLA targets (first reply, resolution) applied by Zendesk's SLA policies "
        "that were fulfilled before their breach time, from the ticket metric events; a target still running is "
        "not counted."),
        ("Respect des SLA : part des objectifs SLA (première réponse, résolution) appliqués par les politiques SLA "
        "de Zendesk tenus avant l'heure de dépassement, d'après les événements de métriques ; un objectif encore "
        "en cours n'est pas compté."),
    ),
    "def_abandoned": (
        ("Abandoned call: an inbound call the customer hung up before an agent answered (wait in the queue "
        "counted until then). Share of the inbound calls."),
        ("Appel abandonné : un appel entrant raccroché par le client avant qu'un agent ne réponde (attente en "
        "file comptée jusque-là). Part des appels entrants."),
    ),
    "def_bounce": (
        ("Bouncing: share of the reason's tickets handed to another group (two group stations or more), and the "
        "average number of groups a ticket went through."),
        ("Rebonds : part des tickets du motif transmis à un autre groupe (deux stations de groupe ou plus), et le "
        "nombre moyen de groupes par ticket."),
    ),
    # sections, charts, tables
    "effort_by_reason": ("Which reasons make customers wait longest?", "Quels motifs font le plus attendre ?"),
    "effort_by_department": ("Speed and effort by department", "Rapidité et effort par département"),
    "effort_bounce_title": ("Which reasons bounce between groups?", "Quels motifs passent d'équipe en équipe ?"),
    "effort_sla_title": ("SLA achievement per week", "Respect des SLA par semaine"),
    "effort_abandon_title": ("Calls abandoned by hour of day", "Appels abandonnés par heure de la journée"),
    "effort_resolution_chart": (
        "Median full resolution, business hours", "Résolution complète médiane, heures ouvrées"),
    "effort_first_reply_chart": ("Median first reply", "Première réponse médiane"),
    "effort_hours_axis": ("Business hours", "Heures ouvrées"),
    "effort_hour_axis": ("Local hour the call started", "Heure locale du début de l'appel"),
    "effort_week": ("Week", "Semaine"),
    "effort_col_reason": ("Reason", "Motif"),
    "effort_col_department": ("Department", "Département"),
    "effort_col_tickets": ("Tickets", "Tickets"),
    "effort_col_first_reply": ("First reply (median, business h)", "1re réponse (médiane, h ouvrées)"),
    "effort_col_resolution": ("Resolution (median, business h)", "Résolution (médiane, h ouvrées)"),
    "effort_col_resolution_p90": ("Resolution (p90, business h)", "Résolution (p90, h ouvrées)"),
    "effort_col_replies": ("Replies per ticket", "Réponses par ticket"),
    "effort_col_reopen": ("Reopened", "Réouverts"),
    "effort_col_handoff": ("Handed off", "Transmis"),
    "effort_col_groups": ("Groups per ticket", "Groupes par ticket"),
    "effort_col_one_touch": ("One-touch", "Résolus en un contact"),
    "def_one_touch": (
        ("One-touch: a solved ticket never reopened with at most one agent reply (Zendesk Explore's definition; "
        "dbt_zendesk counts the replies differently, see docs/lifecycle_metrics.md). Share of solved tickets."),
        ("Un contact : un ticket résolu jamais rouvert avec au plus une réponse d'agent (définition de Zendesk "
        "Explore ; dbt_zendesk compte autrement, voir docs/lifecycle_metrics.md). Part des tickets résolus."),
    ),
    "effort_calls_abandoned": ("Abandoned calls", "Appels abandonnés"),
    "effort_abandon_share": ("Abandoned share", "Part abandonnée"),
    "effort_sla_share": ("SLA achieved", "SLA respectés"),
    "effort_sla_targets": ("SLA targets measured", "Objectifs SLA mesurés"),
}
