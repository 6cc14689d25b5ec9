"""reference/*.csv (CONTRACT §2) → raw.<reference> rows, with typed values and row-level rejects."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, parse_file
from orchestration.lib.raw_schema import REFERENCE_FIELDS
from orchestration.lib.records import InputError

CONFIG = build_config({"timezone": "Europe/Brussels"})

VALID = {
    "departments": "department_id,name,manager,parent_id,volume_measure\n"
    "BILL,Billing,Ann Peeters,,invoices_sent\nLOG,Logistics,Bo Janssens,OPS,\n",
    "reasons": "reason_code,label_en,label_fr,department_id,kind,keywords_en,keywords_fr,valid_from,valid_to\n"
    "INV_UNCLEAR,Unclear invoice,Facture peu claire,BILL,unwanted,invoice|bill,facture,2024-01-01,\n"
    "SALE,New contract,Nouveau contrat,SALES,value,buy|sign up,acheter,,2024-06-30\n",
    "reason_map": "source,source_value,reason_code\ntickets,invoice_question,INV_UNCLEAR\ncalls,WRAP-17,SALE\n",
    "incidents": "incident_id,title,department_id,reason_code,started_at,ended_at,proactive_notice_at\n"
    "INC-1,Invoice run duplicated,BILL,INV_UNCLEAR,2024-03-04 08:00:00,2024-03-05T12:00:00Z,\n",
    "actions": "action_id,reason_code,department_id,implemented_on,description\n"
    'ACT-1,INV_UNCLEAR,BILL,2024-04-01,"New invoice layout, with a QR code"\n',
    "volumes": "date,department_id,measure,value\n2024-03-01,BILL,invoices_sent,1520\n2024-03-02,BILL,invoices_sent,0\n",
    "targets": "department_id,metric,period,target\nBILL,alerts_recontacted,2024-03,25\nBILL,alerts_recontacted,,20\n",
    "holidays": "date,name,department_id\n2024-12-25,Christmas,\n2024-11-11,Armistice,BILL\n",
}


def _parse(tmp_path: Path, name: str, text: str):
    path = tmp_path / f"{name}.csv"
    path.write_text(text, encoding="utf-8")
    return collect(parse_file(path, f"reference:{name}", CONFIG))


@pytest.mark.parametrize("name", list(REFERENCE_FIELDS))
def test_each_reference_file_loads_with_its_contract_header(tmp_path, name):
    parsed = _parse(tmp_path, name, VALID[name])
    assert parsed.rejects == []
    assert len(parsed.rows) == VALID[name].count("\n") - 1
    assert all(set(r) == {c for c, _ in REFERENCE_FIELDS[name]} | {"_record"} for r in parsed.rows)


def test_reference_values_are_typed(tmp_path):
    reasons = _parse(tmp_path, "reasons", VALID["reasons"]).rows
    assert (
        reasons[0]["valid_from"],
        reasons[0]["valid_to"],
        reasons[1]["valid_from"],
        reasons[1]["valid_to"],
    ) == (date(2024, 1, 1), None, None, date(2024, 6, 30))
    incident = _parse(tmp_path, "incidents", VALID["incidents"]).rows[0]
    assert (incident["started_at"], incident["ended_at"], incident["proactive_notice_at"]) == (
        datetime(2024, 3, 4, 7, 0),
        datetime(2024, 3, 5, 12, 0),
        None,
    )  # naive = Brussels time
    volumes = _parse(tmp_path, "volumes", VALID["volumes"]).rows
    assert [(v["date"], v["value"], v["_record"]) for v in volumes] == [
        (date(2024, 3, 1), 1520.0, 1),
        (date(2024, 3, 2), 0.0, 2),
    ]
    targets = _parse(tmp_path, "targets", VALID["targets"]).rows
    assert [(t["period"], t["target"]) for t in targets] == [("2024-03", 25.0), (None, 20.0)]
    actions = _parse(tmp_path, "actions", VALID["actions"]).rows
    assert actions[0]["description"] == "New invoice layout, with a QR code"


def test_optional_department_columns_may_be_absent(tmp_path):
    rows = _parse(tmp_path, "departments", "department_id,name,manager\nBILL,Billing,Ann\n").rows
    assert rows == [
        {
            "department_id": "BILL",
            "name": "Billing",
            "manager": "Ann",
            "parent_id": None,
            "volume_measure": None,
            "_record": 1,
        }
    ]


def test_bad_rows_are_rejected_with_their_reason(tmp_path):
    parsed = _parse(
        tmp_path,
        "reasons",
        "reason_code,label_en,label_fr,department_id,kind,keywords_en,keywords_fr,valid_from,valid_to\n"
        "A,a,a,D,unwanted,,,2024-01-01,\n"
        "B,b,b,D,unwnted,,,,\n"
        "C,c,c,D,value,,,01/02/2024,\n"
        "D,d,d,D,value,,,2024-05-01,2024-04-01\n"
        ",e,e,D,value,,,,\n",
    )
    assert [r["reason_code"] for r in parsed.rows] == ["A"]
    assert [(r.line, r.reason) for r in parsed.rejects] == [
        (3, "unknown kind 'unwnted' (expected value or unwanted; did you mean unwanted?)"),
        (4, "bad date '01/02/2024' (expected YYYY-MM-DD) in valid_from"),
        (5, "valid_to 2024-04-01 is before valid_from 2024-05-01"),
        (6, "missing reason_code"),
    ]
    volumes = _parse(
        tmp_path,
        "volumes",
        "date,department_id,measure,value\n2024-03-01,BILL,invoices,many\n2024-03-01,BILL,invoices,-3\n",
    )
    assert [r.reason for r in volumes.rejects] == ["bad number 'many' in value", "negative value '-3'"]
    mapping = _parse(tmp_path, "reason_map", "source,source_value,reason_code\nticket,x,A\n")
    assert [r.reason for r in mapping.rejects] == [
        "unknown source 'ticket' (expected tickets or calls or surveys; did you mean tickets?)"
    ]
    targets = _parse(tmp_path, "targets", "department_id,metric,period,target\nB,m,March,3\n")
    assert [r.reason for r in targets.rejects] == [
        "bad period 'March' (expected YYYY-MM, or empty for every month)"
    ]


def test_missing_or_unknown_columns_are_file_errors(tmp_path):
    with pytest.raises(InputError) as info:
        _parse(
            tmp_path,
            "reasons",
            "reason_code,label_en,label_fr,department_id,kind,keywords_en,keywords_fr,valid_form,valid_to\n",
        )
    assert (
        "reasons.csv line 1: unknown column 'valid_form' in reference/reasons.csv; did you mean valid_from?"
        in str(info.value)
    )
    with pytest.raises(
        InputError, match=r"volumes\.csv line 1: missing required column 'value' in reference/volumes\.csv"
    ):
        _parse(tmp_path, "volumes", "date,department_id,measure\n2024-03-01,B,m\n")


def test_header_only_reference_file_is_empty_not_an_error(tmp_path):
    parsed = _parse(tmp_path, "actions", "action_id,reason_code,department_id,implemented_on,description\n")
    assert (parsed.rows, parsed.rejects) == ([], [])
