"""Peak memory of loading one big call log through a CSV profile (issue: large files are streamed).

    uv run python scripts/stream_memory.py /tmp/big 5000000
Writes a N-row CDR CSV, loads it with the real parser + loader into a fresh state db, prints
rows, seconds, file size and peak RSS as one JSON line.
"""

from __future__ import annotations

import json
import random
import resource
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from orchestration.lib.config import load_config
from orchestration.lib.loader import connect_state, load_file
from orchestration.lib.parsers import parse_file

PROFILE = """sources:
  calls:
    format: csv
    timestamp_format: "%m/%d/%Y %I:%M:%S %p"
    timezone: America/New_York
    columns: {contact_id: call_id, customer_ref: caller, started_at: start, handle_seconds: talk,
              wait_seconds: queue, reason_raw: disposition, outcome: result}
    constants: {channel: phone, direction: inbound}
"""


def main(root: str, rows: str) -> int:
    landing, n = Path(root), int(rows)
    (landing / "calls").mkdir(parents=True, exist_ok=True)
    (landing / "whycall.yml").write_text(PROFILE)
    path = landing / "calls" / "cdr.csv"
    if not path.exists():
        rng, t = random.Random(1), datetime(2026, 1, 1, 8)
        with open(path, "w") as out:
            out.write("call_id,caller,start,talk,queue,disposition,result\n")
            for i in range(n):
                t += timedelta(seconds=rng.randint(1, 9))
                out.write(f"{i},{rng.randint(1, 400000)},{t:%m/%d/%Y %I:%M:%S %p},{rng.randint(20, 900)},"
                          f"{rng.randint(0, 300)},\"{rng.choice(['BILL', 'DELIV', 'LOGIN', 'OTHER'])}\",ANSWERED\n")
    config = load_config(landing)
    con = connect_state(landing / "state.duckdb")
    t0 = time.perf_counter()
    audit = load_file(con, run_id="m", source="calls", table="calls", path=path, relname="calls/cdr.csv",
                      chunks=lambda p: parse_file(p, "calls", config))
    seconds = time.perf_counter() - t0
    con.close()
    print(json.dumps({"rows_read": audit.rows_read, "rows_loaded": audit.rows_loaded, "seconds": round(seconds, 1),
                      "file_mb": round(path.stat().st_size / 1e6), "peak_rss_mb":
                      round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
