"""Timestamps from vendor files → naive UTC ``datetime`` (the raw schema's convention).

Accepted, without any format configured:
- ISO 8601 with ``Z`` or an offset (``2012-09-06T20:15:09Z``, ``2024-04-16T03:03:15.000+02:00``),
- the Zendesk legacy export's ``2012-09-06 12:18:55 -0800`` (offset after a space),
- naive ISO (``2017-07-18 08:28:09``), read in the given time zone (zoneinfo, so DST is right),
- epoch seconds (JSON numbers, or digit strings of 9+ digits; values above 1e11 are milliseconds),
- RFC 2822 (``Fri, 18 Oct 2019 17:00:00 +0000``).

With formats configured (a CSV profile's ``timestamp_format``), each is tried in order: a
``strptime`` pattern, or one of the tokens ``iso``, ``epoch`` (seconds), ``epoch_ms``.

Naive local times in a DST change: an ambiguous time (the repeated hour in autumn) is read as
its first occurrence; a time that does not exist (the skipped hour in spring) is read with the
offset in force before the change. Both are zoneinfo's ``fold=0`` rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from email.utils import parsedate_to_datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SPECIAL_FORMATS = ("iso", "epoch", "epoch_ms")
_EPOCH = datetime(1970, 1, 1)
_EPOCH_UTC = _EPOCH.replace(tzinfo=UTC)
_MS_THRESHOLD = 1e11  # seconds since 1970 reach 1e11 in the year 5138: anything larger is milliseconds


class TimestampError(ValueError):
    """A value that is not a timestamp in any accepted form; the message is a reject reason."""


def resolve_timezone(name: str | tzinfo | None) -> tzinfo:
    """A tzinfo for an IANA name (``Europe/Brussels``), ``UTC``/``Z``; ValueError otherwise."""
    if name is None:
        return UTC
    if isinstance(name, tzinfo):
        return name
    if name in ("UTC", "Z", "utc", "Etc/UTC", "GMT"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name such as Europe/Brussels or UTC)"
        ) from None


def to_utc_naive(value: datetime, tz: tzinfo) -> datetime:
    """Aware → UTC; naive → read in ``tz`` then UTC. Result is naive."""
    if value.tzinfo is not None:
        offset = value.utcoffset()
        return value.replace(tzinfo=None) - offset if offset else value.replace(tzinfo=None)
    if tz is UTC:
        return value
    offset = tz.utcoffset(value)
    return value - offset if offset else value


def epoch_to_utc(seconds: float) -> datetime:
    if abs(seconds) >= _MS_THRESHOLD:
        seconds = seconds / 1000.0
    return _EPOCH + timedelta(seconds=seconds)


# --- strptime patterns, compiled to a regex + int() fast path -------------------------------------
# The regexes are those of CPython's _strptime (so the same strings match); directives outside this
# table (%z, %j, %a, %U...) fall back to datetime.strptime itself.
_DIRECTIVES = {
    "Y": r"(?P<Y>\d\d\d\d)",
    "y": r"(?P<y>\d\d)",
    "m": r"(?P<m>1[0-2]|0[1-9]|[1-9])",
    "d": r"(?P<d>3[01]|[12]\d|0[1-9]|[1-9]| [1-9])",
    "H": r"(?P<H>2[0-3]|[0-1]\d|\d)",
    "I": r"(?P<I>1[0-2]|0[1-9]|[1-9])",
    "M": r"(?P<M>[0-5]\d|\d)",
    "S": r"(?P<S>6[0-1]|[0-5]\d|\d)",
    "f": r"(?P<f>[0-9]{1,6})",
    "p": r"(?P<p>am|pm)",
    "b": r"(?P<b>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)",
    "B": r"(?P<B>january|february|march|april|may|june|july|august|september|october|november|december)",
}
_DIRECTIVES["h"] = _DIRECTIVES["b"]
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}
_DATE_DIRECTIVES = set("YyGx") | {"c"}  # a timestamp pattern must name a year


def _compile_fast(fmt: str) -> Callable[[str], datetime | None] | None:
    """Regex-based equivalent of ``datetime.strptime(value, fmt)``, or None if fmt is outside the table."""
    parts: list[str] = []
    seen: set[str] = set()
    i = 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "%":
            if i + 1 >= len(fmt):
                return None
            d = fmt[i + 1]
            if d == "%":
                parts.append("%")
            elif d in _DIRECTIVES and d not in seen and not (d in "bBh" and seen & set("bBh")):
                parts.append(_DIRECTIVES[d])
                seen.add(d)
            else:
                return None
            i += 2
        elif ch.isspace():
            parts.append(r"\s+")
            while i < len(fmt) and fmt[i].isspace():
                i += 1
        else:
            parts.append(re.escape(ch))
            i += 1
    if "Y" not in seen and "y" not in seen:
        return None
    regex = re.compile("".join(parts) + r"\Z", re.IGNORECASE)
    match = regex.match
    # positions in m.groups() (-1: absent) so the hot path does no dict work
    pos = {name: regex.groupindex[name] - 1 for name in regex.groupindex}
    i_year, i_short_year = pos.get("Y", -1), pos.get("y", -1)
    i_month = pos.get("m", -1)
    i_month_name = pos.get("b", pos.get("B", pos.get("h", -1)))
    i_day, i_hour, i_hour12, i_ampm = pos.get("d", -1), pos.get("H", -1), pos.get("I", -1), pos.get("p", -1)
    i_minute, i_second, i_fraction = pos.get("M", -1), pos.get("S", -1), pos.get("f", -1)

    def parse(value: str) -> datetime | None:
        m = match(value)
        if m is None:
            return None
        g = m.groups()
        if i_year >= 0:
            year = int(g[i_year])
        else:
            year = int(g[i_short_year])
            year += 1900 if year >= 69 else 2000
        month = (
            int(g[i_month])
            if i_month >= 0
            else (_MONTHS[g[i_month_name][:3].lower()] if i_month_name >= 0 else 1)
        )
        if i_hour12 >= 0:
            hour = int(g[i_hour12]) % 12
            if i_ampm >= 0 and g[i_ampm] in ("pm", "PM", "Pm", "pM"):
                hour += 12
        else:
            hour = int(g[i_hour]) if i_hour >= 0 else 0
        return datetime(
            year,
            month,
            int(g[i_day]) if i_day >= 0 else 1,
            hour,
            int(g[i_minute]) if i_minute >= 0 else 0,
            int(g[i_second]) if i_second >= 0 else 0,
            int(g[i_fraction].ljust(6, "0")) if i_fraction >= 0 else 0,
        )

    return parse


def check_format(fmt: str) -> str | None:
    """Why ``fmt`` cannot be a timestamp pattern (a problem description), or None if it can."""
    if not isinstance(fmt, str) or not fmt.strip():
        return "a timestamp format must be a non-empty string"
    if fmt in SPECIAL_FORMATS:
        return None
    directives = re.findall(r"%(.)", fmt.replace("%%", ""))
    if not directives:
        return (
            "it has no % directive (Python strptime syntax: %Y-%m-%d %H:%M:%S, "
            "or one of iso, epoch, epoch_ms)"
        )
    if not set(directives) & _DATE_DIRECTIVES:
        return "it names no year (%Y or %y): it cannot place a timestamp in time"
    sample = datetime(2001, 2, 13, 14, 5, 6, 789000, tzinfo=UTC)  # aware, so %z/%Z render
    try:
        rendered = sample.strftime(fmt)
        datetime.strptime(rendered, fmt)
    except ValueError as exc:
        return f"strptime rejects it ({exc})"
    return None


class TimestampParser:
    """Parse many values with one configuration; ``parser(value)`` → naive UTC datetime or None.

    None and blank strings give None; anything else that does not parse raises TimestampError.
    """

    __slots__ = ("_expected", "_steps", "formats", "tz")

    def __init__(self, timezone: str | tzinfo | None = "UTC", formats: str | Sequence[str] | None = None):
        self.tz = resolve_timezone(timezone)
        if isinstance(formats, str):
            formats = [formats]
        self.formats = tuple(formats) if formats else None
        if self.formats:
            for fmt in self.formats:
                problem = check_format(fmt)
                if problem:
                    raise ValueError(f"timestamp format {fmt!r}: {problem}")
            self._steps = [self._step(fmt) for fmt in self.formats]
            self._expected = " or ".join(self.formats)
        else:
            self._steps = None
            self._expected = "ISO 8601 (e.g. 2024-03-01T09:30:00Z) or epoch seconds"

    @staticmethod
    def _step(fmt: str) -> Callable[[str], datetime | None]:
        if fmt == "iso":
            return _try_iso
        if fmt in ("epoch", "epoch_ms"):
            scale = 1000.0 if fmt == "epoch_ms" else 1.0

            def epoch(value: str) -> datetime | None:
                try:
                    return _EPOCH_UTC + timedelta(seconds=float(value) / scale)
                except (ValueError, OverflowError):
                    return None

            return epoch
        fast = _compile_fast(fmt)
        if fast is not None:
            return fast

        def slow(value: str) -> datetime | None:
            try:
                return datetime.strptime(value, fmt)
            except ValueError:
                return None

        return slow

    def __call__(self, value: object) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return epoch_to_utc(float(value))
            except (OverflowError, ValueError):
                raise TimestampError(f"bad timestamp {value!r}: epoch out of range") from None
        if not isinstance(value, str):
            raise TimestampError(f"bad timestamp {value!r}: not a string or number")
        text = value.strip()
        if not text:
            return None
        steps = self._steps
        try:
            if steps is None:
                parsed = _parse_default(text)
            else:
                parsed = None
                for step in steps:
                    parsed = step(text)
                    if parsed is not None:
                        break
        except ValueError:  # a well-formed pattern with impossible fields, e.g. 31/02
            parsed = None
        if parsed is None:
            raise TimestampError(f"bad timestamp {_short(value)} (expected {self._expected})")
        try:
            return to_utc_naive(parsed, self.tz)
        except OverflowError:
            raise TimestampError(f"bad timestamp {_short(value)}: out of range") from None


def _short(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def _try_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_default(text: str) -> datetime | None:
    if text.isdigit() and len(text) >= 9:
        return epoch_to_utc(float(text)).replace(tzinfo=UTC)
    parsed = _try_iso(text)
    if parsed is not None:
        return parsed
    if text[:1].isalpha():
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return None


def parse_timestamp(
    value: object, timezone: str | tzinfo | None = "UTC", formats: str | Sequence[str] | None = None
) -> datetime | None:
    """One-off parse; build a TimestampParser once for many values."""
    return TimestampParser(timezone, formats)(value)


def parse_date(value: str | None) -> date | None:
    """A business date ``YYYY-MM-DD`` (reference files); None for blank; ValueError otherwise."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"bad date {_short(value)} (expected YYYY-MM-DD)") from None
