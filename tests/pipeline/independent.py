"""Expected figures computed straight from the generated landing files, without the pipeline's code.

Plain json/csv reading: if the parsers or the SQL drift from the contract, these numbers do not.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path


def _ts(value: str) -> datetime:
    return datetime.fromisoformat(value)  # "Z" is UTC since Python 3.11


def latest_versions(folder: Path, key: str) -> dict[str, dict]:
    """Latest updated_at per id across every page (order of files must not matter)."""
    latest: dict[str, dict] = {}
    for page in sorted(folder.glob("*.json")):
        for record in json.loads(page.read_text())[key]:
            rid = str(record["id"])
            if rid not in latest or _ts(record["updated_at"]) >= _ts(latest[rid]["updated_at"]):
                latest[rid] = record
    return latest


def records_per_file(landing: Path) -> dict[str, int]:
    counts = {}
    for source, key in (("tickets", "tickets"), ("calls", "calls")):
        for page in sorted((landing / source).glob("*.json")):
            counts[f"{source}/{page.name}"] = len(json.loads(page.read_text())[key])
    for survey in sorted((landing / "surveys").glob("*.csv")):
        with open(survey, newline="", encoding="utf-8-sig") as handle:
            counts[f"surveys/{survey.name}"] = sum(1 for _ in csv.reader(handle)) - 3  # 3 header rows
    return counts


def expected_contacts(landing: Path) -> dict[str, int]:
    """Contacts per CONTRACT §2: live tickets + calls, a call and the voice ticket it created being one."""
    tickets = {k: v for k, v in latest_versions(landing / "tickets", "tickets").items() if v["status"] != "deleted"}
    calls = latest_versions(landing / "calls", "calls")
    merged = 0
    for call in calls.values():
        ticket = tickets.get(str(call.get("ticket_id")))
        if ticket and ticket["via"]["channel"] == "voice":
            gap = abs(_ts(ticket["created_at"]) - _ts(call["created_at"]))
            if gap <= timedelta(hours=1):
                merged += 1
    outbound = sum(1 for c in calls.values() if c["direction"] == "outbound")
    return {"tickets": len(tickets), "calls": len(calls), "merged": merged,
            "contacts": len(tickets) + len(calls) - merged, "outbound": outbound}
