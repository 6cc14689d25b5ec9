"""The app's DuckDB connections cannot touch the file system (docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from app import data

ESCAPES = [
    "select * from read_csv('/etc/passwd')",
    "select * from read_text('/etc/hostname')",
    "copy (select 1) to '{tmp}/leak.csv'",
    "attach '{tmp}/other.duckdb' as other",
    "install httpfs",
    "set enable_external_access = true",
    "reset lock_configuration",
]


@pytest.mark.parametrize("sql", ESCAPES)
def test_the_app_connection_refuses_file_access(warehouse: Path, tmp_path: Path, sql: str) -> None:
    con = data.connect_readonly(str(warehouse))
    try:
        assert con.execute("select count(*) from marts.fct_contacts").fetchone()[0] > 0  # the warehouse reads
        with pytest.raises(duckdb.Error):
            con.execute(sql.format(tmp=tmp_path))
    finally:
        con.close()
    assert not (tmp_path / "leak.csv").exists()
    assert not (tmp_path / "other.duckdb").exists()


def test_a_query_that_slipped_through_reads_no_file(warehouse: Path) -> None:
    stamp = (str(warehouse.resolve()), 0, 0)
    with pytest.raises(data.WarehouseError, match="(?i)permission|disabled"):
        data._cached_query.__wrapped__(*stamp, "select * from read_csv('/etc/passwd')", ())


def test_the_app_connection_is_read_only(warehouse: Path) -> None:
    con = data.connect_readonly(str(warehouse))
    try:
        with pytest.raises(duckdb.Error):
            con.execute("delete from marts.fct_contacts")
    finally:
        con.close()


def test_with_login_configured_nothing_shows_before_login(open_app, monkeypatch) -> None:
    """WHYCALL_AUTH=oidc (set by `whycall app` when [auth] is configured): a visitor not logged in sees the
    login button and no page, no figure."""
    monkeypatch.setenv("WHYCALL_AUTH", "oidc")
    at = open_app()
    assert [b.label for b in at.button] == ["Log in"]
    assert not at.metric and not at.dataframe
    assert "logged-in users only" in " ".join(i.value for i in at.info)


def test_without_login_the_pages_show(open_app, monkeypatch) -> None:
    monkeypatch.setenv("WHYCALL_AUTH", "none")
    at = open_app()
    assert "Log in" not in [b.label for b in at.button]
    assert at.metric or at.dataframe or at.markdown
