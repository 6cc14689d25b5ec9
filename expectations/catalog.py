"""Every data-quality check by name, with its family and default severity. Pure data, no GX import.

A check is named ``<batch>.<check>`` (``tickets.native_id_not_null``) and attached to the asset
``raw/<batch>``. The suites (suites.py) tag each GX expectation with its check name; the family comes
from here, so this table *is* the mapping from expectation to family, and Dagster can declare its
asset-check specs from it without importing GX.
"""

from __future__ import annotations

from dataclasses import dataclass

from expectations.params import as_config_dict

FAMILIES: tuple[str, ...] = (
    "schema",
    "keys",
    "ranges",
    "window",
    "allowed_values",
    "references",
    "volume",
    "rejects",
    "freshness",
)
SEVERITIES: tuple[str, ...] = ("block", "warn")

# Structural and content problems stop publication; trends and lateness only warn.
DEFAULT_SEVERITY: dict[str, str] = {
    "schema": "block",
    "keys": "block",
    "ranges": "block",
    "window": "block",
    "allowed_values": "block",
    "references": "block",
    "rejects": "block",
    "volume": "warn",
    "freshness": "warn",
    # Source systems invent channels (Zendesk mobile_sdk, a CSV's "Postal mail"): an unknown one is
    # worth a look, not a reason to hold back yesterday's numbers.
    "tickets.channel_allowed": "warn",
    "calls.channel_allowed": "warn",
}

CONTACT_BATCHES: tuple[str, ...] = ("tickets", "calls")
REFERENCE_BATCHES: tuple[str, ...] = (
    "departments",
    "reasons",
    "reason_map",
    "incidents",
    "actions",
    "volumes",
    "targets",
    "holidays",
)
BATCHES: tuple[str, ...] = (*CONTACT_BATCHES, "surveys", *REFERENCE_BATCHES)
AUDIT_BATCH = "load_audit"  # raw.load_audit: feeds the rejects and freshness checks
# Contacts per started_at (columns batch, started_at, contacts) over the whole history: feeds the
# volume checks when the tickets/calls batches hold only a run's new rows (run_checks incremental).
STARTS_BATCH = "contact_starts"
# Batches that may hold only the records new since the last passing check (read_batches with a run id).
INCREMENTAL_BATCHES: tuple[str, ...] = (*CONTACT_BATCHES, "surveys")

# Checks computed in plain pandas by the runner (checks.py), not by GX.
_CONTACT_CHECKS: tuple[tuple[str, str], ...] = (
    ("required_columns", "schema"),
    ("started_at_not_null", "schema"),
    ("native_id_not_null", "keys"),
    ("native_id_unique", "keys"),  # per source_system, on the latest version of each record
    ("direction_allowed", "allowed_values"),
    ("channel_allowed", "allowed_values"),
    ("handle_seconds_non_negative", "ranges"),
    ("wait_seconds_non_negative", "ranges"),
    ("started_at_window", "window"),
    ("volume_drop", "volume"),
    ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ("freshness", "freshness"),
)

