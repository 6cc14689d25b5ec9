"""marts.reason_suggestions on the generated landing: the planted e-invoice topic (generator/texts.py) is found
among the top 3, its counts are the files' own, and pasting its line into reasons.csv classifies it."""

from __future__ import annotations

import csv
import io
import re
import shutil
import unicodedata

import pytest

from generator import texts
from tests.pipeline.conftest import query, whycall

pytestmark = pytest.mark.slow


def _fold(text: str) -> str:  # written again here, not imported: the test's own reading of "folded"
    text = unicodedata.normalize("NFKD", (text or "").lower())
    return " ".join(re.sub(r"[^a-z0-9]+", " ", "".join(c for c in text if not unicodedata.combining(c))).split())


def _planted(phrase: str) -> str | None:
    """The language whose every planted subject holds the phrase, if any."""
    for lang, subjects in texts.E_INVOICE_SUBJECTS.items():
        if all(f" {phrase} " in f" {_fold(s.format(ref='1'))} " for s in subjects):
            return lang
    return None


def _unclassified_with(warehouse, phrase: str) -> set[str]:
    rows = query(warehouse, "select contact_id, subject, text_excerpt from marts.fct_contacts "
                            "where reason_method = 'none' and not is_suspect")
    return {cid for cid, subject, text in rows if f" {phrase} " in f" {_fold(subject)} {_fold(text)} "}


@pytest.fixture(scope="module")
def suggestions(built):
    assert built["first"].returncode == 0, built["first"].stdout
    columns = ("rank", "phrase", "language", "sample_contacts", "sample_size", "population_contacts",
               "nearest_reason_code", "paste_file", "paste_line", "example_1", "example_2", "example_3")
    rows = query(built["warehouse"], f"select {', '.join(columns)} from marts.reason_suggestions "
                                     "where population = 'none' order by rank")
    return [dict(zip(columns, row, strict=True)) for row in rows]


def test_the_planted_topic_is_among_the_top_3_with_the_files_counts(built, suggestions):
    top = [s for s in suggestions[:3] if _planted(s["phrase"])]
    assert top, [s["phrase"] for s in suggestions]
    for s in top:
        assert s["language"] == _planted(s["phrase"])
        # the whole population fits in the sample here: the count is exact
        assert s["sample_size"] == s["population_contacts"]
        assert s["sample_contacts"] == len(_unclassified_with(built["warehouse"], s["phrase"]))
        assert s["nearest_reason_code"] == "invoice_unclear"  # "invoice" / "facture": the nearest labels
        for example in (s["example_1"], s["example_2"], s["example_3"]):
            assert s["phrase"] in _fold(example) and not re.search(r"\d{4,}", example)  # references masked


def test_pasting_the_suggested_line_classifies_the_topic(built, suggestions, tmp_path):
    pasted = [s for s in suggestions if _planted(s["phrase"])]
    landing = tmp_path / "landing"
    shutil.copytree(built["landing"], landing)
    path = landing / "reference" / "reasons.csv"
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    first, *others = pasted
    # what the user does: replace the reason's current row with the first suggested line...
    assert first["paste_file"] == "reasons.csv"
    line = next(csv.reader(io.StringIO(first["paste_line"])))
    assert len(line) == len(header)
    current = [i for i, row in enumerate(rows) if row[0] == line[0] and not row[header.index("valid_to")]]
    assert len(current) == 1
    rows[current[0]] = line
    for s in others:  # ...and add the other phrases for the same reason to its keywords, as the page says
        assert s["nearest_reason_code"] == line[0]
        column = header.index(f"keywords_{s['language']}")
        rows[current[0]][column] += "|" + s["phrase"]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    run = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert run.returncode == 0, run.stdout + run.stderr

    before = dict(query(built["warehouse"], "select reason_method = 'none', count(*) from marts.fct_contacts "
                                            "where not is_suspect group by 1"))
    after = dict(query(warehouse, "select reason_method = 'none', count(*) from marts.fct_contacts "
                                  "where not is_suspect group by 1"))
    moved = set().union(*(_unclassified_with(built["warehouse"], s["phrase"]) for s in pasted))
    assert len(moved) > 100
    reclassified = dict(query(warehouse, "select contact_id, reason_code || '/' || reason_method "
                                         "from marts.fct_contacts"))
    assert {reclassified[cid] for cid in moved} == {"invoice_unclear/keywords"}
    assert after[True] == before[True] - len(moved)  # the unclassified share drops by exactly those contacts
    assert sum(after.values()) == sum(before.values())
    assert not [s for s in query(warehouse, "select phrase from marts.reason_suggestions where population = 'none'")
                if any(_planted(p) for p in s)]  # and the topic is no longer suggested
