"""Publishing under faults (docs/security.md): disk full, a read-only folder, SIGKILL at any point, readers.

The published warehouse is only ever replaced by a rename of a complete new file. Here that is tested on
the publish step itself, with real faults: a small tmpfs that fills up, a read-only mount, a child process
killed with SIGKILL before, during and after writing the new file and just before the rename, and 4 reader
processes querying the published file while 20 publishes replace it. tmpfs mounts need root; elsewhere
those tests skip saying why.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.publish import PublishError, publish_warehouse

ROOT = Path(__file__).resolve().parents[2]


def _state(path: Path, build: str, rows: int) -> Path:
    """A state database whose marts all carry one build id (a mixed answer would show two)."""
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    con.execute("create schema marts")
    con.execute(f"create table marts.fct_contacts as select 'c:' || i as contact_id, repeat('x', 200) as text, "
                f"'{build}' as _built_in from range({rows}) t(i)")
    con.execute(f"create table marts.driver_ranking as select '{build}' as build, {rows} as contacts")
    con.close()
    return path


def _published(warehouse: Path) -> tuple[set[str], int, set[str]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        builds = {b for (b,) in con.execute("select distinct _built_in from marts.fct_contacts").fetchall()}
        count = con.execute("select count(*) from marts.fct_contacts").fetchone()[0]
        ranking = {b for (b,) in con.execute("select build from marts.driver_ranking").fetchall()}
        return builds, count, ranking
    finally:
        con.close()


def _can_mount() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and sys.platform.startswith("linux")


@contextmanager
def _tmpfs(path: Path, size_kb: int, *options: str):
    if not _can_mount():
        pytest.skip("a real disk-full / read-only file system needs a tmpfs mount (root on Linux)")
    path.mkdir(parents=True, exist_ok=True)
    opts = ",".join((f"size={size_kb}k", *options))
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(path)], capture_output=True, text=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _remount(path: Path, *options: str) -> None:
    subprocess.run(["mount", "-o", ",".join(("remount", *options)), str(path)], check=True)


def test_disk_full_while_publishing_keeps_the_published_build_and_the_next_run_publishes(tmp_path):
    old = _state(tmp_path / "old.duckdb", "b1", 2_000)
    new = _state(tmp_path / "new.duckdb", "b2", 40_000)  # several MB: cannot fit next to the old one
    with _tmpfs(tmp_path / "disk", 6_000) as disk:
        warehouse = disk / "whycall.duckdb"
        publish_warehouse(old, warehouse)
        before = warehouse.read_bytes()
        with pytest.raises(PublishError, match="disk full while publishing") as info:
            publish_warehouse(new, warehouse)
        assert "unchanged" in str(info.value)
        assert warehouse.read_bytes() == before  # byte for byte the previous build
        assert _published(warehouse) == ({"b1"}, 2_000, {"b1"})
        assert [p.name for p in disk.iterdir()] == ["whycall.duckdb"]  # no half-written file left
        _remount(disk, "size=60000k")  # space freed
        publish_warehouse(new, warehouse)
        assert _published(warehouse) == ({"b2"}, 40_000, {"b2"})


def test_a_read_only_warehouse_folder_is_a_clear_error_and_nothing_changes(tmp_path):
    old = _state(tmp_path / "old.duckdb", "b1", 100)
    new = _state(tmp_path / "new.duckdb", "b2", 100)
    with _tmpfs(tmp_path / "ro", 4_000) as folder:
        warehouse = folder / "whycall.duckdb"
        publish_warehouse(old, warehouse)
        _remount(folder, "ro")
        with pytest.raises(PublishError, match=f"cannot write in {folder}"):
            publish_warehouse(new, warehouse)
        assert _published(warehouse) == ({"b1"}, 100, {"b1"})
        _remount(folder, "rw")
        publish_warehouse(new, warehouse)
        assert _published(warehouse) == ({"b2"}, 100, {"b2"})


# --- SIGKILL ------------------------------------------------------------------------------------------------
# The child publishes and stops itself with SIGKILL at a named point (a hook on the functions publish calls),
# the way an OOM killer or a power cut would stop it: no except, no finally runs.
KILLED_CHILD = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    import duckdb
    from orchestration.lib import publish
    state, warehouse, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    die = lambda: os.kill(os.getpid(), signal.SIGKILL)
    real_copy, real_connect, real_replace = shutil.copyfile, publish._connect, os.replace
    def copyfile(src, dst):
        if point == "copy":  # half the previous file copied
            with open(src, "rb") as s, open(dst, "wb") as d:
                d.write(s.read(os.path.getsize(src) // 2)); d.flush()
            die()
        return real_copy(src, dst)
    class Killing:
        def __init__(self, con): self.con = con
        def execute(self, sql, *a):
            if point == "write" and sql.startswith("CREATE OR REPLACE TABLE"):
                die()
            if point == "checkpoint" and sql == "CHECKPOINT":
                die()
            return self.con.execute(sql, *a)
        def __getattr__(self, name): return getattr(self.con, name)
    def replace(src, dst):
        if point == "rename":  # the new file complete, not yet renamed
            die()
        real_replace(src, dst)
        if point == "after_rename":
            die()
    publish.shutil.copyfile = copyfile
    publish._connect = lambda path, existing: Killing(real_connect(path, existing))
    publish.os.replace = replace
    publish.publish_warehouse(state, warehouse)
""")

