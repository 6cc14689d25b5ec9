"""parse_file picks the parser from the source's format; discover_files lists what a source reads."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orchestration.lib.config import load_config
from orchestration.lib.parsers import collect, discover_files, parse_file
from orchestration.lib.records import InputError

FIXTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures"


def _landing(tmp_path: Path, yml: str | None = None) -> Path:
    for folder in ("tickets/2024-03-01", "tickets/.cache", "calls", "surveys", "reference"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
    for rel in (
        "tickets/b.json",
        "tickets/2024-03-01/a.json",
        "tickets/notes.csv",
        "tickets/.hidden.json",
        "tickets/.cache/x.json",
        "tickets/~$lock.json",
        "calls/c.jsonl",
        "calls/d.json",
        "calls/e.csv",
        "surveys/s.csv",
        "surveys/readme.txt",
        "reference/reasons.csv",
        "reference/volumes.csv",
        "reference/other.csv",
    ):
        (tmp_path / rel).write_text("{}")
    if yml:
        (tmp_path / "whycall.yml").write_text(yml)
    return tmp_path


def _names(landing: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(landing).as_posix() for p in paths]


def test_discovery_by_format_sorted_recursive_without_hidden_files(tmp_path):
    landing = _landing(tmp_path)
    assert _names(landing, discover_files(landing, "tickets")) == [
        "tickets/2024-03-01/a.json",
        "tickets/b.json",
    ]
    assert _names(landing, discover_files(landing, "calls")) == ["calls/c.jsonl", "calls/d.json"]
    assert _names(landing, discover_files(landing, "surveys")) == ["surveys/s.csv"]
    assert _names(landing, discover_files(landing, "reference")) == [
        "reference/reasons.csv",
        "reference/volumes.csv",
    ]
    assert _names(landing, discover_files(landing, "reference:reasons")) == ["reference/reasons.csv"]
    assert discover_files(landing, "reference:targets") == []


def test_discovery_follows_a_csv_profile(tmp_path):
    landing = _landing(
        tmp_path,
        "sources:\n  tickets:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n"
        "  calls:\n    format: csv\n    columns: {contact_id: id, started_at: d}\n",
    )
    assert _names(landing, discover_files(landing, "tickets")) == ["tickets/notes.csv"]
    assert _names(landing, discover_files(landing, "calls")) == ["calls/e.csv"]


def test_missing_folder_and_unknown_source(tmp_path):
    assert discover_files(tmp_path, "calls") == []
    with pytest.raises(ValueError, match="unknown source 'ticket'; did you mean tickets?"):
        discover_files(tmp_path, "ticket")
    with pytest.raises(ValueError, match="unknown source 'reference:reason'"):
        discover_files(tmp_path, "reference:reason")


def test_parse_file_dispatches_on_the_profile_format(tmp_path):
    config = load_config(tmp_path)
    legacy = collect(
        parse_file(FIXTURES / "zendesk" / "legacy_exports_tickets_time_based_page1.json", "tickets", config)
    )
    calls = collect(parse_file(FIXTURES / "zendesk_talk" / "calls_records.json", "calls", config))
    assert (len(legacy.rows), len(calls.rows)) == (1000, 8)
    landing = tmp_path / "landing"
    (landing / "surveys").mkdir(parents=True)
    shutil.copy(FIXTURES / "qualtrics" / "qualtRics_sample_new_3row.csv", landing / "surveys" / "r.csv")
    (landing / "whycall.yml").write_text("sources:\n  surveys:\n    questions: {csat: Q1}\n    link: {}\n")
    surveys = collect(parse_file(landing / "surveys" / "r.csv", "surveys", load_config(landing)))
    assert [r["response_id"] for r in surveys.rows] == ["R_2YPOQ602ER1jkf1"]


def test_a_single_ticket_response_is_not_an_export_page():
    with pytest.raises(
        InputError,
        match=r"not a Zendesk ticket export page: no 'tickets' or 'results' array \(found \['ticket'\]\)",
    ):
        collect(
            parse_file(
                FIXTURES / "zendesk" / "ticket_show_single.json", "tickets", load_config(Path("/nowhere"))
            )
        )


def test_a_csv_dropped_into_a_zendesk_source_says_how_to_onboard_it(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Ticket ID,Created\n1,2024-03-01\n")
    with pytest.raises(
        InputError,
        match=r"export\.csv: not JSON \(it starts with 'Ticket ID,Created'\); tickets/ "
        r"holds Zendesk JSON pages; for a CSV export set sources\.tickets\.format: csv",
    ):
        collect(parse_file(path, "tickets", load_config(tmp_path)))
