"""Issue 8: each run's data-quality checks judge what arrived, not the whole raw history.

Runs are simulated on a real state database: files go through the loader (raw rows + load_audit),
then the same steps as the Dagster check (orchestration/defs/quality/checks.py): read_batches for
the run, run_checks(incremental=True), results recorded in raw.quality_results.

Chosen semantics, asserted below:
- row-level checks read the latest version of every id with a raw row loaded since the last run
  whose checks passed without a blocking failure; on a daily run that is this run's files. A run
  that blocked published nothing, so its rows are judged again (and block again) until a corrected
  version supersedes them; a warning, once reported by an accepted run, is not repeated.
- the volume check counts the whole history (in DuckDB), whatever the run loaded.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from expectations import results_to_rows, run_checks
from expectations.catalog import STARTS_BATCH
from orchestration.lib import batches as batches_module
from orchestration.lib.batches import BatchChunks, accepted_until, read_batches, record_results
from orchestration.lib.loader import connect_state, insert_rows, load_file
from orchestration.lib.records import Chunk

CONFIG = {"timezone": "Europe/Brussels"}
TODAY = dt.datetime.now(dt.UTC).date()
_TIMESTAMPS = ("started_at", "updated_at", "responded_at")


def _json_chunks(path: Path):
    rows = json.loads(path.read_text())
    for i, row in enumerate(rows):
        for name in _TIMESTAMPS:
            if row.get(name):
                row[name] = dt.datetime.fromisoformat(row[name])
        row["_record"] = i
    yield Chunk(rows)


def ticket(native_id: str, day: dt.date, hour: int = 9, **values) -> dict:
    started = dt.datetime.combine(day, dt.time(hour))
    return {"source_system": "zendesk", "native_id": native_id, "started_at": started.isoformat(),
            "updated_at": started.isoformat(), "is_deleted": False, "channel": "email",
            "direction": "inbound", "handle_seconds": 120.0, "wait_seconds": 10.0, **values}


def survey(response_id: str, day: dt.date, source: str = "qualtrics") -> dict:
    responded = dt.datetime.combine(day, dt.time(12)).isoformat()
    return {"source_system": source, "response_id": response_id, "responded_at": responded, "nps": 9.0}


class State:
    """A state database and the runs made on it."""

    def __init__(self, root: Path):
        self.root = root
        self.con = connect_state(root / "state.duckdb")

    def run(self, run_id: str, files: dict[str, list[dict]], run_date: dt.date | None = None):
        """Load the files (relname -> rows) in run ``run_id``, then check the run as Dagster does."""
        self.load(run_id, files)
        checked_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        batches = read_batches(self.con, run_id)
        frames = materialised(batches)  # what the run validates, for the asserts
        results = run_checks(batches, CONFIG, run_id=run_id, run_date=run_date, incremental=True)  # chunks
        record_results(self.con, results_to_rows(results, run_id), checked_at)
        return frames, {r.check: r for r in results}

    def load(self, run_id: str, files: dict[str, list[dict]]) -> None:
        """Load the files (relname -> rows) in run ``run_id``, without checking them."""
        for relname, rows in files.items():
            path = self.root / "landing" / relname
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(rows))
            table = relname.split("/")[0]
            load_file(self.con, run_id=run_id, source=table, table=table, path=path, relname=relname,
                      chunks=_json_chunks)


def materialised(batches: dict) -> dict:
    """read_batches' output with every chunked batch read into one frame."""
    return {name: b.frame() if isinstance(b, BatchChunks) else b for name, b in batches.items()}


def blocking(results) -> set[str]:
    return {name for name, r in results.items() if r.blocking}


@pytest.fixture
def state(tmp_path):
    s = State(tmp_path)
    yield s
    s.con.close()


