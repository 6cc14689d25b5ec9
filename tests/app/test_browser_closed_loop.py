"""The Closed loop page in a real browser, opened from the link a manager is sent (``?manager=``), in English and
French: the manager is chosen, the per-manager view and the list to act on render, expired alerts are apart and
the link survives the page's own URL rewriting. Same server and Chromium as test_browser.py."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from pathlib import Path

from test_app_pages import query
from test_browser import (  # noqa: F401 (the fixtures browser and server_url)
    SCREENSHOTS,
    _is_base_path_probe,
    _wait_rendered,
    browser,
    server_url,
)

MANAGER = "Bruno Petit"
TEXT = {
    "en": ("Closed loop", "Per manager", "Open alerts to call back", "Expired: {n} open alerts older than 14 days"),
    "fr": ("Boucle de rappel", "Par responsable", "Alertes ouvertes à rappeler",
           "Expirées : {n} alertes ouvertes de plus de 14 jours"),
}


def _expired(warehouse: Path, manager: str) -> int:
    as_of = query(
        warehouse,
        "select greatest((select max(started_at) from marts.fct_contacts), (select max(created_at) from marts.alerts),"
        " (select max(recontacted_at) from marts.alerts))",
    )[0][0]
    created = query(
        warehouse,
        "select a.created_at from marts.alerts a left join marts.survey_responses r using (response_id) "
        "where a.status = 'open' and not coalesce(r.is_suspect, false) and a.manager = ?",
        [manager],
    )
    return sum(as_of - c > dt.timedelta(days=14) for (c,) in created)


def _open(browser, url: str, title: str, screenshot: Path):  # noqa: F811
    """Open ``url``, wait until rendered; return the page and the console errors seen (the caller closes it)."""
    page = browser.new_page(viewport={"width": 1440, "height": 2400})
    errors: list[str] = []

    def on_console(msg) -> None:
        if msg.type == "error" and not _is_base_path_probe(msg, url):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="domcontentloaded", timeout=30_000)
    page.get_by_role("heading", name=title, exact=True).first.wait_for(timeout=30_000)
    _wait_rendered(page)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return page, errors


def test_a_managers_link_opens_their_closed_loop(server_url: str, browser, warehouse: Path) -> None:  # noqa: F811
    expired = _expired(warehouse, MANAGER)
    assert expired > 0
    for lang, (title, per_manager, to_act, expired_label) in TEXT.items():
        query_string = urllib.parse.urlencode({"manager": MANAGER, **({"lang": lang} if lang == "fr" else {})})
        url = f"{server_url}/closed-loop?{query_string}"
        page, errors = _open(browser, url, title, SCREENSHOTS / f"closed-loop-manager-{lang}.png")
        try:
            assert page.locator('[data-testid="stException"]').count() == 0
            assert not errors, errors
            box = page.locator('[data-testid="stSelectbox"]').first
            shown = box.inner_text() + " ".join(i.input_value() for i in box.locator("input").all())
            assert MANAGER in shown, f"the manager from the link is chosen: {shown!r}"
            for heading in (per_manager, to_act):
                assert page.get_by_role("heading", name=heading).count() == 1, heading
            assert page.get_by_text(expired_label.format(n=expired), exact=True).count() == 1
            assert "manager=Bruno+Petit" in page.url or "manager=Bruno%20Petit" in page.url
        finally:
            page.close()
