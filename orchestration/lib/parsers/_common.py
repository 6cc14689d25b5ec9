"""Shared pieces of the parsers: value coercion, reject text, JSON page reading, file errors."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from orchestration.lib import delivered
from orchestration.lib.raw_schema import CONTACT_FIELDS, SURVEY_FIELDS
from orchestration.lib.records import InputError

RAW_LIMIT = 10_000  # a reject keeps the start of the record (the loader truncates to the same length)
FUTURE_TOLERANCE = timedelta(days=2)  # clocks and time zones differ; beyond this a start time is a typo

CONTACT_TEMPLATE: dict[str, Any] = {name: None for name, _ in CONTACT_FIELDS}
SURVEY_TEMPLATE: dict[str, Any] = {name: None for name, _ in SURVEY_FIELDS}
MISSING = frozenset(["", "-"])  # Zendesk's legacy export writes missing values as "" or "-"


class RecordError(ValueError):
    """One record cannot be loaded; the message is the reject reason."""


def file_error(path: Path, problem: str, fix: str = "", line: int | None = None,
               byte: int | None = None) -> InputError:
    where = f"{path} line {line}" if line else str(path)
    return InputError(f"{where}: {problem}" + (f"; {fix}" if fix else ""), line=line, byte=byte)


def future_limit() -> datetime:
    """Start times after this are rejected (a year typo would otherwise sit in every chart)."""
    return datetime.now(UTC).replace(tzinfo=None) + FUTURE_TOLERANCE


def raw_json(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT]


def clip(text: str) -> str:
    return text if len(text) <= RAW_LIMIT else text[:RAW_LIMIT]


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def to_str(value: Any) -> str | None:
    """Ids and labels as text: JSON numbers keep no '.0'; blank → None; lists join by space."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list):
        return " ".join(s for s in (to_str(v) for v in value) if s) or None
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def to_int(value: Any, name: str) -> int | None:
    if value is None or isinstance(value, bool):
        if isinstance(value, bool):
            raise RecordError(f"bad integer {short(value)} in {name}")
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise RecordError(f"bad integer {short(value)} in {name}")
    text = str(value).strip()
    if text in MISSING:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise RecordError(f"bad integer {short(value)} in {name}") from None
        if number.is_integer():
            return int(number)
        raise RecordError(f"bad integer {short(value)} in {name}") from None


def to_float(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise RecordError(f"bad number {short(value)} in {name}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()
        if text in MISSING:
            return None
        try:
            number = float(text)
        except ValueError:
            raise RecordError(f"bad number {short(value)} in {name}") from None
    if math.isnan(number) or math.isinf(number):
        raise RecordError(f"bad number {short(value)} in {name}")
    return number


def to_duration(value: Any, name: str) -> float | None:
    """Seconds from a number or ``[H:]MM:SS``; negative durations are rejected."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text in MISSING:
            return None
        if ":" in text:
            seconds = _clock_seconds(text, value, name)
        else:
            try:
                seconds = float(text)
            except ValueError:
                raise RecordError(
                    f"bad duration {short(value)} in {name} (expected seconds or H:MM:SS)"
                ) from None
        if math.isnan(seconds) or math.isinf(seconds):
            raise RecordError(f"bad duration {short(value)} in {name}")
    else:
        seconds = to_float(value, name)
        if seconds is None:
            return None
    if seconds < 0:
        raise RecordError(f"negative duration {short(value)} in {name}")
    return seconds


def _clock_seconds(text: str, value: Any, name: str) -> float:
    parts = text.split(":")
    if len(parts) < 2 or len(parts) > 3:
        raise RecordError(f"bad duration {short(value)} in {name} (expected seconds or H:MM:SS)")
    seconds = 0.0
    try:
        for part in parts:
            seconds = seconds * 60 + abs(float(part))
    except ValueError:
        raise RecordError(f"bad duration {short(value)} in {name} (expected seconds or H:MM:SS)") from None
    return -seconds if text.startswith("-") else seconds


_TRUE = frozenset(["1", "true", "t", "yes", "y"])
_FALSE = frozenset(["0", "false", "f", "no", "n"])


def to_bool(value: Any, name: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RecordError(f"bad boolean {short(value)} in {name}")


JSONL = object()  # read_json's answer for a file of one JSON value per line


def read_json(path: Path, *, expect: str, fix_other: str = "", jsonl_ok: bool = False) -> Any:
    """Parse one JSON page; whole-file problems (empty, truncated, not JSON, not UTF-8) → InputError.

    With ``jsonl_ok``, a file holding one JSON value per line answers ``JSONL`` (stream it by line).
    """
    data = delivered.read_bytes(path)
    if not data.strip():
        raise file_error(path, "the file is empty", f"export the {expect} again, or remove the file")
    try:
        return json.loads(data)
    except UnicodeDecodeError as exc:
        raise file_error(
            path, f"not UTF-8 text ({exc.reason} at byte {exc.start})", "export the JSON as UTF-8", byte=exc.start
        ) from None
    except json.JSONDecodeError as exc:
        doc = exc.doc
        stripped = doc.lstrip()
        if stripped[:1] not in ("{", "["):
            start = stripped.splitlines()[0][:40] if stripped else ""
            raise file_error(
                path,
                f"not JSON (it starts with {start!r})",
                fix_other or f"a {expect} (JSON) is expected here",
            ) from None
        if jsonl_ok and exc.msg == "Extra data" and doc.count("\n", 0, exc.pos) >= 1:
            return JSONL
        runaway = exc.msg.startswith("Unterminated string") and '"' not in doc[exc.pos + 1 :]
        if exc.pos >= len(doc.rstrip()) or runaway:  # the text stops inside a value: cut short
            byte = len(data)
            raise file_error(
                path,
                f"truncated JSON: the document ends before it is complete, at byte {byte} ({exc.msg})",
                "the download was cut short; fetch the page again",
                line=exc.lineno,
                byte=byte,
            ) from None
        raise json_error(path, exc) from None


def _byte_offset(doc: str, pos: int) -> int:
    """Offset in the UTF-8 bytes of the character offset ``pos`` of the decoded text."""
    return len(doc[:pos].encode("utf-8", "surrogatepass"))


def json_error(path: Path, exc: json.JSONDecodeError) -> InputError:
    byte = _byte_offset(exc.doc, exc.pos)
    return file_error(
        path, f"invalid JSON: {exc.msg} at column {exc.colno} (byte {byte})", "fix or re-export the file",
        line=exc.lineno, byte=byte,
    )


def check_future(value: datetime | None, limit: datetime, name: str) -> None:
    if value is not None and value > limit:
        raise RecordError(f"{name} {value.isoformat(sep=' ')} is in the future")
