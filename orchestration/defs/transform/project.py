"""The dbt project handle. Side-effect free: importing it runs nothing."""


import subprocess
import sys
from pathlib import Path

from dagster_dbt import DbtProject

from orchestration.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime(root: Path) -> float:
    paths = [p for p in root.rglob("*") if p.suffix in {".sql", ".yml", ".yaml", ".csv", ".md"}]
    paths = [p for p in paths if "target" not in p.parts and "dbt_packages" not in p.parts]
    return max((p.stat().st_mtime for p in paths), default=0.0)


def ensure_manifest() -> Path:
    """Parse the dbt project when target/manifest.json is missing or older than a model file.

    `@dbt_assets` needs the manifest when the definitions load; `dagster dev`, `whycall run` and
    the tests all come through here, so a fresh clone works without a manual `dbt parse`.
    """
    manifest = dbt_project.manifest_path
    if manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime(DBT_PROJECT_DIR):
        return manifest
    dbt = Path(sys.executable).with_name("dbt")
    cmd = [str(dbt), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
           "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not manifest.exists():
        raise RuntimeError(f"dbt parse failed:\n{result.stdout}\n{result.stderr}")
    return manifest
