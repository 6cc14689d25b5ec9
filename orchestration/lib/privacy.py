"""Masking of personal data in free text: what the published warehouse must never hold.

Ticket subjects and bodies, call notes, survey comments, rejected records and quality samples are
written by customers and agents: they quote e-mail addresses, phone numbers, IBANs, card numbers and
customer numbers. ``mask_text`` replaces each with a bracketed kind (``[email]``, ``[phone]``, ``[iban]``,
``[card]``, ``[customer_ref]``, or the name of a pattern of ``privacy.patterns``). Candidates are found by
loose patterns and kept only when a maintained validator agrees (``phonenumbers`` for phone numbers in
the configured regions, ``python-stdnum`` for the IBAN checksum and Luhn), so that order numbers,
invoice numbers, amounts and dates stay readable. Pure functions; no DuckDB, no Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from stdnum import iban as _iban
from stdnum import luhn as _luhn

KINDS = ("email", "iban", "card", "phone", "customer_ref")
# The business's country and its neighbours: national formats ("0470/12.34.56") are tried in these.
DEFAULT_PHONE_REGIONS = ("BE", "FR", "NL", "LU", "DE")
# A raw customer reference shorter than this is not searched for in texts ("c1" would mask words).
MIN_REF_CHARS = 5

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Two letters, two check digits, then groups of letters/digits separated by single spaces.
_IBAN = re.compile(r"(?<![\w])[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]){11,30}")
_CARD = re.compile(r"(?<![\w.,-])\d(?:[ -]?\d){12,18}(?![\w])")
# A phone number: international (+32 / 0032) or national (leading 0), digits with the usual separators.
_PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d[\d .\-/()]{6,22}\d(?![\w])")
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}")
_TOKEN = re.compile(r"[\w-]+", re.UNICODE)
_DIGIT_RUN = re.compile(r"(?<![\w-])\d+(?![\w-])")
_WORTH_A_LOOK = re.compile(r"[@\d]")


@dataclass(frozen=True)
class PrivacyRules:
    """What to mask: the kinds switched on, the phone regions, extra named patterns."""

    kinds: frozenset[str] = frozenset(KINDS)
    phone_regions: tuple[str, ...] = DEFAULT_PHONE_REGIONS
    patterns: tuple[tuple[str, str], ...] = ()  # (name, regex): matches become [name]

    def fingerprint(self) -> str:
        return repr((sorted(self.kinds), self.phone_regions, self.patterns))


@dataclass(frozen=True)
class CustomerRefs:
    """Raw customer references seen in the landing zone, and the lengths of the all-digit ones."""

    known: frozenset[str] = frozenset()
    digit_lengths: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, refs: Iterable[str | None]) -> CustomerRefs:
        known = {r.strip() for r in refs if r and len(r.strip()) >= MIN_REF_CHARS}
        return cls(frozenset(known), frozenset(len(r) for r in known if r.isdigit()))


DEFAULT_RULES = PrivacyRules()
NO_REFS = CustomerRefs()


def rules_from_config(section: Mapping[str, Any] | None) -> PrivacyRules:
    """PrivacyRules from the validated ``privacy:`` section of whycall.yml (config.py checks it)."""
    section = section or {}
    mask = section.get("mask") or {}
    kinds = frozenset(kind for kind in KINDS if mask.get(kind, True))
    regions = tuple(section.get("phone_regions") or DEFAULT_PHONE_REGIONS)
    patterns = tuple(sorted((section.get("patterns") or {}).items()))
    return PrivacyRules(kinds, regions, patterns)


def mask_text(text: str | None, rules: PrivacyRules = DEFAULT_RULES, refs: CustomerRefs = NO_REFS) -> str | None:
    """``text`` with every personal datum of an enabled kind replaced by its bracketed kind."""
    if not text:
        return text
    for name, pattern in rules.patterns:  # the user's own patterns first: they know their formats
        text = re.sub(pattern, f"[{name}]", text)
    if not _WORTH_A_LOOK.search(text):
        return text
    if "email" in rules.kinds and "@" in text:
        text = _EMAIL.sub("[email]", text)
    if "iban" in rules.kinds:
        text = _replace_valid(_IBAN, text, "[iban]", _is_iban)
    if "card" in rules.kinds:
        text = _replace_valid(_CARD, text, "[card]", _is_card)
    if "phone" in rules.kinds:
        text = _replace_valid(_PHONE, text, "[phone]", lambda s: _is_phone(s, rules.phone_regions))
    if "customer_ref" in rules.kinds:
        text = _mask_refs(text, refs)
    return text


def mask_record(record: Any, rules: PrivacyRules = DEFAULT_RULES, refs: CustomerRefs = NO_REFS) -> Any:
    """Every string of a JSON-like value masked; a ``customer_ref`` field's value masked whole."""
    if isinstance(record, Mapping):
        return {
            key: ("[customer_ref]" if key == "customer_ref" and value not in (None, "") and "customer_ref" in rules.kinds
                  else mask_record(value, rules, refs))
            for key, value in record.items()
        }
    if isinstance(record, list | tuple):
        return [mask_record(value, rules, refs) for value in record]
    if isinstance(record, str):
        return mask_text(record, rules, refs)
    return record


