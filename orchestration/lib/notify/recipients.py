"""Who receives a department's alerts: ``reference/departments.csv`` read by the notifier itself.

Optional columns beyond CONTRACT §2 (docs/notifications.md): ``manager_email``, ``language`` (fr | en;
empty = notify.language) and ``zendesk_group_id`` (the group a follow-up ticket is assigned to). They
are accepted by the reference loader but not loaded into the warehouse: a manager's address stays in
the reference file and the notifier's own attempts table.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib.notify.settings import LANGUAGES
from orchestration.lib.records import InputError

DEPARTMENTS_FILE = Path("reference") / "departments.csv"
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")


@dataclass(frozen=True)
class Recipient:
    department_id: str
    name: str
    manager: str
    email: str | None
    language: str
    zendesk_group_id: str | None
    parent_id: str | None


def read_recipients(landing_dir: Path, default_language: str) -> dict[str, Recipient]:
    """department_id → Recipient; a bad address or language is an InputError naming the file, line and fix."""
    path = Path(landing_dir) / DEPARTMENTS_FILE
    if not path.is_file():
        return {}
    out: dict[str, Recipient] = {}
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            line = reader.line_num
            dept = (row.get("department_id") or "").strip()
            if not dept:
                continue  # the reference loader rejects it with its reason
            email = (row.get("manager_email") or "").strip() or None
            if email and not _EMAIL.match(email):
                raise InputError(
                    f"{path} line {line}: manager_email {email!r} of {dept} is not an e-mail address; "
                    "write one address like claire.dubois@example.org, or leave it empty"
                )
            language = (row.get("language") or "").strip().lower() or default_language
            if language not in LANGUAGES:
                raise InputError(
                    f"{path} line {line}: language {language!r} of {dept}: expected "
                    f"{' or '.join(LANGUAGES)}, or empty for notify.language"
                )
            group = (row.get("zendesk_group_id") or "").strip() or None
            if group and not group.isdigit():
                raise InputError(
                    f"{path} line {line}: zendesk_group_id {group!r} of {dept} is not a number; "
                    "copy the group id from Zendesk Admin Center → People → Groups"
                )
            out[dept] = Recipient(
                dept,
                (row.get("name") or "").strip() or dept,
                (row.get("manager") or "").strip(),
                email,
                language,
                group,
                (row.get("parent_id") or "").strip() or None,
            )
    return out
