"""The action verdict on simulated series: honest intervals rarely call noise an effect (issue 14).

A seeded simulation writes a few hundred reasons' daily demand into a small DuckDB (the inputs of
marts.action_effect: int_reason_daily, dim_reasons, int_department_volumes, stg_reference__actions) and runs the
real model with one `dbt build -s action_effect`. Every reason has an action; untreated reasons serve as
difference-in-differences controls.

What "realistic overdispersion" means here: daily counts follow a weekday profile (busy Mondays, quiet
Sundays), then a weekly swing shared by the department (campaigns, weather: sd 10 %), a weekly swing of the
reason itself (billing cycles: sd 12 %) and day-to-day noise beyond Poisson (gamma, sd 15 %), on top of Poisson.
Reasons range from 2 to 60 contacts a day; half of the departments are measured per 1,000 of a daily volume.

- true effect 1.0 (no effect): at most 8 % of the actions get a verdict other than no_evidence (the 95 % interval
  allows 5 %; the Poisson interval of before/after counts, shown for comparison, calls well over a fifth of them);
- true effect 0.6 (40 % fewer contacts): reduced nearly always: every time for a reason with 10 or more contacts a
  day, at least 90 % of the time overall (a reason with 2-5 contacts a day has too few contacts in 8 weeks for
  its noise to rule out a smaller effect every time).
"""

from __future__ import annotations

import json
import math
import os
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_dbt_build import DBT_DIR, dbt

pytestmark = pytest.mark.timeout(300)

SEED = 20240226
FIRST_DAY = date(2024, 1, 1)  # a Monday
WEEKS = 8  # action_weeks each side
IMPLEMENTED_ON = FIRST_DAY + timedelta(weeks=WEEKS)
DAYS = 2 * WEEKS * 7
DEPARTMENTS = 50
TREATED_PER_DEPARTMENT, UNTREATED_PER_DEPARTMENT = 8, 2
REDUCED_SHARE = 0.25  # of the actions, true effect 0.6; the rest 1.0
WEEKDAY = np.array([1.35, 1.15, 1.10, 1.05, 1.00, 0.35, 0.15]) * 7 / 6.15
DEPARTMENT_WEEK_SD, REASON_WEEK_SD, DAY_SD = 0.10, 0.12, 0.15


def simulate(rng: np.random.Generator) -> dict[str, pd.DataFrame]:
    days = [FIRST_DAY + timedelta(d) for d in range(DAYS)]
    weekday = np.array([WEEKDAY[d.weekday()] for d in days])
    week = np.arange(DAYS) // 7
    after = np.array([d >= IMPLEMENTED_ON for d in days])
    daily, reasons, volumes, actions = [], [], [], []
    for dep in range(DEPARTMENTS):
        department = f"D{dep:02d}"
        department_week = rng.lognormal(0.0, DEPARTMENT_WEEK_SD, 2 * WEEKS)[week]
        volume_scale = 1.0
        if dep % 2 == 0:  # measured per 1,000 of a daily volume that drives demand
            volume = 20_000 * weekday * rng.uniform(0.95, 1.05, DAYS)
            volume_scale = volume / (20_000 * weekday)
            volumes += [(d, department, "orders", float(v)) for d, v in zip(days, volume)]
        for k in range(TREATED_PER_DEPARTMENT + UNTREATED_PER_DEPARTMENT):
            code = f"{department}_r{k}"
            reasons.append((code, department))
            treated = k < TREATED_PER_DEPARTMENT
            effect = 1.0
            if treated:
                effect = 0.6 if rng.random() < REDUCED_SHARE else 1.0
                actions.append((f"A_{code}", code, department, IMPLEMENTED_ON, f"true effect {effect}"))
            level = math.exp(rng.uniform(math.log(2), math.log(60)))
            reason_week = rng.lognormal(0.0, REASON_WEEK_SD, 2 * WEEKS)[week]
            day_noise = rng.gamma(1 / DAY_SD**2, DAY_SD**2, DAYS)
            mean = level * weekday * volume_scale * department_week * reason_week * day_noise
            mean = np.where(after, mean * effect, mean)
            counts = rng.poisson(mean)
            daily += [(d, code, int(n)) for d, n in zip(days, counts)]
    return {
        "daily": pd.DataFrame(daily, columns=["contact_date", "reason_code", "contacts"]),
        "reasons": pd.DataFrame(reasons, columns=["reason_code", "department_id"]),
        "volumes": pd.DataFrame(volumes, columns=["volume_date", "department_id", "measure", "volume"]),
        "actions": pd.DataFrame(
            actions, columns=["action_id", "reason_code", "department_id", "implemented_on", "description"]
        ),
    }


