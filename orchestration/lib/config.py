"""``landing/whycall.yml``: source profiles and business rules (CONTRACT §3), validated up front.

The file is optional; CONTRACT §3's defaults apply and the user's file is deep-merged over them.
Every key is checked: an unknown key, a wrong type, an unknown format or canonical column, or a
timestamp format that cannot match anything raises ``records.InputError`` naming the file, the
key path (``sources.calls.columns.strated_at``) and the fix ("did you mean started_at?").

Merge rules: nested settings (``rules.alert``, ``cost_per_minute``, ``sources.surveys.scales``...)
merge key by key. Mappings that describe one file's layout (``columns``, ``constants``,
``questions``, ``link``, ``null_values``, ``group_by``) replace the default as a whole: a survey
profile with ``questions: {nps: Q1}`` has no CSAT question rather than inheriting ``csat: Q2``.
A source whose ``format`` differs from the default starts from that format's defaults.

Keys beyond the contract (documented in docs/profiles/README.md):
- ``rules.action_weeks`` (8), ``rules.candidate_threshold`` (3.5): dbt vars of the same names.
- ``rules.priority`` (cost_weight 1, satisfaction_weight 1, simple_max_handle_minutes 5, complex_min_transfers 1,
  trend_weeks 8, bootstrap_replicates 200): dbt var ``priority``, read by marts.fix_priorities.
- ``checks: {<check family>: block | warn}``: severity overrides read by the quality checks.
- ``sources.calls.transfer_field`` (zendesk_talk): the call field counting transfers.
- ``sources.surveys.timezone`` / ``encoding`` / ``delimiter`` (qualtrics).
- CSV profiles: ``null_values`` may also be a mapping ``{canonical column or "*": [values]}``
  (e.g. ``customer_ref: ["0"]`` where 0 means "unidentified caller" but not in other columns);
  ``timestamp_format`` also accepts the tokens ``iso``, ``epoch``, ``epoch_ms``; ``columns`` may
  also fill the raw-schema extras (subject, tags, agent_id, group_id, ticket_type, updated_at,
  organization_ref...); ``channel_map: {raw value: channel}`` (tickets and calls, with ``columns.channel``)
  renames channel values (matched after trimming, case ignored: a channel is lower-cased when read);
  unmapped values are kept (normalised in dbt).
"""

from __future__ import annotations

import codecs
import copy
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from expectations.params import QUALITY_KEYS
from orchestration.lib import business_hours
from orchestration.lib.raw_schema import CONTACT_FIELDS, SURVEY_FIELDS
from orchestration.lib.records import InputError
from orchestration.lib.timeparse import check_format, resolve_timezone

CONFIG_FILE = "whycall.yml"
SOURCES = ("tickets", "calls", "surveys")
FORMATS: dict[str, tuple[str, ...]] = {
    "tickets": ("zendesk", "csv"),
    "calls": ("zendesk_talk", "csv"),
    "surveys": ("qualtrics", "csv"),
}

# Canonical columns a CSV profile can fill → raw-schema field (CONTRACT §3, plus raw-schema extras).
_CONTRACT_CONTACT_COLUMNS = (
    "contact_id",
    "customer_ref",
    "started_at",
    "ended_at",
    "channel",
    "direction",
    "reason_raw",
    "department_raw",
    "text",
    "status",
    "reopens",
    "transfers",
    "handle_seconds",
    "wait_seconds",
    "outcome",
    "ticket_ref",
)
CONTACT_COLUMNS: dict[str, str] = {"contact_id": "native_id"} | {
    name: name for name, _ in CONTACT_FIELDS if name not in ("source_system", "native_id")
}
SURVEY_COLUMNS: dict[str, str] = {name: name for name, _ in SURVEY_FIELDS if name != "source_system"}
REQUIRED_COLUMNS = {
    "tickets": ("contact_id", "started_at"),
    "calls": ("contact_id", "started_at"),
    "surveys": ("response_id", "responded_at"),
}
QUESTION_KEYS = ("nps", "csat", "ces", "comment")
LINK_KEYS = ("ticket", "customer")
CHECK_SEVERITIES = ("block", "warn")

