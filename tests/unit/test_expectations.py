"""expectations/: every check family fails on a deliberately broken batch, a clean warehouse passes."""

from __future__ import annotations

import json
import time
from dataclasses import asdict
from datetime import date, datetime, timedelta
from itertools import pairwise

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from expectations import CheckResult, list_checks, results_to_rows, run_checks
from expectations.catalog import BATCHES, DEFAULT_SEVERITY, FAMILIES, FAMILY, severities
from expectations.checks import (
    daily_contact_counts,
    freshness,
    reject_ratio,
    validity_overlaps,
    volume_drop,
)
from orchestration.lib.raw_schema import (
    AUDIT_FIELDS,
    CONTACT_FIELDS,
    LOADER_FIELDS,
    REFERENCE_FIELDS,
    SURVEY_FIELDS,
    arrow_schema,
)

NOW = datetime(2024, 3, 31, 12, 0)  # naive UTC, like every stored timestamp
LOADED_AT = datetime(2024, 3, 31, 6, 0)
CONFIG = {"timezone": "Europe/Brussels"}


# --- batches shaped like the raw tables (Arrow -> pandas, as the lead reads them from DuckDB) -----------


def _frame(fields: list[tuple[str, pa.DataType]], rows: list[dict], file: str) -> pd.DataFrame:
    full = []
    for i, row in enumerate(rows):
        full.append({"_file": file, "_record": i, "_sha256": "0" * 64, "_loaded_at": LOADED_AT, **row})
    schema = arrow_schema(fields + LOADER_FIELDS)
    return pa.Table.from_pylist(full, schema=schema).to_pandas()


def _contact(i: int, source: str = "zendesk", **values) -> dict:
    row = {
        "source_system": source,
        "native_id": str(1000 + i),
        "updated_at": NOW - timedelta(days=1),
        "is_deleted": False,
        "customer_ref": f"cust{i % 7}",
        "started_at": NOW - timedelta(days=1, hours=i % 20),
        "channel": ("email", "web", "voice", "chat", None)[i % 5],
        "direction": ("inbound", None, "outbound")[i % 3],
        "handle_seconds": 60.0 * (i % 9),
        "wait_seconds": None if i % 4 == 0 else 5.0 * i,
    }
    row.update(values)
    return row


def tickets(rows: list[dict] | None = None) -> pd.DataFrame:
    return _frame(
        CONTACT_FIELDS,
        rows if rows is not None else [_contact(i) for i in range(20)],
        "tickets/page-2024-03-30.json",
    )


def calls(rows: list[dict] | None = None) -> pd.DataFrame:
    default = [_contact(i, "talk", channel="phone") for i in range(10)]
    return _frame(CONTACT_FIELDS, rows if rows is not None else default, "calls/calls-2024-03-30.json")


def _response(i: int, **values) -> dict:
    row = {
        "source_system": "qualtrics",
        "response_id": f"R_{i}",
        "responded_at": NOW - timedelta(hours=i + 2),
        "customer_ref": f"cust{i}",
        "ticket_ref": str(1000 + i),
        "nps": float(i % 11),
        "csat": float(1 + i % 5),
        "ces": float(1 + i % 7),
        "comment": "ok",
        "finished": True,
    }
    row.update(values)
    return row


def surveys(rows: list[dict] | None = None) -> pd.DataFrame:
    return _frame(
        SURVEY_FIELDS,
        rows if rows is not None else [_response(i) for i in range(12)],
        "surveys/qualtrics.csv",
    )


def reference(name: str, rows: list[dict]) -> pd.DataFrame:
    return _frame(REFERENCE_FIELDS[name], rows, f"reference/{name}.csv")


def departments(rows=None):
    return reference(
        "departments",
        rows
        or [
            {"department_id": "billing", "name": "Billing", "manager": "Claire", "parent_id": None},
            {"department_id": "it", "name": "IT", "manager": "Nadia", "parent_id": None},
            {"department_id": "digital", "name": "Digital", "manager": "Sofia", "parent_id": "it"},
        ],
    )


def reasons(rows=None):
    return reference(
        "reasons",
        rows
        or [
            {
                "reason_code": "invoice_unclear",
                "department_id": "billing",
                "kind": "unwanted",
                "valid_from": None,
                "valid_to": date(2024, 1, 31),
            },
            {
                "reason_code": "invoice_unclear",
                "department_id": "digital",
                "kind": "unwanted",
                "valid_from": date(2024, 2, 1),
                "valid_to": None,
            },
            {
                "reason_code": "purchase_advice",
                "department_id": "digital",
                "kind": "value",
                "valid_from": None,
                "valid_to": None,
            },
        ],
    )


