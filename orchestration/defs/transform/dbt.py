"""The dbt project as Dagster assets: sources are the raw ingest assets, so lineage is one graph."""


import json
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.defs.resources import WhycallResource
from orchestration.defs.transform.project import dbt_project
from orchestration.lib.config import load_config
from orchestration.lib.progress import report


class WhycallTranslator(DagsterDbtTranslator):
    """Models are keyed <layer>/<model> and grouped by their folder (staging, intermediate, marts)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in {"model", "snapshot", "seed"}:
            return dg.AssetKey([self._layer(dbt_resource_props), dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return self._layer(dbt_resource_props)
        return super().get_group_name(dbt_resource_props)

    @staticmethod
    def _layer(props: Mapping[str, Any]) -> str:
        fqn = props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "models"


translator = WhycallTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))


class DbtBuildConfig(dg.Config):
    full_refresh: bool = False
    date: str | None = None  # business day being (re)built, passed to dbt as var run_date


def dbt_build_args(vars_: dict, full_refresh: bool) -> list[str]:
    # unit tests check the SQL logic, not the data: they run in tests/dbt and CI, not every morning
    args = ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(vars_, sort_keys=True)]
    return args + ["--full-refresh"] if full_refresh else args


def _describe(event) -> str | None:
    if isinstance(event, dg.Output):
        return f"  model {event.output_name}"
    if isinstance(event, dg.AssetCheckResult) and not event.passed:
        return f"  test failed: {event.check_name} on {event.asset_key.to_user_string()}"
    return None


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator)
def whycall_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, whycall: WhycallResource,
                       config: DbtBuildConfig):
    settings = whycall.settings()
    vars_ = load_config(settings.landing_dir).dbt_vars()
    if config.date:
        vars_["run_date"] = config.date
    # profiles.yml reads the database path from the environment of the dbt subprocess.
    os.environ["WHYCALL_BUILD_DB"] = str(settings.state_db)
    report(context, "dbt build: staging → intermediate → marts (models and tests)")
    invocation = dbt.cli(dbt_build_args(vars_, config.full_refresh), context=context, raise_on_error=True)
    for event in invocation.stream():
        line = _describe(event)
        if line:
            report(context, line)
        yield event
