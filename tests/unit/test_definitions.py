"""`dagster dev` shows one connected graph: landing assets → dbt models → the published warehouse."""

from __future__ import annotations

import collections

import dagster as dg


def test_one_connected_lineage_graph_with_checks(dbt_manifest):
    from orchestration.definitions import defs

    graph = defs().resolve_asset_graph()
    keys = set(graph.get_all_asset_keys())
    neighbours = collections.defaultdict(set)
    for key in keys:
        for parent in graph.get(key).parent_keys:
            neighbours[key].add(parent)
            neighbours[parent].add(key)
    seen, stack = set(), [dg.AssetKey(["warehouse"])]
    while stack:
        key = stack.pop()
        if key not in seen:
            seen.add(key)
            stack.extend(neighbours[key])
    assert seen == keys
    # dbt sources are the ingest assets themselves, not look-alike external assets
    assert graph.get(dg.AssetKey(["staging", "stg_zendesk__tickets"])).parent_keys == {dg.AssetKey(["raw", "tickets"])}
    assert graph.get(dg.AssetKey(["raw", "tickets"])).is_materializable
    assert dg.AssetKey(["warehouse"]) in graph.get(dg.AssetKey(["marts", "fct_contacts"])).child_keys
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    assert ("raw/tickets", "native_id_unique") in checks  # a GX suite as an asset check
    assert any(asset == "marts/fct_contacts" and name.startswith("unique") for asset, name in checks)  # dbt test


def test_alert_notifications_runs_after_the_warehouse_is_published(dbt_manifest):
    """The notifier reads the published marts.alerts: it depends on the warehouse and is in the run's job."""
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    notifications = dg.AssetKey(["alert_notifications"])
    assert graph.get(notifications).parent_keys == {dg.AssetKey(["warehouse"])}
    assert not graph.get(notifications).child_keys  # nothing waits for deliveries: a failure blocks nothing