def reason_map(rows=None):
    return reference(
        "reason_map",
        rows
        or [
            {"source": "tickets", "source_value": "facture_incomprise", "reason_code": "invoice_unclear"},
            {"source": "calls", "source_value": "FACT-EXPL", "reason_code": "invoice_unclear"},
            {"source": "tickets", "source_value": "conseil", "reason_code": "purchase_advice"},
        ],
    )


def incidents(rows=None):
    return reference(
        "incidents",
        rows
        or [
            {
                "incident_id": "INC-1",
                "title": "Invoice run",
                "department_id": "billing",
                "reason_code": "invoice_unclear",
                "started_at": datetime(2024, 3, 4, 8),
                "ended_at": datetime(2024, 3, 5, 18),
                "proactive_notice_at": None,
            },
        ],
    )


def actions(rows=None):
    return reference(
        "actions",
        rows
        or [
            {
                "action_id": "A1",
                "reason_code": "invoice_unclear",
                "department_id": "billing",
                "implemented_on": date(2024, 2, 1),
                "description": "clearer invoice",
            },
        ],
    )


def volumes(rows=None):
    return reference(
        "volumes",
        rows
        or [
            {
                "date": date(2024, 3, d),
                "department_id": "billing",
                "measure": "invoices_sent",
                "value": 100.0 + d,
            }
            for d in range(1, 8)
        ],
    )


def targets(rows=None):
    return reference(
        "targets",
        rows
        or [
            {"department_id": "billing", "metric": "alerts_recontacted", "period": "2024-03", "target": 20.0},
            {"department_id": "it", "metric": "alerts_recontacted", "period": None, "target": 5.0},
        ],
    )


def holidays(rows=None):
    return reference(
        "holidays",
        rows
        or [
            {"date": date(2024, 12, 25), "name": "Christmas", "department_id": None},
            {"date": date(2024, 7, 21), "name": "Fete nationale", "department_id": "billing"},
        ],
    )


def load_audit(rows=None):
    default = [
        {
            "run_id": "run-1",
            "source": source,
            "file": file,
            "sha256": "0" * 64,
            "status": "loaded",
            "rows_read": 100,
            "rows_loaded": 100 - rejected,
            "rows_rejected": rejected,
            "loaded_at": LOADED_AT,
        }
        for source, file, rejected in [
            ("tickets", "tickets/page-2024-03-30.json", 1),
            ("calls", "calls/calls-2024-03-30.json", 0),
            ("surveys", "surveys/qualtrics.csv", 5),
            *[("reference", f"reference/{name}.csv", 0) for name in REFERENCE_FIELDS],
        ]
    ]
    return pa.Table.from_pylist(
        rows if rows is not None else default, schema=arrow_schema(AUDIT_FIELDS)
    ).to_pandas()


def clean_batches() -> dict[str, pd.DataFrame]:
    return {
        "tickets": tickets(),
        "calls": calls(),
        "surveys": surveys(),
        "departments": departments(),
        "reasons": reasons(),
        "reason_map": reason_map(),
        "incidents": incidents(),
        "actions": actions(),
        "volumes": volumes(),
        "targets": targets(),
        "holidays": holidays(),
        "load_audit": load_audit(),
    }


def check(batches: dict, config: dict | None = None, **kwargs) -> dict[str, CheckResult]:
    results = run_checks(batches, CONFIG if config is None else config, now=NOW, **kwargs)
    return {r.check: r for r in results}


def failed(results: dict[str, CheckResult]) -> dict[str, int]:
    return {name: r.failing_rows for name, r in results.items() if not r.passed}


@pytest.fixture(scope="module")
def clean_results() -> dict[str, CheckResult]:
    return check(clean_batches())


# --- clean data ----------------------------------------------------------------------------------------


def test_clean_batches_pass_every_check(clean_results):
    assert failed(clean_results) == {}
    # every catalogued check of every batch was reported, in catalog order
    assert list(clean_results) == [spec.check for spec in list_checks(BATCHES)]
    assert all(r.sample == [] and r.failing_rows == 0 for r in clean_results.values())
    assert "passed" in clean_results["tickets.native_id_not_null"].details


def test_every_check_has_a_family_and_default_severity(clean_results):
    assert set(FAMILY.values()) == set(FAMILIES)
    for r in clean_results.values():
        assert r.family == FAMILY[r.check]
        assert r.severity == DEFAULT_SEVERITY.get(r.check, DEFAULT_SEVERITY[r.family])
        assert r.asset == f"raw/{r.check.split('.')[0]}"
    assert {f for f, s in DEFAULT_SEVERITY.items() if s == "warn"} == {
        "volume", "freshness", "tickets.channel_allowed", "calls.channel_allowed"}


# --- one broken batch per family -----------------------------------------------------------------------


