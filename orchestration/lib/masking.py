"""Fill the masked text columns of the raw tables (orchestration/lib/privacy.py does the masking).

Runs after every ingest, on the rows not masked yet (``_masked`` null): the rows of the files just
loaded, whichever path (Python parsers or SQL) loaded them, and those of a run killed before it got
here. The unmasked ``subject``/``text``/``comment`` stay in the state database for classification (a
keyword inside an e-mail address still counts); the marts publish only the ``*_masked`` columns.
Rejected records keep no unmasked copy: their ``raw`` is masked in place. When the ``privacy:`` rules
change, every text is masked again with the new ones.

The same pass computes ``customer_key``, sha256(WHYCALL_SALT || trimmed customer_ref) in hex, so the salt
never reaches dbt's compiled SQL, logs or manifest; a new salt recomputes every key. ``organization_key``
(the B2B account, from ``organization_ref``) is keyed by the same rule.
"""

from __future__ import annotations

import hashlib

import duckdb
import pyarrow as pa

from orchestration.lib.privacy import CustomerRefs, PrivacyRules, mask_text

# table -> (source column, masked column) pairs; identifiers from here only
MASKED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "tickets": (("subject", "subject_masked"), ("text", "text_masked")),
    "calls": (("subject", "subject_masked"), ("text", "text_masked")),
    "surveys": (("comment", "comment_masked"),),
    "rejects": (("raw", "raw"),),
}
KEYED_TABLES = ("tickets", "calls", "surveys")  # those with customer_ref -> customer_key
ACCOUNT_TABLES = ("tickets", "calls")  # those with organization_ref -> organization_key (same rule)
BATCH_ROWS = 50_000
STATE_TABLE = "raw.privacy_state"


def customer_refs(con: duckdb.DuckDBPyConnection) -> CustomerRefs:
    """Every raw customer reference loaded so far, from contacts and survey responses."""
    rows = con.execute(
        "SELECT DISTINCT customer_ref FROM (SELECT customer_ref FROM raw.tickets UNION ALL "
        "SELECT customer_ref FROM raw.calls UNION ALL SELECT customer_ref FROM raw.surveys) "
        "WHERE customer_ref IS NOT NULL"
    ).fetchall()
    return CustomerRefs.of(ref for (ref,) in rows)


def customer_key(salt: str, customer_ref: str | None) -> str | None:
    """The published pseudonym of a customer; null for a blank reference (as dbt's blank_to_null)."""
    ref = customer_ref.strip() if customer_ref is not None else ""
    return hashlib.sha256((salt + ref).encode()).hexdigest() if ref else None


def mask_pending(
    con: duckdb.DuckDBPyConnection, rules: PrivacyRules, tables: tuple[str, ...] | None = None, *, salt: str
) -> int:
    """Mask the rows of ``tables`` (default: all) not masked yet with ``rules`` and key their customers with
    ``salt``; the number of rows done."""
    _reset_if_rules_changed(con, rules.fingerprint() + hashlib.sha256(salt.encode()).hexdigest())
    refs = customer_refs(con)
    done = 0
    for table in tables or tuple(MASKED_COLUMNS):
        pairs = MASKED_COLUMNS[table]
        keyed, account = table in KEYED_TABLES, table in ACCOUNT_TABLES
        sources = ", ".join(
            [source for source, _ in pairs]
            + (["customer_ref"] if keyed else [])
            + (["organization_ref"] if account else [])
        )
        while True:
            rows = con.execute(
                f"SELECT rowid, {sources} FROM raw.{table} WHERE _masked IS NULL LIMIT {BATCH_ROWS}"
            ).fetchall()
            if not rows:
                break
            columns = {"rid": pa.array([row[0] for row in rows], pa.int64())}
            for i, (_, target) in enumerate(pairs, start=1):
                columns[target] = pa.array([mask_text(row[i], rules, refs) for row in rows], pa.string())
            if keyed:
                at = len(pairs) + 1
                columns["customer_key"] = pa.array([customer_key(salt, row[at]) for row in rows], pa.string())
            if account:
                columns["organization_key"] = pa.array([customer_key(salt, row[-1]) for row in rows], pa.string())
            con.register("_masked_batch", pa.table(columns))
            try:
                sets = ", ".join(f"{target} = b.{target}" for target in list(columns)[1:])
                con.execute(
                    f"UPDATE raw.{table} SET {sets}, _masked = true FROM _masked_batch b WHERE raw.{table}.rowid = b.rid"
                )
            finally:
                con.unregister("_masked_batch")
            done += len(rows)
    return done


def _reset_if_rules_changed(con: duckdb.DuckDBPyConnection, current: str) -> None:
    con.execute(f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} (fingerprint VARCHAR)")
    row = con.execute(f"SELECT fingerprint FROM {STATE_TABLE}").fetchone()
    if row is not None and row[0] == current:
        return
    if row is not None:  # other rules or salt: mask and key every row again (rejects were masked in place: stricter only)
        for table in ("tickets", "calls", "surveys", "rejects"):
            con.execute(f"UPDATE raw.{table} SET _masked = NULL")
    con.execute(f"DELETE FROM {STATE_TABLE}")
    con.execute(f"INSERT INTO {STATE_TABLE} VALUES (?)", [current])
