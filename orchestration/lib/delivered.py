"""Landing files as delivered: which folder reads which names, and how to open them (compressed too).

One place for two rules that the ingest, the audit and the sensor share:

- ``classify(landing, config)``: every file under the landing zone, either read by a source
  (``Landed``) or ignored with the reason a person needs (``Ignored``): an extension the source's
  format does not read, an unknown reference name (with "did you mean"), a folder whycall does not
  read. Hidden files (``.partial``, ``~$lock``) are an upload in progress or an editor's lock: left
  out silently, as before.
- ``open_binary(path)``: the file's content, streamed: ``.gz`` through gzip, a ``.zip`` holding
  exactly one file through zipfile, anything else as is. A damaged archive is an ``InputError``
  naming the file. The sha256 of a landing file is always that of the bytes as delivered.
"""

from __future__ import annotations

import gzip
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from orchestration.lib.config import CONFIG_FILE, SOURCES, WhycallConfig, suggest
from orchestration.lib.raw_schema import REFERENCE_FIELDS
from orchestration.lib.records import InputError

REFERENCE = "reference"
HISTORY = "ticket_events"  # Zendesk ticket history (audits, ticket events, metric events): one fixed format
FOLDERS = (*SOURCES, HISTORY, REFERENCE)
LANDING = "landing"  # the audit source of a file outside every source folder
# What each format reads (before compression). A ``.gz`` of one of them, or a ``.zip`` holding one, is read too.
EXTENSIONS = {
    "zendesk": (".json",),
    "zendesk_talk": (".json", ".jsonl", ".ndjson"),
    "qualtrics": (".csv",),
    "csv": (".csv", ".tsv", ".txt"),
}
REFERENCE_EXTENSIONS = (".csv",)
GZIP = ".gz"
ZIP = ".zip"
_ARCHIVE_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error, zipfile.BadZipFile)


@dataclass(frozen=True)
class Landed:
    source: str  # tickets | calls | surveys | reference:<name>
    path: Path


@dataclass(frozen=True)
class Ignored:
    source: str  # tickets | calls | surveys | reference | landing
    file: str  # relative to the landing zone, POSIX style
    reason: str  # "extension .txt is not read for tickets (...)"


def hidden(relative: PurePosixPath | Path) -> bool:
    return any(part.startswith((".", "~$")) for part in relative.parts)


def content_suffix(name: str) -> str:
    """The extension of the content: ``.json`` for ``page.json.gz``, ``.zip`` for an archive."""
    lower = name.lower()
    lower = lower.removesuffix(GZIP)
    return PurePosixPath(lower).suffix


def is_compressed(path: Path) -> bool:
    return path.name.lower().endswith((GZIP, ZIP))


def _reads(suffix: str, allowed: tuple[str, ...]) -> bool:
    return suffix in allowed or suffix == ZIP


def _described(allowed: tuple[str, ...]) -> str:
    return ", ".join(allowed) + " (also " + ", ".join(f"{a}.gz" for a in allowed) + " and .zip)"


def classify(landing: Path, config: WhycallConfig) -> tuple[list[Landed], list[Ignored]]:
    """Every visible file under ``landing``: what is read (sorted per source) and what is not, and why."""
    landing = Path(landing)
    landed: list[Landed] = []
    ignored: list[Ignored] = []
    if not landing.is_dir():
        return landed, ignored
    root = landing.resolve()
    for path in sorted(landing.rglob("*"), key=lambda p: p.relative_to(landing).as_posix()):
        relative = PurePosixPath(path.relative_to(landing).as_posix())
        if hidden(relative):
            continue
        escape = outside(root, path)
        if escape is not None:  # never followed, never read: audited so the operator sees it
            ignored.append(Ignored(LANDING, relative.as_posix(), escape))
            continue
        if not path.is_file():
            continue
        verdict = _classify_one(relative, path, config)
        (landed if isinstance(verdict, Landed) else ignored).append(verdict)
    return landed, ignored


def outside(root: Path, path: Path) -> str | None:
    """Why ``path`` must not be followed (a symbolic link leading outside the landing zone ``root``, or to
    nothing), else None. A link inside the zone is an ordinary file."""
    if not path.is_symlink() and path.parent.resolve().is_relative_to(root):
        return None
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling or a loop
        return (f"symbolic link to {os.readlink(path) if path.is_symlink() else path} that leads nowhere: "
                "not followed; deliver the file itself")
    if target.is_relative_to(root):
        return None
    return (f"symbolic link to {target}, outside the landing zone: not followed (whycall reads only files in "
            f"{root}); copy the file in instead")