def test_schema_missing_column_and_null_started_at():
    broken = tickets([_contact(0), _contact(1, started_at=None), _contact(2)]).drop(columns=["channel"])
    results = check({"tickets": broken})
    assert failed(results) == {
        "tickets.required_columns": 1,  # one missing column
        "tickets.started_at_not_null": 1,
        "tickets.channel_allowed": 0,  # could not run without its column
    }
    r = results["tickets.required_columns"]
    assert (r.family, r.severity, r.sample) == ("schema", "block", [{"missing_column": "channel"}])
    assert "channel" in r.details
    assert "not evaluated" in results["tickets.channel_allowed"].details
    null_start = results["tickets.started_at_not_null"]
    assert null_start.sample[0]["native_id"] == "1001"
    assert "tickets/page-2024-03-30.json (record 1)" in null_start.details


def test_keys_null_and_duplicate_native_id():
    rows = [_contact(i) for i in range(6)]
    rows[1]["native_id"] = None
    rows[4]["native_id"] = rows[3]["native_id"]  # same id twice after dedup
    rows.append(_contact(9, source="csv", native_id=rows[0]["native_id"]))  # other source: no clash
    results = check({"tickets": tickets(rows)})
    assert failed(results) == {"tickets.native_id_not_null": 1, "tickets.native_id_unique": 2}
    dup = results["tickets.native_id_unique"]
    assert dup.family == "keys" and dup.severity == "block"
    assert [row["native_id"] for row in dup.sample] == ["1003", "1003"]
    assert dup.details.startswith("tickets.native_id_unique: 2 of 7 rows")


def test_keys_survey_and_reference_ids():
    results = check(
        {
            "surveys": surveys(
                [_response(0), _response(1, response_id="R_0"), _response(2, response_id=None)]
            ),
            "departments": departments(
                [{"department_id": "billing"}, {"department_id": "billing"}, {"department_id": None}]
            ),
        }
    )
    assert failed(results) == {
        "surveys.response_id_not_null": 1,
        "surveys.response_id_unique": 2,
        "departments.department_id_not_null": 1,
        "departments.department_id_unique": 2,
    }


def test_keys_overlapping_reason_validity():
    rows = [
        {
            "reason_code": "r1",
            "department_id": "billing",
            "kind": "unwanted",
            "valid_from": None,
            "valid_to": date(2024, 1, 31),
        },
        {
            "reason_code": "r1",
            "department_id": "it",
            "kind": "unwanted",  # same day as the end: overlap
            "valid_from": date(2024, 1, 31),
            "valid_to": None,
        },
        {
            "reason_code": "r2",
            "department_id": "it",
            "kind": "value",  # adjacent periods: fine
            "valid_from": date(2024, 1, 1),
            "valid_to": date(2024, 1, 31),
        },
        {
            "reason_code": "r2",
            "department_id": "billing",
            "kind": "value",
            "valid_from": date(2024, 2, 1),
            "valid_to": None,
        },
        {"reason_code": "r3", "department_id": "it", "kind": "value", "valid_from": None, "valid_to": None},
        {
            "reason_code": "r3",
            "department_id": "it",
            "kind": "value",  # inside an open-ended period
            "valid_from": date(2023, 6, 1),
            "valid_to": date(2023, 7, 1),
        },
    ]
    assert validity_overlaps(reasons(rows)).tolist() == [False, True, False, False, False, True]
    results = check({"reasons": reasons(rows), "departments": departments()})
    assert failed(results) == {"reasons.validity_no_overlap": 2}
    r = results["reasons.validity_no_overlap"]
    assert r.family == "keys"
    assert "earlier validity period" in r.details
    assert {row["reason_code"] for row in r.sample} == {"r1", "r3"}


def test_ranges_negative_durations_and_survey_scales():
    rows = [_contact(i) for i in range(5)]
    rows[2]["handle_seconds"] = -5.0
    rows[3]["wait_seconds"] = -1.0
    responses = [_response(i) for i in range(5)]
    responses[0]["nps"] = 11.0
    responses[1]["csat"] = 0.0
    responses[2]["ces"] = 6.0  # fine on the default 1-7 scale, out of a configured 1-5 scale
    config = {**CONFIG, "sources": {"surveys": {"scales": {"csat": [1, 5], "ces": [1, 5]}}}}
    results = check({"tickets": tickets(rows), "surveys": surveys(responses)}, config)
    assert failed(results) == {
        "tickets.handle_seconds_non_negative": 1,
        "tickets.wait_seconds_non_negative": 1,
        "surveys.nps_range": 1,
        "surveys.csat_range": 1,
        "surveys.ces_range": 1,
    }
    assert results["surveys.nps_range"].family == "ranges"
    assert results["tickets.handle_seconds_non_negative"].sample[0]["handle_seconds"] == -5.0
    assert "ces outside [1, 5]: 6.0" in results["surveys.ces_range"].details