def test_a_second_run_validates_only_the_file_it_loaded(state):
    day1, day2 = TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=1)
    first, results = state.run("run-1", {"tickets/day1.json": [ticket(f"a{i}", day1) for i in range(30)]})
    assert len(first["tickets"]) == 30 and not blocking(results)  # a first run: everything is new
    second, results = state.run("run-2", {"tickets/day2.json": [ticket(f"b{i}", day2) for i in range(7)]})
    assert len(second["tickets"]) == 7 and set(second["tickets"]["_file"]) == {"tickets/day2.json"}
    assert results["tickets.native_id_not_null"].details == (
        "tickets.native_id_not_null: passed (0 of 7 new or updated rows fail)")
    # nothing new: the row-level checks pass on an empty batch and say so
    third, results = state.run("run-3", {"tickets/day2.json": [ticket(f"b{i}", day2) for i in range(7)]})
    assert third["tickets"].empty and third["surveys"].empty and not blocking(results)
    assert results["tickets.started_at_window"].details == "tickets.started_at_window: passed, no new rows"
    assert results["tickets.required_columns"].passed  # the schema of the raw table is still checked


def test_an_updated_record_is_judged_as_its_latest_version(state):
    day = TODAY - dt.timedelta(days=3)
    state.run("run-1", {"tickets/day.json": [ticket("a1", day), ticket("a2", day)]})
    later = (dt.datetime.combine(day, dt.time(9)) + dt.timedelta(days=1)).isoformat()
    update = ticket("a1", day, updated_at=later, handle_seconds=-5.0)  # a new version of a1 only
    batches, results = state.run("run-2", {"tickets/update.json": [update]})
    assert batches["tickets"]["native_id"].tolist() == ["a1"]
    assert results["tickets.handle_seconds_non_negative"].failing_rows == 1
    assert "tickets/update.json (record 0)" in results["tickets.handle_seconds_non_negative"].details


def test_a_warning_reported_by_an_accepted_run_is_not_repeated(state):
    day = TODAY - dt.timedelta(days=2)
    _, results = state.run("run-1", {"tickets/day1.json": [ticket("a1", day, channel="carrier_pigeon")]})
    assert not results["tickets.channel_allowed"].passed and not blocking(results)  # a warning: accepted
    _, results = state.run("run-2", {"tickets/day2.json": [ticket("b1", day)]})
    assert results["tickets.channel_allowed"].passed
    # the old row stays in the history: a full re-validation (no run id) still finds it
    everything = run_checks(read_batches(state.con), CONFIG)
    assert next(r for r in everything if r.check == "tickets.channel_allowed").failing_rows == 1


def test_a_blocked_run_is_judged_again_until_a_corrected_version_arrives(state):
    day = TODAY - dt.timedelta(days=2)
    bad = ticket("a1", day, handle_seconds=-5.0)
    _, results = state.run("run-1", {"tickets/day1.json": [bad, ticket("a2", day)]})
    assert blocking(results) == {"tickets.handle_seconds_non_negative"}
    # run 1 published nothing: its rows are still unjudged, a run with a clean file blocks again
    batches, results = state.run("run-2", {"tickets/day2.json": [ticket("b1", day)]})
    assert set(batches["tickets"]["_file"]) == {"tickets/day1.json", "tickets/day2.json"}
    assert blocking(results) == {"tickets.handle_seconds_non_negative"}
    assert "tickets/day1.json (record 0)" in results["tickets.handle_seconds_non_negative"].details
    # a corrected version of a1 supersedes the bad one: the run passes and accepts everything so far
    fixed_at = (dt.datetime.combine(day, dt.time(9)) + dt.timedelta(hours=5)).isoformat()
    _, results = state.run("run-3", {"tickets/fix.json": [ticket("a1", day, updated_at=fixed_at)]})
    assert not blocking(results)
    assert accepted_until(state.con, "run-4") is not None
    batches, _ = state.run("run-4", {"tickets/day3.json": [ticket("c1", day)]})
    assert batches["tickets"]["native_id"].tolist() == ["c1"]


def test_uniqueness_across_sources_still_sees_the_older_records(state):
    day = TODAY - dt.timedelta(days=2)
    state.run("run-1", {"surveys/qualtrics.json": [survey("R_1", day), survey("R_2", day)]})
    batches, results = state.run("run-2", {"surveys/other.json": [survey("R_1", day, source="csv")]})
    assert sorted(batches["surveys"]["source_system"]) == ["csv", "qualtrics"]  # R_2 is not read again
    assert results["surveys.response_id_unique"].failing_rows == 2


