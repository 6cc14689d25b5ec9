"""A team deployment cannot start without authentication (docs/deploy.md, docs/security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from whycall_cli.serving import bind_problem, is_loopback, oidc_problem, secrets_files

GOOD_AUTH = """
[auth]
redirect_uri = "https://whycall.example.com/oauth2callback"
cookie_secret = "a-long-random-string"
client_id = "whycall"
client_secret = "s3cret"
server_metadata_url = "https://login.example.com/.well-known/openid-configuration"
"""

PROVIDER_AUTH = """
[auth]
redirect_uri = "https://whycall.example.com/oauth2callback"
cookie_secret = "a-long-random-string"

[auth.microsoft]
client_id = "whycall"
client_secret = "s3cret"
server_metadata_url = "https://login.microsoftonline.com/x/v2.0/.well-known/openid-configuration"
"""


def _secrets(tmp_path: Path, text: str | None) -> list[Path]:
    home, cwd = tmp_path / "home", tmp_path / "project"
    files = secrets_files(cwd, home)
    if text is not None:
        files[1].parent.mkdir(parents=True)
        files[1].write_text(text, encoding="utf-8")
    return files


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_always_starts(tmp_path, host):
    assert is_loopback(host)
    assert bind_problem(host, auth_proxy=False, files=_secrets(tmp_path, None)) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "whycall.example.com"])
def test_any_other_address_needs_authentication(tmp_path, host):
    problem = bind_problem(host, auth_proxy=False, files=_secrets(tmp_path, None))
    assert problem and "refusing" in problem and host in problem and "docs/deploy.md" in problem


@pytest.fixture
def authlib(monkeypatch):
    """Streamlit's login needs Authlib (not a whycall dependency): present or absent on demand."""
    import importlib.util

    real = importlib.util.find_spec
    state = {"present": True}
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: (object() if state["present"] else None) if name == "authlib" else real(name, *a))
    return state


@pytest.mark.parametrize("text", [GOOD_AUTH, PROVIDER_AUTH])
def test_a_complete_login_configuration_allows_a_team_address(tmp_path, text, authlib):
    files = _secrets(tmp_path, text)
    assert oidc_problem(files) is None
    assert bind_problem("0.0.0.0", auth_proxy=False, files=files) is None


def test_a_login_without_authlib_is_refused_saying_so(tmp_path, authlib):
    authlib["present"] = False
    assert "Authlib" in bind_problem("0.0.0.0", auth_proxy=False, files=_secrets(tmp_path, GOOD_AUTH))


def test_an_incomplete_login_configuration_says_what_is_missing(tmp_path):
    files = _secrets(tmp_path, '[auth]\nredirect_uri = "https://x/oauth2callback"\n')
    problem = bind_problem("0.0.0.0", auth_proxy=False, files=files)
    assert "cookie_secret" in problem and "client_id" in problem


def test_broken_toml_is_named(tmp_path):
    files = _secrets(tmp_path, "[auth\n")
    assert str(files[1]) in bind_problem("0.0.0.0", auth_proxy=False, files=files)


def test_an_authenticating_proxy_allows_a_team_address(tmp_path):
    assert bind_problem("0.0.0.0", auth_proxy=True, files=_secrets(tmp_path, None)) is None


def _cli_app(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("whycall")
    home, cwd = tmp_path / "home", tmp_path / "project"
    home.mkdir(exist_ok=True)
    cwd.mkdir(exist_ok=True)
    return subprocess.run([str(exe), "app", "--warehouse", str(tmp_path / "wh.duckdb"), *args], cwd=cwd,
                          env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=60,
                          check=False)


def test_whycall_app_on_every_interface_refuses_without_authentication(tmp_path):
    result = _cli_app(tmp_path, "--host", "0.0.0.0", "--port", "1")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "refusing to serve customer data on 0.0.0.0" in result.stderr
    assert "whycall dashboards on" not in result.stdout  # Streamlit never started