def _classify_one(relative: PurePosixPath, path: Path, config: WhycallConfig) -> Landed | Ignored:
    file = relative.as_posix()
    if len(relative.parts) == 1:
        if relative.name == CONFIG_FILE:
            return Landed("config", path)
        hint = suggest(relative.name, [CONFIG_FILE])
        return Ignored(LANDING, file, f"not in a source folder (whycall reads {', '.join(f + '/' for f in FOLDERS)}"
                                      f" and {CONFIG_FILE})" + (f"; {hint}" if hint else ""))
    folder = relative.parts[0]
    if folder not in FOLDERS:
        hint = suggest(folder, FOLDERS)
        return Ignored(LANDING, file, f"folder '{folder}/' is not read (whycall reads "
                                      f"{', '.join(f + '/' for f in FOLDERS)})" + (f"; {hint}" if hint else ""))
    suffix = content_suffix(relative.name)
    if folder == REFERENCE:
        return _classify_reference(relative, path, suffix)
    fmt = "zendesk" if folder == HISTORY else config.sources[folder].format
    allowed = EXTENSIONS[fmt]
    if _reads(suffix, allowed):
        return Landed(folder, path)
    shown = suffix or "(none)"
    fix = f"format {fmt} reads {_described(allowed)}"
    if fmt != "csv" and suffix in EXTENSIONS["csv"] and folder != HISTORY:
        fix += f"; for a CSV export set sources.{folder}.format: csv with a profile (docs/profiles/)"
    return Ignored(folder, file, f"extension {shown} is not read for {folder} ({fix})")


def _classify_reference(relative: PurePosixPath, path: Path, suffix: str) -> Landed | Ignored:
    file = relative.as_posix()
    known = [f"{name}.csv" for name in REFERENCE_FIELDS]
    if len(relative.parts) > 2:
        return Ignored(REFERENCE, file, "reference files are read from reference/ itself, not from its sub-folders")
    name = relative.name
    if suffix not in REFERENCE_EXTENSIONS:
        return Ignored(REFERENCE, file, f"extension {suffix or '(none)'} is not read for reference "
                                        "(save the sheet as CSV, UTF-8)")
    stem = name[: -len(suffix)]
    if name in known:
        return Landed(f"{REFERENCE}:{stem}", path)
    close = f"did you mean {name.lower()}?" if name.lower() in known else suggest(name, known)
    if close:
        return Ignored(REFERENCE, file, f"unknown reference file {name!r} ({close})")
    return Ignored(REFERENCE, file, f"unknown reference file {name!r} (the names read are {', '.join(known)})")


# --- reading ---------------------------------------------------------------------------------------------


def _archive_error(path: Path, exc: BaseException) -> InputError:
    what = "gzip" if path.name.lower().endswith(GZIP) else "zip"
    detail = str(exc) or type(exc).__name__
    return InputError(f"{path}: the {what} archive cannot be read ({detail}); the transfer was cut short or "
                      f"the file is not a {what} archive: deliver it again")


def _zip_member(path: Path, archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    members = [m for m in archive.infolist()
               if not m.is_dir() and not hidden(PurePosixPath(m.filename)) and not m.filename.startswith("__MACOSX/")]
    if len(members) != 1:
        names = ", ".join(m.filename for m in members[:5]) or "nothing"
        raise InputError(f"{path}: a .zip must hold exactly one file, this one holds {len(members)} ({names}); "
                         "deliver one archive per export")
    return members[0]


def member_name(path: Path) -> str:
    """The name of the content: the file itself, the ``.gz`` without its suffix, or the ``.zip``'s one member."""
    lower = path.name.lower()
    if lower.endswith(ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                return PurePosixPath(_zip_member(path, archive).filename).name
        except _ARCHIVE_ERRORS as exc:
            raise _archive_error(path, exc) from None
    if lower.endswith(GZIP):
        return path.name[: -len(GZIP)]
    return path.name


@contextmanager
def open_binary(path: Path) -> Iterator[IO[bytes]]:
    """The content of ``path``, streamed (decompressed when it is a .gz or a .zip of one file)."""
    path = Path(path)
    lower = path.name.lower()
    archive = None
    try:
        if lower.endswith(GZIP):
            handle: IO[bytes] = gzip.open(path, "rb")  # noqa: SIM115 - closed below
        elif lower.endswith(ZIP):
            archive = zipfile.ZipFile(path)
            handle = archive.open(_zip_member(path, archive))
        else:
            handle = open(path, "rb")  # noqa: SIM115 - closed below
    except _ARCHIVE_ERRORS as exc:
        if archive is not None:
            archive.close()
        raise _archive_error(path, exc) from None
    try:
        yield handle
    except _ARCHIVE_ERRORS as exc:
        raise _archive_error(path, exc) from None
    finally:
        handle.close()
        if archive is not None:
            archive.close()


@contextmanager
def open_text(path: Path, encoding: str) -> Iterator[IO[str]]:
    """``open_binary`` decoded (newline="" for the csv module)."""
    with open_binary(path) as raw:
        text = io.TextIOWrapper(raw, encoding=encoding, newline="")
        try:
            yield text
        finally:
            text.detach()


def read_bytes(path: Path) -> bytes:
    with open_binary(path) as handle:
        return handle.read()


def is_empty(path: Path) -> bool:
    """No content at all (an empty archive member counts as empty)."""
    path = Path(path)
    if not is_compressed(path):
        return path.stat().st_size == 0
    with open_binary(path) as handle:
        return not handle.read(1)
