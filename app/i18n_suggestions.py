"""Labels of the Why page's "what the unclassified contacts are about" section, English and French (merged into
i18n.TEXTS)."""

from __future__ import annotations

# key -> (English, French)
SUGGESTION_TEXTS: dict[str, tuple[str, str]] = {
    "suggest_title": ("What the unclassified contacts are about", "De quoi parlent les contacts non classés"),
    "unclassified_share_title": ("Unclassified share per week", "Part non classée par semaine"),
    "suggest_population": ("Contacts", "Contacts"),
    "suggest_pop_none": ("unclassified (no rule applied)", "non classés (aucune règle)"),
    "suggest_pop_keywords": ("classified by keywords only", "classés par mots-clés seulement"),
    "suggest_caption": (
        (
            "Recurring phrases of these contacts' texts (1–3 words, French and English, case and accents folded, "
            "stop words left out, weighed by TF-IDF; a phrase as common among the classified contacts is left "
            "out). Counted on a sample: {sampling}. Estimated contacts = share of the sample × {total} contacts. "
            "Trend: from {recent_from} on vs before."
        ),
        (
            "Expressions récurrentes des textes de ces contacts (1 à 3 mots, français et anglais, casse et accents "
            "ignorés, mots vides exclus, pondérées par TF-IDF ; une expression aussi fréquente parmi les contacts "
            "classés est écartée). Compté sur un échantillon : {sampling}. Contacts estimés = part de "
            "l'échantillon × {total} contacts. Tendance : à partir du {recent_from} vs avant."
        ),
    ),
    "suggest_none": (
        "No recurring topic found (or this warehouse has no marts.reason_suggestions: rebuild with whycall run).",
        "Aucun sujet récurrent (ou cet entrepôt n'a pas encore marts.reason_suggestions : whycall run).",
    ),
    "suggest_phrase": ("Phrase", "Expression"),
    "suggest_language": ("Language", "Langue"),
    "suggest_estimated": ("Estimated contacts", "Contacts estimés"),
    "suggest_share": ("Share", "Part"),
    "suggest_trend": ("Recent / before", "Récent / avant"),
    "suggest_nearest": ("Nearest reason", "Motif le plus proche"),
    "suggest_examples": ("Examples (personal data masked)", "Exemples (données personnelles masquées)"),
    "suggest_paste": (
        (
            "To classify these contacts, replace the row of {reason} in reference/reasons.csv with this line "
            "(the phrase added to its keywords; for several phrases of one reason, add the others to that row's "
            "keywords, separated by |), or give it a new reason; the next run reclassifies them:"
        ),
        (
            "Pour classer ces contacts, remplacez la ligne de {reason} dans reference/reasons.csv par celle-ci "
            "(l'expression ajoutée à ses mots-clés ; pour plusieurs expressions d'un même motif, ajoutez les autres "
            "aux mots-clés de cette ligne, séparées par |), ou créez un nouveau motif ; le prochain run les reclasse :"
        ),
    ),
    "suggest_new_reason": ("a new reason", "un nouveau motif"),
}