def test_ranges_reference_values():
    results = check(
        {
            "volumes": volumes(
                [
                    {"date": date(2024, 3, 1), "department_id": "billing", "measure": "m", "value": -1.0},
                    {"date": date(2024, 3, 2), "department_id": "billing", "measure": "m", "value": 3.0},
                ]
            ),
            "targets": targets(
                [
                    {
                        "department_id": "billing",
                        "metric": "alerts_recontacted",
                        "period": "2024-13",
                        "target": None,
                    }
                ]
            ),
            "incidents": incidents(
                [{"incident_id": "I1", "started_at": datetime(2024, 3, 2), "ended_at": datetime(2024, 3, 1)}]
            ),
        }
    )
    assert failed(results) == {
        "volumes.value_non_negative": 1,
        "targets.target_numeric": 1,
        "targets.period_format": 1,
        "incidents.ended_after_started": 1,
    }


def test_window_rejects_ancient_and_future_timestamps():
    rows = [_contact(i) for i in range(5)]
    rows[0]["started_at"] = datetime(1999, 12, 31, 23)  # before history_start 2000-01-01
    rows[1]["started_at"] = NOW + timedelta(hours=20)  # beyond now + 14 h
    rows[2]["started_at"] = NOW + timedelta(hours=10)  # a mislabelled +10:00 clock: tolerated
    results = check({"tickets": tickets(rows)}, run_date=date(2024, 3, 30))
    assert failed(results) == {"tickets.started_at_window": 2}
    r = results["tickets.started_at_window"]
    assert (r.family, r.severity) == ("window", "block")
    assert [row["native_id"] for row in r.sample] == ["1000", "1001"]
    # the window follows the configured history start
    later = check({"tickets": tickets(rows)}, {**CONFIG, "quality": {"history_start": "2024-03-30T08:30"}})
    assert later["tickets.started_at_window"].failing_rows == 3  # + the 08:00 contact


def test_allowed_values_channel_direction_kind():
    rows = [_contact(i) for i in range(5)]
    rows[0]["channel"] = "fax"
    rows[1]["direction"] = "sideways"
    rows[2]["direction"] = None  # null = inbound
    bad_reason = [{"reason_code": "r9", "department_id": "it", "kind": "irritant"}]
    results = check(
        {
            "tickets": tickets(rows),
            "reasons": reasons(bad_reason),
            "reason_map": reason_map([{"source": "emails", "source_value": "x", "reason_code": "r9"}]),
        }
    )
    assert failed(results) == {
        "tickets.channel_allowed": 1,
        "tickets.direction_allowed": 1,
        "reasons.kind_allowed": 1,
        "reason_map.source_allowed": 1,
    }
    assert results["tickets.channel_allowed"].family == "allowed_values"
    assert results["tickets.channel_allowed"].sample[0]["channel"] == "fax"
    # the allowed channels come from config
    extra = check(
        {"tickets": tickets(rows)},
        {**CONFIG, "quality": {"channels": ["email", "web", "voice", "chat", "fax"]}},
    )
    assert extra["tickets.channel_allowed"].passed


def test_references_to_departments_and_reasons():
    batches = {
        "departments": departments(),
        "reasons": reasons(
            [
                {"reason_code": "r1", "department_id": "ghost", "kind": "value"},
                {"reason_code": "r2", "department_id": "it", "kind": "value"},
            ]
        ),
        "reason_map": reason_map(
            [
                {"source": "tickets", "source_value": "a", "reason_code": "r1"},
                {"source": "tickets", "source_value": "b", "reason_code": "nope"},
            ]
        ),
        "incidents": incidents([{"incident_id": "I1", "department_id": "billing", "reason_code": "nope"}]),
        "actions": actions([{"action_id": "A1", "department_id": "ghost", "reason_code": "r2"}]),
        "volumes": volumes(
            [{"date": date(2024, 3, 1), "department_id": "ghost", "measure": "m", "value": 1.0}]
        ),
        "targets": targets(
            [{"department_id": "", "metric": "m", "period": "", "target": 1.0}]
        ),  # blank = null
    }
    results = check(batches)
    assert failed(results) == {
        "reasons.department_id_in_departments": 1,
        "reason_map.reason_code_in_reasons": 1,
        "incidents.reason_code_in_reasons": 1,
        "actions.department_id_in_departments": 1,
        "volumes.department_id_in_departments": 1,
    }
    r = results["reason_map.reason_code_in_reasons"]
    assert (r.family, r.severity) == ("references", "block")
    assert r.sample[0]["reason_code"] == "nope" and r.sample[0]["_file"] == "reference/reason_map.csv"
    # without the referenced batch, the reference check is not reported
    alone = check({"reason_map": batches["reason_map"]})
    assert "reason_map.reason_code_in_reasons" not in alone


