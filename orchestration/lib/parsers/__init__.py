"""Landing files → canonical rows: one parser per format, chosen by the source's profile.

``parse_file(path, source, config)`` yields ``records.Chunk`` objects (at most CHUNK_SIZE records
each) for ``source`` in ``tickets``, ``calls``, ``surveys`` or ``reference:<name>``; whole-file
problems raise ``records.InputError``. ``native_reader(source, config)`` offers, for Zendesk
ticket and Talk call pages, a DuckDB path computing the same rows in SQL (``native.py``). ``discover_files(landing, source)`` lists the files a source
reads, in a stable order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.lib.config import SOURCES, WhycallConfig, load_config, suggest
from orchestration.lib.delivered import EXTENSIONS, classify
from orchestration.lib.parsers import csv_profile, qualtrics, reference, talk, zendesk, zendesk_events
from orchestration.lib.parsers.native import NativeReader, native_reader
from orchestration.lib.raw_schema import REFERENCE_FIELDS
from orchestration.lib.records import Chunk, InputError, Reject

PARSERS = {
    "zendesk": zendesk.parse,
    "zendesk_talk": talk.parse,
    "qualtrics": qualtrics.parse,
    "csv": csv_profile.parse,
}
REFERENCE_PREFIX = "reference:"
# Zendesk ticket history (audits, ticket events, ticket metric events): one fixed format, no profile.
HISTORY_SOURCE = "ticket_events"

__all__ = ["EXTENSIONS", "PARSERS", "NativeReader", "Parsed", "collect", "discover_files", "native_reader", "parse_file"]


@dataclass
class Parsed:
    """Every chunk of a file gathered in memory (tests, debugging; the loader streams instead)."""

    rows: list[dict] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    superseded: int = 0
    exploded: int = 0
    chunks: int = 0

    @property
    def rows_read(self) -> int:
        return len(self.rows) + len(self.rejects) + self.superseded - self.exploded

    @property
    def rows_loaded(self) -> int:
        """As the audit counts them: superseded versions are loaded records (CONTRACT §4)."""
        return len(self.rows) + self.superseded - self.exploded


def collect(chunks: Iterable[Chunk]) -> Parsed:
    out = Parsed()
    for chunk in chunks:
        out.rows.extend(chunk.rows)
        out.rejects.extend(chunk.rejects)
        out.superseded += chunk.superseded
        out.exploded += chunk.exploded
        out.chunks += 1
    return out


def _unknown_source(source: str) -> ValueError:
    choices = [*SOURCES, HISTORY_SOURCE, *(REFERENCE_PREFIX + name for name in REFERENCE_FIELDS)]
    hint = suggest(source, choices)
    return ValueError(
        f"unknown source {source!r}" + (f"; {hint}" if hint else "") + f" (known: {', '.join(choices)})"
    )


def parse_file(path: Path, source: str, config: WhycallConfig) -> Iterator[Chunk]:
    """Parse one landing file of ``source`` with the parser its profile's ``format`` names."""
    path = Path(path)
    if source.startswith(REFERENCE_PREFIX):
        return reference.parse(path, source[len(REFERENCE_PREFIX) :], config)
    if source == HISTORY_SOURCE:
        return zendesk_events.parse(path, config)
    if source not in SOURCES:
        raise _unknown_source(source)
    profile = config.sources[source]
    parser = PARSERS.get(profile.format)
    if parser is None:  # config validation makes this unreachable; kept as a clear message
        raise InputError(f"{config.path}: sources.{source}.format: unknown format {profile.format!r}")
    return parser(path, profile, config)


def discover_files(landing: Path, source: str, config: WhycallConfig | None = None) -> list[Path]:
    """Files ``source`` reads under ``landing``, sorted by relative path (the rule: ``delivered.classify``).

    Event sources read their folder recursively (sub-folders per day are fine), keeping the file
    extensions of the profile's format (``tickets/*.json`` for zendesk, ``*.csv``/``*.tsv``/``*.txt``
    for csv...), compressed (``.gz``, a ``.zip`` of one file) or not; hidden files are left out.
    ``reference`` lists the known reference files present; ``reference:<name>`` the one.
    """
    landing = Path(landing)
    if source == "reference" or source.startswith(REFERENCE_PREFIX):
        names = list(REFERENCE_FIELDS) if source == "reference" else [source[len(REFERENCE_PREFIX) :]]
        if any(name not in REFERENCE_FIELDS for name in names):
            raise _unknown_source(source)
        return [p for p in (landing / "reference" / f"{name}.csv" for name in names) if p.is_file()]
    if source not in (*SOURCES, HISTORY_SOURCE):
        raise _unknown_source(source)
    if not (landing / source).is_dir():
        return []
    landed, _ = classify(landing, config or load_config(landing))
    return [item.path for item in landed if item.source == source]
