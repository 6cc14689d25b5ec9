"""The `orchestration` code location: everything under defs/ is loaded; nothing else happens here."""

from pathlib import Path

import dagster as dg

from orchestration.defs.transform.project import ensure_manifest


@dg.definitions
def defs() -> dg.Definitions:
    ensure_manifest()  # @dbt_assets reads target/manifest.json when defs/ is imported
    return dg.load_from_defs_folder(path_within_project=Path(__file__).resolve().parent)
