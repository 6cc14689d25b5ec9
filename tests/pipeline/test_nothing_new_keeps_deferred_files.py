"""A file left for the next run (still being written, issue 15) must not be hidden by the "nothing new" short cut
(issue 22): the run that deferred it does not remember the landing zone as done, so the next run reads it.

Found when the two branches met: the short cut compares (path, size, mtime) of the landing files with the last
successful run's, and a deferred file that then settles keeps its size and mtime.
"""

from __future__ import annotations

import os
import time
from datetime import date

import pytest

from generator.landing import generate_landing
from tests.pipeline.conftest import query, whycall

pytestmark = pytest.mark.slow


def test_a_run_that_deferred_a_file_is_not_followed_by_nothing_new(tmp_path, dbt_manifest):
    landing, warehouse = tmp_path / "landing", tmp_path / "wh" / "whycall.duckdb"
    generate_landing(landing, days=3, contacts_per_day=20, seed=1, end=date(2026, 6, 28))
    config = landing / "whycall.yml"
    config.write_text(config.read_text().replace("rules:\n", "rules:\n  settle_seconds: 3600\n", 1))
    assert "settle_seconds: 3600" in config.read_text()
    two_hours_ago = time.time() - 7200
    for path in landing.rglob("*"):
        if path.is_file():
            os.utime(path, (two_hours_ago, two_hours_ago))
    fresh = max((landing / "tickets").glob("*.json"))
    os.utime(fresh, None)  # still being copied: modified now
    name = fresh.relative_to(landing).as_posix()

    first = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert first.returncode == 0, first.stdout + first.stderr
    assert query(warehouse, "select status from marts.load_audit where file = ?", [name]) == [("deferred",)]

    # nothing touched since: the file is still unread, so this run must look at it again, not stop at once
    second = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert second.returncode == 0, second.stdout + second.stderr
    assert "nothing new" not in second.stdout
    assert f"{name}: deferred" in second.stdout