_DEFAULT_SCALES = {"csat": [1, 5], "ces": [1, 7], "ces_high_is_easy": True}

DEFAULTS: dict[str, Any] = {
    "timezone": "Europe/Brussels",
    "currency": "EUR",
    "cost_per_minute": {"phone": 0.90, "chat": 0.70, "email": 0.55, "default": 0.60},
    "default_handle_minutes": {"email": 6, "web": 6, "chat": 8, "api": 6, "default": 6},
    "rules": {
        "repeat_window_days": 7,
        "alert": {"csat_max": 2, "nps_max": 6, "ces_max": 3, "recontact_within_hours": 48},
        "incident_grace_hours": 24,
        "suspect": {
            "max_contacts_per_customer_day": 8,
            "min_text_chars": 3,
            "identical_text_min_customers": 5,
            "identical_text_min_chars": 10,
            "straight_lining": True,
        },
        "action_weeks": 8,
        "candidate_threshold": 3.5,
        # a landing file modified less than this many seconds ago may still be being written: left for
        # the next run (audit status deferred); 0 = only a file that changes while it is read is deferred
        "settle_seconds": 0,
        # marts.fix_priorities (dbt_project/models/marts/fix_priorities.yml): score weights and matrix thresholds
        "priority": {
            "cost_weight": 1,
            "satisfaction_weight": 1,
            "simple_max_handle_minutes": 5,
            "complex_min_transfers": 1,
            "trend_weeks": 8,
            "bootstrap_replicates": 200,
        },
    },
    "checks": {},
    "quality": {},
    # masking of personal data in published texts (orchestration/lib/privacy.py); every kind on by default
    "privacy": {
        "mask": {"email": True, "phone": True, "iban": True, "card": True, "customer_ref": True},
        "phone_regions": ["BE", "FR", "NL", "LU", "DE"],
        "patterns": {},
    },
    "business_hours": None,
    "service_level_seconds": 20,
    "notify": None,  # closed-loop notifications (orchestration/lib/notify/settings.py, docs/notifications.md)
    "sources": {
        "tickets": {"format": "zendesk"},
        "calls": {"format": "zendesk_talk"},
        "surveys": {"format": "qualtrics"},
    },
}

FORMAT_DEFAULTS: dict[str, dict[str, Any]] = {
    "zendesk": {"reason_field_id": None},
    "zendesk_talk": {"reason_field": None, "transfer_field": None},
    "qualtrics": {
        "questions": {"nps": "Q1", "csat": "Q2", "ces": "Q3", "comment": "Q4"},
        "scales": _DEFAULT_SCALES,
        "link": {"ticket": "ticket_id", "customer": "customer_id"},
        "timezone": None,
        "encoding": "utf-8-sig",
        "delimiter": ",",
    },
    "csv": {
        "delimiter": ",",
        "quotechar": '"',
        "encoding": "utf-8-sig",
        "header": True,
        "skip_rows": 0,
        "null_values": [],
        "timestamp_format": None,
        "timezone": None,
        "columns": {},
        "constants": {},
        "channel_map": {},
        "group_by": None,
    },
}
_REPLACED_WHOLE = {"columns", "constants", "questions", "link", "null_values", "group_by", "channel_map"}


@dataclass(frozen=True)
class SourceProfile:
    """How one source family's files are read. Keys irrelevant to ``format`` keep their defaults."""

    name: str  # tickets | calls | surveys
    format: str
    # zendesk / zendesk_talk
    reason_field_id: str | None = None
    reason_field: str | None = None
    transfer_field: str | None = None
    # qualtrics (scales also for csv surveys)
    questions: Mapping[str, str | None] = field(default_factory=dict)
    scales: Mapping[str, Any] = field(default_factory=lambda: copy.deepcopy(_DEFAULT_SCALES))
    link: Mapping[str, str | None] = field(default_factory=dict)
    # csv (encoding, delimiter, timezone also for qualtrics)
    delimiter: str = ","
    quotechar: str | None = '"'
    encoding: str = "utf-8-sig"
    header: bool = True
    skip_rows: int = 0
    null_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column or "*" → values
    timestamp_format: tuple[str, ...] | None = None
    timezone: str | None = None
    columns: Mapping[str, tuple[str | int, ...]] = field(default_factory=dict)  # canonical → source columns
    constants: Mapping[str, Any] = field(default_factory=dict)
    channel_map: Mapping[str, str] = field(default_factory=dict)  # raw channel value (exact) → channel
    group_by: Mapping[str, str | int] | None = None  # {key, latest}

    @property
    def key(self) -> str:
        """Key path of this profile in whycall.yml, for messages."""
        return f"sources.{self.name}"


