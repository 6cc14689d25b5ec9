"""The loader: nothing lost, nothing twice, a failing file leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import duckdb

from orchestration.lib.loader import connect_state, load_file
from orchestration.lib.publish import publish_warehouse
from orchestration.lib.records import Chunk, InputError, Reject


def _chunks_from_lines(path: Path):
    rows, rejects = [], []
    for i, line in enumerate(path.read_text().splitlines(), start=1):
        if line.startswith("bad"):
            rejects.append(Reject(i, "bad line", line))
        elif line == "explode":
            raise InputError(f"{path.name}: line {i}: cannot continue")
        else:
            rows.append({"source_system": "test", "native_id": line, "_record": i})
    yield Chunk(rows, rejects)


def _load(con, path, source="tickets", table="tickets", replace=False):
    return load_file(con, run_id="r1", source=source, table=table, path=path, relname=path.name,
                     chunks=_chunks_from_lines, replace_previous=replace)


def test_rows_read_is_loaded_plus_rejected_and_rejects_kept(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\nbad one\n2\n" + "bad " + "x" * 20_000 + "\n")
    audit = _load(con, f)
    assert (audit.rows_read, audit.rows_loaded, audit.rows_rejected) == (4, 2, 2)
    assert con.execute("select list(native_id order by native_id) from raw.tickets").fetchone()[0] == ["1", "2"]
    rejects = con.execute("select line, reason, length(raw) from raw.rejects order by line").fetchall()
    assert rejects == [(2, "bad line", 7), (4, "bad line", 10_000)]  # raw text capped at 10,000 chars


def test_same_bytes_are_never_loaded_twice_even_under_another_name(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("1\n2\n")
    b.write_text("1\n2\n")
    assert _load(con, a).status == "loaded"
    dup = _load(con, b)
    assert (dup.status, dup.rows_read, dup.rows_loaded) == ("duplicate", 0, 0)
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 2
    assert con.execute("select list(status order by file) from raw.load_audit").fetchone()[0] == ["loaded", "duplicate"]


def test_a_file_failing_half_way_leaves_no_rows_but_an_audit_row_and_one_reject(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\nbad\nexplode\n")
    audit = _load(con, f)
    assert (audit.status, audit.rows_read, audit.rows_loaded, audit.rows_rejected) == ("rejected_file", 1, 0, 1)
    assert audit.reason == "a.txt: line 3: cannot continue"
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 0  # the rows before it are gone
    assert con.execute("select file, reason from raw.rejects").fetchall() == [("a.txt", "a.txt: line 3: cannot continue")]
    assert con.execute("select status, reason from raw.load_audit").fetchall() == [
        ("rejected_file", "a.txt: line 3: cannot continue")]


def test_the_corrected_file_loads_on_the_next_run(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\nexplode\n")
    assert _load(con, f).status == "rejected_file"
    f.write_text("1\n2\n")
    audit = load_file(con, run_id="r2", source="tickets", table="tickets", path=f, relname=f.name,
                      chunks=_chunks_from_lines)
    assert (audit.status, audit.rows_loaded) == ("loaded", 2)
    # the first run's reject stays: it is what happened then
    assert con.execute("select run_id, count(*) from raw.rejects group by 1").fetchall() == [("r1", 1)]


def test_a_bad_new_reference_version_keeps_the_old_one(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "reasons.txt"
    f.write_text("1\n2\n")
    _load(con, f, replace=True)
    f.write_text("3\nexplode\n")
    assert _load(con, f, replace=True).status == "rejected_file"
    assert con.execute("select list(native_id order by 1) from raw.tickets").fetchone()[0] == ["1", "2"]
    assert con.execute("select count(*) from raw.rejects").fetchone()[0] == 1


def test_a_file_that_cannot_be_opened_is_rejected_not_raised(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    gone = tmp_path / "gone.txt"  # listed, then removed before it was read
    audit = _load(con, gone)
    assert (audit.status, audit.rows_rejected) == ("rejected_file", 1)
    assert "gone.txt: cannot be opened" in audit.reason


def test_a_file_modified_within_the_settle_time_is_deferred(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\n2\n")
    audit = load_file(con, run_id="r1", source="tickets", table="tickets", path=f, relname=f.name,
                      chunks=_chunks_from_lines, settle_seconds=3600)
    assert (audit.status, audit.rows_read) == ("deferred", 0)
    assert "less than rules.settle_seconds (3600 s)" in audit.reason
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 0
    assert _load(con, f).status == "loaded"  # settled: the next run reads it


def test_a_file_growing_while_it_is_read_is_deferred_not_half_read(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\n2\n")

    def still_being_written(path):
        yield from _chunks_from_lines(path)
        with open(path, "a") as handle:  # the copy goes on while the loader reads
            handle.write("3\n")

    audit = load_file(con, run_id="r1", source="tickets", table="tickets", path=f, relname=f.name,
                      chunks=still_being_written)
    assert (audit.status, audit.rows_loaded) == ("deferred", 0)
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 0
    assert _load(con, f).rows_loaded == 3


def test_reference_snapshot_replaces_previous_version_and_can_revert(tmp_path):
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "reasons.txt"
    f.write_text("1\n2\n")
    _load(con, f, replace=True)
    f.write_text("3\n")
    _load(con, f, replace=True)
    assert con.execute("select list(native_id) from raw.tickets").fetchone()[0] == ["3"]
    f.write_text("1\n2\n")  # back to the first version: must be reloaded, not skipped as a duplicate
    assert _load(con, f, replace=True).status == "loaded"
    assert con.execute("select list(native_id order by 1) from raw.tickets").fetchone()[0] == ["1", "2"]


def test_publish_is_atomic_and_keeps_only_marts(tmp_path):
    state = tmp_path / "state.duckdb"
    con = duckdb.connect(str(state))
    con.execute("create schema marts; create schema raw; create table marts.t as select 1 as x; "
                "create table raw.secret as select 'ref' as customer_ref")
    con.close()
    wh = tmp_path / "wh" / "whycall.duckdb"
    assert publish_warehouse(state, wh) == {"marts.t": 1}
    reader = duckdb.connect(str(wh), read_only=True)  # a reader holding the old file...
    con = duckdb.connect(str(state))
    con.execute("insert into marts.t values (2)")
    con.close()
    publish_warehouse(state, wh)  # ...does not block the next publish
    assert reader.execute("select count(*) from marts.t").fetchone()[0] == 1
    reader.close()
    fresh = duckdb.connect(str(wh), read_only=True)
    assert fresh.execute("select count(*) from marts.t").fetchone()[0] == 2
    assert fresh.execute("select count(*) from information_schema.tables where table_schema='raw'").fetchone()[0] == 0
    fresh.close()
    assert not list(wh.parent.glob(".*.tmp"))


def test_rows_of_a_killed_attempt_are_removed_before_reloading(tmp_path):
    """A process killed mid-file leaves rows with the file's sha256 and no audit row: never counted twice."""
    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\n2\nbad\n")
    from orchestration.lib.hashing import sha256_file

    con.execute("insert into raw.tickets (native_id, _sha256, _file) values ('1', ?, 'a.txt')", [sha256_file(f)])
    con.execute("insert into raw.rejects (run_id, file, line) values ('killed-run', 'a.txt', 3)")
    audit = _load(con, f)
    assert (audit.rows_loaded, audit.rows_rejected) == (2, 1)
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 2
    assert con.execute("select list(run_id) from raw.rejects").fetchone()[0] == ["r1"]


