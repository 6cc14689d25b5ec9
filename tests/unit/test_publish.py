"""Publishing synchronises fct_contacts by (contact_id, _built_in) instead of copying it whole."""

from __future__ import annotations

import duckdb
import pytest

from orchestration.lib.publish import publish_warehouse


def _state(path, sql: str) -> None:
    con = duckdb.connect(str(path))
    con.execute(sql)
    con.close()


def _rows(path, table: str = "marts.fct_contacts") -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select * from {table} order by all").fetchall()
    finally:
        con.close()


@pytest.fixture
def published(tmp_path):
    state, wh = tmp_path / "state.duckdb", tmp_path / "wh" / "whycall.duckdb"
    _state(state, """
        create schema marts;
        create table marts.fct_contacts (contact_id varchar, reason varchar, _built_in varchar);
        insert into marts.fct_contacts values ('z:1', 'invoice', 'b1'), ('z:2', 'delivery', 'b1'),
                                              ('z:3', 'login', 'b1');
        create table marts.driver_ranking as select 'invoice' as reason_code, 1 as contacts;
        create table marts.old_model as select 1 as x;
    """)
    publish_warehouse(state, wh)
    return state, wh


def test_a_daily_build_is_synchronised_row_for_row(published):
    state, wh = published
    _state(state, """
        delete from marts.fct_contacts where contact_id in ('z:1', 'z:2');   -- z:1 deleted at the source
        insert into marts.fct_contacts values ('z:2', 'billing', 'b2'), ('z:4', 'invoice', 'b2');
        create or replace table marts.driver_ranking as select 'invoice' as reason_code, 2 as contacts;
        drop table marts.old_model;
    """)
    counts = publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state) == [("z:2", "billing", "b2"), ("z:3", "login", "b1"), ("z:4", "invoice", "b2")]
    assert _rows(wh, "marts.driver_ranking") == [("invoice", 2)]
    assert counts == {"marts.driver_ranking": 1, "marts.fct_contacts": 3}  # the removed model is gone too
    assert not list(wh.parent.glob(".*.tmp"))


def test_rows_of_a_published_build_are_not_copied_again(published):
    # white box: a row whose (contact_id, _built_in) is published already is kept as it is. A build never
    # rewrites a row in place, so this only shows that the sync path ran instead of a whole copy.
    state, wh = published
    _state(state, "update marts.fct_contacts set reason = 'changed in place' where contact_id = 'z:3'")
    publish_warehouse(state, wh)
    assert ("z:3", "login", "b1") in _rows(wh)


def test_two_builds_published_at_once(published):
    state, wh = published  # e.g. the publish of build b2 failed; b3 publishes both
    _state(state, """
        delete from marts.fct_contacts where contact_id = 'z:3';
        insert into marts.fct_contacts values ('z:3', 'login', 'b2'), ('z:5', 'other', 'b2');
        delete from marts.fct_contacts where contact_id = 'z:5';
        insert into marts.fct_contacts values ('z:5', 'other', 'b3');
    """)
    publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state)


def test_a_full_refresh_or_new_columns_copy_the_table_whole(published):
    state, wh = published
    _state(state, "update marts.fct_contacts set _built_in = 'full', reason = upper(reason)")
    publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state)
    _state(state, "alter table marts.fct_contacts add column cost double; update marts.fct_contacts set cost = 1.5")
    publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state)


def test_rows_without_a_build_id_are_still_synchronised(published):
    state, wh = published
    _state(state, "update marts.fct_contacts set _built_in = null where contact_id = 'z:1'; "
                  "insert into marts.fct_contacts values ('z:9', 'new', null)")
    publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state)


def test_an_unreadable_published_file_is_rebuilt_from_scratch(published):
    state, wh = published
    wh.write_bytes(b"not a duckdb file")
    publish_warehouse(state, wh)
    assert _rows(wh) == _rows(state)
