"""Fixtures for the app tests: fixture warehouses and an AppTest factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from warehouse_fixture import build_warehouse

APP = Path(__file__).resolve().parents[2] / "app" / "streamlit_app.py"


@pytest.fixture(scope="session")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The full fixture warehouse: every CONTRACT §5 table plus the optional dims, text and quality results."""
    return build_warehouse(tmp_path_factory.mktemp("warehouse") / "whycall.duckdb")


@pytest.fixture(scope="session")
def minimal_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only what CONTRACT §5 promises: no dim tables, no contact text, no quality results."""
    return build_warehouse(tmp_path_factory.mktemp("minimal") / "whycall.duckdb", optional=False)


@pytest.fixture
def open_app(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> Callable[..., AppTest]:
    """Run the app on a page, with query parameters, against a warehouse (the full one by default)."""

    def run(page: str | None = None, *, path: Path | None = None, **query: str | list[str]) -> AppTest:
        monkeypatch.setenv("WHYCALL_WAREHOUSE", str(path or warehouse))
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run
