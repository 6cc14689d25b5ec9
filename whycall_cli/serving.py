"""Who may reach the dashboards: a team deployment cannot start without authentication (docs/deploy.md).

On 127.0.0.1 only the machine's own users see the app. Any other address exposes customer contacts to
the network, so ``whycall app --host`` refuses it unless either Streamlit's built-in OIDC login is
configured (an ``[auth]`` section in ``.streamlit/secrets.toml``: the app then asks every visitor to log
in) or ``--auth-proxy`` says a reverse proxy in front (oauth2-proxy, Caddy...) authenticates.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import tomllib
from pathlib import Path

LOOPBACK_NAMES = {"localhost"}
# what st.login needs (Streamlit docs, "User authentication"): at the top of [auth] or in a provider table
_AUTH_TOP = ("redirect_uri", "cookie_secret")
_AUTH_PROVIDER = ("client_id", "client_secret", "server_metadata_url")


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def secrets_files(cwd: Path, home: Path) -> list[Path]:
    """Where Streamlit reads secrets.toml from (the user's, then the project's)."""
    return [home / ".streamlit" / "secrets.toml", cwd / ".streamlit" / "secrets.toml"]


def oidc_problem(files: list[Path]) -> str | None:
    """None when an [auth] section usable by st.login is configured, else what is missing."""
    auth: dict = {}
    for path in files:
        if path.is_file():
            try:
                auth.update(tomllib.loads(path.read_text(encoding="utf-8")).get("auth") or {})
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                return f"{path}: not valid TOML ({exc})"
    if not auth:
        return "no [auth] section in " + " or ".join(str(p) for p in files)
    missing = [key for key in _AUTH_TOP if not auth.get(key)]
    providers = [auth] + [v for v in auth.values() if isinstance(v, dict)]
    if not any(all(p.get(key) for key in _AUTH_PROVIDER) for p in providers):
        missing.append("client_id, client_secret and server_metadata_url (in [auth] or [auth.<provider>])")
    if missing:
        return f"[auth] lacks {', '.join(missing)}"
    if importlib.util.find_spec("authlib") is None:  # st.login needs it; without it the login button fails
        return "[auth] is configured but Streamlit's login needs the Authlib package: uv add Authlib"
    return None


def bind_problem(host: str, *, auth_proxy: bool, files: list[Path]) -> str | None:
    """Why the app must not start on ``host``, or None. Loopback always starts."""
    if is_loopback(host) or auth_proxy:
        return None
    problem = oidc_problem(files)
    if problem is None:
        return None
    return (f"refusing to serve customer data on {host} without authentication: {problem}. Configure Streamlit's "
            "login ([auth] in .streamlit/secrets.toml, see docs/deploy.md), or pass --auth-proxy when a reverse "
            "proxy in front authenticates every request, or serve on 127.0.0.1")
