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
    """A record the csv module could not split (a NUL byte, a runaway quote): rejected with its
    physical lines as ``raw``, reading goes on."""

    __slots__ = ("raw", "reason")

    def __init__(self, reason: str, raw: str = ""):
        self.reason = reason
        self.raw = clip(raw)


class _Lines:
    """The physical lines of a text handle, numbered, with push-back (to re-read after a broken record).
    ``taken`` holds the lines handed out since it was last cleared: the lines of the current record."""

    def __init__(self, handle, first_number: int):
        self._handle = handle
        self._back: list[tuple[int, str]] = []  # to re-read, the next one last
        self._count = first_number - 1
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._back:
            number, line = self._back.pop()
        else:
            line = self._handle.readline()
            if not line:
                raise StopIteration
            self._count += 1
            number = self._count
        self.taken.append((number, line))
        return line

    def push_back(self, lines: list[tuple[int, str]]) -> None:
        self._back.extend(reversed(lines))


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
        def reader_of(lines):
            return csv.reader(lines, delimiter=delimiter, quotechar=quotechar or '"', quoting=quoting, strict=True)

        lines = _Lines(handle, offset + 1)
        reader = reader_of(lines)
        width = None  # the first record's (the header's) number of fields
        while True:
            lines.taken = []
            error = None
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                row, error = None, exc
            taken = lines.taken
            if not taken:
                continue
            start = taken[0][0]
            if error is None and (len(taken) == 1 or width is None or len(row) == width):
                if row:
                    width = len(row) if width is None else width
                    yield start, row
                continue
            if len(taken) == 1:
                yield start, UnreadableRecord(f"unreadable CSV record: {error}", taken[0][1])
                continue
            # A record spanning lines that fails, or has the wrong number of fields: a quote opened and
            # never closed where it should be swallowed the records after it. Resume at the next line that
            # is a record of its own with the expected number of fields; reject the lines before it.
            resume = _resume_at(taken, width, reader_of)
            lines.push_back(taken[resume:])
            reader = reader_of(lines)
            broken = "".join(line for _, line in taken[:resume])
            last = taken[resume - 1][0]
            found = f"{error}" if error is not None else f"{len(row)} field(s) instead of {width}"
            span = f"line {start}" if last == start else f"lines {start}-{last}"
            yield start, UnreadableRecord(
                f"unterminated quoted field: a quote opened on line {start} is not closed where the record "
                f"should end ({found}); {span} rejected, reading resumed on the next line", broken)
    except UnicodeDecodeError as exc:
        line = _first_bad_line(path, encoding) or (offset + 1)
        raise file_error(
            path,
            f"cannot be decoded as {encoding} ({exc.reason})",
            f"set {encoding_key} to the file's real encoding (e.g. latin-1 or cp1252)",
            line=line,
        ) from None


def _resume_at(taken: list[tuple[int, str]], width: int | None, reader_of) -> int:
    """Index in ``taken`` (after the first line) of the first line that parses alone into ``width`` fields."""
    for index in range(1, len(taken)):
        try:
            rows = list(reader_of(iter([taken[index][1]])))
        except csv.Error:
            continue
        if len(rows) == 1 and width is not None and len(rows[0]) == width:
            return index
    return len(taken)


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
