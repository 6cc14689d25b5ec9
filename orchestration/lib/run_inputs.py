"""Whether a run has anything new to do: the inputs of the last published run, remembered beside the state db.

A run reads the landing zone (every watched file, whycall.yml included), the dbt models and the salt. When none
of them changed since the last run that published, a plain run (no --date, no --full-refresh) would load
nothing, rebuild the same marts and republish the same warehouse: it stops at once and says "nothing new".
Pure functions and one small JSON file; no Dagster import.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from orchestration.lib import landing_watch


def fingerprint(landing: Path, project_dir: Path, salt: str) -> dict[str, str]:
    """One digest per kind of input: the landing files by (path, size, mtime), the dbt project's files, the salt."""
    models = hashlib.sha256()
    files = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros", "seeds"):
        files += sorted(p for p in (project_dir / folder).rglob("*") if p.is_file())
    for path in files:
        if path.is_file():
            models.update(path.relative_to(project_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {
        "landing": hashlib.sha256(landing_watch.encode_cursor(landing_watch.snapshot(landing)).encode()).hexdigest(),
        "models": models.hexdigest(),
        "salt": hashlib.sha256(salt.encode()).hexdigest(),
    }


def load(path: Path) -> dict[str, str] | None:
    """The fingerprint saved by the last published run; None when there is none or it cannot be read."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def save(path: Path, inputs: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(inputs, sort_keys=True) + "\n")
    tmp.replace(path)
