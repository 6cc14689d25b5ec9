"""What a user sees when the input is wrong: the file, the key and the fix, and a non-zero exit."""

from __future__ import annotations

import pytest

from tests.pipeline.conftest import whycall

pytestmark = pytest.mark.slow


def test_missing_landing_directory_is_named(tmp_path):
    run = whycall("run", "--landing", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh.duckdb"))
    assert run.returncode == 1
    assert f"landing directory {tmp_path / 'nope'} does not exist" in run.stdout


def test_profile_typo_names_file_key_and_fix(tmp_path):
    landing = tmp_path / "landing"
    (landing / "calls").mkdir(parents=True)
    (landing / "calls" / "cdr.csv").write_text("id,start\n1,2026-06-01 10:00:00\n")
    (landing / "whycall.yml").write_text(
        "sources:\n  calls:\n    format: csv\n    columns: {contact_id: id, strated_at: start}\n")
    run = whycall("run", "--landing", str(landing), "--warehouse", str(tmp_path / "wh" / "w.duckdb"))
    assert run.returncode == 1
    assert "whycall.yml" in run.stdout and "sources.calls.columns.strated_at" in run.stdout
    assert "started_at" in run.stdout  # the suggested fix
    assert "Traceback" not in run.stdout + run.stderr


@pytest.mark.parametrize("with_config", [False, True])
def test_an_empty_landing_directory_is_refused_and_the_warehouse_kept(tmp_path, with_config):
    """An unmounted share looks like an empty folder: refused before anything runs (docs/security.md)."""
    landing = tmp_path / "landing"
    for folder in ("tickets", "calls", "surveys", "reference"):
        (landing / folder).mkdir(parents=True)
    if with_config:
        (landing / "whycall.yml").write_text("timezone: Europe/Brussels\n")
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    warehouse.parent.mkdir()
    warehouse.write_bytes(b"the previous build")
    run = whycall("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert run.returncode == 1
    assert f"landing directory {landing} holds no file" in run.stdout
    assert "dbt" not in run.stdout.lower()  # refused before the pipeline started
    assert warehouse.read_bytes() == b"the previous build"
