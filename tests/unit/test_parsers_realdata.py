"""Real public exports (shared/realdata) onboarded with the CSV profiles of docs/profiles/, no code.

Each test reads the file with its documented profile and checks that every record is accounted for
(rows_read = loaded + rejected, superseded events counting as loaded) and a few exact values that
SOURCES.md documents independently.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from orchestration.lib.config import build_config
from orchestration.lib.parsers import Parsed, collect, parse_file

ROOT = Path(__file__).resolve().parents[2]
REALDATA = ROOT / ".." / "shared" / "realdata"
PROFILES = ROOT / "docs" / "profiles"


def _parse(profile: str, path: Path) -> Parsed:
    user = yaml.safe_load((PROFILES / profile).read_text(encoding="utf-8"))
    (source,) = user["sources"]
    parsed = collect(parse_file(path, source, build_config(user, PROFILES / profile)))
    assert parsed.rows_read == parsed.rows_loaded + len(parsed.rejects)
    assert len({r["native_id"] for r in parsed.rows}) == len(parsed.rows)  # one row per contact
    return parsed


def _counts(parsed: Parsed) -> tuple[int, int, int]:
    return parsed.rows_read, parsed.rows_loaded, len(parsed.rejects)


def test_every_profile_is_a_valid_whycall_yml():
    for path in sorted(PROFILES.glob("*.yml")):
        user = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert set(user) == {"sources"}, path.name
        build_config(user, path)


def test_cfpb_current_export_with_unzip_junk_lines():
    parsed = _parse("cfpb_complaints_2019_2020.yml", REALDATA / "cfpb_complaints_sample_2019-2020_bdmhw3.csv")
    assert _counts(parsed) == (6623, 6623, 0)
    first = parsed.rows[0]
    assert (
        first["native_id"],
        first["started_at"],
        first["channel"],
        first["reason_raw"],
        first["status"],
    ) == (
        "3571115",
        datetime(2020, 3, 18, 4, 0),
        "web",
        "Incorrect information on your report",
        "Closed with explanation",
    )
    assert sum(r["text"] is not None for r in parsed.rows) == 1532  # narratives, some spanning lines
    assert "\n" in next(r["text"] for r in parsed.rows if r["native_id"] == "3384392")
    assert Counter(r["channel"] for r in parsed.rows) == {
        "web": 5143,
        "referral": 627,
        "phone": 482,
        "postal mail": 267,
        "fax": 102,
        "email": 2,
    }


def test_cfpb_2014_old_schema_last_record_short_of_one_field():
    parsed = _parse(
        "cfpb_complaints_2014_oldschema.yml", REALDATA / "cfpb_complaints_2014-10to11_oldschema.csv"
    )
    assert _counts(parsed) == (8340, 8339, 1)
    reject = parsed.rejects[0]
    assert (reject.line, reject.reason) == (8341, "expected 14 fields, found 13")
    assert reject.raw.startswith("1066397,Credit reporting,,Incorrect information on credit report")
    assert parsed.rows[0]["started_at"] == datetime(2014, 11, 13, 5, 0)  # 11/13/2014, New York midnight (EST)
    assert Counter(r["status"] for r in parsed.rows)["In progress"] == 1758  # 1,759 in the file, one rejected


def test_cfpb_excel_resave_day_first_dates_and_mixed_line_endings():
    parsed = _parse("cfpb_complaints_2023_excel.yml", REALDATA / "cfpb_complaints_2023-04_excel_ddmmyyyy.csv")
    assert _counts(parsed) == (3999, 3999, 0)
    assert parsed.rows[0]["started_at"] == datetime(2023, 4, 27, 4, 0)  # 27-04-2023, EDT
    assert min(r["started_at"] for r in parsed.rows) == datetime(2012, 8, 6, 4, 0)
    assert sum(r["text"] is not None for r in parsed.rows) == 141
    assert Counter(r["channel"] for r in parsed.rows)["web referral"] == 5


def test_nyc311_website_export_us_12_hour_times():
    parsed = _parse("nyc311_website_export.yml", REALDATA / "nyc311_2014-2019_first1000_titlecase.csv")
    assert _counts(parsed) == (1000, 1000, 0)
    first = parsed.rows[0]
    assert (
        first["native_id"],
        first["started_at"],
        first["ended_at"],
        first["department_raw"],
        first["reason_raw"],
        first["customer_ref"],
    ) == (
        "39573567",
        datetime(2018, 6, 26, 14, 58, 54),
        datetime(2018, 6, 26, 16, 50, 1),
        "NYPD",
        "Non-Emergency Police Matter",
        "91-33 97 STREET",
    )
    assert Counter(r["channel"] for r in parsed.rows) == {
        "phone": 496,
        "online": 222,
        "unknown": 160,
        "mobile": 115,
        "other": 7,
    }
    assert sum(r["ended_at"] is None for r in parsed.rows) == 14
    assert sum(r["ended_at"] is not None and r["ended_at"] < r["started_at"] for r in parsed.rows) == 10


def test_nyc311_soda_api_iso_times_and_multiline_location():
    parsed = _parse("nyc311_soda_api.yml", REALDATA / "nyc311_2024-04_api_snakecase_1000.csv")
    assert _counts(parsed) == (1000, 1000, 0)  # 2,955 physical lines, 1,000 records
    assert (parsed.rows[0]["native_id"], parsed.rows[0]["started_at"]) == (
        "60879417",
        datetime(2024, 4, 16, 7, 3, 15),
    )
    assert sum(r["ended_at"] is None for r in parsed.rows) == 708
    assert Counter(r["channel"] for r in parsed.rows) == {
        "online": 418,
        "phone": 349,
        "mobile": 186,
        "unknown": 47,
    }


def test_nyc311_headerless_positional_columns():
    parsed = _parse("nyc311_headerless.yml", REALDATA / "nyc311_2020_headerless_5col_17k.csv")
    assert _counts(parsed) == (17418, 17418, 0)
    assert {
        k: parsed.rows[0][k] for k in ("native_id", "started_at", "ended_at", "reason_raw", "_record")
    } == {
        "native_id": "46920293",
        "started_at": datetime(2020, 7, 20, 14, 51, 12),
        "ended_at": datetime(2020, 9, 5, 16, 32, 48),
        "reason_raw": "Damaged Tree",
        "_record": 1,
    }
    assert Counter(r["reason_raw"] for r in parsed.rows)["Noise - Residential"] == 2619
    assert sum(r["ended_at"] < r["started_at"] for r in parsed.rows) == 325  # loaded as is: a check's job


@pytest.fixture(scope="module")
def servicenow_csv(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("servicenow")
    with zipfile.ZipFile(REALDATA / "uci_incident_event_log.zip") as archive:
        archive.extract("incident_event_log.csv", folder)
    return folder / "incident_event_log.csv"


def test_servicenow_event_log_keeps_the_last_event_per_incident(servicenow_csv):
    parsed = _parse("servicenow_incident_event_log.yml", servicenow_csv)
    assert _counts(parsed) == (141_712, 141_712, 0)
    assert (len(parsed.rows), parsed.superseded) == (24_918, 116_794)
    rows = {r["native_id"]: r for r in parsed.rows}
    assert {
        k: rows["INC0000045"][k]
        for k in (
            "status",
            "customer_ref",
            "started_at",
            "ended_at",
            "updated_at",
            "department_raw",
            "reason_raw",
            "agent_id",
            "problem_id",
        )
    } == {
        "status": "Closed",
        "customer_ref": "Caller 2403",
        "started_at": datetime(2016, 2, 29, 1, 16),
        "ended_at": datetime(2016, 3, 5, 12, 0),
        "updated_at": datetime(2016, 3, 5, 12, 0),
        "department_raw": "Group 56",
        "reason_raw": "Category 55",
        "agent_id": None,
        "problem_id": None,
    }  # "?" → null
    assert sum(bool(r["reopens"]) for r in parsed.rows) == 275
    assert sum(bool(r["transfers"]) for r in parsed.rows) == 11_369
    assert Counter(r["channel"] for r in parsed.rows) == {
        "phone": 24_688,
        "self service": 158,
        "email": 59,
        "ivr": 9,
        "direct opening": 4,
    }


def test_anonymous_bank_call_log():
    parsed = _parse("anonbank_call_centre.yml", REALDATA / "anonbank_callcenter_1999-08_from_ods.csv")
    assert _counts(parsed) == (42_078, 42_078, 0)
    first = parsed.rows[0]
    assert {
        k: first[k]
        for k in (
            "source_system",
            "native_id",
            "customer_ref",
            "started_at",
            "reason_raw",
            "handle_seconds",
            "wait_seconds",
            "outcome",
            "agent_id",
            "channel",
        )
    } == {
        "source_system": "cdr",
        "native_id": "AA0204 43678",
        "customer_ref": None,  # customer_id 0 = unidentified
        "started_at": datetime(2010, 7, 31, 21, 10, 10),  # 2010-08-01 0:10:10 Israel summer time
        "reason_raw": "PS",
        "handle_seconds": 0.0,
        "wait_seconds": 0.0,
        "outcome": "HANG",
        "agent_id": None,
        "channel": "phone",
    }
    assert sum(r["customer_ref"] is None for r in parsed.rows) == 23_030
    assert Counter(r["outcome"] for r in parsed.rows) == {"AGENT": 31_402, "HANG": 10_366, "PHANTOM": 310}
    assert Counter(r["reason_raw"] for r in parsed.rows)["PS"] == 27_312
