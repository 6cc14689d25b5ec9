"""The department brief in Chromium: it renders offline (no request leaves the file), in both languages, fits
an A4 page when printed, and leaves a screenshot in test-artifacts/screenshots/ (README: docs/screenshots)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_browser import SCREENSHOTS, browser  # noqa: F401  (the Chromium fixture)

from app.brief import load_brief, render_html


@pytest.mark.parametrize("lang, title", [("en", "Monthly brief — Billing"), ("fr", "Note mensuelle — Billing")])
def test_the_brief_renders_in_chromium(browser, warehouse: Path, tmp_path: Path, lang, title) -> None:  # noqa: F811
    page_file = tmp_path / f"brief-{lang}.html"
    page_file.write_text(render_html(load_brief(warehouse, "BILL"), lang), encoding="utf-8")
    page = browser.new_page(viewport={"width": 900, "height": 1270})
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(page_file.as_uri(), wait_until="load")
        assert page.get_by_role("heading", level=1).inner_text() == title
        assert page.locator("h2").count() == 4
        assert page.locator("table").count() >= 2  # trend and top reasons at least
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"brief-{lang}.png"), full_page=True)
        page.emulate_media(media="print")
        # one A4 page at 96 dpi minus the 14 mm margins: 297 mm - 28 mm = 269 mm = 1017 px
        assert page.evaluate("document.body.scrollHeight") <= 1017
    finally:
        page.close()
    assert requests == [page_file.as_uri()]
