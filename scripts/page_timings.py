"""Server-side render time of every dashboard page on a warehouse (cold cache, then warm), in seconds.

    uv run python scripts/page_timings.py /tmp/bench-1m/warehouse/whycall.duckdb
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[1] / "app" / "streamlit_app.py"
PAGES = ["overview", "why", "departments", "incidents", "actions", "closed_loop", "explorer", "data_health"]


def main(warehouse: str) -> int:
    os.environ["WHYCALL_WAREHOUSE"] = warehouse
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    out = {}
    for page in PAGES:
        import streamlit as st

        st.cache_data.clear()
        t0 = time.perf_counter()
        at.switch_page(f"app_pages/{page}.py").run()
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.run()
        warm = time.perf_counter() - t0
        if at.exception:
            raise SystemExit(f"{page}: {[e.value for e in at.exception]}")
        out[page] = {"cold_s": round(cold, 2), "warm_s": round(warm, 2)}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
