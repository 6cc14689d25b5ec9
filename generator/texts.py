"""French and English texts: ticket subjects and bodies, survey comments, customer names.

Every body of a reason contains one of its keyword phrases (reference.REASONS) verbatim and no phrase
of another reason. Bodies carry a reference number so two customers never write the same text by
chance: the identical-text suspect rule must only fire on the planted copy-paste campaign.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

# Bodies per reason and language. Slots: {order} {invoice} {amount} {date} {product} {cust} {ref} {code}.
BODIES: dict[str, dict[str, tuple[str, ...]]] = {
    "invoice_unclear": {
        "en": (
            "Hello, I don't understand my invoice {invoice}: there are charges of {amount} EUR I cannot place.",
            "Could you explain my invoice {invoice}? The breakdown of {amount} EUR is not clear to me.",
            "The invoice amount is different from what I was told: {amount} EUR on invoice {invoice}.",
        ),
        "fr": (
            (
                "Bonjour, je ne comprends pas ma facture {invoice} : il y a {amount} EUR de frais que je ne "
                "reconnais pas."
            ),
            "Pouvez-vous m'expliquer ma facture {invoice} ? Le détail des {amount} EUR n'est pas clair.",
            "Le montant de ma facture {invoice} ({amount} EUR) ne correspond pas à mon contrat.",
        ),
    },
    "payment_failed": {
        "en": (
            "My payment failed three times for order {order}, what should I do?",
            "The payment was declined although my card is valid (order {order}, {amount} EUR).",
            "Direct debit rejected for invoice {invoice}, there is enough money on the account.",
        ),
        "fr": (
            "Mon paiement a échoué trois fois pour la commande {order}, que dois-je faire ?",
            "Paiement refusé alors que ma carte est valide (commande {order}, {amount} EUR).",
            "Prélèvement rejeté pour la facture {invoice}, il y a pourtant assez d'argent sur le compte.",
        ),
    },
    "delivery_late": {
        "en": (
            "My delivery is late: order {order} should have arrived on {date}.",
            "The parcel has not arrived yet, order {order}. The tracking is stuck since {date}.",
            "Still waiting for my delivery (order {order}), it was announced for {date}.",
        ),
        "fr": (
            "Livraison en retard pour la commande {order}, prévue le {date}.",
            "Mon colis n'est toujours pas arrivé, commande {order}, suivi bloqué depuis le {date}.",
            "Je n'ai toujours pas reçu ma commande {order} annoncée pour le {date}.",
        ),
    },
    "parcel_damaged": {
        "en": (
            "The parcel arrived damaged, order {order}: the box was crushed.",
            "The item is broken on arrival (order {order}), photos attached.",
        ),
        "fr": (
            "Colis abîmé à la réception, commande {order}, le carton était écrasé.",
            "Article cassé à l'arrivée (commande {order}), photos jointes.",
        ),
    },
    "order_status": {
        "en": (
            "Where is my order {order}? I ordered it on {date}.",
            "Could you give me the order status for {order} please?",
            "How can I track my order {order}? I received no e-mail.",
        ),
        "fr": (
            "Où en est ma commande {order} passée le {date} ?",
            "Je voudrais connaître le statut de ma commande {order}.",
            "Comment faire le suivi de ma commande {order} ? Je n'ai reçu aucun mail.",
        ),
    },
    "return_request": {
        "en": (
            "How do I return my order {order}? The size does not fit.",
            "I need a return label for order {order}.",
        ),
        "fr": (
            "Comment retourner ma commande {order} ? La taille ne convient pas.",
            "Il me faut une étiquette de retour pour la commande {order}.",
        ),
    },
    "website_info_wrong": {
        "en": (
            "There is wrong information on the website about the delivery costs of {product}.",
            "The website shows a different price for {product}: I paid {amount} EUR.",
        ),
        "fr": (
            "Il y a une information erronée sur le site concernant les frais d'envoi de {product}.",
            "Le prix affiché sur le site pour {product} n'est pas celui que j'ai payé ({amount} EUR).",
        ),
    },
    "address_change": {
        "en": (
            "I moved, how can I change my address? Customer number {cust}.",
            "Please update my address for customer number {cust} from {date}.",
        ),
        "fr": (
            "J'ai déménagé, comment changer mon adresse ? Numéro client {cust}.",
            "Merci de modifier mon adresse pour le client {cust} à partir du {date}.",
        ),
    },
    "login_problem": {
        "en": (
            "I cannot log in to my account since {date}, customer number {cust}.",
            "The password reset link never arrives, account {cust}.",
        ),
        "fr": (
            "Impossible de me connecter à mon espace client depuis le {date} (client {cust}).",
            "Le lien mot de passe oublié n'arrive jamais, compte {cust}.",
        ),
    },
    "app_crash": {
        "en": (
            "The app crashes when I open my orders (version 4.{ref3}).",
            "The app keeps crashing on my phone since update 4.{ref3}.",
        ),
        "fr": (
            "L'application plante dès que j'ouvre mes commandes (version 4.{ref3}).",
            "L'appli plante depuis la mise à jour 4.{ref3}.",
        ),
    },
    "promo_code_invalid": {
        "en": (
            "The promo code {code} is not accepted at checkout.",
            "My discount code does not work: {code}, order {order}.",
        ),
        "fr": (
            "Le code promo {code} n'est pas accepté lors du paiement de la commande {order}.",
            "Mon code de réduction {code} ne fonctionne pas.",
        ),
    },
    "cancellation": {
        "en": (
            "I want to cancel my subscription {cust} as of {date}.",
            "Why is there a cancellation fee of {amount} EUR on my account {cust}?",
        ),
        "fr": (
            "Je souhaite résilier mon abonnement {cust} à partir du {date}.",
            "Pourquoi des frais de résiliation de {amount} EUR sur mon compte {cust} ?",
        ),
    },
    "follow_up_no_answer": {
        "en": (
            "Still no reply to my e-mail of {date} about request {ref}.",
            "This is the third time I write about request {ref}.",
        ),
        "fr": (
            "Toujours pas de réponse à mon mail du {date} (demande {ref}).",
            "C'est la troisième fois que j'écris pour la demande {ref}.",
        ),
    },
    "purchase_advice": {
        "en": (
            "Which model would you suggest for a family of four? Budget around {amount} EUR.",
            "I would like some advice before buying {product}.",
        ),
        "fr": (
            "Quel modèle me suggérez-vous pour une famille de quatre ? Budget d'environ {amount} EUR.",
            "Je voudrais un conseil avant achat pour {product}.",
        ),
    },
    "upgrade_sale": {
        "en": (
            "I would like to upgrade my plan, customer number {cust}.",
            "Can you tell me more about the premium offer? Customer {cust}.",
        ),
        "fr": (
            "Je voudrais passer à l'offre supérieure, client {cust}.",
            "Pouvez-vous m'en dire plus sur l'offre premium ? Client {cust}.",
        ),
    },
}

# Subjects that name the topic without a keyword phrase (like real e-mail subjects).
SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "invoice_unclear": {
        "en": ("Invoice {invoice}", "Question about my bill"),
        "fr": ("Facture {invoice}", "Question sur ma facture"),
    },
    "payment_failed": {
        "en": ("Payment problem", "Order {order}"),
        "fr": ("Problème de paiement", "Commande {order}"),
    },
    "delivery_late": {"en": ("Order {order}", "Delivery"), "fr": ("Commande {order}", "Livraison")},
    "parcel_damaged": {
        "en": ("Order {order}", "Damaged goods"),
        "fr": ("Commande {order}", "Marchandise abîmée"),
    },
    "order_status": {"en": ("Order {order}", "My order"), "fr": ("Commande {order}", "Ma commande")},
    "return_request": {"en": ("Return", "Order {order}"), "fr": ("Retour", "Commande {order}")},
    "website_info_wrong": {"en": ("Your website", "{product}"), "fr": ("Votre site", "{product}")},
    "address_change": {"en": ("Moving house", "My details"), "fr": ("Déménagement", "Mes coordonnées")},
    "login_problem": {"en": ("My account", "Access"), "fr": ("Mon compte", "Accès espace client")},
    "app_crash": {"en": ("Mobile app", "Bug"), "fr": ("Application mobile", "Bug")},
    "promo_code_invalid": {"en": ("Discount", "Order {order}"), "fr": ("Réduction", "Commande {order}")},
    "cancellation": {
        "en": ("My subscription", "Contract {cust}"),
        "fr": ("Mon abonnement", "Contrat {cust}"),
    },
    "follow_up_no_answer": {"en": ("Request {ref}", "Reminder"), "fr": ("Demande {ref}", "Rappel")},
    "purchase_advice": {"en": ("Advice", "{product}"), "fr": ("Conseil", "{product}")},
    "upgrade_sale": {"en": ("My plan", "Offer"), "fr": ("Mon forfait", "Offre")},
}

# Vague contacts: no keyword, no reason can be read from them.
VAGUE_BODIES = {
    "en": (
        "Hello, I have a question about my account {cust}, can someone call me back?",
        "Hi, please contact me regarding file {ref}. Thanks.",
        "Good morning, I need help with something, reference {ref}.",
        "Following our conversation on {date}, could you get back to me? Customer {cust}.",
    ),
    "fr": (
        "Bonjour, j'ai une question concernant mon compte {cust}, pouvez-vous me rappeler ?",
        "Merci de me recontacter au sujet du dossier {ref}.",
        "Bonjour, j'aurais besoin d'aide, référence {ref}.",
        "Suite à notre échange du {date}, pouvez-vous revenir vers moi ? Client {cust}.",
    ),
}
VAGUE_SUBJECTS = {
    "en": ("Question", "Request {ref}", "Help", "Contact"),
    "fr": ("Question", "Demande {ref}", "Aide", "Contact"),
}

# The planted unclassified topic: a new e-invoice portal that fails, worded so that no reason's keywords match
# (reason none); marts.reason_suggestions must find it (tests/pipeline/test_reason_suggestions.py).
E_INVOICE_BODIES = {
    "en": (
        "The e-invoice portal shows an error when I open it, reference {ref}.",
        "I cannot download my e-invoice from the e-invoice portal (file {ref}).",
    ),
    "fr": (
        "Le portail e-facture affiche une erreur quand je l'ouvre, référence {ref}.",
        "Impossible de télécharger ma e-facture sur le portail e-facture (dossier {ref}).",
    ),
}
E_INVOICE_SUBJECTS = {
    "en": ("E-invoice portal", "E-invoice portal error {ref}"),
    "fr": ("Portail e-facture", "Erreur portail e-facture {ref}"),
}

# Voice tickets created by Talk: a call header, then what the caller said as the agent noted it.
VOICE_HEADER = {
    "en": "Inbound call from {phone}\nCall duration: {minutes} min {seconds} s\n\nCaller said: ",
    "fr": "Appel entrant de {phone}\nDurée de l'appel : {minutes} min {seconds} s\n\nPropos de l'appelant : ",
}
VOICEMAIL_BODY = {
    "en": "Voicemail from {phone} ({seconds} s). Please call back.",
    "fr": "Message vocal de {phone} ({seconds} s). Merci de rappeler.",
}
# Not "Call from +32 4..": the demo's subjects carry no phone number (the body's Talk header still does).
VOICE_SUBJECT = {"en": "Inbound call", "fr": "Appel entrant"}
REPEAT_PREFIX = {"en": "Follow-up on ticket #{prev}: ", "fr": "Suite au ticket #{prev} : "}
TROLL_PREFIX = ("UNACCEPTABLE!!! ", "Encore et toujours : ", "J'EXIGE une réponse. ", "C'est une honte. ")

# The copy-paste campaign: the same text sent by many customers, case and spacing varied.
COPY_PASTE_TEXT = (
    "Je conteste les frais de résiliation appliqués à mon compte et j'exige leur "
    "remboursement intégral sous huit jours."
)
COPY_PASTE_SUBJECT = "Réclamation"
SHORT_TEXTS = ("?", "ok", ".", "Hi", "!!", "..")

PRODUCTS = (
    "the Nova 3 router",
    "the Atlas 55 TV",
    "the Kappa coffee machine",
    "the Orion headphones",
    "the Vega robot vacuum",
    "the Lyra tablet",
)
PRODUCTS_FR = (
    "le routeur Nova 3",
    "le téléviseur Atlas 55",
    "la machine à café Kappa",
    "le casque Orion",
    "l'aspirateur robot Vega",
    "la tablette Lyra",
)

# Survey comments, built from fragments so that they vary.
COMMENT_PARTS = {
    ("en", "happy"): (
        ("Quick answer", "Friendly agent", "Problem solved first time", "Very clear explanation"),
        (", thank you.", ", great service.", ", well done.", ". Keep it up!"),
    ),
    ("en", "neutral"): (
        ("Answer was fine", "It took a while", "OK in the end", "Correct but slow"),
        (", nothing special.", ", could be faster.", ".", ", thanks."),
    ),
    ("en", "unhappy"): (
        (
            "I had to call three times",
            "Nobody could explain the problem",
            "Still not solved",
            "Far too long to get an answer",
            "The agent did not listen",
        ),
        (", very disappointed.", ". I am thinking of leaving.", "!", ". Unacceptable."),
    ),
    ("fr", "happy"): (
        ("Réponse rapide", "Agent très aimable", "Problème réglé du premier coup", "Explication claire"),
        (", merci.", ", service au top.", ", bravo.", ". Continuez ainsi !"),
    ),
    ("fr", "neutral"): (
        ("Réponse correcte", "Cela a pris du temps", "Réglé finalement", "Correct mais lent"),
        (", sans plus.", ", pourrait être plus rapide.", ".", ", merci."),
    ),
    ("fr", "unhappy"): (
        (
            "J'ai dû appeler trois fois",
            "Personne n'a pu m'expliquer le problème",
            "Toujours pas réglé",
            "Beaucoup trop long pour avoir une réponse",
            "L'agent ne m'a pas écouté",
        ),
        (", très déçu.", ". Je pense partir chez un concurrent.", " !", ". Inacceptable."),
    ),
}

FIRST_NAMES = {
    "fr": (
        "Camille",
        "Julie",
        "Sophie",
        "Nathalie",
        "Lucas",
        "Hugo",
        "Thomas",
        "Nicolas",
        "Élise",
        "Chloé",
        "Manon",
        "Antoine",
        "Louis",
        "Léa",
        "Maxime",
        "Julien",
        "Céline",
        "Isabelle",
    ),
    "en": (
        "Emma",
        "Oliver",
        "James",
        "Olivia",
        "Liam",
        "Noah",
        "Grace",
        "Jack",
        "Amelia",
        "Harry",
        "Lotte",
        "Pieter",
        "Sarah",
        "Daniel",
        "Hannah",
        "Tom",
    ),
}
LAST_NAMES = (
    "Dubois",
    "Lambert",
    "Dupont",
    "Martin",
    "Simon",
    "Laurent",
    "Leroy",
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
    "Smith",
    "Brown",
    "Taylor",
    "Wilson",
    "Moreau",
    "Fontaine",
    "Vermeulen",
)


def slots(n: int, lang: str, day: date, customer: int) -> dict[str, str]:
    """Fill-ins derived from one random number: cheap, and unique enough per contact."""
    products = PRODUCTS_FR if lang == "fr" else PRODUCTS
    when = day - timedelta(days=n % 9 + 1)
    amount = f"{5 + (n % 40_000) / 100:.2f}"
    return {
        "order": f"CMD-{n}",
        "invoice": f"F{n % 10_000_000:07d}",
        "amount": amount.replace(".", ",") if lang == "fr" else amount,
        "date": when.strftime("%d/%m/%Y") if lang == "fr" else when.isoformat(),
        "product": products[n % len(products)],
        "cust": str(customer),
        "ref": f"{n % 1_000_000:06d}",
        "ref3": str(n % 1000),
        "code": f"PROMO{n % 100_000:05d}",
    }


def comment(rng: Random, lang: str, mood: str) -> str:
    heads, tails = COMMENT_PARTS[(lang, mood)]
    return rng.choice(heads) + rng.choice(tails)


def vary_case_and_spacing(text: str, k: int) -> str:
    """Copy-paste variants: what the normalised identical-text rule must see through."""
    if k % 4 == 1:
        return text.upper()
    if k % 4 == 2:
        return "  " + text.replace(" ", "  ", 3) + " "
    if k % 4 == 3:
        return text.replace("é", "e").replace("è", "e")
    return text
