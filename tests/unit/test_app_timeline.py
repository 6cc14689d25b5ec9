"""What the Incidents page shows by default (app/timeline.py, app/period.around): expected values by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app import period, timeline


def _incidents(*rows):
    return pd.DataFrame(rows, columns=["incident_id", "period_start", "period_end"])


def test_most_recent_incident_is_the_one_that_ended_last():
    frame = _incidents(
        ("A", pd.Timestamp("2026-10-01"), pd.Timestamp("2026-10-20")),
        ("B", pd.Timestamp("2026-10-10"), pd.Timestamp("2026-10-12")),
        ("C", pd.Timestamp("2026-10-15"), pd.Timestamp("2026-10-20")),
    )
    assert timeline.most_recent(frame)["incident_id"].tolist() == ["C"]  # same end as A, started later
    assert timeline.most_recent(frame.iloc[0:0]).empty


def test_timeline_reasons_keep_the_incident_then_the_highest_spikes():
    candidates = pd.DataFrame(
        {"reason_code": ["x", "y", "y", "z", "late", "w"], "score": [4.0, 9.0, 3.0, None, 12.0, 5.0]}
    )
    assert timeline.timeline_reasons(["late"], candidates, 3) == ["late", "y", "w"]
    assert timeline.timeline_reasons([], candidates, 10) == ["late", "y", "w", "x", "z"]
    assert timeline.timeline_reasons(["a", "b"], candidates, 1) == ["a", "b"]  # incidents are never dropped
    assert timeline.timeline_reasons([], candidates.iloc[0:0], 5) == []


def test_around_stays_within_the_published_days():
    lo, hi = dt.date(2026, 9, 12), dt.date(2026, 11, 20)
    assert period.around(dt.date(2026, 11, 4), dt.date(2026, 11, 5), lo, hi) == (
        dt.date(2026, 10, 21),
        dt.date(2026, 11, 19),
    )
    assert period.around(dt.date(2026, 9, 14), dt.date(2026, 11, 15), lo, hi) == (lo, hi)
