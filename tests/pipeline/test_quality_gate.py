"""A blocking data-quality failure stops publication and leaves the published warehouse byte for byte."""

from __future__ import annotations

import csv
import hashlib
import shutil

import duckdb
import pytest

from tests.pipeline.conftest import whycall

pytestmark = pytest.mark.slow


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published(built):
    assert built["first"].returncode == 0
    return built["root"], built["landing"], built["warehouse"]


def _broken_copy(root, landing, name):
    target = root / name
    shutil.copytree(landing, target)
    return target


def test_blocking_failure_keeps_the_published_warehouse_byte_for_byte(published):
    root, landing, warehouse = published
    broken = _broken_copy(root, landing, "bad_reason_map")
    with open(broken / "reference" / "reason_map.csv", "a", newline="") as handle:
        csv.writer(handle).writerow(["tickets", "mystery_value", "no_such_reason"])
    # a copy of the published warehouse in its own folder (so its own state db): the shared one stays clean
    warehouse = shutil.copy(warehouse, (root / "gate_wh").mkdir() or root / "gate_wh" / "whycall.duckdb")
    before = sha(warehouse)
    run = whycall("run", "--landing", str(broken), "--warehouse", str(warehouse))
    assert run.returncode == 1
    assert "reason_code_in_reasons" in run.stdout and "no_such_reason" in run.stdout
    assert "warehouse NOT replaced" in run.stdout
    assert sha(warehouse) == before
    con = duckdb.connect(str(warehouse), read_only=True)  # still readable
    assert con.execute("select count(*) from marts.fct_contacts").fetchone()[0] > 0
    con.close()


def test_reject_ratio_above_threshold_blocks_and_names_the_file(published):
    root, landing, _ = published
    broken = _broken_copy(root, landing, "bad_surveys")
    survey = max((broken / "surveys").glob("*.csv"))
    lines = survey.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[:3], lines[3:]
    cut = header[0].rstrip("\r\n").split(",").index("Q1")
    bad = []
    for row in rows:  # NPS 14 on every response: out of range, rejected by the parser
        cells = next(csv.reader([row]))
        cells[cut] = "14"
        bad.append(",".join(f'"{c}"' if ("," in c or '"' in c) else c for c in cells) + "\n")
    survey.write_text("".join(header + bad), encoding="utf-8")
    warehouse = root / "wh2" / "whycall.duckdb"
    run = whycall("run", "--landing", str(broken), "--warehouse", str(warehouse))
    assert run.returncode == 1
    assert "reject_ratio" in run.stdout and survey.name in run.stdout
    assert not warehouse.exists()
