"""Paths and environment, resolved at call time (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_LANDING = Path("data/landing")
DEFAULT_WAREHOUSE = Path("data/warehouse/whycall.duckdb")
DEMO_SALT = "whycall-demo-salt"


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse: Path  # the published file the app reads
    state_db: Path  # raw history + build; the warehouse is published from it

    @property
    def lock_file(self) -> Path:
        return self.state_db.with_suffix(".lock")

    @property
    def dagster_home(self) -> Path:
        """Where `whycall run` records its runs when DAGSTER_HOME is not set: beside the warehouse, so that
        `DAGSTER_HOME=<that folder> dagster dev` (`make dagster`) shows every run, materialisation and check."""
        return Path(os.environ.get("DAGSTER_HOME") or self.state_db.parent / "dagster_home").resolve()

    @property
    def last_inputs(self) -> Path:
        """The inputs of the last published run (orchestration.lib.run_inputs)."""
        return self.state_db.with_suffix(".inputs.json")


def get_settings(landing_dir: str | Path | None = None, warehouse: str | Path | None = None) -> Settings:
    """Flags win over environment variables, which win over defaults (CONTRACT §1)."""
    landing = Path(landing_dir or os.environ.get("WHYCALL_LANDING_DIR") or DEFAULT_LANDING)
    wh = Path(warehouse or os.environ.get("WHYCALL_WAREHOUSE") or DEFAULT_WAREHOUSE)
    state = os.environ.get("WHYCALL_STATE_DB")
    state_db = Path(state) if state else wh.with_name(wh.stem + ".state.duckdb")
    return Settings(landing.resolve(), wh.resolve(), state_db.resolve())


def salt() -> tuple[str, bool]:
    """The customer-hash salt and whether it is the demo default (worth a warning)."""
    value = os.environ.get("WHYCALL_SALT")
    return (value, False) if value else (DEMO_SALT, True)
