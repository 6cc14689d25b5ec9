"""What a parser yields: canonical rows (dicts keyed by raw_schema field names) and rejects."""

from __future__ import annotations

from dataclasses import dataclass, field

CHUNK_SIZE = 5000  # records per chunk: bounds memory whatever the file size


@dataclass(frozen=True)
class Reject:
    line: int  # CSV: 1-based physical line where the record starts; JSON: 0-based index in the main array
    reason: str  # short, human readable: "bad timestamp 'foo' in created_at"
    raw: str  # the offending record as text (truncated to 10,000 chars by the loader)


@dataclass
class Chunk:
    rows: list[dict] = field(default_factory=list)  # each row: {raw_schema field: value}, plus "_record"
    rejects: list[Reject] = field(default_factory=list)
    # Records read but folded by a CSV profile's group_by into a later record with the same key
    # (an event log keeps one row per key). They produce no row; the audit counts them as read and
    # loaded, like superseded Zendesk versions (CONTRACT §4), so rows_read = loaded + rejected holds.
    superseded: int = 0
    # Rows beyond one per record: a Zendesk audit is one record of its page but one row per child
    # event. The audit counts records (CONTRACT §4), so the loader subtracts these.
    exploded: int = 0

    @property
    def full(self) -> bool:
        """Time to hand the chunk over: parsers yield at CHUNK_SIZE records to bound memory."""
        return len(self.rows) + len(self.rejects) >= CHUNK_SIZE

    def __bool__(self) -> bool:
        return bool(self.rows or self.rejects or self.superseded)


class InputError(Exception):
    """A whole file or profile cannot be read. The message names the file, the key and the fix.

    ``line`` (physical line) and ``byte`` (offset in the content) say where, when known: the loader
    puts them on the file's reject row."""

    def __init__(self, message: str, *, line: int | None = None, byte: int | None = None):
        super().__init__(message)
        self.line = line
        self.byte = byte
