"""The pure helpers of the What-to-fix-first page: links the app can read back, interval and status texts."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

from app import priority_view as pv


def test_explorer_link_carries_the_reason_the_window_and_a_non_default_language():
    link = urlparse(pv.explorer_link("late delivery&co", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "fr"))
    assert link.path == "/explorer"
    assert parse_qs(link.query) == {
        "reason": ["late delivery&co"], "lang": ["fr"], "from": ["2026-01-01"], "to": ["2026-03-31"],
    }  # fmt: skip
    assert "lang" not in pv.explorer_link("x", None, None, "en")


def test_department_link_is_none_without_a_department():
    assert pv.department_link(None, "en") is None
    assert pv.department_link(float("nan"), "en") is None
    assert pv.department_link("BILL", "en") == "/departments?department=BILL"


def test_interval_text_in_both_languages():
    assert pv.interval_text(-12.4, -20.2, -4.6, "en") == "-12 [-20, -5]"
    assert pv.interval_text(-12.4, -20.2, -4.6, "fr") == "-12 [-20; -5]"
    assert pv.interval_text(3.0, None, None, "en") == "+3"
    assert pv.interval_text(None, 1, 2, "en") == ""


def test_trend_text_is_a_change_in_percent():
    assert pv.trend_text(1.25, 1.03, 1.52, "en") == "+25% [+3%, +52%]"
    assert pv.trend_text(0.5, 0.4, 0.625, "fr") == "-50 % [-60 %; -38 %]"
    assert pv.trend_text(float("nan"), None, None, "en") == ""


def test_action_status():
    assert pv.action_status(False, None, None, "en") == "none yet"
    assert pv.action_status(True, "A-1", "reduced", "fr") == "A-1 · réduit"
    assert pv.action_status(True, "A-2", None, "en") == "A-2 · not measured yet"
