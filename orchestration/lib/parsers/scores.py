"""Survey scores (NPS, CSAT, CES): shared by the Qualtrics and CSV survey parsers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orchestration.lib.parsers._common import RecordError, short, to_float

NPS_RANGE = (0, 10)


def score_range(field: str, scales: Mapping[str, Any]) -> tuple[float, float]:
    if field == "nps":
        return NPS_RANGE
    low, high = scales[field]
    return float(low), float(high)


def score_converter(field: str, label: str, scales: Mapping[str, Any]) -> Callable[[Any], float | None]:
    """Text → score. Negative codes (Qualtrics -99 "seen, not answered", -1/-2 "no basis for
    evaluation") mean no answer: None. A value outside the scale is a reject."""
    low, high = score_range(field, scales)

    def convert(value: Any) -> float | None:
        number = to_float(value, label)
        if number is None or number < 0:
            return None
        if number < low or number > high:
            raise RecordError(f"{field} {short(value)} outside its scale {low:g}-{high:g} in {label}")
        return number

    return convert
