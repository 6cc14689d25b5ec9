"""What the unclassified contacts are about: recurring phrases with a ready-to-paste reasons.csv line.

Pure functions on plain rows; the Dagster asset (orchestration/defs/publish/suggestions.py) reads the sample
from the state database and writes ``marts.reason_suggestions``.

Method (docs/reason_suggestions.md):
- texts are subject + text excerpt, folded exactly as dbt's ``fold_words`` folds them for keyword matching
  (lower case, accents stripped, every run of characters other than a-z0-9 one space), so a suggested phrase
  pasted into reasons.csv matches the very contacts it was counted on;
- candidate phrases are the 1-3 word runs of a text that neither start nor end with a French or English stop
  word (the ``stop-words`` package's lists) and hold no digit (order numbers, references);
- scikit-learn's TfidfVectorizer weighs them over the population's sample (sublinear tf, l2 norm, a phrase must
  be in ``min_share`` of the texts); the score of a phrase is its summed weight;
- a phrase as common among the classified contacts (the background sample) as in the population is no topic
  ("hello", "bonjour"): its lift must be ``min_lift`` or more;
- phrases found in mostly the same texts are one topic (``overlap``), named by its longest phrase that still
  covers ``overlap`` of the topic's texts.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

STOP_LANGUAGES = ("en", "fr")
REASON_COLUMNS = ("reason_code", "label_en", "label_fr", "department_id", "kind", "keywords_en", "keywords_fr",
                  "valid_from", "valid_to")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_BREAK = re.compile(r"[\n\r.!?;:()\[\]]+")  # a phrase does not run across a sentence or a subject/body break
_DIGIT = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d .-]{6,}\d")
_NUMBER = re.compile(r"\b[A-Za-z]{0,6}-?\d{3,}\b")


@dataclass(frozen=True)
class Contact:
    contact_id: str
    contact_date: date
    text: str
    reason_code: str = "none"


@dataclass(frozen=True)
class Suggestion:
    rank: int
    phrase: str
    language: str
    contacts: int  # texts of the sample holding the phrase
    share: float  # of the population's sample
    earlier_contacts: int
    recent_contacts: int
    examples: tuple[str, ...]
    nearest_reason: str | None
    nearest_similarity: float | None
    paste_file: str
    paste_line: str


def fold(text: str | None) -> str:
    """dbt's fold_words: lower case, accents stripped, runs of non [a-z0-9] one space, trimmed."""
    if not text:
        return ""
    stripped = "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", stripped).strip()


@lru_cache(maxsize=1)
def stop_words() -> dict[str, frozenset[str]]:
    """French and English stop words of the maintained ``stop-words`` lists, folded like the texts."""
    from stop_words import get_stop_words

    out = {}
    for lang in STOP_LANGUAGES:
        words: set[str] = set()
        for word in get_stop_words(lang):
            words.update(fold(word).split())
        out[lang] = frozenset(words)
    return out


@lru_cache(maxsize=1)
def _all_stop_words() -> frozenset[str]:
    lists = stop_words()
    return frozenset().union(*lists.values())


def fold_segments(text: str | None) -> str:
    """The text folded sentence by sentence, one folded sentence a line (phrases stay inside a line)."""
    return "\n".join(f for f in (fold(part) for part in _BREAK.split(text or "")) if f)


def phrases(folded: str, max_words: int = 3) -> list[str]:
    """The candidate phrases of a folded text (one sentence a line): 1-3 word runs inside a line, no stop word
    at either end, no digit."""
    out = []
    for line in folded.split("\n"):
        out.extend(_line_phrases(line.split(), max_words))
    return out


def _line_phrases(words: list[str], max_words: int) -> list[str]:
    stops = _all_stop_words()
    out = []
    for i, first in enumerate(words):
        if first in stops or _DIGIT.search(first) or len(first) < 2:
            continue
        for n in range(1, max_words + 1):
            run = words[i:i + n]
            if len(run) < n or any(_DIGIT.search(w) for w in run):
                break
            if run[-1] in stops or len(run[-1]) < 2:
                continue
            out.append(" ".join(run))
    return out


def language(texts: Iterable[str]) -> str:
    """'fr' or 'en': which stop-word list the folded texts use more (its own words only)."""
    lists = stop_words()
    only_fr, only_en = lists["fr"] - lists["en"], lists["en"] - lists["fr"]
    fr = en = 0
    for text in texts:
        words = [w for w in text.split() if len(w) > 1]
        fr += sum(w in only_fr for w in words)
        en += sum(w in only_en for w in words)
    return "fr" if fr > en else "en"


def mask(text: str) -> str:
    """An example text with its personal data masked: e-mail addresses, phone numbers, references."""
    text = _EMAIL.sub("[email]", text)
    text = _PHONE.sub("[phone]", text)
    return _NUMBER.sub("[ref]", text)


