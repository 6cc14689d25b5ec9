"""What runs leave on disk stays bounded (orchestration/lib/retention.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from orchestration.lib import retention


def _aged(path, age: int):
    os.utime(path, (1_700_000_000 + age, 1_700_000_000 + age))
    return path


def test_dbt_targets_keep_the_newest_and_the_published_one(tmp_path):
    folders = []
    for age in range(8):
        folder = tmp_path / f"whycall_dbt_models-run{age}-abc"
        (folder / "compiled").mkdir(parents=True)
        (folder / "manifest.json").write_text("{}")
        folders.append(_aged(folder, age))
    (tmp_path / "partial_parse.msgpack").write_text("x")  # dbt's own files are not run folders
    marker = tmp_path / "marker"
    marker.write_text(folders[1].name)  # an old build is the published one (the later runs failed)
    retention.prune_dbt_targets(tmp_path, 3, retention.published_target(marker, tmp_path))
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["marker", "partial_parse.msgpack", "whycall_dbt_models-run1-abc", "whycall_dbt_models-run5-abc",
                    "whycall_dbt_models-run6-abc", "whycall_dbt_models-run7-abc"]


def test_run_logs_keep_the_newest(tmp_path):
    for age in range(6):
        path = tmp_path / f"run-2026120{age}-000000.log"
        path.write_text("log")
        _aged(path, age)
    retention.prune_run_logs(tmp_path, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run-20261204-000000.log", "run-20261205-000000.log"]


def test_keep_runs_from_the_environment(monkeypatch):
    monkeypatch.delenv(retention.KEEP_ENV, raising=False)
    assert retention.keep_runs() == retention.DEFAULT_KEEP
    monkeypatch.setenv(retention.KEEP_ENV, "12")
    assert retention.keep_runs() == 12
    monkeypatch.setenv(retention.KEEP_ENV, "many")
    with pytest.raises(ValueError, match="WHYCALL_KEEP_RUNS='many'"):
        retention.keep_runs()


def test_stale_publish_tmp_files_are_removed_live_ones_kept(tmp_path):
    warehouse = tmp_path / "whycall.duckdb"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        stale = [tmp_path / f".whycall.duckdb.{dead}.tmp", tmp_path / f".whycall.duckdb.{dead}.tmp.wal"]
        kept = [tmp_path / f".whycall.duckdb.{live.pid}.tmp", tmp_path / ".other.duckdb.1.tmp"]
        for path in stale + kept:
            path.write_text("x")
        assert sorted(retention.remove_stale_publish_tmp(warehouse)) == sorted(stale)
        assert all(path.exists() for path in kept)
    finally:
        live.kill()
        live.wait()
