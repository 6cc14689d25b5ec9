"""Streaming delimited-file reading shared by the CSV-based parsers (profile, Qualtrics, reference).

Records, not physical lines: a quoted field may span lines. Each record comes with the physical
line where it starts (for rejects). Whole-file problems raise InputError with the fix.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from orchestration.lib import delivered
from orchestration.lib.parsers._common import clip, file_error

_FIELD_LIMIT = 1 << 30  # a 10 MB free-text field is a record like any other (csv's default limit is 128 KiB)


class UnreadableRecord:
    """A record the csv module could not split (e.g. a NUL byte): rejected, reading goes on."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def iter_records(
    path: Path,
    *,
    encoding: str,
    delimiter: str = ",",
    quotechar: str | None = '"',
    skip_rows: int = 0,
    encoding_key: str = "encoding",
) -> Iterator[tuple[int, list[str] | UnreadableRecord]]:
    """(physical start line, fields) per record; blank lines are skipped (they hold no record)."""
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)
    if delivered.is_empty(path):
        raise file_error(path, "the file is empty", "export it again, or remove it from the landing zone")
    quoting = csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE
    with delivered.open_text(path, encoding) as handle:
        yield from _records(path, handle, encoding, delimiter, quotechar, quoting, skip_rows, encoding_key)


def _records(path, handle, encoding, delimiter, quotechar, quoting, skip_rows, encoding_key):
    """Records of an open text handle (see iter_records)."""
    offset = 0
    try:
        for _ in range(skip_rows):
            if not handle.readline():
                raise file_error(
                    path,
                    f"the file has only {offset} line(s) but skip_rows is {skip_rows}",
                    "lower skip_rows to the number of junk lines before the header",
                )
            offset += 1
        # strict: a stray or unterminated quote is a rejected record, not text silently glued on
        reader = csv.reader(
            handle, delimiter=delimiter, quotechar=quotechar or '"', quoting=quoting, strict=True
        )
        last = 0
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                start = last + 1 + offset
                last = reader.line_num
                yield start, UnreadableRecord(f"unreadable CSV record: {exc}")
                continue
            start = last + 1 + offset
            last = reader.line_num
            if row:
                yield start, row
    except UnicodeDecodeError as exc:
        line = _first_bad_line(path, encoding) or (offset + 1)
        raise file_error(
            path,
            f"cannot be decoded as {encoding} ({exc.reason})",
            f"set {encoding_key} to the file's real encoding (e.g. latin-1 or cp1252)",
            line=line,
        ) from None


def _first_bad_line(path: Path, encoding: str) -> int | None:
    """Physical line of the first undecodable byte (the text layer decodes ahead in blocks)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    with delivered.open_binary(path) as raw:
        for number, line in enumerate(raw, start=1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return None


def raw_record(fields: list[str], delimiter: str, quotechar: str | None) -> str:
    """The record as text for a reject (re-quoted as the file would quote it)."""
    buffer = io.StringIO()
    csv.writer(
        buffer,
        delimiter=delimiter,
        quotechar=quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE,
        escapechar=None if quotechar else "\\",
        lineterminator="",
    ).writerow(fields)
    return clip(buffer.getvalue())


def header_names(row: list[str]) -> list[str]:
    """Header cells stripped of spaces and of a BOM left by an encoding without -sig."""
    names = [cell.strip() for cell in row]
    if names:
        names[0] = names[0].lstrip("\ufeff").strip()
    return names
