"""After a failed run every page warns that its data is stale (read from the operations log)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

PAGES = ["overview", "why", "departments", "incidents", "actions", "closed_loop", "explorer", "data_health"]


@pytest.fixture
def failed_warehouse(warehouse: Path, tmp_path: Path) -> Path:
    path = tmp_path / "wh" / "whycall.duckdb"
    path.parent.mkdir()
    shutil.copy(warehouse, path)
    (path.parent / "logs").mkdir()
    entries = [
        {"ts": "2026-11-21T05:00:00Z", "event": "run_success", "run_id": "a", "job": "whycall_pipeline"},
        {"ts": "2026-11-22T05:00:00Z", "event": "run_failure", "run_id": "b", "job": "whycall_pipeline",
         "error": "data_quality: 1 blocking asset check failed", "log": "/srv/logs/run-1.log",
         "failed_checks": ["reason_code_in_reasons on raw/reason_map"]},
        {"ts": "2026-11-23T05:00:00Z", "event": "run_failure", "run_id": "c", "job": "whycall_pipeline",
         "error": "data_quality: 1 blocking asset check failed", "log": "/srv/logs/run-2.log",
         "failed_checks": ["reason_code_in_reasons on raw/reason_map"]},
    ]  # fmt: skip
    (path.parent / "logs" / "operations.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entries))
    return path


def test_every_page_warns_after_a_failed_run(open_app, failed_warehouse: Path) -> None:
    at = open_app(path=failed_warehouse)
    for page in PAGES:
        at.switch_page(f"app_pages/{page}.py").run()
        banner = [e.value for e in at.error if "latest pipeline run failed" in e.value]
        assert banner, page
        assert "1 blocking asset check failed" in banner[0]
        assert "2 failed run(s)" in banner[0] and "/srv/logs/run-2.log" in banner[0]
        assert "reason_code_in_reasons on raw/reason_map" in banner[0]


def test_no_warning_after_a_successful_run(open_app, failed_warehouse: Path) -> None:
    log = failed_warehouse.parent / "logs" / "operations.jsonl"
    success = {"ts": "2026-11-24T05:00:00Z", "event": "run_success", "run_id": "d", "job": "whycall_pipeline"}
    log.write_text(log.read_text() + json.dumps(success) + "\n")
    at = open_app(path=failed_warehouse)
    assert not [e for e in at.error if "failed" in e.value]


def test_french_banner(open_app, failed_warehouse: Path) -> None:
    at = open_app(path=failed_warehouse, lang="fr")
    assert any("La dernière exécution du pipeline a échoué" in e.value for e in at.error)
