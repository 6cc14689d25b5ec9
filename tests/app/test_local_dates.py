"""Survey and alert filters use local business dates, as the marts do (issue 14, defect 8).

A response recorded at 23:30 UTC on 31 March 2026 was given at 01:30 on 1 April in Brussels (UTC+2): it belongs
to April in every mart (survey_responses.response_date, alerts.alert_date, the scorecard's months) and must be
counted in April on the dashboards too, not in March as its UTC date says.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from app import data

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "whycall.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(
        """
        create table marts.survey_responses as
        select 'R1' as response_id, timestamp '2026-03-31 23:30:00' as responded_at,
               date '2026-04-01' as response_date, 3.0 as nps, 1.0 as csat, 2.0 as ces, false as is_suspect
        """
    )
    con.execute(
        """
        create table marts.alerts as
        select 'alert:R1' as alert_id, 'R1' as response_id, timestamp '2026-03-31 23:30:00' as created_at,
               date '2026-04-01' as alert_date, 'open' as status, cast(null as double) as hours_to_recontact,
               cast(null as timestamp) as recontacted_at
        """
    )
    con.close()
    monkeypatch.setenv("WHYCALL_WAREHOUSE", str(path))
    return path


def test_a_response_after_local_midnight_counts_on_its_local_day(warehouse: Path) -> None:
    assert data.survey_kpis(*APRIL, include_suspects=False)["responses"] == 1
    assert data.survey_kpis(*MARCH, include_suspects=False)["responses"] == 0
    weekly = data.survey_kpis_weekly(*APRIL, include_suspects=False)
    assert weekly["responses"].sum() == 1 and weekly["week_start"].min() <= pd_date(APRIL[0])


def test_an_alert_after_local_midnight_counts_on_its_local_day(warehouse: Path) -> None:
    assert data.alert_summary(*APRIL, include_suspects=False)["alerts"] == 1
    assert data.alert_summary(*MARCH, include_suspects=False)["alerts"] == 0


def pd_date(day: dt.date):
    import pandas as pd

    return pd.Timestamp(day)
