"""Loading days out of order gives the same marts as loading them all at once (CONTRACT §4)."""

from __future__ import annotations

import os
import re
import shutil

import pytest

from tests.pipeline.conftest import whycall
from tests.pipeline.test_end_to_end import _marts_fingerprint

pytestmark = pytest.mark.slow
_DAY = re.compile(r"(\d{4}-\d{2}-\d{2})_p\d+\.json")


def test_later_days_first_then_earlier_days_gives_the_same_marts(built):
    landing, root = built["landing"], built["root"]
    assert built["first"].returncode == 0
    late_first = root / "late_first"
    shutil.copytree(landing, late_first)
    pages = sorted(p for p in late_first.rglob("*.json") if _DAY.fullmatch(p.name))
    middle = _DAY.fullmatch(pages[len(pages) // 2].name).group(1)
    held = root / "held_back"
    for page in pages:  # hold back the first half of the days
        if _DAY.fullmatch(page.name).group(1) < middle:
            target = held / page.relative_to(late_first)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(page, target)
    warehouse = root / "wh_order" / "whycall.duckdb"
    first = whycall("run", "--landing", str(late_first), "--warehouse", str(warehouse))
    assert first.returncode == 0, first.stdout
    for page in held.rglob("*.json"):  # then the earlier days arrive
        os.replace(page, late_first / page.relative_to(held))
    second = whycall("run", "--landing", str(late_first), "--warehouse", str(warehouse))
    assert second.returncode == 0, second.stdout
    assert _marts_fingerprint(warehouse) == _marts_fingerprint(built["warehouse"])