def _daily_tickets(per_day: dict[date, int]) -> pd.DataFrame:
    rows, i = [], 0
    for day, n in per_day.items():
        for k in range(n):
            # 09:00 UTC is 10:00/11:00 in Brussels: same business day
            rows.append(
                _contact(i, native_id=f"v{i}", started_at=datetime(day.year, day.month, day.day, 9, k % 50))
            )
            i += 1
    return tickets(rows)


def test_volume_drop_warns_on_a_drop_never_on_a_spike():
    day = date(2024, 3, 29)
    history = {day - timedelta(weeks=k): 20 for k in range(1, 5)}
    drop = check({"tickets": _daily_tickets({**history, day: 8})}, run_date=day)
    r = drop["tickets.volume_drop"]
    assert (r.passed, r.failing_rows, r.family, r.severity) == (False, 1, "volume", "warn")
    assert r.sample == [
        {
            "day": "2024-03-29",
            "contacts": 8,
            "expected": 20.0,
            "ratio": 0.4,
            "prior": {"2024-03-22": 20, "2024-03-15": 20, "2024-03-08": 20, "2024-03-01": 20},
        }
    ]
    assert "below 50% of the median" in r.details
    assert failed(drop) == {"tickets.volume_drop": 1}  # the warning is the only failure
    spike = check({"tickets": _daily_tickets({**history, day: 200})}, run_date=day)
    assert spike["tickets.volume_drop"].passed
    # a day with no file at all counts as 0 contacts
    missing = check({"tickets": _daily_tickets(history)}, run_date=day)
    assert missing["tickets.volume_drop"].sample[0]["contacts"] == 0


def test_volume_drop_function():
    counts = pd.DataFrame(
        {
            "day": [date(2024, 3, 1), date(2024, 3, 8), date(2024, 3, 15), date(2024, 3, 22)],
            "contacts": [10, 30, 20, 12],
        }
    )
    v = volume_drop(counts, date(2024, 3, 22))
    assert (v.expected, v.passed, v.prior) == (
        20.0,
        True,
        {"2024-03-15": 20, "2024-03-08": 30, "2024-03-01": 10},
    )
    assert not volume_drop(counts, date(2024, 3, 22), min_ratio=0.7).passed
    # one comparable week only: no verdict
    assert volume_drop(counts.head(2), date(2024, 3, 8)).passed
    assert "no verdict" in volume_drop(counts.head(2), date(2024, 3, 8)).details
    assert volume_drop(counts).day == date(2024, 3, 22)  # default: the latest day
    # a median too small to judge: no verdict
    quiet = volume_drop(counts, date(2024, 3, 22), min_ratio=0.7, min_expected=25)
    assert quiet.passed and "too few to judge" in quiet.details


def test_daily_counts_use_the_business_timezone_and_skip_deleted():
    frame = tickets(
        [
            _contact(0, started_at=datetime(2024, 3, 1, 23, 30)),  # 00:30 on 2 March in Brussels
            _contact(1, started_at=datetime(2024, 3, 1, 12)),
            _contact(2, started_at=datetime(2024, 3, 1, 13), is_deleted=True),
        ]
    )
    counts = daily_contact_counts(frame, "Europe/Brussels")
    assert dict(zip(counts["day"], counts["contacts"], strict=True)) == {
        date(2024, 3, 1): 1,
        date(2024, 3, 2): 1,
    }


def test_rejects_block_a_file_above_the_threshold():
    audit = load_audit()
    audit.loc[audit["file"] == "surveys/qualtrics.csv", "rows_rejected"] = 12
    older = audit.assign(
        run_id="run-0", loaded_at=LOADED_AT - timedelta(days=1), rows_rejected=90
    )  # an earlier run: not judged again
    batches = {"tickets": tickets(), "surveys": surveys(), "load_audit": pd.concat([older, audit])}
    results = check(batches)
    assert failed(results) == {"surveys.reject_ratio": 1}
    r = results["surveys.reject_ratio"]
    assert (r.family, r.severity) == ("rejects", "block")
    assert r.sample == [
        {"file": "surveys/qualtrics.csv", "rows_read": 100, "rows_rejected": 12, "reject_ratio": 0.12}
    ]
    assert "surveys/qualtrics.csv 12/100 rows (12.0%)" in r.details and "run-1" in r.details
    assert results["tickets.reject_ratio"].passed  # 1% rejected
    assert check(batches, {"quality": {"reject_ratio_max": 0.2}})["surveys.reject_ratio"].passed
    assert not check(batches, run_id="run-0")["tickets.reject_ratio"].passed


def test_a_holiday_without_a_date_or_of_an_unknown_department_blocks():
    batches = {**clean_batches(), "holidays": holidays([
        {"date": None, "name": "Forgotten", "department_id": None},
        {"date": date(2024, 5, 1), "name": "Labour day", "department_id": "nowhere"},
    ])}
    assert {k: v for k, v in failed(check(batches)).items() if k.startswith("holidays.")} == {
        "holidays.date_not_null": 1, "holidays.department_id_in_departments": 1}


