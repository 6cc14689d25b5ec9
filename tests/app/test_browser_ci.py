"""Under CI a missing browser fails the browser tests; on a laptop it skips them with the reason."""

import pytest
from test_browser import missing, under_ci


def test_ci_is_read_from_the_environment() -> None:
    assert (
        under_ci({"CI": "true"}) and under_ci({"CI": "1"}) and not under_ci({}) and not under_ci({"CI": "0"})
    )


def test_a_missing_browser_fails_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="no Chromium"):
        missing("no Chromium found")


def test_a_missing_browser_skips_on_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        missing("no Chromium found")
