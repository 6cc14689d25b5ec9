"""The satisfaction-penalty intervals of marts.fix_priorities on simulated surveys: do they cover the truth?

A seeded simulation writes int_satisfaction_ratings for a few hundred reasons into a small DuckDB and runs the
real model int_reason_satisfaction (the Poisson bootstrap of macros/bootstrap.sql) with one
`dbt build -s int_reason_satisfaction`. Every reason has its own true promoter / detractor / satisfied shares
and a fixed number of responses (40 to 400); some responses are linked to no contact. With the numbers of
responses fixed, the true values the intervals aim at are plain weighted averages of the true shares, computed
here from the simulation's parameters (not from the model):

- the reason's NPS: 100 x (p_promoter - p_detractor);
- the NPS of all other responses, and the gap;
- the leave-one-out impact: the NPS of all other responses - the NPS of all responses;
- the CSAT gap, the same way with p_satisfied.

A 95 % interval should hold the truth about 95 % of the time: the test accepts 91 % to 98.5 % over 300 reasons
(the binomial spread of a true 95 % over 300 is about 1.3 points), and checks the interval is not wider than it
needs to be (its median width within 20 % of the normal-theory width from the true shares).
"""

from __future__ import annotations

import json
import os

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_dbt_build import DBT_DIR, dbt

pytestmark = pytest.mark.timeout(300)

SEED = 20261207
REASONS = 300
UNLINKED = 1500
REPLICATES = 200
Z = 1.959964


def simulate(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ratings as int_satisfaction_ratings holds them, one row per reason with its true shares and size)."""
    truth = pd.DataFrame(
        {
            "reason_code": [f"r{k:03d}" for k in range(REASONS)] + ["(unlinked)"],
            "n": [int(n) for n in rng.integers(40, 401, REASONS)] + [UNLINKED],
            "p_promoter": rng.uniform(0.2, 0.55, REASONS + 1),
            "p_detractor": rng.uniform(0.1, 0.4, REASONS + 1),
            "p_satisfied": rng.uniform(0.5, 0.9, REASONS + 1),
        }
    )
    rows = []
    for t in truth.itertuples():
        u = rng.random(t.n)
        classes = np.where(
            u < t.p_promoter, "promoter", np.where(u < t.p_promoter + t.p_detractor, "detractor", "passive")
        )
        satisfied = rng.random(t.n) < t.p_satisfied
        reason = None if t.reason_code == "(unlinked)" else t.reason_code
        rows += [
            (f"{t.reason_code}-{i}", reason, c, bool(s)) for i, (c, s) in enumerate(zip(classes, satisfied))
        ]
    ratings = pd.DataFrame(rows, columns=["rating_id", "reason_code", "nps_class", "is_satisfied"])
    return ratings, truth


def true_values(truth: pd.DataFrame) -> pd.DataFrame:
    """The targets of the intervals, from the simulation's parameters and the fixed sizes only."""
    t = truth.copy()
    t["nps"] = 100 * (t["p_promoter"] - t["p_detractor"])
    t["csat"] = 100 * t["p_satisfied"]
    total_n = t["n"].sum()
    nps_mass, csat_mass = (t["n"] * t["nps"]).sum(), (t["n"] * t["csat"]).sum()
    t["nps_others"] = (nps_mass - t["n"] * t["nps"]) / (total_n - t["n"])
    t["csat_others"] = (csat_mass - t["n"] * t["csat"]) / (total_n - t["n"])
    t["nps_gap"] = t["nps"] - t["nps_others"]
    t["csat_gap"] = t["csat"] - t["csat_others"]
    t["nps_impact"] = t["nps_others"] - nps_mass / total_n
    # normal-theory standard deviation of the reason's own NPS: 100 x sqrt((pp + pd - (pp - pd)^2) / n)
    spread = t["p_promoter"] + t["p_detractor"] - (t["p_promoter"] - t["p_detractor"]) ** 2
    t["nps_sd"] = 100 * np.sqrt(spread / t["n"])
    return t[t["reason_code"] != "(unlinked)"].set_index("reason_code")


@pytest.fixture(scope="module")
def bootstrapped(tmp_path_factory):
    work = tmp_path_factory.mktemp("priority_bootstrap")
    database = work / "simulation.duckdb"
    ratings, truth = simulate(np.random.default_rng(SEED))
    con = duckdb.connect(str(database))
    try:
        con.execute("create schema intermediate")
        con.register("ratings", ratings)
        con.execute(
            "create table intermediate.int_satisfaction_ratings as select 'survey' as rating_source, rating_id, "
            "cast(null as varchar) as contact_id, cast(null as varchar) as department_id, reason_code, "
            "cast(null as date) as rated_on, is_satisfied, cast(null as double) as nps, nps_class, "
            "cast(null as double) as ces, false as is_suspect from ratings"
        )
    finally:
        con.close()
    priority = {"cost_weight": 1, "satisfaction_weight": 1, "simple_max_handle_minutes": 5,
                "complex_min_transfers": 1, "trend_weeks": 8, "bootstrap_replicates": REPLICATES}  # fmt: skip
    built = dbt(
        "build", "-s", "int_reason_satisfaction",
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
        "--vars", json.dumps({"priority": priority}),
        env={**os.environ, "WHYCALL_BUILD_DB": str(database)},
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-5000:]
    con = duckdb.connect(str(database), read_only=True)
    try:
        estimates = (
            con.execute("select * from intermediate.int_reason_satisfaction").df().set_index("reason_code")
        )
    finally:
        con.close()
    return estimates, true_values(truth)


def coverage(estimates: pd.DataFrame, truth: pd.DataFrame, name: str, low: str, high: str) -> float:
    joined = estimates.join(truth[[name]].rename(columns={name: "true"}), how="inner")
    assert len(joined) == REASONS
    return float(((joined[low] <= joined["true"]) & (joined["true"] <= joined[high])).mean())


@pytest.mark.parametrize(
    "name, low, high",
    [
        ("nps", "nps_low", "nps_high"),
        ("nps_gap", "nps_gap_low", "nps_gap_high"),
        ("nps_impact", "nps_impact_low", "nps_impact_high"),
        ("csat_gap", "csat_gap_low", "csat_gap_high"),
    ],
)
def test_the_95_percent_intervals_cover_the_truth_about_95_percent_of_the_time(bootstrapped, name, low, high):
    estimates, truth = bootstrapped
    covered = coverage(estimates, truth, name, low, high)
    print(f"\n{name}: {covered:.1%} of {REASONS} intervals hold the true value")
    assert 0.91 <= covered <= 0.985


def test_the_interval_is_as_narrow_as_the_sample_allows(bootstrapped):
    estimates, truth = bootstrapped
    width = (estimates["nps_high"] - estimates["nps_low"]) / (2 * Z * truth["nps_sd"])
    assert width.median() == pytest.approx(1.0, abs=0.2)


def test_the_point_estimates_are_the_observed_shares(bootstrapped):
    estimates, truth = bootstrapped
    assert (estimates["nps_responses"].sort_index() == truth["n"].sort_index()).all()
    assert (estimates["bootstrap_replicates"] == REPLICATES).all()
    # each point estimate lies inside its own interval
    assert ((estimates["nps_low"] <= estimates["nps"]) & (estimates["nps"] <= estimates["nps_high"])).all()
