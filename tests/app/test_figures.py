"""The figures' own data, read back from the page, against the warehouse (computed here with plain SQL).

A chart can be wrong while every table on the page is right: a stacked bar that skips an empty segment
is drawn short. These tests read the Plotly spec the page sends to the browser.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections import defaultdict
from pathlib import Path

import duckdb
import numpy as np
from warehouse_fixture import LAST_DAY

END = LAST_DAY
START = END - dt.timedelta(days=27)
INBOUND = "direction = 'inbound'"


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def figures(at) -> dict[str, dict]:
    """Every Plotly chart of the page, by its title."""
    out = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        out[spec["layout"].get("title", {}).get("text", "")] = spec
    return out


def figure(at, title: str) -> dict:
    found = figures(at)
    assert title in found, f"no chart {title!r} among {list(found)}"
    return found[title]


def values(data) -> list:
    """A trace's array: Plotly sends numeric arrays typed ({"dtype": "f8", "bdata": base64}), others as lists."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=np.dtype(data["dtype"]))
        return [float(v) for v in array]
    return list(data)


def stacked_totals(spec: dict, axis: str = "x", category: str = "y") -> dict[str, float]:
    """What a reader sees: the length of each stacked bar. A segment that is not a finite number is not
    drawn at all (and Plotly then stacks the next segment from the wrong base), so it fails here."""
    totals: dict[str, float] = defaultdict(float)
    for trace in spec["data"]:
        if trace.get("type") != "bar":
            continue
        for name, value in zip(values(trace[category]), values(trace[axis]), strict=True):
            assert value is not None and math.isfinite(value), (trace.get("name"), name, value)
            totals[name] += value
    return dict(totals)


def test_drivers_by_department_bars_total_the_warehouse(open_app, warehouse: Path) -> None:
    at = open_app("why")
    spec = figure(at, "Top unwanted drivers by originating department")
    expected = dict(
        query(
            warehouse,
            f"""select coalesce(d.department_name, 'No department'), count(*)
            from marts.fct_contacts c left join marts.dim_departments d using (department_id)
            where contact_date between ? and ? and {INBOUND} and not is_suspect and is_unwanted
            group by 1""",
            [START, END],
        )
    )
    assert stacked_totals(spec) == expected
    # Every department has a segment (0 when empty) for every reason shown.
    bars = [trace for trace in spec["data"] if trace.get("type") == "bar"]
    assert {len(values(trace["y"])) for trace in bars} == {len(expected)}


def test_open_alerts_by_manager_bars_total_the_warehouse(open_app, warehouse: Path) -> None:
    at = open_app("closed_loop")
    spec = figure(at, "Open alerts by manager")
    expected = dict(
        query(
            warehouse,
            """select coalesce(a.manager, '(no manager)'), count(*)
            from marts.alerts a join marts.survey_responses r using (response_id)
            where a.status = 'open' and not r.is_suspect group by 1""",
        )
    )
    assert stacked_totals(spec) == expected


# The fixed meanings, written out here (not imported from app.palette) so a change of palette is a decision.
UNWANTED_RED, VALUE_BLUE, UNCLASSIFIED_GREY = "#C8423B", "#2F7FB5", "#9AA5B1"


def trace_colors(spec: dict) -> dict[str, str]:
    out = {}
    for trace in spec["data"]:
        color = trace.get("marker", {}).get("color") or trace.get("line", {}).get("color")
        if isinstance(color, str):
            out[trace.get("name")] = color
    return out


def test_a_reason_has_one_colour_on_every_page_and_never_a_fixed_meaning(open_app) -> None:
    at = open_app("why")
    drivers = trace_colors(figure(at, "Top unwanted drivers by originating department"))
    pareto = trace_colors(figure(at, "Contacts by reason: unwanted vs value (Pareto)"))
    assert pareto["Unwanted contacts"] == UNWANTED_RED and pareto["Value contacts"] == VALUE_BLUE
    assert not {UNWANTED_RED, VALUE_BLUE, UNCLASSIFIED_GREY} & set(drivers.values()), drivers
    assert len(set(drivers.values())) == len(drivers)  # one colour per reason
    at = open_app("incidents", reason=["late_delivery", "password_reset"])
    timeline = trace_colors(figure(at, "Daily contacts per reason, incidents and spikes"))
    for reason in ("Late delivery", "Password reset"):
        assert timeline[reason] == drivers[reason], reason


def test_percent_signs_follow_the_language(open_app) -> None:
    for lang, suffix in (("en", "%"), ("fr", " %")):
        at = open_app("why", lang=lang)
        pareto = next(spec for title, spec in figures(at).items() if "Pareto" in title)
        assert pareto["layout"]["yaxis2"]["ticksuffix"] == suffix, lang