def suggest(population: Sequence[Contact], background: Sequence[Contact], reasons: Sequence[dict[str, str]],
            *, top: int = 10, min_share: float = 0.01, min_lift: float = 3.0, overlap: float = 0.8,
            split_on: date | None = None) -> list[Suggestion]:
    """The ``top`` recurring topics of ``population`` (a sample), most weighty first.

    ``background`` is a sample of classified contacts (what a topic must stand out from); ``reasons`` the rows
    of reasons.csv (the nearest reason and the paste line); ``split_on`` the first day of the recent half of
    the window (trend: contacts from it on vs before it).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = sorted(population, key=lambda c: c.contact_id)  # the same input order whatever the load order
    if not docs:
        return []
    folded = [fold_segments(c.text) for c in docs]
    min_df = max(3, int(min_share * len(docs) + 0.999))
    vectorizer = TfidfVectorizer(analyzer=lambda text: phrases(text), min_df=min_df, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(folded)
    except ValueError:  # no phrase reaches min_df
        return []
    features = vectorizer.get_feature_names_out()
    # RAKE-like: a recurring phrase of k words says k words about its topic, a lone word one
    weights = matrix.sum(axis=0).A1 * [len(f.split()) for f in features]
    presence = matrix.tocsc()
    doc_sets = {j: frozenset(presence.indices[presence.indptr[j]:presence.indptr[j + 1]].tolist())
                for j in range(len(features))}
    background_df = _document_frequency((fold_segments(c.text) for c in background), set(features))
    n_back = max(len(background), 1)

    def lift(j: int) -> float:
        share_here = len(doc_sets[j]) / len(docs)
        share_there = (background_df.get(features[j], 0) + 1) / (n_back + 1)
        return share_here / share_there

    order = sorted((j for j in range(len(features)) if lift(j) >= min_lift),
                   key=lambda j: (-weights[j], features[j]))
    taken: set[int] = set()
    topics: list[tuple[str, frozenset[int]]] = []
    for j in order:
        if len(topics) >= top:
            break
        if j in taken:
            continue
        core = doc_sets[j]
        members = [k for k in order if k not in taken
                   and len(core & doc_sets[k]) >= overlap * min(len(core), len(doc_sets[k]))]
        taken.update(members)
        if any(len(core & seen) >= overlap * len(core) for _, seen in topics):
            continue  # the texts of a topic already shown
        name = max((k for k in members if len(doc_sets[k]) >= overlap * len(core)),
                   key=lambda k: (len(features[k].split()), len(doc_sets[k]), weights[k], features[k]))
        topics.append((features[name], doc_sets[name]))
    nearest = _nearest_reasons([" ".join(folded[i] for i in sorted(ids)).replace("\n", " ") for _, ids in topics],
                               reasons)
    out = []
    for rank, ((phrase, ids), (code, similarity)) in enumerate(zip(topics, nearest, strict=True), start=1):
        chosen = sorted(ids)
        lang = language(folded[i] for i in chosen)
        recent = sum(1 for i in chosen if split_on is not None and docs[i].contact_date >= split_on)
        examples = tuple(mask(" ".join(docs[i].text.split()))[:200] for i in chosen[:3])
        paste_file, paste_line = paste(phrase, lang, code, reasons)
        out.append(Suggestion(rank, phrase, lang, len(chosen), len(chosen) / len(docs),
                              len(chosen) - recent if split_on is not None else 0, recent, examples, code,
                              similarity, paste_file, paste_line))
    return out


def _document_frequency(texts: Iterable[str], wanted: set[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for text in texts:
        for phrase in set(phrases(text)) & wanted:
            counts[phrase] = counts.get(phrase, 0) + 1
    return counts


def _reason_text(row: dict[str, str]) -> str:
    parts = [row.get("label_en"), row.get("label_fr"), row.get("keywords_en"), row.get("keywords_fr")]
    return fold(" ".join(p.replace("|", " ") for p in parts if p))


def _nearest_reasons(topic_texts: list[str], reasons: Sequence[dict[str, str]]) -> list[tuple[str | None, float | None]]:
    """Per topic, the reason whose labels and keywords are most like its texts (TF-IDF cosine), if any."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    current = _current_rows(reasons)
    if not topic_texts:
        return []
    if not current:
        return [(None, None)] * len(topic_texts)
    codes = sorted(current)
    vectorizer = TfidfVectorizer(analyzer=lambda text: [w for w in text.split() if w not in _all_stop_words()
                                                        and not _DIGIT.search(w) and len(w) > 1])
    try:
        reason_matrix = vectorizer.fit_transform([_reason_text(current[c]) for c in codes])
    except ValueError:
        return [(None, None)] * len(topic_texts)
    similarity = (vectorizer.transform(topic_texts) @ reason_matrix.T).toarray()
    out = []
    for row in similarity:
        best = max(range(len(codes)), key=lambda k: (row[k], -k))
        out.append((codes[best], round(float(row[best]), 4)) if row[best] > 0 else (None, None))
    return out


def _current_rows(reasons: Sequence[dict[str, str]]) -> dict[str, dict[str, str]]:
    """The open row of each reason (no valid_to, else the latest valid_from)."""
    current: dict[str, dict[str, str]] = {}
    for row in reasons:
        code = (row.get("reason_code") or "").strip()
        if not code:
            continue
        held = current.get(code)
        key = (not (row.get("valid_to") or "").strip(), row.get("valid_from") or "")
        if held is None or key > (not (held.get("valid_to") or "").strip(), held.get("valid_from") or ""):
            current[code] = row
    return current


def paste(phrase: str, lang: str, reason_code: str | None, reasons: Sequence[dict[str, str]]) -> tuple[str, str]:
    """(file, line): the reason's current reasons.csv row with ``phrase`` added to its keywords_<lang>, or a
    new reason's row to name and place when no reason is near."""
    column = f"keywords_{lang}"
    row = dict(_current_rows(reasons).get(reason_code or "", {}))
    if not row:
        slug = "_".join(phrase.split())[:40]
        row = {c: "" for c in REASON_COLUMNS}
        row.update(reason_code=f"new_{slug}", label_en=phrase, label_fr=phrase, kind="unwanted")
    keywords = [k for k in (row.get(column) or "").split("|") if k.strip()]
    if phrase not in {fold(k) for k in keywords}:
        keywords.append(phrase)
    row[column] = "|".join(keywords)
    columns = list(row)  # the file's own column order (csv.DictReader rows keep it)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([row.get(c) or "" for c in columns])
    return "reasons.csv", buffer.getvalue()
