"""``whycall.yml`` ``business_hours``: weekly opening intervals per schedule, validated and flattened.

``business_hours: {default: {mon: "08:00-18:00", fri: "08:00-12:00,13:00-17:00"}, by_department: {BILL: {...}}}``
gives, per schedule (``default`` or a department id), the local opening intervals of each weekday; days not
listed are closed. ``flatten`` turns it into rows (schedule, ISO weekday 1-7, start minute, end minute) that
dbt expands into dated UTC intervals in the business time zone (``int_business_intervals``), so a DST change
moves the hours with the clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}
_INTERVAL = re.compile(r"\s*([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-4]):([0-5]\d)\s*\Z")
EXAMPLE = 'e.g. mon: "08:00-18:00" or fri: "08:00-12:00,13:00-17:00"'

Fail = Callable[[str, str, str], None]


def _day_intervals(text: Any, path: str, fail: Fail) -> list[tuple[int, int]]:
    if not isinstance(text, str):
        fail(path, f"expected opening hours as text, found {text!r}", EXAMPLE)
    out: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _INTERVAL.match(part)
        if not match:
            fail(path, f"bad opening interval {part.strip()!r}", "write HH:MM-HH:MM; " + EXAMPLE)
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end > 24 * 60 or end <= start:
            fail(path, f"interval {part.strip()!r} ends before it starts", "overnight hours: split at 24:00")
        out.append((start, end))
    out.sort()
    for (_, end), (start, _) in zip(out, out[1:], strict=False):
        if start < end:
            fail(path, f"intervals overlap in {text!r}", "list each opening once")
    return out


def _schedule(value: Any, path: str, fail: Fail) -> dict[int, list[tuple[int, int]]]:
    if not isinstance(value, Mapping):
        fail(path, f"expected a mapping of weekdays, found {value!r}", EXAMPLE)
    out = {}
    for day, text in value.items():
        if day not in DAYS:
            fail(f"{path}.{day}", f"unknown weekday {day!r}", f"use {', '.join(DAYS)}")
        out[DAYS[day]] = _day_intervals(text, f"{path}.{day}", fail)
    return out


def validate(value: Any, fail: Fail) -> dict[str, dict[int, list[tuple[int, int]]]] | None:
    """schedule name → ISO weekday → [(start minute, end minute)], or None without business hours."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        fail("business_hours", f"expected a mapping, found {value!r}", "write business_hours: {default: {mon: ...}}")
    for key in value:
        if key not in ("default", "by_department"):
            fail(f"business_hours.{key}", f"unknown key {key!r}", "allowed: default, by_department")
    if "default" not in value:
        fail("business_hours", "the default schedule is missing", "add default: {mon: \"08:00-18:00\", ...}")
    schedules = {"default": _schedule(value["default"], "business_hours.default", fail)}
    by_department = value.get("by_department") or {}
    if not isinstance(by_department, Mapping):
        fail("business_hours.by_department", f"expected a mapping, found {by_department!r}", "e.g. {BILL: {mon: ...}}")
    for department, schedule in by_department.items():
        if str(department) == "default":
            fail("business_hours.by_department.default", "'default' is the name of the default schedule",
                 "name departments by their department_id")
        schedules[str(department)] = _schedule(schedule, f"business_hours.by_department.{department}", fail)
    return schedules


def flatten(schedules: Mapping[str, Mapping[int, list[tuple[int, int]]]] | None) -> list[dict[str, Any]]:
    """Rows for the dbt var ``business_hours``: schedule, isodow, start_minute, end_minute."""
    if not schedules:
        return []
    return [
        {"schedule": name, "isodow": day, "start_minute": start, "end_minute": end}
        for name, days in schedules.items()
        for day, intervals in sorted(days.items())
        for start, end in intervals
    ]
