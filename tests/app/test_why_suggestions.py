"""The Why page's "what the unclassified contacts are about" section in AppTest, English and French: the topics
of marts.reason_suggestions in rank order, their examples and the ready-to-paste line; without the table, an
explained empty state."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest


def topics(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select phrase, paste_line, example_1 from marts.reason_suggestions "
                           "where population = 'none' order by rank").fetchall()


@pytest.mark.parametrize(
    "lang, title, phrase_column",
    [("en", "What the unclassified contacts are about", "Phrase"),
     ("fr", "De quoi parlent les contacts non classés", "Expression")],
)
def test_the_why_page_lists_the_unclassified_topics(open_app, warehouse: Path, lang, title, phrase_column):
    expected = topics(warehouse)
    assert expected, "the fixture's unclassified texts give at least one topic"
    at = open_app("why", lang=lang)
    assert not at.exception
    assert title in [h.value for h in at.subheader]
    tables = [d.value for d in at.dataframe if phrase_column in d.value.columns]
    assert len(tables) == 1
    assert tables[0][phrase_column].tolist() == [row[0] for row in expected]
    assert [c.value for c in at.code][: min(3, len(expected))] == [row[1] for row in expected[:3]]
    assert any(expected[0][2] in m.value for m in at.markdown)  # the first example, masked, is shown


def test_without_the_table_the_section_says_how_to_get_it(open_app, minimal_warehouse: Path):
    at = open_app("why", path=minimal_warehouse)
    assert not at.exception
    assert any("marts.reason_suggestions" in i.value for i in at.info)
