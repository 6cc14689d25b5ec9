"""The dashboards in a real browser: every page renders, without exception element or console error.

Starts ``streamlit run app/streamlit_app.py`` on a free port against the fixture warehouse, drives the
system Chromium with Playwright, and saves a screenshot per page into ``test-artifacts/screenshots/``.
Skipped (with the reason) when no Chromium or playwright is installed on a developer's machine; under CI
(``CI=true``, set by ``.ci/run``) they FAIL instead: a green CI run means the pages were opened.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app" / "streamlit_app.py"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# URL path of every page (st.navigation: the default page is the root) and what its title says.
PAGES = [
    ("", "Overview"),
    ("why", "Why do customers contact us?"),
    ("departments", "Departments"),
    ("incidents", "Incidents"),
    ("actions", "Actions"),
    ("closed-loop", "Closed loop"),
    ("explorer", "Contact explorer"),
    ("data-health", "Data health"),
]
# A couple of pages again in French, with shared filters in the URL.
FRENCH_PAGES = [
    ("departments?lang=fr&department=LOGI", "Départements"),
    ("incidents?lang=fr&from=2026-09-12&to=2026-11-20", "Incidents"),
]


def _chromium() -> str | None:
    found = os.environ.get("WHYCALL_CHROMIUM") or next(
        (p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None
    )
    return found or shutil.which("chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")


@pytest.fixture(scope="module")
def server_url(warehouse: Path, tmp_path_factory: pytest.TempPathFactory):
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "WHYCALL_WAREHOUSE": str(warehouse), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, server)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


def under_ci(env=None) -> bool:
    return (os.environ if env is None else env).get("CI", "").strip().lower() in ("1", "true", "yes")


def missing(reason: str) -> None:
    """Skip on a laptop (saying why); fail under CI, where a skipped browser test would make a green run lie."""
    if under_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    chromium = _chromium()
    if not chromium:
        missing("no Chromium found (/usr/bin/chromium): install it with `apt-get install -y chromium`")
    try:
        from playwright import sync_api
    except ImportError:
        missing("playwright is not installed: run `make install`")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def _is_base_path_probe(msg, url: str) -> bool:
    """Streamlit's frontend, opened on a deep link like /why, first looks for its server under that path
    (/why/_stcore/health, /why/_stcore/host-config) and gets a 404 before falling back to the root: that is
    Streamlit finding its base path, not an error of the app."""
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    source = msg.location.get("url", "")
    return (
        bool(path)
        and "status of 404" in msg.text
        and urllib.parse.urlsplit(source).path in (f"{path}/_stcore/health", f"{path}/_stcore/host-config")
    )


def _wait_rendered(page) -> None:
    """The script has finished, no element is still a loading skeleton, and every chart has drawn."""
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=30_000)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid="stSkeleton"]')
                 && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                    .every(chart => chart.querySelector('.main-svg'))""",
        timeout=30_000,
    )
    page.wait_for_timeout(200)


def _visit(browser, url: str, title: str, screenshot: Path) -> None:
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
    console_errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not _is_base_path_probe(msg, url):
            console_errors.append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: console_errors.append(str(exc)))
    try:
        page.goto(url, wait_until="domcontentloaded", timeout=30_000)
        page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
        _wait_rendered(page)
        # The app scrolls inside its own container, so a "full page" shot needs a viewport as tall as it.
        height = page.evaluate(
            """() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], section.main, body')]
                               .map(el => el.scrollHeight))"""
        )
        page.set_viewport_size({"width": 1440, "height": min(max(int(height), 1000), 6000)})
        _wait_rendered(page)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshot), full_page=True)
        exceptions = page.locator('[data-testid="stException"]')
        assert exceptions.count() == 0, exceptions.first.inner_text()
        assert not console_errors, console_errors
    finally:
        page.close()


def test_every_page_renders_in_a_browser(server_url: str, browser) -> None:
    for path, title in PAGES:
        name = path or "overview"
        _visit(browser, f"{server_url}/{path}", title, SCREENSHOTS / f"{name}.png")


def test_pages_render_in_french(server_url: str, browser) -> None:
    for path, title in FRENCH_PAGES:
        name = (path.split("?")[0] or "overview") + "-fr"
        _visit(browser, f"{server_url}/{path}", title, SCREENSHOTS / f"{name}.png")