@dataclass(frozen=True)
class WhycallConfig:
    timezone: str
    currency: str
    cost_per_minute: dict[str, float]
    default_handle_minutes: dict[str, float]
    rules: dict[str, Any]
    sources: dict[str, SourceProfile]
    checks: dict[str, str] = field(default_factory=dict)
    quality: dict[str, Any] = field(default_factory=dict)  # data-quality thresholds (expectations/params.py)
    privacy: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULTS["privacy"]))
    # schedule (default / department id) → ISO weekday → [(start, end) local minutes]; None: no business hours
    business_hours: dict[str, dict[int, list[tuple[int, int]]]] | None = None
    service_level_seconds: float = 20
    notify: Any = None  # NotifySettings (orchestration/lib/notify/settings.py)
    path: Path = Path(CONFIG_FILE)  # the whycall.yml read (or that would be read): named in messages

    def dbt_vars(self) -> dict[str, Any]:
        """The dbt vars the orchestrator passes (docs/TEAM_NOTES.md), plain JSON-able values."""
        rules = self.rules
        return copy.deepcopy(
            {
                "timezone": self.timezone,
                "currency": self.currency,
                "cost_per_minute": self.cost_per_minute,
                "default_handle_minutes": self.default_handle_minutes,
                "repeat_window_days": rules["repeat_window_days"],
                "alert": rules["alert"],
                "incident_grace_hours": rules["incident_grace_hours"],
                "suspect": rules["suspect"],
                "scales": dict(self.sources["surveys"].scales),
                "action_weeks": rules["action_weeks"],
                "candidate_threshold": rules["candidate_threshold"],
                "priority": rules["priority"],
                "handle_time_sources": handle_time_sources(self.sources),
                # no model reads it: a change of the masking rules rebuilds the marts (build_state)
                "privacy": self.privacy,
                "business_hours": business_hours.flatten(self.business_hours),
                "service_level_seconds": self.service_level_seconds,
            }
        )


# The contact_id source of each (family, format): zendesk, talk, csv (CSV tickets), cdr (CSV calls).
_CONTACT_SOURCES = {
    ("tickets", "zendesk"): "zendesk",
    ("tickets", "csv"): "csv",
    ("calls", "zendesk_talk"): "talk",
    ("calls", "csv"): "cdr",
}


def handle_time_sources(sources: Mapping[str, SourceProfile]) -> list[str]:
    """'<family>:<source>' of the contact sources that have a handle-time column (dbt var handle_time_sources).

    Zendesk Talk always has one (talk + hold + wrap-up time); Zendesk tickets never; a CSV profile when it maps or
    fixes handle_seconds. Only there is an empty value 0 handled seconds; elsewhere default_handle_minutes applies.
    """
    measured = []
    for family in ("tickets", "calls"):
        profile = sources[family]
        mapped = "handle_seconds" in profile.columns or "handle_seconds" in profile.constants
        if profile.format == "zendesk_talk" or (profile.format == "csv" and mapped):
            measured.append(f"{family}:{_CONTACT_SOURCES[(family, profile.format)]}")
    return measured


def load_config(landing_dir: Path) -> WhycallConfig:
    """Read and validate ``landing_dir/whycall.yml`` (absent: every default)."""
    path = Path(landing_dir) / CONFIG_FILE
    user: Any = {}
    if path.is_file():
        user = _read_yaml(path)
    if user is None:
        user = {}
    return build_config(user, path)


