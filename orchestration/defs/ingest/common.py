"""The one ingestion routine every source family shares: discover, parse, load, audit."""


from pathlib import Path

import dagster as dg

from orchestration.defs.resources import WhycallResource
from orchestration.lib.config import load_config
from orchestration.lib.loader import FileAudit, connect_state, load_files
from orchestration.lib.masking import MASKED_COLUMNS, mask_pending
from orchestration.lib.parsers import discover_files, native_reader, parse_file
from orchestration.lib.privacy import rules_from_config
from orchestration.lib.progress import report
from orchestration.lib.records import InputError
from orchestration.settings import salt

INGEST_RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)


def ingest_files(
    context: dg.AssetExecutionContext,
    whycall: WhycallResource,
    *,
    source: str,
    table: str,
    files: list[Path],
    replace_previous: bool = False,
) -> list[FileAudit]:
    settings = whycall.settings()
    try:
        config = load_config(settings.landing_dir)
    except InputError as error:
        raise dg.Failure(description=str(error), allow_retries=False) from None
    con = connect_state(settings.state_db)
    try:
        audits = list(
            load_files(
                con,
                run_id=context.run_id,
                source=source.split(":")[0],
                table=table,
                landing=settings.landing_dir,
                files=files,
                chunks=lambda path: parse_file(path, source, config),
                replace_previous=replace_previous,
                progress=lambda msg: report(context, msg),
                native=native_reader(source, config),  # Zendesk/Talk JSON pages: converted in DuckDB
                settle_seconds=config.rules["settle_seconds"],
            )
        )
        # personal data masked before anything downstream reads the rows (docs/security.md)
        masked = mask_pending(
            con, rules_from_config(config.privacy), tuple(t for t in (table, "rejects") if t in MASKED_COLUMNS),
            salt=salt()[0],
        )
        if masked:
            report(context, f"ingest {source}: {masked} row(s) masked for personal data")
    except InputError as error:
        # a profile that cannot apply at all is not transient: say what to fix, do not retry
        # (a file's own fault is an audit row rejected_file, not an exception: the other files load)
        raise dg.Failure(description=str(error), allow_retries=False) from None
    finally:
        con.close()
    return audits


def summary_metadata(audits: list[FileAudit]) -> dict:
    return {
        "files": len(audits),
        "files_duplicate": sum(a.status == "duplicate" for a in audits),
        "files_rejected": sum(a.status == "rejected_file" for a in audits),
        "files_deferred": sum(a.status == "deferred" for a in audits),
        "rows_loaded": sum(a.rows_loaded for a in audits),
        "rows_rejected": sum(a.rows_rejected for a in audits),
    }


def ingest_source(context: dg.AssetExecutionContext, whycall: WhycallResource, source: str) -> dg.MaterializeResult:
    """Ingest every landing file of one event source (tickets, calls, surveys) into raw.<source>."""
    settings = whycall.settings()
    try:
        files = discover_files(settings.landing_dir, source)  # reads whycall.yml (the format's extensions)
    except InputError as error:
        # a whycall.yml error is not transient: the message, at once, instead of 2 retries and
        # "Exceeded max_retries of 2" (the catalogue case Y01 caught it)
        raise dg.Failure(description=str(error), allow_retries=False) from None
    report(context, f"ingest {source}: {len(files)} file(s) in {settings.landing_dir / source}")
    audits = ingest_files(context, whycall, source=source, table=source, files=files)
    meta = summary_metadata(audits)
    report(context, f"ingest {source}: {meta['rows_loaded']} rows loaded, {meta['rows_rejected']} rejected, "
                    f"{meta['files_duplicate']} file(s) already loaded")
    return dg.MaterializeResult(metadata=meta)
