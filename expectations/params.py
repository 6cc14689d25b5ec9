"""Thresholds of the checks, read once from the whycall.yml dict. Pure, no GX import.

Recognised parts of the config (all optional):

    timezone: Europe/Brussels             # business days for the volume check
    sources: {surveys: {scales: {csat: [1, 5], ces: [1, 7]}}}   # or top-level scales: (dbt var form)
    checks: {volume: warn, tickets.channel_allowed: warn}         # severities, see catalog.severities
    quality:
      history_start: 2000-01-01           # earliest plausible started_at / responded_at
      timezone_slack_hours: 14            # tolerated "future" (a +14:00 clock mislabelled as UTC)
      channels: [email, web, voice, phone, chat, api, mobile, sms, social, other]
      reject_ratio_max: 0.05              # per file: rows_rejected / rows_read above this blocks
      volume_min_ratio: 0.5               # warn when a day has < 50% of its same-weekday median
      volume_weeks: 4                     # same weekday of the N prior weeks
      volume_min_weeks: 2                 # fewer comparable weeks of history: no verdict
      volume_min_expected: 20             # a median below this is too small to judge (quiet Sundays)
      freshness_hours: {tickets: 26, calls: 26, surveys: 26}   # a number applies to every source

``quality`` is read from the dict the orchestrator passes; orchestration/lib/config.py does not
accept it in whycall.yml yet, so with a validated config every threshold has its default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

DEFAULT_CHANNELS: tuple[str, ...] = (
    "email",
    "web",
    "voice",
    "phone",
    "chat",
    "api",
    "mobile",
    "sms",
    "social",
    "other",
)
DIRECTIONS: tuple[str, ...] = ("inbound", "outbound")
REASON_KINDS: tuple[str, ...] = ("value", "unwanted")
REASON_MAP_SOURCES: tuple[str, ...] = ("tickets", "calls", "surveys")
DEFAULT_FRESHNESS_HOURS: dict[str, float] = {"tickets": 26.0, "calls": 26.0, "surveys": 26.0}

QUALITY_KEYS = {
    "history_start",
    "timezone_slack_hours",
    "channels",
    "reject_ratio_max",
    "volume_min_ratio",
    "volume_weeks",
    "volume_min_weeks",
    "volume_min_expected",
    "freshness_hours",
}


@dataclass(frozen=True)
class QualityParams:
    now: datetime  # naive UTC, like every stored timestamp
    timezone: str = "UTC"
    history_start: datetime = datetime(2000, 1, 1)
    timezone_slack_hours: float = 14.0
    channels: tuple[str, ...] = DEFAULT_CHANNELS
    csat_scale: tuple[float, float] = (1.0, 5.0)
    ces_scale: tuple[float, float] = (1.0, 7.0)
    reject_ratio_max: float = 0.05
    volume_min_ratio: float = 0.5
    volume_weeks: int = 4
    volume_min_weeks: int = 2
    volume_min_expected: float = 20.0
    freshness_hours: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_FRESHNESS_HOURS))
    run_date: date | None = None  # the business day the volume check looks at (default: latest in data)
    run_id: str | None = None  # the load run whose audit rows the reject check reads (default: latest)

    @property
    def latest_plausible(self) -> datetime:
        return self.now + timedelta(hours=self.timezone_slack_hours)


def as_config_dict(config) -> dict:
    """The whycall.yml dict; also accepts orchestration.lib.config.WhycallConfig (duck-typed)."""
    if config is None:
        return {}
    if isinstance(config, Mapping):
        return dict(config)
    if hasattr(config, "timezone") and hasattr(config, "sources"):
        surveys = config.sources.get("surveys") if isinstance(config.sources, Mapping) else None
        return {
            "timezone": config.timezone,
            "checks": dict(getattr(config, "checks", None) or {}),
            "scales": dict(getattr(surveys, "scales", None) or {}),
            "quality": dict(getattr(config, "quality", None) or {}),
        }
    raise TypeError(f"config must be the whycall.yml mapping or a WhycallConfig, got {type(config).__name__}")


def _as_datetime(value, key: str) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return _as_datetime(datetime.fromisoformat(str(value)), key)
    except ValueError:
        raise ValueError(f"whycall.yml quality.{key}: {value!r} is not a date (YYYY-MM-DD)") from None


def _scale(value, key: str, default: tuple[float, float]) -> tuple[float, float]:
    if value is None:
        return default
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f"whycall.yml scales.{key}: expected [min, max], got {value!r}") from None
    if low > high:
        raise ValueError(f"whycall.yml scales.{key}: min {low} is above max {high}")
    return low, high


def quality_params(
    config: Mapping | None,
    *,
    now: datetime | None = None,
    run_date: date | str | None = None,
    run_id: str | None = None,
) -> QualityParams:
    """Read the thresholds from a whycall.yml dict; unknown ``quality`` keys raise, naming the key."""
    config = as_config_dict(config)
    quality = config.get("quality") or {}
    unknown = sorted(set(quality) - QUALITY_KEYS)
    if unknown:
        raise ValueError(
            f"whycall.yml quality: unknown key(s) {', '.join(unknown)}; "
            f"known: {', '.join(sorted(QUALITY_KEYS))}"
        )
    scales = ((config.get("sources") or {}).get("surveys") or {}).get("scales") or config.get("scales") or {}
    freshness = quality.get("freshness_hours", DEFAULT_FRESHNESS_HOURS)
    if isinstance(freshness, (int, float)):
        freshness = {source: float(freshness) for source in DEFAULT_FRESHNESS_HOURS}
    else:
        freshness = {**DEFAULT_FRESHNESS_HOURS, **{k: float(v) for k, v in dict(freshness).items()}}
    if isinstance(run_date, str):
        run_date = date.fromisoformat(run_date)
    elif isinstance(run_date, datetime):
        run_date = run_date.date()
    now = _as_datetime(now, "now") if now is not None else datetime.now(UTC).replace(tzinfo=None)
    return QualityParams(
        now=now,
        timezone=str(config.get("timezone") or "UTC"),
        history_start=_as_datetime(quality.get("history_start", date(2000, 1, 1)), "history_start"),
        timezone_slack_hours=float(quality.get("timezone_slack_hours", 14)),
        channels=tuple(str(c) for c in quality.get("channels", DEFAULT_CHANNELS)),
        csat_scale=_scale(scales.get("csat"), "csat", (1.0, 5.0)),
        ces_scale=_scale(scales.get("ces"), "ces", (1.0, 7.0)),
        reject_ratio_max=float(quality.get("reject_ratio_max", 0.05)),
        volume_min_ratio=float(quality.get("volume_min_ratio", 0.5)),
        volume_weeks=int(quality.get("volume_weeks", 4)),
        volume_min_weeks=int(quality.get("volume_min_weeks", 2)),
        volume_min_expected=float(quality.get("volume_min_expected", 20)),
        freshness_hours=freshness,
        run_date=run_date,
        run_id=run_id,
    )