POINTS = ["copy", "write", "checkpoint", "rename", "after_rename"]


@pytest.mark.parametrize("point", POINTS)
def test_sigkill_at_any_point_of_a_publish_leaves_the_previous_or_the_new_build(tmp_path, point):
    old = _state(tmp_path / "old.duckdb", "b1", 3_000)
    new = _state(tmp_path / "new.duckdb", "b2", 5_000)
    warehouse = tmp_path / "wh" / "whycall.duckdb"
    publish_warehouse(old, warehouse)
    child = subprocess.run([sys.executable, "-c", KILLED_CHILD, str(new), str(warehouse), point], cwd=ROOT,
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    expected_after_kill = ({"b2"}, 5_000, {"b2"}) if point == "after_rename" else ({"b1"}, 3_000, {"b1"})
    assert _published(warehouse) == expected_after_kill
    leftovers = [p.name for p in warehouse.parent.iterdir() if p.name != "whycall.duckdb"]
    assert (leftovers != []) == (point not in ("after_rename",))  # the killed child's tmp file, if any
    # the plain rerun: removes the dead publisher's file and publishes what an uninterrupted run publishes
    publish_warehouse(new, warehouse)
    assert _published(warehouse) == ({"b2"}, 5_000, {"b2"})
    assert [p.name for p in warehouse.parent.iterdir()] == ["whycall.duckdb"]


# --- readers during publishes -------------------------------------------------------------------------------
READER = textwrap.dedent("""
    import json, sys, time
    import duckdb
    warehouse, stop = sys.argv[1], sys.argv[2]
    import os
    errors, mixed, latencies, answers = [], 0, [], 0
    while not os.path.exists(stop) or answers < 5:
        started = time.perf_counter()
        try:
            con = duckdb.connect(warehouse, read_only=True)
            try:
                facts = con.execute("select min(_built_in), max(_built_in), count(*) from marts.fct_contacts").fetchone()
                ranking = con.execute("select build, contacts from marts.driver_ranking").fetchone()
            finally:
                con.close()
        except Exception as exc:
            errors.append(repr(exc)[:300])
            continue
        latencies.append(time.perf_counter() - started)
        answers += 1
        if facts[0] != facts[1] or facts[0] != ranking[0] or facts[2] != ranking[1]:
            mixed += 1
    print(json.dumps({"errors": errors, "mixed": mixed, "latencies": latencies}))
""")


def test_four_readers_during_twenty_publishes_see_no_error_and_no_mixed_build(tmp_path):
    import json

    warehouse = tmp_path / "wh" / "whycall.duckdb"
    states = [_state(tmp_path / f"s{i}.duckdb", f"b{i:02d}", 1_000 + 97 * i) for i in range(20)]
    publish_warehouse(states[0], warehouse)
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    try:
        for state in states[1:] + states[:1]:  # 20 publishes, each a different build
            publish_warehouse(state, warehouse)
    finally:
        stop.touch()
        outputs = [reader.communicate(timeout=120) for reader in readers]
    results = [json.loads(out) for out, _ in outputs]
    assert [r["errors"] for r in results] == [[]] * 4
    assert [r["mixed"] for r in results] == [0] * 4
    latencies = sorted(x for r in results for x in r["latencies"])
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    print(f"readers during 20 publishes: {len(latencies)} answers, p95 {p95 * 1000:.1f} ms")  # reported, not asserted
    assert _published(warehouse) == ({"b00"}, 1_000, {"b00"})
