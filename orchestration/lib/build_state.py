"""Whether a dbt build may be incremental, and why not.

An incremental build recomputes only what changed in the raw tables (dbt_project/macros/incremental.sql).
That is right only while everything else the models read is as it was: the settings (whycall.yml, the
salt), the reference files and the models themselves. The state database remembers the fingerprint of
those inputs at the last build and whether that build finished; a different fingerprint, an unfinished
build (a crash or a failed test half way leaves some incremental tables ahead of others) or no build at
all means a full refresh, and the run says why.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

TABLE = "whycall_meta.dbt_builds"


@dataclass(frozen=True)
class Decision:
    full_refresh: bool
    reason: str

    def describe(self) -> str:
        return f"{'full refresh' if self.full_refresh else 'incremental'} ({self.reason})"


def _model_files(project_dir: Path) -> list[Path]:
    files = [project_dir / "dbt_project.yml"]
    for folder in ("models", "macros"):
        files += sorted((project_dir / folder).rglob("*.sql"))
    return files


def reference_versions(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(file, sha256) of the reference file versions the raw tables hold now."""
    return con.execute(
        """
        select file, arg_max(sha256, loaded_at) from raw.load_audit
        where source = 'reference' and status = 'loaded' group by file order by file
        """
    ).fetchall()


def fingerprint(vars_: dict, salt: str, project_dir: Path, references: list[tuple[str, str]]) -> dict[str, str]:
    """One hash per kind of input, so that the reason for a full refresh can be named."""

    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    models = hashlib.sha256()
    for path in _model_files(project_dir):
        models.update(path.relative_to(project_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return {
        "settings (whycall.yml)": digest(json.dumps(vars_, sort_keys=True, default=str).encode()),
        "WHYCALL_SALT": digest(salt.encode()),
        "reference files": digest(json.dumps(references).encode()),
        "dbt models or macros": models.hexdigest(),
    }


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists whycall_meta")
    con.execute(
        f"create table if not exists {TABLE} (started_at timestamp, finished_at timestamp, "
        "full_refresh boolean, fingerprint varchar, status varchar)"
    )


def decide(con: duckdb.DuckDBPyConnection, current: dict[str, str], requested_full: bool) -> Decision:
    _ensure(con)
    if requested_full:
        return Decision(True, "asked for with --full-refresh")
    last = con.execute(f"select fingerprint, status from {TABLE} order by started_at desc limit 1").fetchone()
    if last is None:
        return Decision(True, "first build")
    if last[1] != "ok":
        return Decision(True, "the previous build did not finish")
    before = json.loads(last[0])
    changed = [kind for kind, value in current.items() if before.get(kind) != value]
    if changed:
        return Decision(True, "changed since the last build: " + ", ".join(changed))
    return Decision(False, "only new or changed source records are recomputed")


def mark_started(con: duckdb.DuckDBPyConnection, current: dict[str, str], decision: Decision) -> None:
    _ensure(con)
    con.execute(
        f"insert into {TABLE} values (now()::timestamp, null, ?, ?, 'running')",
        [decision.full_refresh, json.dumps(current, sort_keys=True)],
    )


def mark_finished(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"update {TABLE} set status = 'ok', finished_at = now()::timestamp "
        f"where started_at = (select max(started_at) from {TABLE}) and status = 'running'"
    )
