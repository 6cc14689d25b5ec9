"""What the Incidents page shows by default: which incident when the period has none, which reasons get a line.
Pure functions on data frames, no Streamlit, no SQL."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd


def most_recent(incidents: pd.DataFrame) -> pd.DataFrame:
    """The incident that ended last (then started last), as a one-row frame; empty when there is none."""
    if incidents.empty:
        return incidents
    ordered = incidents.assign(
        _end=pd.to_datetime(incidents["period_end"]), _start=pd.to_datetime(incidents["period_start"])
    )
    ordered = ordered.sort_values(
        ["_end", "_start", "incident_id"], ascending=[False, False, True], na_position="last"
    )
    return ordered.head(1).drop(columns=["_end", "_start"]).reset_index(drop=True)


def timeline_reasons(incident_reasons: Iterable[str], candidates: pd.DataFrame, limit: int) -> list[str]:
    """The incidents' reasons, then the reasons of the highest spikes (by their best score), at most ``limit``
    (the incidents' reasons are always kept): a line per reason the leader should look at, not one per reason."""
    chosen = list(dict.fromkeys(r for r in incident_reasons if isinstance(r, str)))
    if not candidates.empty:
        best = (
            candidates.groupby("reason_code")["score"]
            .max()
            .fillna(0)
            .sort_values(ascending=False, kind="stable")
        )
        for reason in best.index:
            if len(chosen) >= limit:
                break
            if reason not in chosen:
                chosen.append(reason)
    return chosen
