"""Calendar rules shared by the pages: which days a month-to-date figure covers, what it is compared with,
and how much of a monthly target those days are worth. Pure functions, no Streamlit, no SQL."""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


@dataclasses.dataclass(frozen=True)
class MonthToDate:
    """The days of ``month`` a scorecard covers, and the same days of the month before.

    ``partial`` when the covered days are not the whole month (the month is still in progress, or the period
    ends before its last day): a partial month is compared day for day, never with a whole month.
    """

    month: dt.date
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def month_days(self) -> int:
        return days_in_month(self.month)

    @property
    def partial(self) -> bool:
        return self.start != self.month or self.end != month_end(self.month)

    def prorate(self, monthly_target: float | None) -> float | None:
        """The share of a monthly target the covered days are worth (days / days of the month)."""
        if monthly_target is None:
            return None
        return monthly_target * self.days / self.month_days


def month_to_date(
    month: dt.date, period_end: dt.date, data_first: dt.date, data_last: dt.date
) -> MonthToDate:
    """The days of ``month`` up to ``period_end`` that the data covers, and the same days (by day of the month)
    of the previous month, clipped to its length (31 March compares with 28 or 29 February)."""
    first = month_start(month)
    start = max(first, data_first)
    end = min(month_end(first), period_end, data_last)
    previous = month_start(first - dt.timedelta(days=1))
    last_previous = month_end(previous)
    previous_start = previous.replace(day=min(start.day, last_previous.day))
    previous_end = previous.replace(day=min(end.day, last_previous.day))
    return MonthToDate(first, start, end, previous_start, previous_end)


def prorated_targets(
    months: list[dt.date], targets: list[float | None], data_first: dt.date, data_last: dt.date
) -> list[float | None]:
    """Monthly targets for the months of a chart, each pro-rated to the days of its month the data covers
    (a month counted over 7 days is held to 7/31 of its target)."""
    out = []
    for month, target in zip(months, targets, strict=True):
        covered = month_to_date(month, month_end(month), data_first, data_last)
        out.append(covered.prorate(target) if covered.days > 0 else None)
    return out