def build_config(user: Any, path: Path = Path(CONFIG_FILE)) -> WhycallConfig:
    """Validate an already-parsed whycall.yml mapping (``path`` is only used in messages)."""
    v = _Validator(path)
    if not isinstance(user, dict):
        v.fail(
            "(top level)",
            f"expected a mapping of settings, found {_kind(user)}",
            "start the file with keys such as 'timezone:' and 'sources:'",
        )
    v.keys(user, DEFAULTS, "")
    user_sources = user.get("sources") or {}
    if not isinstance(user_sources, dict):
        v.fail(
            "sources",
            f"expected a mapping, found {_kind(user_sources)}",
            "write sources: {tickets: {...}, calls: {...}, surveys: {...}}",
        )
    merged = _deep_merge(DEFAULTS, {k: val for k, val in user.items() if k != "sources"})

    timezone = v.timezone(merged["timezone"], "timezone")
    currency = v.string(merged["currency"], "currency")
    cost = v.number_map(merged["cost_per_minute"], "cost_per_minute")
    handle = v.number_map(merged["default_handle_minutes"], "default_handle_minutes")
    rules = v.rules(merged["rules"])
    checks = v.checks(merged["checks"])
    quality = v.mapping(merged["quality"], "quality")
    v.keys(quality, sorted(QUALITY_KEYS), "quality")
    privacy = v.privacy(merged["privacy"])
    v.keys(user_sources, {name: None for name in SOURCES}, "sources")
    sources = {name: v.source(name, user_sources.get(name)) for name in SOURCES}
    hours = business_hours.validate(user.get("business_hours"), v.fail)
    service_level = v.number(merged["service_level_seconds"], "service_level_seconds")

    from orchestration.lib.notify.settings import parse_notify  # local: notify imports records, not config

    notify = parse_notify(merged["notify"], path)
    return WhycallConfig(
        timezone=timezone,
        currency=currency,
        cost_per_minute=cost,
        default_handle_minutes=handle,
        rules=rules,
        sources=sources,
        checks=checks,
        quality=quality,
        privacy=privacy,
        business_hours=hours,
        service_level_seconds=service_level,
        notify=notify,
        path=path,
    )


# --- YAML ------------------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (YAML would silently keep the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice in the same mapping", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# A configuration file is a few kilobytes. Bounds against a hostile one (docs/security.md): its size, and the
# number of nodes it expands to once aliases are followed (the "billion laughs" is 10 aliases x 9 levels).
MAX_YAML_BYTES = 1 << 20
MAX_YAML_NODES = 100_000


def _expanded_nodes(root: yaml.Node, limit: int) -> int:
    """How many nodes the document has with every alias expanded, counting no further than ``limit``."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:  # an alias: the same node object again, counted again (memoised, not re-walked)
            return sizes[id(node)]
        sizes[id(node)] = limit + 1  # a recursive alias (&a [*a]) is unbounded
        if isinstance(node, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in node.value)
        else:
            total = 1
        sizes[id(node)] = total = min(total, limit + 1)
        return total

    return size(root)


def _load_bounded(path: Path, text: str) -> Any:
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if _expanded_nodes(root, MAX_YAML_NODES) > MAX_YAML_NODES:
            raise InputError(
                f"{path}: refused: its aliases (*name) expand to more than {MAX_YAML_NODES:,} values "
                "(a \"billion laughs\"); write the values out instead of nesting aliases"
            )
        return loader.construct_document(root)
    finally:
        loader.dispose()


def _read_yaml(path: Path) -> Any:
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:
        raise InputError(f"{path}: too large for a configuration file ({size:,} bytes, at most "
                         f"{MAX_YAML_BYTES:,}); is it the right file?")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"
        ) from None
    try:
        return _load_bounded(path, text)  # a SafeLoader subclass, aliases bounded
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise InputError(
            f"{path}{where}: invalid YAML: {exc.problem or exc.context}. Fix the syntax there; quote values "
            "that start with % or contain ': ' (e.g. timestamp_format: \"%d/%m/%Y %H:%M\")"
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: invalid YAML: {exc}") from None


def _deep_merge(base: Mapping, over: Mapping) -> dict:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key not in _REPLACED_WHOLE:
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__) + f" ({value!r})"[:80]


def suggest(word: str, choices: Any) -> str:
    """' did you mean X?' for a near miss, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean {close[0]}?" if close else ""


# --- validation ------------------------------------------------------------------------------------

