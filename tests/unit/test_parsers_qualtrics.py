"""Qualtrics response exports (real files in shared/fixtures/qualtrics) → raw.surveys rows."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, parse_file
from orchestration.lib.raw_schema import SURVEY_FIELDS
from orchestration.lib.records import InputError

QUALTRICS = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / "qualtrics"
FIELDS = {name for name, _ in SURVEY_FIELDS} | {"_record"}

# Each fixture with a profile whose questions point at its columns.
PROFILES = {
    "qualtRics_sample_new_3row.csv": {"questions": {"csat": "Q1", "comment": "Q2"}, "link": {}},
    "qualtRics_sample_legacy_2row.csv": {"questions": {"csat": "Q1", "comment": "Q2"}, "link": {}},
    "QualtricsTools_no_basis_insights_3row.csv": {
        "questions": {"csat": "Q1", "ces": "Q3_1", "nps": "Q6_1_1"},
        "link": {},
    },
    "QualtricsTools_no_basis_legacy_2row.csv": {
        "questions": {"csat": "Q1", "ces": "Q3_1", "nps": "Q6_1_1"},
        "link": {},
    },
    "QualtricsTools_text_entry_insights_3row.csv": {
        "questions": {"csat": "MCSA_single_text", "comment": "MCSA_single_text_TEXT", "nps": "MCMA_text_3"},
        "link": {},
    },
}


def _parse(path: Path, surveys: dict, **top):
    return collect(parse_file(path, "surveys", build_config({"sources": {"surveys": surveys}, **top})))


def test_every_qualtrics_fixture_parses():
    assert sorted(PROFILES) == sorted(p.name for p in QUALTRICS.glob("*.csv"))
    counts = {}
    for name, profile in PROFILES.items():
        parsed = _parse(QUALTRICS / name, profile)
        assert all(set(r) == FIELDS for r in parsed.rows)
        counts[name] = (len(parsed.rows), len(parsed.rejects))
    assert counts == {
        "qualtRics_sample_new_3row.csv": (1, 0),
        "qualtRics_sample_legacy_2row.csv": (1, 0),
        "QualtricsTools_no_basis_insights_3row.csv": (15, 0),
        "QualtricsTools_no_basis_legacy_2row.csv": (15, 0),
        "QualtricsTools_text_entry_insights_3row.csv": (15, 0),
    }


def test_three_row_and_legacy_layouts_give_the_same_response():
    new = _parse(QUALTRICS / "qualtRics_sample_new_3row.csv", PROFILES["qualtRics_sample_new_3row.csv"]).rows
    legacy = _parse(
        QUALTRICS / "qualtRics_sample_legacy_2row.csv",  # BOM, V1..V10, trailing empty column
        PROFILES["qualtRics_sample_legacy_2row.csv"],
    ).rows
    expected = {
        "source_system": "qualtrics",
        "response_id": "R_2YPOQ602ER1jkf1",
        "_record": 1,
        "responded_at": datetime(2017, 7, 18, 6, 28, 48),  # 08:28:48 Europe/Brussels (summer time)
        "customer_ref": None,
        "ticket_ref": None,
        "nps": None,
        "csat": 2.0,
        "ces": None,
        "comment": "Hello World!",
        "finished": True,
    }
    assert new == [expected]
    assert legacy == [expected]  # RecordedDate (3-row) = EndDate (legacy V9)


def test_import_id_time_zone_wins_over_the_configured_one(tmp_path):
    text = (QUALTRICS / "qualtRics_sample_new_3row.csv").read_text(encoding="utf-8")
    text = text.replace(
        '"{""ImportId"":""recordedDate""}"',
        '"{""ImportId"":""recordedDate"",""timeZone"":""America/Denver""}"',
    )
    path = tmp_path / "responses.csv"
    path.write_text(text, encoding="utf-8")
    row = _parse(path, PROFILES["qualtRics_sample_new_3row.csv"], timezone="Asia/Tokyo").rows[0]
    assert row["responded_at"] == datetime(2017, 7, 18, 14, 28, 48)  # 08:28:48 MDT
    profile = {**PROFILES["qualtRics_sample_new_3row.csv"], "timezone": "UTC"}
    original = _parse(QUALTRICS / "qualtRics_sample_new_3row.csv", profile).rows[0]
    assert original["responded_at"] == datetime(
        2017, 7, 18, 8, 28, 48
    )  # profile timezone over the global one


def test_python_dict_import_ids_and_negative_no_basis_codes():
    parsed = _parse(
        QUALTRICS / "QualtricsTools_no_basis_insights_3row.csv",
        PROFILES["QualtricsTools_no_basis_insights_3row.csv"],
    )
    rows = parsed.rows
    assert Counter(r["csat"] for r in rows) == {3.0: 7, 1.0: 3, 2.0: 3, None: 2}
    assert Counter(r["ces"] for r in rows) == {None: 5, 3.0: 4, 2.0: 3, 1.0: 3}  # -1 "no basis" → null
    assert Counter(r["nps"] for r in rows) == {1.0: 12, None: 3}
    assert rows[0]["response_id"] == "R_ebopwASnJ6p0KSp" and rows[0]["ces"] is None
    assert rows[0]["responded_at"] == datetime(2016, 6, 24, 12, 27, 8)  # EndDate, no RecordedDate column
    assert {r["finished"] for r in rows} == {True}


def test_questions_can_be_named_by_import_id():
    by_id = _parse(
        QUALTRICS / "QualtricsTools_no_basis_insights_3row.csv",
        {"questions": {"csat": "QID1", "ces": "QID3-1"}, "link": {}},
    ).rows
    by_column = _parse(
        QUALTRICS / "QualtricsTools_no_basis_insights_3row.csv",
        {"questions": {"csat": "Q1", "ces": "Q3_1"}, "link": {}},
    ).rows
    assert by_id == by_column


def test_legacy_export_of_the_same_survey_matches_except_the_clock():
    insights = _parse(
        QUALTRICS / "QualtricsTools_no_basis_insights_3row.csv",
        PROFILES["QualtricsTools_no_basis_insights_3row.csv"],
    ).rows
    legacy = _parse(
        QUALTRICS / "QualtricsTools_no_basis_legacy_2row.csv",
        PROFILES["QualtricsTools_no_basis_legacy_2row.csv"],
    ).rows
    strip = ("responded_at",)
    assert [{k: v for k, v in r.items() if k not in strip} for r in insights] == [
        {k: v for k, v in r.items() if k not in strip} for r in legacy
    ]
    # the two layouts were exported in time zones 2 h apart and neither says which
    assert {(a["responded_at"] - b["responded_at"]).total_seconds() for a, b in zip(insights, legacy)} == {
        7200.0
    }


def test_seen_but_not_answered_minus_99_is_null_and_comments_kept():
    rows = _parse(
        QUALTRICS / "QualtricsTools_text_entry_insights_3row.csv",
        PROFILES["QualtricsTools_text_entry_insights_3row.csv"],
    ).rows
    assert Counter(r["nps"] for r in rows) == {1.0: 11, None: 4}
    assert Counter(r["csat"] for r in rows) == {2.0: 6, 1.0: 6, 3.0: 3}
    comments = [r["comment"] for r in rows if r["comment"]]
    assert len(comments) == 3
    assert (
        comments[0] == "Gravida. Porta mattis! Dui id tempor purus. Interdum tempora nonummy posuere egestas."
    )


def _survey(
    tmp_path: Path,
    rows: list[str],
    header: str = "StartDate,EndDate,Finished,RecordedDate,ResponseId,ticket_id,customer_id,Q1,Q2,Q3,Q4",
) -> Path:
    ids = header.split(",")
    import_row = ",".join(f'"{{""ImportId"":""{c}""}}"' for c in ids)
    path = tmp_path / "survey.csv"
    path.write_text("\n".join([header, header, import_row, *rows]) + "\n", encoding="utf-8")
    return path


def test_embedded_data_links_and_out_of_scale_rejects(tmp_path):
    path = _survey(
        tmp_path,
        [
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,R_1,T-100,C-9,9,5,7,great",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,R_2,,C-8,14,5,7,",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,R_3,,C-7,8,0,7,",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,0,2024-03-01 10:05:00,R_4,,,-99,-1,,",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,not a date,R_5,,,1,1,1,",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,,,,1,1,1,",
            "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,R_7,,,ten,1,1,",
        ],
    )
    parsed = _parse(path, {})  # the contract's default questions Q1..Q4 and link columns
    assert [
        (
            r["response_id"],
            r["ticket_ref"],
            r["customer_ref"],
            r["nps"],
            r["csat"],
            r["ces"],
            r["comment"],
            r["finished"],
        )
        for r in parsed.rows
    ] == [
        ("R_1", "T-100", "C-9", 9.0, 5.0, 7.0, "great", True),
        ("R_4", None, None, None, None, None, None, False),
    ]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (5, "nps '14' outside its scale 0-10 in nps (Q1)"),
        (6, "csat '0' outside its scale 1-5 in csat (Q2)"),
        (
            8,
            (
                "bad timestamp 'not a date' (expected ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds) "
                "in responded_at (RecordedDate)"
            ),
        ),
        (9, "missing response_id (ResponseId)"),
        (10, "bad number 'ten' in nps (Q1)"),
    ]
    assert parsed.rejects[0].raw.startswith(
        "2024-03-01 10:00:00,2024-03-01 10:05:00,1,2024-03-01 10:05:00,R_2"
    )


def test_configured_scales_bound_csat_and_ces(tmp_path):
    path = _survey(tmp_path, ["2024-03-01,2024-03-01,1,2024-03-01 10:05:00,R_1,,,,9,10,"])
    parsed = _parse(path, {"scales": {"csat": [0, 10], "ces": [1, 7]}})
    assert [r.reason for r in parsed.rejects] == ["ces '10' outside its scale 1-7 in ces (Q3)"]
    parsed = _parse(path, {"scales": {"csat": [0, 10], "ces": [1, 10]}})
    assert [(r["csat"], r["ces"]) for r in parsed.rows] == [(9.0, 10.0)]


def test_a_question_column_missing_from_the_export_names_key_and_columns():
    with pytest.raises(InputError) as info:
        _parse(QUALTRICS / "qualtRics_sample_new_3row.csv", {"questions": {"nps": "Q11"}, "link": {}})
    message = str(info.value)
    assert "qualtRics_sample_new_3row.csv: sources.surveys.questions.nps: column 'Q11' not found" in message
    assert "did you mean Q1?" in message and "columns present: StartDate, EndDate" in message


def test_default_link_columns_absent_from_the_export_are_an_error_with_the_fix():
    with pytest.raises(
        InputError,
        match=r"sources\.surveys\.link\.ticket: column 'ticket_id' not found.*or null if not asked",
    ):
        _parse(QUALTRICS / "qualtRics_sample_new_3row.csv", {"questions": {"csat": "Q1"}})


def test_a_plain_csv_is_not_taken_for_a_qualtrics_export(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("id,score\n1,9\n2,7\n", encoding="utf-8")
    with pytest.raises(
        InputError, match="not a Qualtrics export: no ImportId row 3 and no legacy V1..V10 header"
    ):
        _parse(path, {})
