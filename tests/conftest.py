"""Shared test set-up: paths to ../shared, and the dbt manifest prepared once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURES = SHARED / "fixtures"
REALDATA = SHARED / "realdata"

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: end-to-end tests that build the warehouse")


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    from orchestration.defs.transform.project import ensure_manifest

    return ensure_manifest()