# --- validation ------------------------------------------------------------------------------------------


def _replace_valid(pattern: re.Pattern, text: str, token: str, valid) -> str:
    """Replace, in each match of ``pattern``, the longest prefix that ends at a group boundary and is valid.

    The loose patterns run on past the number (a phone number followed by an amount): cutting back at
    separators finds the number itself; what is left after it is searched again.
    """
    out, pos = [], 0
    while True:
        match = pattern.search(text, pos)
        if match is None:
            break
        candidate = match.group()
        cut = _longest_valid(candidate, valid)
        if cut is None:
            # not valid as a whole: the next candidate may start inside this one (after a separator)
            nxt = re.search(r"[ .\-/()]", candidate)
            out.append(text[pos : match.start() + (nxt.end() if nxt else len(candidate))])
            pos = match.start() + (nxt.end() if nxt else len(candidate))
            continue
        out.append(text[pos : match.start()] + token)
        pos = match.start() + cut
    out.append(text[pos:])
    return "".join(out)


def _longest_valid(candidate: str, valid) -> int | None:
    ends = [len(candidate)] + [m.start() for m in re.finditer(r"[ .\-/()]+", candidate)][::-1]
    for end in sorted(set(ends), reverse=True):
        piece = candidate[:end].rstrip(" .-/(")
        if piece and valid(piece):
            return len(piece)
    return None


def _is_iban(piece: str) -> bool:
    compact = piece.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    try:  # the ISO 7064 check digits and the country's length; not the national account checksum,
        _iban.validate(compact, check_country=False)  # which some real and published examples fail
    except ValueError:
        return False
    return True


def _is_card(piece: str) -> bool:
    digits = re.sub(r"\D", "", piece)
    # issuers' first digits (2-6: Mastercard, Amex, Visa, Discover...) keep most Luhn-valid ids out
    return 13 <= len(digits) <= 19 and digits[0] in "23456" and _luhn.is_valid(digits)


def _is_phone(piece: str, regions: tuple[str, ...]) -> bool:
    digits = re.sub(r"\D", "", piece)
    if len(digits) < 8 or _DATE.fullmatch(piece):
        return False
    if piece.startswith(("+", "00")):
        # an international number is a phone number when its length is possible for its country: the
        # "+" already says what it is (a valid-range check would leave numbers of unallocated ranges)
        number = "+" + piece[2:] if piece.startswith("00") else piece
        return _parsed(number, None, phonenumbers.is_possible_number)
    if not piece.lstrip("(").startswith("0"):  # national formats start with the trunk 0
        return False
    return any(_parsed(piece, region, phonenumbers.is_valid_number) for region in regions)


def _parsed(number: str, region: str | None, test) -> bool:
    try:
        return test(phonenumbers.parse(number, region))
    except phonenumbers.NumberParseException:
        return False


def _mask_refs(text: str, refs: CustomerRefs) -> str:
    if refs.known:
        text = _TOKEN.sub(lambda m: "[customer_ref]" if m.group() in refs.known else m.group(), text)
    if refs.digit_lengths:
        text = _DIGIT_RUN.sub(
            lambda m: "[customer_ref]" if len(m.group()) in refs.digit_lengths else m.group(), text
        )
    return text
