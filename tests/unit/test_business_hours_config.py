"""whycall.yml business_hours and service_level_seconds (CONTRACT §3): validation and the dbt var rows."""

from __future__ import annotations

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.records import InputError

CONTRACT_EXAMPLE = {
    "default": {"mon": "08:00-18:00", "tue": "08:00-18:00", "wed": "08:00-18:00", "thu": "08:00-18:00",
                "fri": "08:00-12:00,13:00-17:00"},
    "by_department": {"BILL": {"mon": "09:00-17:00", "tue": "09:00-17:00"}},
}


def test_contract_example_flattens_to_local_minute_rows():
    config = build_config({"business_hours": CONTRACT_EXAMPLE, "service_level_seconds": 30})
    rows = config.dbt_vars()["business_hours"]
    # by hand: 4 days of one interval + Friday's two = 6 default rows, 2 BILL rows
    assert len(rows) == 8
    assert {"schedule": "default", "isodow": 5, "start_minute": 13 * 60, "end_minute": 17 * 60} in rows
    assert {"schedule": "BILL", "isodow": 2, "start_minute": 9 * 60, "end_minute": 17 * 60} in rows
    assert not [r for r in rows if r["isodow"] in (6, 7)]  # days not listed are closed
    assert config.dbt_vars()["service_level_seconds"] == 30


def test_without_business_hours_the_var_is_empty():
    assert build_config({}).dbt_vars()["business_hours"] == []


@pytest.mark.parametrize(("hours", "message"), [
    ({"default": {"mon": "8-18"}}, r"business_hours\.default\.mon: bad opening interval '8-18'; write HH:MM-HH:MM"),
    ({"default": {"mun": "08:00-18:00"}}, r"business_hours\.default\.mun: unknown weekday"),
    ({"default": {"mon": "18:00-08:00"}}, r"ends before it starts; overnight hours: split at 24:00"),
    ({"default": {"mon": "08:00-12:00,11:00-13:00"}}, r"intervals overlap"),
    ({"by_department": {}}, r"business_hours: the default schedule is missing"),
    ({"default": {}, "per_group": {}}, r"business_hours\.per_group: unknown key"),
])
def test_bad_business_hours_name_the_key_and_the_fix(hours, message):
    with pytest.raises(InputError, match=message):
        build_config({"business_hours": hours})


def test_service_level_seconds_must_be_a_number():
    with pytest.raises(InputError, match="service_level_seconds: expected a number"):
        build_config({"service_level_seconds": "twenty"})


def test_midnight_end_is_allowed():
    rows = build_config({"business_hours": {"default": {"sat": "00:00-24:00"}}}).dbt_vars()["business_hours"]
    assert rows == [{"schedule": "default", "isodow": 6, "start_minute": 0, "end_minute": 1440}]


def test_holidays_csv_department_is_optional(tmp_path):
    from orchestration.lib.parsers import collect, parse_file

    path = tmp_path / "holidays.csv"
    path.write_text("date,name\n2024-12-25,Christmas\nnot-a-date,Oops\n")
    parsed = collect(parse_file(path, "reference:holidays", build_config({})))
    assert [(str(r["date"]), r["name"], r["department_id"]) for r in parsed.rows] == [("2024-12-25", "Christmas", None)]
    assert [r.line for r in parsed.rejects] == [3]
