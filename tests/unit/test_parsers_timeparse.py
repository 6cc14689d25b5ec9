"""Timestamps → naive UTC (orchestration.lib.timeparse), and the file fingerprint (hashing)."""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

import pytest

from orchestration.lib.hashing import sha256_file
from orchestration.lib.timeparse import (
    TimestampError,
    TimestampParser,
    check_format,
    parse_date,
    parse_timestamp,
    resolve_timezone,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-09-06T20:15:09Z", datetime(2012, 9, 6, 20, 15, 9)),
        ("2024-04-16T03:03:15.250+02:00", datetime(2024, 4, 16, 1, 3, 15, 250000)),
        ("2012-09-06 12:18:55 -0800", datetime(2012, 9, 6, 20, 18, 55)),  # Zendesk legacy export
        ("2012-11-05 03:03:23 -0900", datetime(2012, 11, 5, 12, 3, 23)),
        ("Fri, 18 Oct 2019 17:00:00 +0000", datetime(2019, 10, 18, 17, 0)),  # RFC 2822 (Twilio)
        (1346962736, datetime(2012, 9, 6, 20, 18, 56)),  # epoch seconds
        (1346962736000, datetime(2012, 9, 6, 20, 18, 56)),  # epoch milliseconds
        ("1346962736", datetime(2012, 9, 6, 20, 18, 56)),  # epoch as text: UTC whatever the zone
        ("2024-01-15 10:00:00", datetime(2024, 1, 15, 9, 0)),  # naive: Brussels winter, +01:00
        ("2024-07-15 10:00:00", datetime(2024, 7, 15, 8, 0)),  # naive: Brussels summer, +02:00
        ("2024-10-27 02:30:00", datetime(2024, 10, 27, 0, 30)),  # repeated hour: first occurrence (+02:00)
        ("2024-03-31 02:30:00", datetime(2024, 3, 31, 1, 30)),  # skipped hour: offset before the change
        ("", None),
        (None, None),
    ],
)
def test_default_forms(value, expected):
    assert TimestampParser("Europe/Brussels")(value) == expected


def test_us_12_hour_and_day_first_formats_tried_in_order():
    parse = TimestampParser("America/New_York", ["%m/%d/%Y %I:%M:%S %p", "%d/%m/%Y %H:%M", "iso"])
    assert parse("06/26/2018 12:50:01 AM") == datetime(2018, 6, 26, 4, 50, 1)  # 12 AM is 00h
    assert parse("06/26/2018 12:50:01 PM") == datetime(2018, 6, 26, 16, 50, 1)  # 12 PM is noon
    assert parse("06/26/2018 01:05:00 pm") == datetime(2018, 6, 26, 17, 5)
    assert parse("29/2/2016 01:16") == datetime(2016, 2, 29, 6, 16)  # no zero padding
    assert parse("2024-04-16T03:03:15.000") == datetime(2024, 4, 16, 7, 3, 15)
    with pytest.raises(TimestampError) as info:
        parse("31/02/2016 01:16")
    assert (
        str(info.value)
        == "bad timestamp '31/02/2016 01:16' (expected %m/%d/%Y %I:%M:%S %p or %d/%m/%Y %H:%M or iso)"
    )


def test_fast_path_agrees_with_strptime():
    rng = random.Random(3)
    formats = ["%m/%d/%Y %I:%M:%S %p", "%d-%m-%Y", "%Y%m%d%H%M%S", "%d %b %Y %H:%M:%S.%f", "%y/%m/%d %H:%M"]
    for fmt in formats:
        parse = TimestampParser("UTC", fmt)
        for _ in range(300):
            moment = datetime(1990, 1, 1) + timedelta(
                seconds=rng.randint(0, 1_500_000_000), microseconds=rng.randint(0, 999_999)
            )
            text = moment.strftime(fmt)
            assert parse(text) == datetime.strptime(text, fmt), (fmt, text)


def test_formats_outside_the_fast_table_use_strptime():
    assert parse_timestamp("2024-03-01 10:00 +0100", "UTC", "%Y-%m-%d %H:%M %z") == datetime(2024, 3, 1, 9, 0)
    assert parse_timestamp("2024/061", "UTC", "%Y/%j") == datetime(2024, 3, 1)
    assert parse_timestamp("1709287200", "Europe/Brussels", "epoch") == datetime(2024, 3, 1, 10, 0)
    assert parse_timestamp("1709287200000", "UTC", "epoch_ms") == datetime(2024, 3, 1, 10, 0)


@pytest.mark.parametrize(
    ("fmt", "problem"),
    [
        ("%Y-%m-%d %H:%M", None),
        ("iso", None),
        ("yyyy-mm-dd", "it has no % directive"),
        ("%H:%M:%S", "it names no year (%Y or %y): it cannot place a timestamp in time"),
        ("%Y-%m-%d %Q", "strptime rejects it ('Q' is a bad directive in format '%Y-%m-%d %Q')"),
    ],
)
def test_check_format(fmt, problem):
    result = check_format(fmt)
    assert result == problem if problem is None else result.startswith(problem)


def test_errors_are_clear():
    with pytest.raises(TimestampError, match=r"bad timestamp 'next tuesday' \(expected ISO 8601"):
        parse_timestamp("next tuesday")
    with pytest.raises(ValueError, match="timestamp format 'dd/mm/yyyy': it has no % directive"):
        TimestampParser("UTC", "dd/mm/yyyy")
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        resolve_timezone("Mars/Olympus")
    with pytest.raises(ValueError, match=r"bad date '2024-02-30' \(expected YYYY-MM-DD\)"):
        parse_date("2024-02-30")
    assert parse_date(" 2024-02-29 ") == datetime(2024, 2, 29).date()


def test_sha256_streams_the_file(tmp_path):
    path = tmp_path / "page.json"
    data = b"x" * (3 * 1024 * 1024 + 17)
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
