"""A hostile landing zone (docs/security.md): links out of it are not followed, an unreadable file is named.

Someone who can drop files in the landing zone must not make whycall read (and publish, e.g. in a
reject's raw excerpt) a file elsewhere on the machine: a symbolic link leading outside the zone, or to
nothing, is never opened nor hashed, and is audited ``ignored`` with the link's target named.
"""

from __future__ import annotations

import os
from pathlib import Path

from orchestration.lib import loader
from orchestration.lib.config import load_config
from orchestration.lib.delivered import Landed, classify
from orchestration.lib.loader import connect_state, record_ignored
from tests.unit.test_loader import _load

SECRET = "root:x:0:0:secret-line"


def _zone(tmp_path: Path) -> tuple[Path, Path]:
    landing, elsewhere = tmp_path / "landing", tmp_path / "elsewhere"
    (landing / "tickets").mkdir(parents=True)
    (landing / "reference").mkdir()
    elsewhere.mkdir()
    (elsewhere / "passwd.json").write_text(SECRET)
    (elsewhere / "departments.csv").write_text(SECRET)
    (landing / "tickets" / "page1.json").write_text('{"tickets": []}')
    return landing, elsewhere


def test_links_outside_the_landing_zone_are_ignored_with_their_target_named(tmp_path):
    landing, elsewhere = _zone(tmp_path)
    os.symlink(elsewhere / "passwd.json", landing / "tickets" / "page2.json")
    os.symlink(elsewhere / "departments.csv", landing / "reference" / "departments.csv")
    os.symlink(elsewhere, landing / "tickets" / "more")  # a whole folder
    os.symlink(tmp_path / "nothing.json", landing / "tickets" / "dangling.json")
    os.symlink(landing / "tickets" / "page1.json", landing / "tickets" / "alias.json")  # inside: a file like any
    landed, ignored = classify(landing, load_config(landing))
    assert sorted(item.path.name for item in landed) == ["alias.json", "page1.json"]
    reasons = {item.file: item.reason for item in ignored}
    assert set(reasons) == {"tickets/page2.json", "reference/departments.csv", "tickets/more",
                            "tickets/dangling.json"}
    assert all("not followed" in reason for reason in reasons.values())
    assert str(elsewhere / "passwd.json") in reasons["tickets/page2.json"]
    assert "leads nowhere" in reasons["tickets/dangling.json"]
    assert all(isinstance(item, Landed) for item in landed)


def test_a_link_out_is_audited_but_never_read(tmp_path, monkeypatch):
    landing, elsewhere = _zone(tmp_path)
    os.symlink(elsewhere / "passwd.json", landing / "tickets" / "page2.json")
    opened = []
    real = loader.sha256_file
    monkeypatch.setattr(loader, "sha256_file", lambda path: opened.append(Path(path)) or real(path))
    con = connect_state(tmp_path / "state.duckdb")
    audits = record_ignored(con, "r1", landing, load_config(landing))
    assert [(a.file, a.status, a.sha256) for a in audits] == [("tickets/page2.json", "ignored", None)]
    assert opened == []
    rows = con.execute("select file, status from raw.load_audit").fetchall()
    assert rows == [("tickets/page2.json", "ignored")]
    assert not any(SECRET in str(cell) for row in con.execute("select * from raw.rejects").fetchall() for cell in row)


def test_an_unreadable_landing_file_is_rejected_by_name_and_loads_once_readable(tmp_path, monkeypatch):
    """chmod 000 does not stop root (this suite often runs as root): the read fails with EACCES instead."""
    con = connect_state(tmp_path / "state.duckdb")
    path = tmp_path / "tickets.txt"
    path.write_text("t1\nt2\n")
    real = loader.sha256_file

    def denied(p):
        if Path(p) == path:
            raise PermissionError(13, "Permission denied", str(p))
        return real(p)

    monkeypatch.setattr(loader, "sha256_file", denied)
    audit = _load(con, path)
    assert audit.status == "rejected_file"
    assert str(path) in audit.reason and "permissions" in audit.reason
    monkeypatch.setattr(loader, "sha256_file", real)  # the operator fixed the permissions
    audit = _load(con, path)
    assert (audit.status, audit.rows_loaded) == ("loaded", 2)
    assert con.execute("select count(*) from raw.tickets").fetchone()[0] == 2