_CATALOG: dict[str, tuple[tuple[str, str], ...]] = {
    "tickets": _CONTACT_CHECKS,
    "calls": _CONTACT_CHECKS,
    "surveys": (
        ("required_columns", "schema"),
        ("responded_at_not_null", "schema"),
        ("response_id_not_null", "keys"),
        ("response_id_unique", "keys"),
        ("nps_range", "ranges"),
        ("csat_range", "ranges"),
        ("ces_range", "ranges"),
        ("responded_at_window", "window"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
        ("freshness", "freshness"),
    ),
    "departments": (
        ("required_columns", "schema"),
        ("department_id_not_null", "keys"),
        ("department_id_unique", "keys"),
        ("parent_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "reasons": (
        ("required_columns", "schema"),
        ("reason_code_not_null", "keys"),
        ("validity_no_overlap", "keys"),  # one owner per reason_code and day
        ("validity_ordered", "ranges"),
        ("kind_allowed", "allowed_values"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "reason_map": (
        ("required_columns", "schema"),
        ("source_value_unique", "keys"),  # one reason per (source, source_value)
        ("source_allowed", "allowed_values"),
        ("reason_code_in_reasons", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "incidents": (
        ("required_columns", "schema"),
        ("incident_id_not_null", "keys"),
        ("incident_id_unique", "keys"),
        ("ended_after_started", "ranges"),
        ("reason_code_in_reasons", "references"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "actions": (
        ("required_columns", "schema"),
        ("action_id_not_null", "keys"),
        ("action_id_unique", "keys"),
        ("reason_code_in_reasons", "references"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "volumes": (
        ("required_columns", "schema"),
        ("day_department_measure_unique", "keys"),
        ("value_non_negative", "ranges"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
    "targets": (
        ("required_columns", "schema"),
        ("target_numeric", "schema"),
        ("period_format", "allowed_values"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),    # reference/holidays.csv (business hours, issue 20): a date per row; department_id empty = every schedule
    "holidays": (
        ("required_columns", "schema"),
        ("date_not_null", "keys"),
        ("department_id_in_departments", "references"),
        ("reject_ratio", "rejects"),
        ("rejected_files", "rejects"),  # a file that could not be read at all (audit status rejected_file)
    ),
}

FAMILY: dict[str, str] = {
    f"{batch}.{check}": family for batch, checks in _CATALOG.items() for check, family in checks
}


@dataclass(frozen=True)
class CheckSpec:
    check: str  # "tickets.native_id_not_null"
    family: str
    asset: str  # "raw/tickets"
    severity: str  # "block" | "warn"

    @property
    def short_name(self) -> str:
        """The name without the batch prefix (unique per asset; a valid Dagster check name)."""
        return self.check.split(".", 1)[1]


def asset_for(batch: str) -> str:
    return f"raw/{batch}"


def family_of(check: str) -> str:
    try:
        return FAMILY[check]
    except KeyError:
        raise KeyError(
            f"unknown data-quality check {check!r}; known checks are listed in expectations/catalog.py"
        ) from None


def severities(config: dict | None) -> dict[str, str]:
    """Severity per family and per check from ``config['checks']``; unknown keys and values raise.

    ``checks: {volume: block, tickets.channel_allowed: warn}`` - a family sets all its checks, a
    check name overrides its family.
    """
    overrides = as_config_dict(config).get("checks") or {}
    if not isinstance(overrides, dict):
        raise TypeError(
            f"whycall.yml 'checks' must map a family or check name to block|warn, got {overrides!r}"
        )
    resolved: dict[str, str] = dict(DEFAULT_SEVERITY)
    for key, value in overrides.items():
        if key not in DEFAULT_SEVERITY and key not in FAMILY:
            raise ValueError(
                f"whycall.yml checks: unknown key {key!r}; use a family "
                f"({', '.join(FAMILIES)}) or a check name such as 'tickets.channel_allowed'"
            )
        if value not in SEVERITIES:
            raise ValueError(f"whycall.yml checks.{key}: {value!r} is not one of block, warn")
        resolved[key] = value
    return resolved


def severity_of(check: str, resolved: dict[str, str]) -> str:
    return resolved.get(check) or resolved[family_of(check)]


def list_checks(
    batches: list[str] | tuple[str, ...] | None = None, config: dict | None = None
) -> list[CheckSpec]:
    """The checks ``run_checks`` can report for these batches (default: all), in a stable order."""
    resolved = severities(config)
    specs: list[CheckSpec] = []
    for batch in batches or BATCHES:
        if batch not in _CATALOG:
            raise ValueError(f"unknown batch {batch!r}; expected one of {', '.join(BATCHES)}")
        for check, family in _CATALOG[batch]:
            name = f"{batch}.{check}"
            specs.append(CheckSpec(name, family, asset_for(batch), severity_of(name, resolved)))
    return specs
