"""The dbt project as Dagster assets: sources are the raw ingest assets, so lineage is one graph."""


import json
import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from orchestration.defs.partitions import business_days
from orchestration.defs.resources import WhycallResource
from orchestration.defs.transform.project import dbt_project
from orchestration.lib import build_state
from orchestration.lib.config import load_config
from orchestration.lib.loader import connect_state
from orchestration.lib.progress import report
from orchestration.settings import DBT_PROJECT_DIR, salt


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


def partition_days(context: dg.AssetExecutionContext) -> tuple[str, str] | None:
    """The business days of the run's partition (a day, or a backfill's range in one run)."""
    if not (context.has_partition_key or context.has_partition_key_range):
        return None
    keys = context.partition_key_range
    return keys.start, keys.end


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


# partitioned by business day: a backfill of a date range is ONE dbt build re-deriving those days
@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator,
            partitions_def=business_days(), backfill_policy=dg.BackfillPolicy.single_run())
def whycall_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, whycall: WhycallResource,
                       config: DbtBuildConfig):
    settings = whycall.settings()
    settings_vars = load_config(settings.landing_dir).dbt_vars()
    vars_ = dict(settings_vars)  # the fingerprint below covers the settings, not the days being built
    days = partition_days(context)
    if days:  # the contacts of those days are re-derived from raw (dbt_project/macros/incremental.sql)
        vars_["rebuild_from"], vars_["rebuild_to"] = days
    con = connect_state(settings.state_db)
    try:
        current = build_state.fingerprint(settings_vars, salt()[0], DBT_PROJECT_DIR,
                                          build_state.reference_versions(con))
        decision = build_state.decide(con, current, config.full_refresh)
        build_state.mark_started(con, current, decision)
    finally:
        con.close()
    # profiles.yml reads the database path from the environment of the dbt subprocess.
    os.environ["WHYCALL_BUILD_DB"] = str(settings.state_db)
    span = f"; re-deriving {days[0]} to {days[1]}" if days and not decision.full_refresh else ""
    report(context, f"dbt build, {decision.describe()}{span}: staging → intermediate → marts (models and tests)")
    invocation = dbt.cli(dbt_build_args(vars_, decision.full_refresh), context=context, raise_on_error=True)
    for event in invocation.stream():
        line = _describe(event)
        if line:
            report(context, line)
        yield event
    con = connect_state(settings.state_db)
    try:
        build_state.mark_finished(con)
    finally:
        con.close()
