"""What a daily pipeline leaves on disk: bounded (docs/security.md, docs/operations.md).

dagster-dbt writes one target folder per dbt invocation (compiled SQL, manifest, run results: ~8 MB
each), the runner one log per run; kept forever they fill the disk in months. The last ``keep`` of each
are kept, and the dbt folder of the build now published, however old. Interrupted publishes leave
``.<warehouse>.<pid>.tmp`` files: those of processes no longer running are removed.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

DEFAULT_KEEP = 5
KEEP_ENV = "WHYCALL_KEEP_RUNS"
DBT_TARGET_PREFIX = "whycall_dbt_models-"  # dagster-dbt names a run's folder after the asset and the run


def keep_runs() -> int:
    """How many dbt target folders and run logs to keep (WHYCALL_KEEP_RUNS, at least 1)."""
    raw = os.environ.get(KEEP_ENV, "")
    try:
        return max(1, int(raw)) if raw else DEFAULT_KEEP
    except ValueError:
        raise ValueError(f"{KEEP_ENV}={raw!r}: expected a whole number of runs to keep, e.g. {DEFAULT_KEEP}") from None


def newest_dbt_target(target_dir: Path) -> Path | None:
    folders = _by_age(p for p in target_dir.glob(DBT_TARGET_PREFIX + "*") if p.is_dir())
    return folders[0] if folders else None


def prune(paths: list[Path], keep: int, protect: Path | None = None) -> list[Path]:
    """Remove all but the ``keep`` newest of ``paths`` (and ``protect``); the removed paths."""
    removed = []
    for path in _by_age(paths)[keep:]:
        if protect is not None and path.resolve() == protect.resolve():
            continue
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def prune_dbt_targets(target_dir: Path, keep: int, published: Path | None) -> list[Path]:
    return prune([p for p in target_dir.glob(DBT_TARGET_PREFIX + "*") if p.is_dir()], keep, published)


def prune_run_logs(log_dir: Path, keep: int) -> list[Path]:
    return prune(list(log_dir.glob("run-*.log")), keep)


def remove_stale_publish_tmp(warehouse: Path) -> list[Path]:
    """``.<warehouse>.<pid>.tmp`` files of publishes whose process is gone (killed, disk full...)."""
    pattern = re.compile(re.escape(f".{warehouse.name}.") + r"(\d+)\.tmp(\.wal)?")
    removed = []
    for path in warehouse.parent.glob(f".{warehouse.name}.*.tmp*"):
        match = pattern.fullmatch(path.name)
        if match and not _alive(int(match.group(1))):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def record_published_target(marker: Path, target_dir: Path) -> None:
    """After a publish: the newest dbt folder is the published build's (kept by prune_dbt_targets)."""
    newest = newest_dbt_target(target_dir)
    if newest is not None:
        marker.write_text(newest.name)


def published_target(marker: Path, target_dir: Path) -> Path | None:
    name = marker.read_text().strip() if marker.is_file() else ""
    return target_dir / name if name else None


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # ours from an earlier attempt in this process: not in use now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _by_age(paths) -> list[Path]:
    """Newest first (modification time, then name: run logs and folders of the same second stay ordered)."""
    return sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)