def test_reject_ratio_function():
    per_file = reject_ratio(load_audit(), threshold=0.04)
    assert per_file.loc[~per_file["passed"].astype(bool), "file"].tolist() == ["surveys/qualtrics.csv"]
    assert set(per_file["batch"]) == {"tickets", "calls", "surveys", *REFERENCE_FIELDS}
    dup = load_audit().assign(status="duplicate", rows_read=0, rows_rejected=0)
    assert reject_ratio(dup).empty


def test_freshness_warns_on_a_stale_source():
    audit = load_audit()
    audit.loc[audit["source"] == "calls", "loaded_at"] = NOW - timedelta(days=3)
    audit.loc[audit["source"] == "calls", "run_id"] = "run-0"
    results = check({"tickets": tickets(), "calls": calls(), "load_audit": audit})
    assert failed(results) == {"calls.freshness": 1}
    r = results["calls.freshness"]
    assert (r.family, r.severity) == ("freshness", "warn")
    assert r.sample[0]["age_hours"] == 72.0 and "over the expected 26 h" in r.details
    assert results["tickets.freshness"].passed
    never = freshness({"surveys": None}, 26, NOW)[0]
    assert not never.passed and "never" in never.details


# --- severities, rows, API ------------------------------------------------------------------------------


def test_severity_overrides_from_config():
    rows = [_contact(0, channel="fax"), _contact(1)]
    config = {
        **CONFIG,
        "checks": {"allowed_values": "warn", "tickets.native_id_unique": "warn", "volume": "block"},
    }
    results = check({"tickets": tickets(rows)}, config)
    assert results["tickets.channel_allowed"].severity == "warn"
    assert results["tickets.native_id_unique"].severity == "warn"
    assert results["tickets.native_id_not_null"].severity == "block"
    assert results["tickets.volume_drop"].severity == "block"
    assert not any(r.blocking for r in results.values())
    with pytest.raises(ValueError, match="unknown key 'allowed'"):
        severities({"checks": {"allowed": "warn"}})
    with pytest.raises(ValueError, match="not one of block, warn"):
        severities({"checks": {"keys": "ignore"}})
    with pytest.raises(ValueError, match="unknown batch"):
        run_checks({"ticket": tickets()}, CONFIG, now=NOW)


def test_results_to_rows_are_json_safe():
    rows = [_contact(i) for i in range(3)]
    rows[0]["channel"] = "fax"
    rows[0]["text"] = "x" * 5000
    results = run_checks({"tickets": tickets(rows)}, CONFIG, now=NOW)
    out = results_to_rows(results, "run-7")
    assert {tuple(sorted(r)) for r in out} == {
        ("asset", "check", "details", "failing_rows", "family", "passed", "run_id", "sample", "severity")
    }
    bad = next(r for r in out if r["check"] == "tickets.channel_allowed")
    assert (bad["run_id"], bad["passed"], bad["failing_rows"], bad["severity"]) == (
        "run-7",
        False,
        1,
        "warn",  # an unknown channel is worth a look, not a stop (catalog.DEFAULT_SEVERITY)
    )
    sample = json.loads(bad["sample"])[0]
    assert sample["started_at"] == "2024-03-30T12:00:00" and sample["wait_seconds"] is None
    assert len(sample["text"]) == 201  # long texts are cut in samples
    json.dumps([r.sample for r in results], allow_nan=False)


def test_list_checks_matches_dagster_naming():
    specs = list_checks(["tickets"])
    assert specs[0].check == "tickets.required_columns" and specs[0].short_name == "required_columns"
    assert all(spec.short_name.isidentifier() for spec in list_checks())
    assert {
        s.severity for s in list_checks(["tickets"], {"checks": {"volume": "block"}}) if s.family == "volume"
    } == {"block"}


def test_one_million_ticket_rows_validate_in_seconds():
    n = 1_000_000
    rng = np.random.default_rng(7)
    started = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 90 * 86400, n), unit="s")
    frame = pd.DataFrame({name: pd.Series([None] * n, dtype=object) for name, _ in CONTACT_FIELDS})
    frame = frame.assign(
        source_system="zendesk",
        native_id=pd.Series(np.arange(n).astype(str), dtype="str"),
        is_deleted=False,
        started_at=started.astype("datetime64[us]"),
        channel=pd.Series(rng.choice(np.array(["email", "web", "voice", "chat", "api"]), n), dtype="str"),
        direction=pd.Series(rng.choice(np.array(["inbound", "outbound"]), n), dtype="str"),
        handle_seconds=rng.random(n) * 900,
        wait_seconds=rng.random(n) * 60,
        _file="tickets/bulk.json",
        _record=np.arange(n),
    )
    frame.loc[123_456, "channel"] = "fax"
    t0 = time.perf_counter()
    results = {r.check: r for r in run_checks({"tickets": frame}, CONFIG, now=NOW)}
    elapsed = time.perf_counter() - t0
    print(f"\nrun_checks on {n:,} ticket rows: {elapsed:.2f} s")
    assert failed(results) == {"tickets.channel_allowed": 1}
    assert results["tickets.channel_allowed"].sample[0]["_record"] == 123_456
    assert elapsed < 60


