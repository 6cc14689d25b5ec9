"""The What-to-fix-first page in AppTest, English and French: it shows the top ten of marts.fix_priorities in rank
order, with their owner, the sums computed here with plain SQL and formatted by hand, and links to the explorer
and the department; a warehouse without the mart gets an explained empty state."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest


def top10(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select reason_code, department_id, cost_per_year, window_start, window_end from marts.fix_priorities "
            "where rank is not null order by rank limit 10"
        ).fetchall()


def metric(at, label: str):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return found[0]


@pytest.mark.parametrize(
    "lang, title, cost_label, money",
    [
        ("en", "What to fix first", "Cost per year of the top 10", lambda x: f"€{x:,.0f}"),
        ("fr", "Quoi corriger d'abord", "Coût annuel du top 10", lambda x: f"{x:,.0f} €".replace(",", " ")),
    ],
)
def test_the_page_shows_the_top_ten_fixes(open_app, warehouse: Path, lang, title, cost_label, money) -> None:
    at = open_app("priorities", lang=lang)
    assert at.title[0].value == title
    expected = top10(warehouse)
    assert len(expected) >= 3
    assert metric(at, cost_label).value == money(sum(row[2] for row in expected))
    table = at.dataframe[0].value
    assert len(table) == len(expected)
    reason_column = "Reason" if lang == "en" else "Motif"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        labels = dict(con.execute(f"select reason_code, label_{lang} from marts.dim_reasons").fetchall())
        owners = dict(
            con.execute("select department_id, department_name from marts.dim_departments").fetchall()
        )
    assert table[reason_column].tolist() == [labels[row[0]] for row in expected]
    owner_column = "Owner" if lang == "en" else "Responsable"
    assert table[owner_column].tolist() == [owners[row[1]] for row in expected]
    # each row links to its contacts over the mart's window and to its department
    contacts_column = "Contacts"
    first = urlparse(table[contacts_column].iloc[0])
    assert first.path == "/explorer"
    query = parse_qs(first.query)
    assert query["reason"] == [expected[0][0]]
    assert query["from"] == [expected[0][3].isoformat()] and query["to"] == [expected[0][4].isoformat()]
    assert query.get("lang") == ([lang] if lang != "en" else None)
    department_column = "Department" if lang == "en" else "Département"
    assert parse_qs(urlparse(table[department_column].iloc[0]).query)["department"] == [expected[0][1]]


def test_the_page_follows_the_overview_in_the_navigation() -> None:
    source = (Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py").read_text(encoding="utf-8")
    overview, priorities, why = (source.index(f'("{page}.py"') for page in ("overview", "priorities", "why"))
    assert overview < priorities < why


def test_a_warehouse_without_the_mart_says_so(open_app, minimal_warehouse: Path, tmp_path: Path) -> None:
    older = tmp_path / "whycall.duckdb"
    shutil.copyfile(minimal_warehouse, older)
    with duckdb.connect(str(older)) as con:
        con.execute("drop table marts.fix_priorities")
    at = open_app("priorities", path=older)
    assert "fix_priorities" in at.info[0].value
    assert not at.dataframe


def test_the_why_matrix_takes_its_moves_from_the_mart(open_app, warehouse: Path) -> None:
    at = open_app("why")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        moves = dict(con.execute("select label_en, recommended_move from marts.fix_priorities").fetchall())
    matrix = next(d.value for d in at.dataframe if "Recommended move" in d.value.columns)
    names = {
        "eliminate": "Eliminate",
        "leverage": "Leverage",
        "automate": "Automate / deflect",
        "simplify": "Simplify",
    }
    assert len(matrix) > 0
    for reason, move in zip(matrix["Reason"], matrix["Recommended move"]):
        assert names[moves[reason]] == move


def test_the_departments_page_offers_the_brief(open_app, warehouse: Path) -> None:
    at = open_app("departments", lang="fr", department="BILL")
    buttons = [b for b in at.get("download_button") if b.proto.label == "Télécharger la note mensuelle (HTML)"]
    assert len(buttons) == 1
