"""The README as a newcomer reads it: every link stays inside the repository, every environment variable the
code reads is listed in its one table, `make demo` says how to stop it, the docs command is the one tested."""

from __future__ import annotations

import argparse
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
CODE_DIRS = ("orchestration", "app", "whycall_cli", "generator", "expectations", "dbt_project", "scripts")


def test_links_stay_inside_the_repository():
    targets = re.findall(r"\]\(([^)]+)\)", README)
    assert targets
    for target in targets:
        path = target.split("#", 1)[0]
        if not path:
            continue  # an anchor on the page itself
        assert not re.match(r"[a-z]+://", path), f"README links outside the repository: {target}"
        assert (ROOT / path).resolve().is_relative_to(ROOT) and (ROOT / path).exists(), target
    assert "../" not in README, "README points at a path outside the repository"


def test_every_environment_variable_the_code_reads_is_in_the_readme_table():
    section = README.split("## Environment variables", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", section))
    read = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".yml", ".sql") and "target" not in path.parts:
                read |= set(re.findall(r"""["'\b]((?:WHYCALL|ZENDESK)_[A-Z0-9_]+|DAGSTER_HOME)["']""",
                                       path.read_text(errors="ignore")))  # fmt: skip
    assert read, "no environment variable found: the scan is broken"
    assert read - listed == set(), f"read by the code but not in the README's table: {sorted(read - listed)}"
    assert {"PORT", "DAGSTER_HOME", "ZENDESK_API_TOKEN"} <= listed


def test_the_app_says_how_to_stop_it(monkeypatch, capsys):
    from whycall_cli import main

    monkeypatch.setattr(subprocess, "call", lambda *a, **k: 0)
    assert main.cmd_app(argparse.Namespace(landing=None, warehouse=None, port=8599, address="127.0.0.1")) == 0
    assert "Ctrl+C" in capsys.readouterr().out
    assert "Ctrl+C stops it" in README
