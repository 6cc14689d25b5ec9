"""The two hand-written samples in docs/profiles/samples load with their documented profiles alone."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml

from orchestration.lib.config import build_config
from orchestration.lib.parsers import collect, parse_file

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "profiles" / "samples"


def _parse(name: str, profile: str, source: str):
    config = build_config(yaml.safe_load((SAMPLES / profile).read_text()))
    return collect(parse_file(SAMPLES / name, source, config))


def test_latin1_day_first_semicolon_export_with_a_multiline_field():
    parsed = _parse("service_requests_latin1.csv", "service_requests_latin1.yml", "tickets")
    assert [r["native_id"] for r in parsed.rows] == ["10001", "10002"]
    first = parsed.rows[0]
    assert first["text"] == "Je ne comprends pas ma facture,\r\nle montant a changé"
    assert first["started_at"] == datetime(2026, 11, 23, 7, 15)  # 08:15 in Paris = 07:15 UTC
    assert (first["channel"], first["reason_raw"]) == ("email", "Facture")
    (reject,) = parsed.rejects
    assert reject.line == 5 and "32/11/2026" in reject.reason  # the record after the 2-line one


def test_tab_separated_cdr_with_us_times_and_null_markers():
    parsed = _parse("cdr.tsv", "cdr.yml", "calls")
    assert not parsed.rejects
    rows = {r["native_id"]: r for r in parsed.rows}
    assert rows["900"]["started_at"] == datetime(2026, 11, 23, 13, 3, 12)  # 08:03 AM EST
    assert rows["900"]["handle_seconds"] == 252.0 and rows["900"]["wait_seconds"] == 35.0
    assert rows["901"]["customer_ref"] is None and rows["901"]["started_at"] == datetime(2026, 11, 23, 18, 15)
    assert rows["902"]["handle_seconds"] is None and rows["902"]["wait_seconds"] is None
