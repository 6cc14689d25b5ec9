"""Take the README screenshots from a published warehouse, in a real browser (Debian's Chromium).

    uv run python scripts/screenshots.py data/warehouse/whycall.duckdb docs/screenshots why departments
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main(warehouse: str, out: str, *pages: str) -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    exe = Path(sys.executable).with_name("whycall")
    server = subprocess.Popen([str(exe), "app", "--warehouse", warehouse, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(90):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        Path(out).mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            for name in pages or ("why",):
                page.goto(f"{base}/{'' if name == 'overview' else name}", wait_until="networkidle")
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
                time.sleep(2)  # let Plotly finish drawing
                page.screenshot(path=str(Path(out) / f"{name}.png"), full_page=True)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
