"""What changed in the landing zone since the last look: the pure logic behind the `new_landing_files` sensor.

A snapshot maps each watched file (path relative to the landing zone, POSIX style) to its
``(size, mtime_ns)``. The sensor keeps the last snapshot as its cursor (JSON) and asks for a run when
a file is new or its size or modification time changed. A deleted file triggers nothing: raw keeps
what it loaded, and a run would not change the marts.

The same rules as the ingest (orchestration.lib.parsers.discover_files): sub-folders are read,
hidden files and folders (``.partial-upload.json``) are ignored. Files modified in the last
``settle_seconds`` are left for the next look, so a file still being copied in is not read half-written.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

WATCHED_FOLDERS = ("tickets", "calls", "surveys", "reference")
WATCHED_FILES = ("whycall.yml",)

Snapshot = dict[str, tuple[int, int]]


def _visible(relative: Path) -> bool:
    return not any(part.startswith(".") for part in relative.parts)


def snapshot(landing: Path, *, now: float | None = None, settle_seconds: float = 0.0) -> Snapshot:
    """Every watched file of ``landing`` → (size, mtime_ns), skipping files younger than ``settle_seconds``."""
    landing = Path(landing)
    candidates = [landing / name for name in WATCHED_FILES]
    for folder in WATCHED_FOLDERS:
        if (landing / folder).is_dir():
            candidates += (landing / folder).rglob("*")
    now = time.time() if now is None else now
    found: Snapshot = {}
    for path in candidates:
        relative = path.relative_to(landing)
        if not _visible(relative):
            continue
        try:
            if not path.is_file():
                continue
            stat = path.stat()
        except OSError:  # removed between the listing and the stat
            continue
        if 0 <= now - stat.st_mtime < settle_seconds:  # a future mtime (clock skew) must not wait forever
            continue
        found[relative.as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found


def changed_files(previous: Snapshot, current: Snapshot) -> list[str]:
    """Paths that are new in ``current`` or whose (size, mtime_ns) differ; deletions are ignored."""
    return sorted(path for path, state in current.items() if tuple(previous.get(path, ())) != tuple(state))


def run_key(changes: list[str], current: Snapshot) -> str:
    """A key naming exactly this set of file versions: the same change never asks for a second run."""
    digest = hashlib.sha256()
    for path in sorted(changes):
        size, mtime_ns = current[path]
        digest.update(f"{path}\0{size}\0{mtime_ns}\n".encode())
    return f"landing-{digest.hexdigest()[:32]}"


def encode_cursor(current: Snapshot) -> str:
    return json.dumps({path: list(state) for path, state in sorted(current.items())}, separators=(",", ":"))


def decode_cursor(cursor: str | None) -> Snapshot:
    """The snapshot stored in a cursor; an empty or unreadable cursor is an empty snapshot (everything is new)."""
    if not cursor:
        return {}
    try:
        data = json.loads(cursor)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    decoded: Snapshot = {}
    for path, state in data.items():
        if isinstance(path, str) and isinstance(state, list | tuple) and len(state) == 2:
            try:
                decoded[path] = (int(state[0]), int(state[1]))
            except (TypeError, ValueError):
                continue
    return decoded


def describe(changes: list[str], limit: int = 5) -> str:
    """A short human summary of the changed files, for run tags and tick messages."""
    shown = ", ".join(changes[:limit])
    more = f" and {len(changes) - limit} more" if len(changes) > limit else ""
    return f"{len(changes)} new or changed file(s): {shown}{more}"
