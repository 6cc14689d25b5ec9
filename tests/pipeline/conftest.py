"""One small generated landing zone, built once through the real `whycall` CLI, shared by the pipeline tests."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from generator.landing import generate_landing

END = date(2026, 6, 28)  # a Sunday: whole weeks


def whycall(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("whycall")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=600, check=False)


def query(warehouse: Path, sql: str, params=None):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _plant_unknown_channel(landing: Path) -> None:
    """A channel no check knows, on one ticket: must warn, must not block."""
    page = max((landing / "tickets").glob("*.json"))
    text = page.read_text()
    assert '"channel":"web"' in text
    page.write_text(text.replace('"channel":"web"', '"channel":"carrier_pigeon"', 1))


def _volumes_for_whole_months(landing: Path) -> None:
    """volumes.csv as a finance export gives it: whole months, also the days before the first contact (the first
    month is partial: contacts per 1,000 must divide by the published days' volume only)."""
    path = landing / "reference" / "volumes.csv"
    header, *rows = path.read_text().splitlines()
    first = min(date.fromisoformat(row.split(",", 1)[0]) for row in rows)
    first_rows = [row.split(",", 1)[1] for row in rows if row.startswith(first.isoformat())]
    earlier = [f"{first.replace(day=day).isoformat()},{rest}" for day in range(1, first.day) for rest in first_rows]
    path.write_text("\n".join([header, *earlier, *rows]) + "\n")


@pytest.fixture(scope="session")
def built(tmp_path_factory, dbt_manifest):
    root = tmp_path_factory.mktemp("e2e")
    landing, warehouse = root / "landing", root / "wh" / "whycall.duckdb"
    summary = generate_landing(landing, days=70, contacts_per_day=120, seed=7, end=END)
    _plant_unknown_channel(landing)
    _volumes_for_whole_months(landing)
    first = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse))
    return {"root": root, "landing": landing, "warehouse": warehouse, "summary": summary, "first": first}