# --- incremental runs (issue 8): new rows only, the volume history counted apart ------------------------


def _starts(frame: pd.DataFrame, batch: str = "tickets") -> pd.DataFrame:
    """contact_starts as read_batches computes it in DuckDB: contacts per 15-minute UTC bucket."""
    kept = frame[~frame["is_deleted"].fillna(False).astype(bool)]
    bucket = pd.to_datetime(kept["started_at"]).dt.floor("15min")
    counts = bucket.value_counts().sort_index()
    return pd.DataFrame({"batch": batch, "started_at": counts.index, "contacts": counts.to_numpy()})


def test_daily_counts_from_counted_buckets_equal_the_counts_from_rows():
    frame = tickets(
        [
            _contact(0, started_at=datetime(2024, 3, 1, 22, 59)),  # 23:59 on 1 March in Brussels
            _contact(1, started_at=datetime(2024, 3, 1, 23, 0)),  # 00:00 on 2 March
            _contact(2, started_at=datetime(2024, 3, 1, 23, 14)),
            _contact(3, started_at=datetime(2024, 3, 1, 12), is_deleted=True),
            _contact(4, started_at=None),
        ]
    )
    by_rows = daily_contact_counts(frame, "Europe/Brussels")
    assert dict(zip(by_rows["day"], by_rows["contacts"], strict=True)) == {date(2024, 3, 1): 1, date(2024, 3, 2): 2}
    assert daily_contact_counts(_starts(frame), "Europe/Brussels").equals(by_rows)


def test_incremental_run_validates_the_new_rows_and_counts_volume_from_the_history():
    day = date(2024, 3, 29)
    history = _daily_tickets({**{day - timedelta(weeks=k): 20 for k in range(1, 5)}, day: 8})
    new = history[pd.to_datetime(history["started_at"]).dt.date == day]
    results = check({"tickets": new, "contact_starts": _starts(history)}, run_date=day, incremental=True)
    assert failed(results) == {"tickets.volume_drop": 1}
    assert results["tickets.volume_drop"].sample[0]["expected"] == 20.0
    assert results["tickets.native_id_not_null"].details.endswith("(0 of 8 new or updated rows fail)")
    # nothing new: every row-level check passes and says so; the history is still judged
    empty = check({"tickets": new.iloc[:0], "contact_starts": _starts(history)}, run_date=day, incremental=True)
    assert empty["tickets.channel_allowed"].details == "tickets.channel_allowed: passed, no new rows"
    assert failed(empty) == {"tickets.volume_drop": 1}
    # new rows without the history would judge the volume on one day: refused
    with pytest.raises(ValueError, match="contact_starts"):
        run_checks({"tickets": new}, CONFIG, now=NOW, incremental=True)


# --- chunked batches: the history of a first run validated one chunk at a time ---------------------------


def _cut(frame: pd.DataFrame, *bounds: int) -> list[pd.DataFrame]:
    """``frame`` cut at the given row positions (a repeated position makes an empty chunk)."""
    edges = [0, *bounds, len(frame)]
    return [frame.iloc[a:b] for a, b in pairwise(edges)]


def _broken_history() -> tuple[pd.DataFrame, pd.DataFrame, date]:
    """Tickets over five weeks with a drop on the last day, and surveys, failing in several places."""
    day = date(2024, 3, 29)
    frame = _daily_tickets({**{day - timedelta(weeks=k): 20 for k in range(1, 5)}, day: 8})  # 88 rows
    frame.loc[[3, 25, 41, 70], "handle_seconds"] = -5.0
    frame.loc[range(0, 88, 3), "channel"] = [f"fax{i}" for i in range(0, 88, 3)]  # 30: over GX's 20
    frame.loc[[10, 80], "native_id"] = None
    frame.loc[31, "native_id"] = frame.loc[30, "native_id"]  # duplicate keys, each inside one chunk
    frame.loc[66, "native_id"] = frame.loc[65, "native_id"]
    frame.loc[[82, 85], "started_at"] = pd.Timestamp(NOW + timedelta(days=30))  # 2 of the day's 8
    responses = [_response(i) for i in range(30)]
    for i in (1, 12, 28):
        responses[i]["nps"] = 11.0
    responses[16]["response_id"] = responses[15]["response_id"]
    responses[17] = {**responses[15], "source_system": "csv"}  # the same response from two sources
    return frame, surveys(responses), day


