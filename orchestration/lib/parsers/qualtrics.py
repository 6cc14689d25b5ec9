"""Qualtrics response exports (CSV) → raw.surveys rows.

Layouts:
- current 3-header-row export: row 1 column ids (``StartDate, ..., RecordedDate, ResponseId, ...,
  Q1, Q2``), row 2 question texts (any language), row 3 ``{"ImportId":"QID1"}`` JSON; the 2016-17
  "Insights" variant writes row 3 as Python dicts (``{'ImportId': 'QID2-1'}``), read too. A
  ``timeZone`` in the ImportId of the date column used wins over the configured time zone;
- legacy 2-row export: row 1 ``V1..V10`` then question ids, row 2 labels; the V columns are known
  by their row-2 label (V1 = ResponseID, V8 = StartDate, V9 = EndDate, V10 = Finished).
A UTF-8 BOM and a trailing empty column are tolerated.

A column named in the profile (``questions``, ``link``) is found by its row-1 id, then by its
ImportId (3-row) or row-2 label (legacy V columns). response_id = ResponseId / ResponseID (V1);
responded_at = RecordedDate, else EndDate. Scores outside their scale are rejects; negative codes
(-99 seen but not answered, -1/-2 no basis) are no answer (null).
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from orchestration.lib.config import SourceProfile, WhycallConfig, suggest
from orchestration.lib.parsers._common import (
    SURVEY_TEMPLATE,
    RecordError,
    file_error,
    future_limit,
    to_bool,
)
from orchestration.lib.parsers._csvio import UnreadableRecord, header_names, iter_records, raw_record
from orchestration.lib.parsers.scores import score_converter
from orchestration.lib.records import Chunk, Reject
from orchestration.lib.timeparse import TimestampError, TimestampParser

SOURCE_SYSTEM = "qualtrics"
RESPONSE_ID_COLUMNS = ("ResponseId", "ResponseID", "_recordId", "responseId")
RESPONDED_AT_COLUMNS = ("RecordedDate", "recordedDate", "EndDate", "endDate")
FINISHED_COLUMNS = ("Finished", "finished")
_V_COLUMN = re.compile(r"V\d+\Z")
_QUESTION_FIELDS = {"nps": "nps", "csat": "csat", "ces": "ces", "comment": "comment"}
_LINK_FIELDS = {"ticket": "ticket_ref", "customer": "customer_ref"}


def _import_id(cell: str) -> dict:
    """Row-3 cell → dict: JSON, or the Python-dict style of the 2016-17 exports; {} otherwise."""
    text = cell.strip()
    if not text.startswith("{"):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return {}
    return value if isinstance(value, dict) else {}


def _is_import_row(row: list[str]) -> bool:
    return any(cell.lstrip().startswith("{") and "ImportId" in cell for cell in row)


def parse(path: Path, profile: SourceProfile, config: WhycallConfig) -> Iterator[Chunk]:
    key = profile.key
    records = iter_records(
        path,
        encoding=profile.encoding,
        delimiter=profile.delimiter,
        encoding_key=f"{key}.encoding in whycall.yml",
    )
    head: list[tuple[int, Any]] = []
    for item in records:
        head.append(item)
        if len(head) == 3:
            break
    if any(isinstance(row, UnreadableRecord) for _, row in head):
        bad = next((line, row) for line, row in head if isinstance(row, UnreadableRecord))
        raise file_error(path, bad[1].reason, "re-export the responses as CSV", line=bad[0])
    if len(head) < 2:
        raise file_error(
            path,
            "not a Qualtrics export: fewer than 2 header rows",
            "export responses as CSV from Qualtrics (Data & Analysis → Export), or set "
            "sources.surveys.format: csv with a profile",
        )
    ids = header_names(head[0][1])
    labels = [cell.strip() for cell in head[1][1]]
    import_ids: list[dict] = []
    pending: list[tuple[int, Any]] = []
    if len(head) == 3 and _is_import_row(head[2][1]):
        import_ids = [_import_id(cell) for cell in head[2][1]]
        layout = "3-row"
    else:
        pending = head[2:]
        layout = "legacy"
        if not (ids and ids[0] == "V1") and not {"ResponseID", "ResponseId"} & set(labels):
            raise file_error(
                path,
                "not a Qualtrics export: no ImportId row 3 and no legacy V1..V10 header",
                "for a plain CSV set sources.surveys.format: csv with a profile (docs/profiles/)",
            )

    width = len(ids)
    index: dict[str, int] = {}
    for i, name in enumerate(ids):
        index.setdefault(name, i)
    for i, name in enumerate(ids):
        if layout == "legacy" and _V_COLUMN.match(name) and i < len(labels):
            index.setdefault(labels[i], i)
        if i < len(import_ids):
            imported = import_ids[i].get("ImportId")
            if isinstance(imported, str):
                index.setdefault(imported, i)

    def present() -> str:
        return ", ".join(n for n in ids if n)[:600]

    def find_any(candidates: tuple[str, ...], what: str) -> int:
        for name in candidates:
            if name in index:
                return index[name]
        raise file_error(
            path, f"no {what} column ({' / '.join(candidates)})", f"columns present: {present()}"
        )

    def locate(name: str, where: str) -> int:
        found = index.get(name.strip())
        if found is None:
            hint = suggest(name, [n for n in index if n])
            raise file_error(
                path,
                f"{where}: column {name!r} not found",
                (hint + " " if hint else "") + f"set {where} to one of the export's columns "
                f"(or null if not asked); columns present: {present()}",
            )
        return found

    i_id = find_any(RESPONSE_ID_COLUMNS, "response id")
    i_at = find_any(RESPONDED_AT_COLUMNS, "recorded/end date")
    i_finished = next((index[n] for n in FINISHED_COLUMNS if n in index), None)
    # The date column's own ImportId timeZone, else the one declared on another date column.
    dated = [i_at] + [index[n] for n in ("recordedDate", "endDate", "startDate") if n in index]
    declared = next(
        (
            import_ids[i].get("timeZone")
            for i in dated
            if i < len(import_ids) and import_ids[i].get("timeZone")
        ),
        None,
    )
    try:
        parse_ts = TimestampParser(declared or profile.timezone or config.timezone)
    except ValueError as exc:
        raise file_error(
            path, f"the ImportId row declares {exc}", "re-export with a standard time zone"
        ) from None
    at_name = ids[i_at] or "date"

    plan: list[tuple[str, int, Any]] = []
    for question, column in profile.questions.items():
        if column:
            pos = locate(column, f"{key}.questions.{question}")
            field = _QUESTION_FIELDS[question]
            label = f"{field} ({ids[pos]})"
            convert = (
                (lambda v: v or None) if field == "comment" else score_converter(field, label, profile.scales)
            )
            plan.append((field, pos, convert))
    for link, column in profile.link.items():
        if column:
            plan.append((_LINK_FIELDS[link], locate(column, f"{key}.link.{link}"), lambda v: v or None))

    limit = future_limit()
    delimiter = profile.delimiter
    empty_tail = width
    while empty_tail > 0 and not ids[empty_tail - 1]:
        empty_tail -= 1  # a trailing empty header column may be missing from short rows

    def all_records() -> Iterator[tuple[int, Any]]:
        yield from pending
        yield from records

    chunk = Chunk()
    for number, (start, row) in enumerate(all_records(), start=1):
        if isinstance(row, UnreadableRecord):
            chunk.rejects.append(Reject(start, row.reason, row.raw))
        else:
            try:
                if len(row) != width:
                    if empty_tail <= len(row) < width or (len(row) > width and not any(row[width:])):
                        row = (row + [""] * width)[:width]
                    else:
                        raise RecordError(f"expected {width} fields, found {len(row)}")
                out = SURVEY_TEMPLATE.copy()
                out["source_system"] = SOURCE_SYSTEM
                response_id = row[i_id].strip()
                if not response_id:
                    raise RecordError(f"missing response_id ({ids[i_id]})")
                out["response_id"] = response_id
                try:
                    responded = parse_ts(row[i_at])
                except TimestampError as exc:
                    raise RecordError(f"{exc} in responded_at ({at_name})") from None
                if responded is None:
                    raise RecordError(f"missing responded_at ({at_name})")
                if responded > limit:
                    raise RecordError(f"responded_at {responded.isoformat(sep=' ')} is in the future")
                out["responded_at"] = responded
                if i_finished is not None:
                    out["finished"] = to_bool(row[i_finished], "finished")
                for field, pos, convert in plan:
                    out[field] = convert(row[pos].strip())
            except RecordError as exc:
                chunk.rejects.append(Reject(start, str(exc), raw_record(row, delimiter, '"')))
            else:
                out["_record"] = number
                chunk.rows.append(out)
        if chunk.full:
            yield chunk
            chunk = Chunk()
    if chunk:
        yield chunk
