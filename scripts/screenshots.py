"""Take the README screenshots from a published warehouse, in a real browser (Debian's Chromium).

    uv run python scripts/screenshots.py data/warehouse/whycall.duckdb docs/screenshots why departments

A page may carry URL parameters (``departments?lang=fr`` is saved as ``departments-fr.png``). ``FULL=1`` shoots
the whole page (the app scrolls inside its own container, so the viewport is made as tall as the page).
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
            for spec in pages or ("why",):
                name, _, query = spec.partition("?")
                path = "" if name == "overview" else name
                page.set_viewport_size({"width": 1440, "height": 1000})
                page.goto(f"{base}/{path}" + (f"?{query}" if query else ""), wait_until="networkidle")
                page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=60_000)
                time.sleep(2)  # let Plotly finish drawing
                if os.environ.get("FULL"):
                    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll(
                        '[data-testid="stMain"], section.main, body')].map(el => el.scrollHeight))""")
                    page.set_viewport_size({"width": 1440, "height": min(max(int(height), 1000), 7000)})
                    time.sleep(2)
                suffix = "-fr" if "lang=fr" in query else ""
                page.screenshot(path=str(Path(out) / f"{name}{suffix}.png"), full_page=True)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