def _as_dicts(results: dict[str, CheckResult]) -> dict[str, dict]:
    return {name: asdict(r) for name, r in results.items()}


def test_chunks_give_the_results_of_the_whole_frame():
    frame, responses, day = _broken_history()
    whole = check({"tickets": frame, "surveys": responses}, run_date=day)
    assert failed(whole) == {
        "tickets.handle_seconds_non_negative": 4,
        "tickets.channel_allowed": 30,
        "tickets.native_id_not_null": 2,
        "tickets.native_id_unique": 4,
        "tickets.started_at_window": 2,
        "tickets.volume_drop": 1,
        "surveys.nps_range": 3,
        "surveys.response_id_unique": 3,
    }
    # failing rows in every chunk, an empty chunk, the duplicate pairs (30, 31) and (65, 66) kept whole;
    # chunks as a generator (read once) or a list
    chunks = _cut(frame, 20, 20, 50, 70)
    in_chunks = check({"tickets": (c for c in chunks), "surveys": _cut(responses, 7, 18)}, run_date=day)
    assert _as_dicts(in_chunks) == _as_dicts(whole)
    # the contract: rows sharing a key in one chunk (read_batches buckets by key); R_15 split is missed
    split = check({"surveys": _cut(responses, 16)}, run_date=day)
    assert split["surveys.response_id_unique"].failing_rows == 2
    assert whole["tickets.channel_allowed"].details.startswith("tickets.channel_allowed: 30 of 88 rows have")
    assert whole["tickets.volume_drop"].sample[0]["contacts"] == 6  # the 8 of the day, 2 moved out of it
    # the same as one chunk per row where no key is shared
    singles = [frame.iloc[i:i + 1] for i in range(len(frame)) if i not in (30, 31, 65, 66)]
    paired = frame.drop(index=[30, 31, 65, 66])
    assert _as_dicts(check({"tickets": singles}, run_date=day)) == _as_dicts(check({"tickets": paired}, run_date=day))


def test_incremental_chunks_give_the_results_of_the_whole_frame():
    frame, responses, day = _broken_history()
    starts = _starts(frame)
    batches = {"tickets": frame, "surveys": responses, "contact_starts": starts}
    whole = check(batches, run_date=day, incremental=True)
    chunked = {"tickets": _cut(frame, 33, 60), "surveys": iter(_cut(responses, 15)), "contact_starts": starts}
    assert _as_dicts(check(chunked, run_date=day, incremental=True)) == _as_dicts(whole)
    assert "of 88 new or updated rows" in whole["tickets.native_id_unique"].details
    # nothing new, in one empty chunk or several
    empty = {"tickets": frame.iloc[:0], "contact_starts": starts}
    empties = {"tickets": [frame.iloc[:0], frame.iloc[:0]], "contact_starts": starts}
    assert _as_dicts(check(empties, run_date=day, incremental=True)) == _as_dicts(
        check(empty, run_date=day, incremental=True))


class _Probe:
    """A value held by every row of a chunk: alive while any frame made from the chunk is."""


def test_chunks_are_validated_one_at_a_time():
    """run_checks lets go of a chunk (and of every frame made from it) before it takes the next."""
    import gc
    import weakref

    frame, _, day = _broken_history()
    alive: list[weakref.ref] = []

    def chunks():
        for part in _cut(frame, 22, 44, 66):
            gc.collect()
            assert all(ref() is None for ref in alive), "a previous chunk is still referenced"
            probe = _Probe()
            alive.append(weakref.ref(probe))
            yield part.assign(_probe=pd.Series([probe] * len(part), index=part.index, dtype=object))
            del probe

    results = check({"tickets": chunks()}, run_date=day)
    assert len(alive) == 4 and results["tickets.channel_allowed"].failing_rows == 30


def test_gx_lets_go_of_a_validated_chunk():
    """GX caches a batch's data until the next batch: the runner's validator drops it at once."""
    import gc
    import weakref

    import great_expectations.expectations as gxe

    from expectations.runner import _datasource, _validator

    values = np.arange(1000.0)
    held = weakref.ref(values)
    data = pd.DataFrame({"a": values}, copy=False)
    del values
    validate = _validator(_datasource(), "probe", [gxe.ExpectColumnValuesToNotBeNull(column="a")])
    assert [o.success for o in validate(data)] == [True]
    del data
    gc.collect()
    assert held() is None


def test_only_the_row_batches_may_be_chunks():
    with pytest.raises(TypeError, match="departments must be a DataFrame"):
        run_checks({"departments": [departments()]}, CONFIG, now=NOW)
    with pytest.raises(ValueError, match="empty iterable"):
        run_checks({"tickets": []}, CONFIG, now=NOW)