def test_the_volume_check_still_sees_the_history(state):
    day = TODAY - dt.timedelta(days=1)
    history = {f"tickets/{day - dt.timedelta(weeks=k)}.json":
               [ticket(f"w{k}-{i}", day - dt.timedelta(weeks=k)) for i in range(30)] for k in range(1, 5)}
    state.run("run-1", history)
    batches, results = state.run("run-2", {f"tickets/{day}.json": [ticket(f"d{i}", day) for i in range(5)]},
                                 run_date=day)
    assert len(batches["tickets"]) == 5  # the row-level checks read the new day only
    r = results["tickets.volume_drop"]
    assert not r.passed and r.severity == "warn"
    assert (r.sample[0]["contacts"], r.sample[0]["expected"]) == (5, 30.0)
    assert len(r.sample[0]["prior"]) == 4
    # a day as busy as the others is fine
    _, results = state.run("run-3", {f"tickets/{day}-late.json": [ticket(f"e{i}", day) for i in range(25)]},
                           run_date=day)
    assert results["tickets.volume_drop"].passed


def test_freshness_and_rejects_read_this_run_and_the_last_load_of_each_file(state):
    day = TODAY - dt.timedelta(days=1)
    state.run("run-1", {"tickets/day.json": [ticket("a1", day)], "calls/day.json": [ticket("c1", day)]})
    batches, results = state.run("run-2", {"tickets/day.json": [ticket("a1", day)]})  # a duplicate file
    audit = batches["load_audit"]
    assert sorted(zip(audit["run_id"], audit["file"], audit["status"], strict=True)) == [
        ("run-1", "calls/day.json", "loaded"),
        ("run-1", "tickets/day.json", "loaded"),
        ("run-2", "tickets/day.json", "duplicate"),
    ]
    assert results["calls.freshness"].passed  # calls loaded by an earlier run are still fresh
    assert "0 file(s) loaded in run run-2" in results["tickets.reject_ratio"].details


def test_read_batches_scales_with_the_new_rows_not_the_history(state):
    """200,000 raw ticket rows judged by an earlier run, one new file of 50: the frames read hold the
    50 new rows; the history comes back only as counts per 15-minute bucket."""
    con = state.con
    loaded = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    start = dt.datetime.combine(TODAY - dt.timedelta(days=28), dt.time(0))
    con.execute(
        "INSERT INTO raw.tickets (source_system, native_id, updated_at, started_at, channel, direction, "
        "handle_seconds, wait_seconds, text, _file, _record, _sha256, _loaded_at) "
        "SELECT 'zendesk', 'h' || i, ts, ts, 'email', 'inbound', 60, 5, repeat('x', 200), "
        "'tickets/history.json', i, 'sha-history', $loaded "
        "FROM (SELECT i, $start + i * INTERVAL 12 SECOND AS ts FROM range(200000) t(i))",
        {"loaded": loaded, "start": start},
    )
    insert_rows(con, "load_audit", [{"run_id": "history", "source": "tickets", "file": "tickets/history.json",
                                     "sha256": "sha-history", "status": "loaded", "rows_read": 200_000,
                                     "rows_loaded": 200_000, "rows_rejected": 0, "loaded_at": loaded}])
    record_results(con, [{"run_id": "history", "check": "tickets.native_id_not_null", "asset": "raw/tickets",
                          "family": "keys", "severity": "block", "passed": True, "failing_rows": 0}],
                   loaded + dt.timedelta(minutes=5))
    new_day = TODAY - dt.timedelta(days=1)
    batches, results = state.run("run-2", {"tickets/new.json": [ticket(f"n{i}", new_day, hour=i % 24)
                                                                 for i in range(50)]})
    assert len(batches["tickets"]) == 50
    assert "text" not in batches["tickets"].columns  # free text stays in DuckDB
    starts = batches[STARTS_BATCH]
    assert starts["contacts"].sum() == 200_050  # every contact of the history is counted...
    assert len(starts) <= 28 * 96 + 50  # ...in at most one row per 15 minutes
    assert len(batches["load_audit"]) == 2
    assert results["tickets.native_id_not_null"].details.endswith("(0 of 50 new or updated rows fail)")


# --- a whole history read in chunks (a first run at 10M contacts) --------------------------------------------

_KEYS = {"tickets": ["source_system", "native_id"], "calls": ["source_system", "native_id"],
         "surveys": ["response_id"]}