def test_a_known_unchanged_file_is_not_read_again_a_changed_one_is(tmp_path, monkeypatch):
    import os

    from orchestration.lib import loader

    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\n2\n")
    assert _load(con, f).status == "loaded"

    def no_read(path):
        raise AssertionError(f"{path} was hashed again")

    monkeypatch.setattr(loader, "sha256_file", no_read)
    monkeypatch.setattr(loader, "RACY_NS", -(10**12))  # the file was just written: trust the cache anyway
    assert _load(con, f).status == "duplicate"  # same path, size, mtime, inode and ctime: the cached sha256

    monkeypatch.undo()
    f.write_text("1\n3\n")  # same size, new bytes, new mtime
    stat = f.stat()
    os.utime(f, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    audit = _load(con, f)
    assert (audit.status, audit.rows_loaded) == ("loaded", 2)
    assert con.execute("select count(*) from raw.file_hashes").fetchone()[0] == 1


def test_a_corrected_file_with_the_same_size_and_mtime_is_read_again(tmp_path):
    import os
    import shutil

    con = connect_state(tmp_path / "state.duckdb")
    f = tmp_path / "a.txt"
    f.write_text("1\n2\n")
    stat = f.stat()
    assert _load(con, f).rows_loaded == 2
    fixed = tmp_path / "fixed.txt"
    fixed.write_text("1\n3\n")  # the same size
    os.utime(fixed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    shutil.copy2(fixed, f)  # cp -p: the content changes in place, size and mtime are preserved
    assert (f.stat().st_size, f.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    audit = _load(con, f)
    assert (audit.status, audit.rows_loaded) == ("loaded", 2)
    assert sorted(con.execute("select native_id from raw.tickets").fetchall()) == [("1",), ("1",), ("2",), ("3",)]
    os.utime(fixed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    fixed.write_text("4\n5\n")
    os.utime(fixed, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(fixed, f)  # moved over it: a new inode
    assert _load(con, f).rows_loaded == 2