_RULE_INTS = {"repeat_window_days", "action_weeks"}
_SUSPECT_INTS = {
    "max_contacts_per_customer_day",
    "min_text_chars",
    "identical_text_min_customers",
    "identical_text_min_chars",
    "trend_weeks",
    "bootstrap_replicates",
}


class _Validator:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, key: str, problem: str, fix: str = "") -> None:
        message = f"{self.path}: {key}: {problem}"
        if fix:
            message += f"; {fix}"
        raise InputError(message)

    def keys(self, value: Mapping, allowed: Mapping | tuple, path: str, hint: Mapping | None = None) -> None:
        for key in value:
            if key not in allowed:
                full = f"{path}.{key}" if path else str(key)
                extra = (hint or {}).get(key) or suggest(key, allowed)
                sep = " " if extra.endswith("?") else "; "
                self.fail(
                    full,
                    f"unknown key {key!r}",
                    (extra + sep if extra else "") + f"allowed: {', '.join(map(str, allowed))}",
                )

    def mapping(self, value: Any, path: str) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping, found {_kind(value)}")
        return value

    def string(self, value: Any, path: str, *, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, (str, int))
            or (isinstance(value, str) and not value)
        ):
            self.fail(
                path,
                f"expected a non-empty string, found {_kind(value)}",
                "set it to null to leave it out" if nullable else "",
            )
        return str(value)

    def integer(self, value: Any, path: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"expected an integer, found {_kind(value)}")
        if value < minimum:
            self.fail(path, f"must be at least {minimum}, found {value}")
        return value

    def number(self, value: Any, path: str, minimum: float | None = 0) -> float | int:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"expected a number, found {_kind(value)}")
        if minimum is not None and value < minimum:
            self.fail(path, f"must be at least {minimum}, found {value}")
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            self.fail(path, f"expected true or false, found {_kind(value)}")
        return value

    def timezone(self, value: Any, path: str, *, nullable: bool = False) -> str | None:
        if value is None and nullable:
            return None
        name = self.string(value, path)
        try:
            resolve_timezone(name)
        except ValueError:
            import zoneinfo

            hint = suggest(name, zoneinfo.available_timezones())
            self.fail(
                path, f"unknown time zone {name!r}", hint or "use an IANA name such as Europe/Brussels or UTC"
            )
        return name

    def number_map(self, value: Any, path: str) -> dict[str, float]:
        value = self.mapping(value, path)
        return {str(k): self.number(v, f"{path}.{k}") for k, v in value.items()}

    def rules(self, value: Any) -> dict[str, Any]:
        rules = self.mapping(value, "rules")
        defaults = DEFAULTS["rules"]
        self.keys(rules, defaults, "rules")
        out: dict[str, Any] = {}
        for key, default in defaults.items():
            path = f"rules.{key}"
            if isinstance(default, dict):
                sub = self.mapping(rules[key], path)
                self.keys(sub, default, path)
                out[key] = {}
                for k in default:
                    if isinstance(default[k], bool):
                        out[key][k] = self.boolean(sub[k], f"{path}.{k}")
                    elif k in _SUSPECT_INTS:
                        # min_text_chars 0 turns the short-text rule off (a source whose text is often withheld)
                        minimum = 0 if k == "min_text_chars" else 1
                        out[key][k] = self.integer(sub[k], f"{path}.{k}", minimum)
                    else:
                        out[key][k] = self.number(sub[k], f"{path}.{k}")
            elif key in _RULE_INTS:
                out[key] = self.integer(rules[key], path, 1)
            else:
                out[key] = self.number(rules[key], path)
        return out

    def privacy(self, value: Any) -> dict[str, Any]:
        import re

        import phonenumbers

        section = self.mapping(value, "privacy")
        self.keys(section, DEFAULTS["privacy"], "privacy")
        mask = self.mapping(section["mask"], "privacy.mask")
        self.keys(mask, DEFAULTS["privacy"]["mask"], "privacy.mask")
        out_mask = {kind: self.boolean(on, f"privacy.mask.{kind}") for kind, on in mask.items()}
        regions = section["phone_regions"]
        if not isinstance(regions, list) or not regions:
            self.fail("privacy.phone_regions", f"expected a list of country codes, found {_kind(regions)}",
                      "write e.g. phone_regions: [BE, FR, NL]")
        known = phonenumbers.SUPPORTED_REGIONS
        for i, region in enumerate(regions):
            if not isinstance(region, str) or region.upper() not in known:
                self.fail(f"privacy.phone_regions[{i}]", f"unknown country code {region!r}",
                          "use ISO 3166 two-letter codes such as BE, FR, NL")
        patterns = self.mapping(section["patterns"] or {}, "privacy.patterns")
        for name, pattern in patterns.items():
            where = f"privacy.patterns.{name}"
            if not isinstance(name, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                self.fail(where, f"the name {name!r} is not a lower-case word", "it becomes the mask, e.g. [national_id]")
            if not isinstance(pattern, str) or not pattern:
                self.fail(where, f"expected a regular expression, found {_kind(pattern)}")
            try:
                re.compile(pattern)
            except re.error as exc:
                self.fail(where, f"invalid regular expression: {exc}", "quote it in single quotes in YAML")
        return {"mask": {**DEFAULTS["privacy"]["mask"], **out_mask},
                "phone_regions": [r.upper() for r in regions], "patterns": dict(patterns)}

    def checks(self, value: Any) -> dict[str, str]:
        value = self.mapping(value, "checks")
        out = {}
        for family, severity in value.items():
            if severity not in CHECK_SEVERITIES:
                self.fail(
                    f"checks.{family}",
                    f"unknown severity {severity!r}",
                    (suggest(severity, CHECK_SEVERITIES) + " " if isinstance(severity, str) else "")
                    + "use block or warn",
                )
            out[str(family)] = severity
        return out

    # --- sources ---
    def source(self, name: str, user: Any) -> SourceProfile:
        key = f"sources.{name}"
        if user is None:
            user = {}
        user = self.mapping(user, key)
        fmt = user.get("format", DEFAULTS["sources"][name]["format"])
        if fmt not in FORMATS[name]:
            hint = suggest(fmt, FORMATS[name]) if isinstance(fmt, str) else ""
            self.fail(
                f"{key}.format",
                f"unknown format {fmt!r} for {name}",
                (hint + " " if hint else "") + f"allowed: {', '.join(FORMATS[name])}",
            )
        base = copy.deepcopy(FORMAT_DEFAULTS[fmt])
        if name == "surveys" and fmt == "csv":
            base["scales"] = copy.deepcopy(_DEFAULT_SCALES)
        allowed = {"format": None, **base}
        other = {k: f"{k} is not a key of format {fmt!r}" for fmts in FORMAT_DEFAULTS.values() for k in fmts}
        self.keys(user, allowed, key, hint=other)
        merged = _deep_merge(base, {k: v for k, v in user.items() if k != "format"})
        kwargs: dict[str, Any] = {"name": name, "format": fmt}
        if fmt == "zendesk":
            kwargs["reason_field_id"] = self.string(
                merged["reason_field_id"], f"{key}.reason_field_id", nullable=True
            )
        elif fmt == "zendesk_talk":
            kwargs["reason_field"] = self.string(merged["reason_field"], f"{key}.reason_field", nullable=True)
            kwargs["transfer_field"] = self.string(
                merged["transfer_field"], f"{key}.transfer_field", nullable=True
            )
        elif fmt == "qualtrics":
            kwargs["questions"] = self.name_map(merged["questions"], f"{key}.questions", QUESTION_KEYS)
            kwargs["link"] = self.name_map(merged["link"], f"{key}.link", LINK_KEYS)
            kwargs["timezone"] = self.timezone(merged["timezone"], f"{key}.timezone", nullable=True)
            kwargs["encoding"] = self.encoding(merged["encoding"], f"{key}.encoding")
            kwargs["delimiter"] = self.delimiter(merged["delimiter"], f"{key}.delimiter")
        else:
            kwargs.update(self.csv_profile(name, merged, key))
        if "scales" in merged:
            kwargs["scales"] = self.scales(merged["scales"], f"{key}.scales")
        return SourceProfile(**kwargs)

    def name_map(self, value: Any, path: str, allowed: tuple[str, ...]) -> dict[str, str | None]:
        value = self.mapping(value, path)
        self.keys(value, allowed, path)
        return {k: self.string(v, f"{path}.{k}", nullable=True) for k, v in value.items()}

    def scales(self, value: Any, path: str) -> dict[str, Any]:
        value = self.mapping(value, path)
        self.keys(value, _DEFAULT_SCALES, path)
        out: dict[str, Any] = {}
        for key in ("csat", "ces"):
            pair = value[key]
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) for x in pair)
            ):
                self.fail(f"{path}.{key}", f"expected [lowest, highest], found {_kind(pair)}", "e.g. [1, 5]")
            if pair[0] >= pair[1]:
                self.fail(f"{path}.{key}", f"lowest {pair[0]} is not below highest {pair[1]}", "e.g. [1, 5]")
            out[key] = list(pair)
        out["ces_high_is_easy"] = self.boolean(value["ces_high_is_easy"], f"{path}.ces_high_is_easy")
        return out

    def encoding(self, value: Any, path: str) -> str:
        name = self.string(value, path)
        try:
            codecs.lookup(name)
        except LookupError:
            self.fail(path, f"unknown encoding {name!r}", "e.g. utf-8, utf-8-sig, latin-1, cp1252, utf-16")
        return name

    def delimiter(self, value: Any, path: str) -> str:
        if value in ("\\t", "tab", "TAB"):
            return "\t"
        if not isinstance(value, str) or len(value) != 1:
            self.fail(
                path, f"expected one character, found {_kind(value)}", 'e.g. ",", ";", "|" or "\\t" (tab)'
            )
        return value

    def csv_profile(self, name: str, merged: dict, key: str) -> dict[str, Any]:
        allowed_cols = SURVEY_COLUMNS if name == "surveys" else CONTACT_COLUMNS
        out: dict[str, Any] = {
            "delimiter": self.delimiter(merged["delimiter"], f"{key}.delimiter"),
            "encoding": self.encoding(merged["encoding"], f"{key}.encoding"),
            "header": self.boolean(merged["header"], f"{key}.header"),
            "skip_rows": self.integer(merged["skip_rows"], f"{key}.skip_rows", 0),
            "timezone": self.timezone(merged["timezone"], f"{key}.timezone", nullable=True),
        }
        quote = merged["quotechar"]
        if quote is not None and (not isinstance(quote, str) or len(quote) != 1):
            self.fail(
                f"{key}.quotechar",
                f"expected one character or null, found {_kind(quote)}",
                "e.g. '\"'; null turns quoting off",
            )
        out["quotechar"] = quote
        out["timestamp_format"] = self.timestamp_formats(
            merged["timestamp_format"], f"{key}.timestamp_format"
        )
        out["null_values"] = self.null_values(merged["null_values"], f"{key}.null_values", allowed_cols)

        header = out["header"]
        columns = self.mapping(merged["columns"], f"{key}.columns")
        cols: dict[str, tuple[str | int, ...]] = {}
        for canon, spec in columns.items():
            path = f"{key}.columns.{canon}"
            self.canonical(canon, path, allowed_cols)
            cols[canon] = self.column_spec(spec, path, header)
        constants = self.mapping(merged["constants"], f"{key}.constants")
        for canon, value in constants.items():
            path = f"{key}.constants.{canon}"
            self.canonical(canon, path, allowed_cols)
            if canon in cols:
                self.fail(
                    path,
                    f"{canon} is both mapped to a column and given a constant",
                    f"keep one of {key}.columns.{canon} and {path}",
                )
            if isinstance(value, (dict, list)) or value is None:
                self.fail(path, f"expected a single value, found {_kind(value)}")
        for required in REQUIRED_COLUMNS[name]:
            if required not in cols:
                self.fail(
                    f"{key}.columns",
                    f"{required} is required for {name} but not mapped",
                    f"add {required}: <the source column holding it>",
                )
        out["columns"] = cols
        out["constants"] = dict(constants)
        out["channel_map"] = self.channel_map(merged["channel_map"], f"{key}.channel_map", name, cols)

        group_by = merged["group_by"]
        if group_by is not None:
            path = f"{key}.group_by"
            group_by = self.mapping(group_by, path)
            self.keys(group_by, ("key", "latest"), path)
            for part in ("key", "latest"):
                if part not in group_by:
                    self.fail(
                        path,
                        f"'{part}' is missing",
                        "write group_by: {key: <id column>, latest: <time column>}",
                    )
                spec = self.column_spec(group_by[part], f"{path}.{part}", header)
                if len(spec) != 1:
                    self.fail(f"{path}.{part}", "expected one source column")
            group_by = {"key": group_by["key"], "latest": group_by["latest"]}
        out["group_by"] = group_by
        return out

    def channel_map(self, value: Any, path: str, name: str, cols: Mapping) -> dict[str, str]:
        """raw channel value → channel (CONTRACT §5: the source's value unless the profile maps it)."""
        value = self.mapping(value, path)
        if not value:
            return {}
        if name == "surveys":
            self.fail(path, "surveys have no channel", "remove channel_map from sources.surveys")
        if "channel" not in cols:
            self.fail(
                path,
                "channel is not mapped to a column, so there is no raw value to map",
                f"add columns.channel: <the source column holding the channel>, or remove {path}",
            )
        out: dict[str, str] = {}
        for raw, channel in value.items():
            # channel values are lower-cased when read (a code), so the map is matched the same way
            low = str(raw).strip().lower()
            if low in out:
                self.fail(f"{path}.{raw}", f"{raw!r} is given twice (case is ignored)", "keep one of them")
            out[low] = self.string(channel, f"{path}.{raw}")
        return out

    def canonical(self, canon: Any, path: str, allowed: Mapping[str, str]) -> None:
        if canon not in allowed:
            hint = suggest(canon, allowed)
            self.fail(
                path,
                f"unknown canonical column {canon!r}",
                (hint + " " if hint else "") + f"allowed: {', '.join(allowed)}",
            )

    def column_spec(self, spec: Any, path: str, header: bool) -> tuple[str | int, ...]:
        items = spec if isinstance(spec, list) else [spec]
        if not items:
            self.fail(path, "empty list of source columns")
        for item in items:
            if header:
                if isinstance(item, bool) or not isinstance(item, str) or not item:
                    self.fail(
                        path,
                        f"expected a source column name, found {_kind(item)}",
                        "with header: true, name the column; set header: false to give positions",
                    )
            elif isinstance(item, bool) or not isinstance(item, int) or item < 0:
                self.fail(
                    path,
                    f"expected a column position (0 = first), found {_kind(item)}",
                    "with header: false, columns are given by position",
                )
        return tuple(items)

    def timestamp_formats(self, value: Any, path: str) -> tuple[str, ...] | None:
        if value is None:
            return None
        items = value if isinstance(value, list) else [value]
        if not items:
            self.fail(path, "empty list", 'give one format or a list, e.g. "%m/%d/%Y %I:%M:%S %p"')
        for i, fmt in enumerate(items):
            where = f"{path}[{i}]" if isinstance(value, list) else path
            if not isinstance(fmt, str):
                self.fail(where, f"expected a strptime format string, found {_kind(fmt)}")
            problem = check_format(fmt)
            if problem:
                self.fail(
                    where,
                    f"impossible timestamp format {fmt!r}: {problem}",
                    'use Python strptime directives, e.g. "%d/%m/%Y %H:%M"',
                )
        return tuple(items)

    def null_values(self, value: Any, path: str, allowed: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        def values(items: Any, where: str) -> tuple[str, ...]:
            if not isinstance(items, list):
                items = [items]
            for item in items:
                if isinstance(item, bool) or not isinstance(item, (str, int, float)):
                    self.fail(
                        where, f"expected text values, found {_kind(item)}", 'quote them, e.g. ["?", "N/A"]'
                    )
            return tuple(str(item) for item in items)

        if isinstance(value, dict):
            out = {}
            for canon, items in value.items():
                if canon != "*":
                    self.canonical(canon, f"{path}.{canon}", allowed)
                out[canon] = values(items, f"{path}.{canon}")
            return out
        return {"*": values(value, path)} if value not in (None, []) else {}