def write_inputs(database: Path, frames: dict[str, pd.DataFrame]) -> None:
    """The relations action_effect reads, with the types dbt gives them."""
    con = duckdb.connect(str(database))
    try:
        for schema in ("staging", "intermediate", "marts"):
            con.execute(f"create schema {schema}")
        for name, frame in frames.items():
            con.register(name, frame)
        con.execute(
            "create table intermediate.int_reason_daily as select cast(contact_date as date) as contact_date, "
            "reason_code, cast(contacts as bigint) as contacts, cast(0 as bigint) as suspect_contacts, "
            "cast(0 as double) as cost from daily"
        )
        con.execute(
            "create table marts.dim_reasons as select reason_code, department_id, 'unwanted' as kind, "
            "reason_code as label_en, reason_code as label_fr from reasons"
        )
        con.execute(
            "create table intermediate.int_department_volumes as select cast(volume_date as date) as volume_date, "
            "department_id, measure, cast(volume as double) as volume from volumes"
        )
        con.execute(
            "create table staging.stg_reference__actions as select action_id, reason_code, department_id, "
            "cast(implemented_on as date) as implemented_on, description from actions"
        )
    finally:
        con.close()


def poisson_verdict(row) -> str:
    """The interval this issue replaced (before/after counts, Poisson), for comparison only."""
    n_before, n_after = row.contacts_before, row.contacts_after
    if n_before == 0 or n_after == 0:
        n_before, n_after = n_before + 0.5, n_after + 0.5
    half = 1.96 * math.sqrt(1 / n_before + 1 / n_after)
    log_ratio = math.log(row.rate_ratio)
    if log_ratio + half < 0:
        return "reduced"
    return "increased" if log_ratio - half > 0 else "no_evidence"


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    work = tmp_path_factory.mktemp("action_simulation")
    database = work / "simulation.duckdb"
    write_inputs(database, simulate(np.random.default_rng(SEED)))
    env = {**os.environ, "WHYCALL_BUILD_DB": str(database)}
    built = dbt(
        "build", "-s", "action_effect",
        "--project-dir", str(DBT_DIR), "--profiles-dir", str(DBT_DIR),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
        "--vars", json.dumps({"action_weeks": WEEKS}),
        env=env,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-5000:]
    con = duckdb.connect(str(database), read_only=True)
    try:
        effects = con.execute("select * from marts.action_effect order by action_id").df()
    finally:
        con.close()
    effects["true_effect"] = effects["description"].str.removeprefix("true effect ").astype(float)
    return effects


def rate(frame: pd.DataFrame, condition) -> float:
    return float(condition(frame).mean())


def test_every_action_is_measured_over_8_weeks_each_side(simulated):
    assert len(simulated) == DEPARTMENTS * TREATED_PER_DEPARTMENT
    assert (simulated["weeks_before"] == WEEKS).all() and (simulated["weeks_after"] == WEEKS).all()
    assert simulated["ci_low"].notna().all() and simulated["did_ci_low"].notna().all()
    assert set(simulated["did_control"]) == {"department"}
    assert set(simulated["exposure_basis"]) == {"volume", "week"}
    # the weekly counts really are overdispersed: the data, not only the model, says so
    assert simulated["dispersion"].median() > 1.5


def test_no_effect_rarely_gets_a_verdict(simulated):
    null = simulated[simulated["true_effect"] == 1.0]
    assert len(null) >= 250
    false_verdicts = rate(null, lambda f: f["verdict"] != "no_evidence")
    poisson_false = rate(null, lambda f: f.apply(poisson_verdict, axis=1) != "no_evidence")
    did_false = rate(null, lambda f: (f["did_ci_high"] < 1) | (f["did_ci_low"] > 1))
    print(f"\nno effect ({len(null)} actions): false verdicts {false_verdicts:.1%} (DiD {did_false:.1%}); "
          f"the Poisson interval would give {poisson_false:.1%}")  # fmt: skip
    assert false_verdicts <= 0.08
    assert did_false <= 0.10
    assert poisson_false > 0.20  # the simulated noise is the kind that fooled the old interval


def test_a_real_reduction_is_found(simulated):
    reduced = simulated[simulated["true_effect"] == 0.6]
    assert len(reduced) >= 50
    power = rate(reduced, lambda f: f["verdict"] == "reduced")
    did_power = rate(reduced, lambda f: f["did_ci_high"] < 1)
    busy = reduced[reduced["contacts_before"] >= 10 * 7 * WEEKS]
    busy_power = rate(busy, lambda f: f["verdict"] == "reduced")
    print(f"\ntrue effect 0.6 ({len(reduced)} actions): reduced {power:.1%} (DiD {did_power:.1%}); "
          f"{busy_power:.1%} of the {len(busy)} with 10+ contacts a day")  # fmt: skip
    assert power >= 0.90
    assert len(busy) >= 20 and busy_power >= 0.98
    assert (reduced["verdict"] != "increased").all()
    # the estimate is about right: the median ratio is near 0.6
    assert reduced["rate_ratio"].median() == pytest.approx(0.6, abs=0.05)