def _rows(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """The rows of a batch in a fixed order, to compare batches read in different orders."""
    return frame.sort_values([*_KEYS[table], "source_system", "_file", "_record"]).reset_index(drop=True)


def _outcomes(results) -> dict:
    """What a run concluded, with samples as sets: chunks come in another row order."""
    return {r.check: (r.passed, r.failing_rows, r.severity, sorted(json.dumps(row, sort_keys=True) for row in r.sample))
            for r in results}


def _assert_chunked_like_whole(con, run_id: str | None, expected_buckets: dict[str, int], monkeypatch) -> None:
    whole = read_batches(con, run_id)
    assert {t: whole[t].buckets for t in _KEYS} == dict.fromkeys(_KEYS, 1)  # few rows: one chunk each
    monkeypatch.setattr(batches_module, "CHUNK_ROWS", 3)
    chunked = read_batches(con, run_id)
    assert {t: chunked[t].buckets for t in _KEYS} == expected_buckets
    for table in _KEYS:
        chunks = list(chunked[table])
        assert len(chunks) == expected_buckets[table]
        union = pd.concat([c.assign(chunk=n) for n, c in enumerate(chunks)], ignore_index=True)
        # every row sharing a key the checks judge across rows (both sources' R_1, R_2) in one chunk
        assert (union.groupby(_KEYS[table], dropna=False)["chunk"].nunique() == 1).all()
        assert expected_buckets[table] == 1 or sum(len(c) > 0 for c in chunks) > 1  # really cut
        pd.testing.assert_frame_equal(_rows(union.drop(columns="chunk"), table), _rows(whole[table].frame(), table),
                                      check_dtype=False)
    # and the checks conclude the same, whether they read one frame or the chunks
    frames = materialised(read_batches(con, run_id))
    incremental = run_id is not None
    args = {"run_id": run_id, "incremental": incremental}
    assert _outcomes(run_checks(chunked, CONFIG, **args)) == _outcomes(run_checks(frames, CONFIG, **args))


def test_read_batches_in_chunks_keep_each_key_together(state, monkeypatch):
    day = TODAY - dt.timedelta(days=2)
    state.run("run-1", {"tickets/day1.json": [ticket(f"a{i}", day) for i in range(30)],
                        "calls/day1.json": [ticket(f"c{i}", day) for i in range(9)],
                        "surveys/q1.json": [survey(f"R_{i}", day) for i in range(12)]})
    later = (dt.datetime.combine(day, dt.time(9)) + dt.timedelta(hours=6)).isoformat()
    # run 2: new versions of ten tickets (one now negative), ten new ones; two responses again from csv
    updates = [ticket(f"a{i}", day, updated_at=later, handle_seconds=-5.0 if i == 4 else 300.0) for i in range(10)]
    nameless = [ticket(None, day, hour=h) for h in (10, 11)]  # a NULL key hashes to a bucket too (one chain)
    state.load("run-2", {"tickets/day2.json": updates + [ticket(f"b{i}", day) for i in range(10)] + nameless,
                         "surveys/csv.json": [survey(f"R_{i}", day, source="csv") for i in (1, 2, 20, 21)]})
    assert state.con.execute("SELECT count(*) FROM raw.tickets WHERE native_id IS NULL").fetchone()[0] == 2
    # the scoped read of run 2: its 26 raw rows (more than CHUNK_ROWS), then per table ceil(rows / 3) buckets
    _assert_chunked_like_whole(state.con, "run-2", {"tickets": 8, "calls": 1, "surveys": 2}, monkeypatch)
    monkeypatch.undo()
    # a full read (no run id; also a first run, none accepted): 52 ticket versions, 9 calls, 16 responses
    _assert_chunked_like_whole(state.con, None, {"tickets": 18, "calls": 3, "surveys": 6}, monkeypatch)
    chunked = read_batches(state.con)
    tickets = pd.concat(list(chunked["tickets"]), ignore_index=True)
    assert len(tickets) == 41 and (tickets.loc[tickets["native_id"] == "a4", "handle_seconds"] == -5.0).all()
    results = {r.check: r for r in run_checks(chunked, CONFIG)}
    assert results["tickets.handle_seconds_non_negative"].failing_rows == 1
    assert results["surveys.response_id_unique"].failing_rows == 4  # R_1 and R_2, each from two sources
    assert results["tickets.native_id_not_null"].details.startswith("tickets.native_id_not_null: 1 of 41 rows have no")
