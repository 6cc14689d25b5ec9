"""`whycall brief` on the warehouse dbt builds from seed_raw.py: the page's figures are the marts' own, recomputed
here with plain SQL from fct_contacts and the reference rows; it is self-contained, printable, in the language
asked; bad requests get a message that names the fix (issue 21)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_dbt_build import build  # noqa: F401  (the session fixture: one dbt build for the dbt tests)

ROOT = Path(__file__).resolve().parents[2]


def whycall_brief(warehouse: Path, *args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "whycall_cli.main", "brief", "--warehouse", str(warehouse), *args]
    return subprocess.run(command, check=False, capture_output=True, text=True, cwd=ROOT, timeout=120)


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.DOTALL)))


@pytest.fixture(scope="module")
def warehouse(build):  # noqa: F811
    assert build["build"].returncode == 0, build["build"].stdout[-3000:]
    return build["database"]


def test_the_brief_of_a_department_in_french(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "it.html"
    done = whycall_brief(warehouse, "--department", "IT", "--month", "2024-02", "--lang", "fr", "--out", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    text = text_of(page)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        unwanted = con.execute(
            "select count(*) from marts.fct_contacts where department_id = 'IT' and is_unwanted and not is_suspect "
            "and contact_date >= date '2024-02-01' and contact_date < date '2024-03-01'"
        ).fetchone()[0]
        manager = con.execute("select manager from raw.departments where department_id = 'IT'").fetchone()[0]
        labels = [r[0] for r in con.execute(
            "select label_fr from raw.reasons where department_id = 'IT' order by reason_code").fetchall()]  # fmt: skip
        incidents = con.execute(
            "select incident_id, title from raw.incidents where department_id = 'IT'"
        ).fetchall()
    assert '<html lang="fr">' in page and "@page" in page and "@media print" in page
    assert "http" not in page  # nothing fetched: it prints offline
    assert "Note mensuelle" in text and "02/2024" in text and manager in text
    assert f"Contacts évitables {unwanted} " in text
    for label in labels:
        assert label in text
    for incident_id, title in incidents:
        assert incident_id in text and title in text


def test_the_default_month_is_the_latest_and_english_the_default_language(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "bill.html"
    done = whycall_brief(warehouse, "--department", "BILL", "--out", str(out))
    assert done.returncode == 0, done.stderr
    text = text_of(out.read_text(encoding="utf-8"))
    with duckdb.connect(str(warehouse), read_only=True) as con:
        month, recontacted, alerts, target = con.execute(
            "select max(month), arg_max(alerts_recontacted, month), arg_max(alerts, month), "
            "arg_max(target_alerts_recontacted, month) from marts.department_scorecard where department_id = 'BILL'"
        ).fetchone()
        actions = [r[0] for r in con.execute("select action_id from raw.actions where department_id = 'BILL'").fetchall()]
    assert "Monthly brief" in text and f"{month:%Y-%m}" in done.stdout
    assert f"{recontacted} of {alerts} (target {target:.0f})" in text
    for action_id in actions:
        assert action_id in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["--department", "NOPE"], "not in departments.csv; known: BILL"),
        (["--department", "IT", "--month", "2024-13"], "write the month as YYYY-MM"),
        (["--department", "IT", "--month", "2019-01"], "no scorecard for 2019-01"),
    ],
)
def test_a_bad_request_names_the_fix(warehouse: Path, tmp_path: Path, args, message) -> None:
    done = whycall_brief(warehouse, *args, "--out", str(tmp_path / "x.html"))
    assert done.returncode == 2
    assert message in done.stderr
    assert not (tmp_path / "x.html").exists()
