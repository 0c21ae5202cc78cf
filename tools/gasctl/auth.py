"""Credentials: clasp's ``~/.clasprc.json`` (v3, v2 and 1.x formats), other files, ADC, and login/logout.

Order (issue 7): ``--credentials FILE``, then clasp's credentials file (``clasp_config_auth`` or
``~/.clasprc.json``; ``--user`` picks the named entry), then Application Default Credentials.
Formats (spec §1.4 "Credentials file", §3.3): clasp v3 ``{"tokens": {user: {...}}}``; clasp v2
``{"token": {...}, "oauth2ClientSettings": {...}}`` (user ``default`` only); clasp 1.x flat
``{access_token, refresh_token, ...}`` (user ``default`` only); Google ``authorized_user`` and
``service_account`` files; and ``{"type": "access_token", "access_token": "..."}`` (a bare short-lived
token, never refreshed: for CI and for tests against the fake API). No token is ever printed or logged;
files are written 0600. google-auth is imported lazily (``gasctl --help`` must stay fast).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import json
import os
import socket
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gasctl.errors import GasctlError

# clasp's built-in public OAuth client id (spec §1.4); used without a secret as a PKCE public client.
BUILTIN_CLIENT_ID = "1072944905499-vm2v2i5dvn0a0d2o4ca36i1vge8cvbn0.apps.googleusercontent.com"
TOKEN_URI = "https://oauth2.googleapis.com/token"
_G = "https://www.googleapis.com/auth/"
# Narrowed API scopes suffice for content/versions/deployments (spec §3.3).
API_SCOPES = [_G + "script.projects", _G + "script.deployments", _G + "script.webapp.deploy"]
LOGIN_SCOPES = [*API_SCOPES, _G + "userinfo.email", "openid"]
# What clasp asks Application Default Credentials for (src/auth/auth.ts createApplicationDefaultCredentials):
# a service account needs Drive, Service Usage and Logging scopes too for list, apis and logs.
ADC_SCOPES = [*API_SCOPES, _G + "drive.metadata.readonly", _G + "drive.file", _G + "service.management",
              _G + "logging.read", _G + "userinfo.email", _G + "userinfo.profile", _G + "cloud-platform"]
# login --no-localhost: the browser is sent here with ?code=...; nothing listens, the user copies the URL.
# Any loopback port is allowed for installed apps (developers.google.com/identity/protocols/oauth2/native-app,
# "Loopback IP address"); 8888 is clasp's choice for the same flow.
NO_LOCALHOST_REDIRECT = "http://localhost:{port}"
NO_LOCALHOST_PORT = 8888
DEFAULT_USER = "default"
_LEGACY_KEYS = ("token", "oauth2ClientSettings", "isLocalCreds", "access_token", "refresh_token",
                "scope", "token_type", "exprity_date", "expiry_date", "id_token")


class NoCredentialsError(GasctlError):
    """No credentials anywhere gasctl looks (whoami reports it as "Not logged in.")."""


@dataclass
class CredentialSource:
    """Where credentials came from (safe to print: never holds a token)."""

    kind: str  # "file" | "clasprc" | "adc"
    format: str
    path: str | None = None
    user: str | None = None
    client_id: str | None = None
    email: str | None = None
    fields: dict = field(default_factory=dict, repr=False)

    def describe(self) -> dict:
        client_type = None
        if self.client_id:
            client_type = "google-provided" if self.client_id == BUILTIN_CLIENT_ID else "user-provided"
        return {"source": self.kind, "format": self.format, "path": self.path, "user": self.user,
                "clientId": self.client_id, "clientType": client_type, "email": self.email}


def clasprc_path(env: Mapping[str, str] | None = None) -> Path:
    """clasp's credentials file: ``clasp_config_auth`` (file or folder, spec §1.1) or ``~/.clasprc.json``."""
    env = os.environ if env is None else env
    configured = env.get("clasp_config_auth")
    if configured:
        path = Path(configured).expanduser()
        return path / ".clasprc.json" if path.is_dir() else path
    return Path(env.get("HOME") or Path.home()) / ".clasprc.json"


def write_private_json(path: Path, data: Any) -> None:
    """Write JSON atomically with mode 0600 (clasp v3 writes its credentials file 0600, spec §1.4)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
            handle.write("\n")
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise GasctlError(f"{path}: credentials file not found") from None
    except (OSError, json.JSONDecodeError) as err:
        raise GasctlError(f"{path}: not a readable JSON credentials file ({type(err).__name__})") from None
    if not isinstance(data, dict):
        raise GasctlError(f"{path}: credentials file must contain a JSON object")
    return data


def _email_from_id_token(id_token: str | None) -> str | None:
    """The email claim of an OpenID token, decoded locally without a network call (display only)."""
    if not id_token or id_token.count(".") != 2:
        return None
    payload = id_token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, json.JSONDecodeError):
        return None
    return claims.get("email") if isinstance(claims, dict) else None


def _only_default(path: Path, user: str, fmt: str) -> None:
    if user != DEFAULT_USER:  # clasp reads the legacy formats for the default user only (spec §1.4)
        raise GasctlError(f'{path}: the {fmt} credentials format has no entry for user "{user}"')


def _token_fields(path: Path, data: dict, user: str) -> tuple[str, dict]:
    """Normalise one of the known formats to (format, fields with clasp-style key names)."""
    if isinstance(data.get("tokens"), dict):
        entry = data["tokens"].get(user)
        if not isinstance(entry, dict):
            users = ", ".join(sorted(data["tokens"])) or "none"
            raise GasctlError(f'{path}: no credentials for user "{user}" (users in this file: {users})')
        return "clasp-v3", dict(entry)
    if isinstance(data.get("token"), dict):
        _only_default(path, user, "clasp v2")
        settings = data.get("oauth2ClientSettings") or {}
        return "clasp-v2", {**data["token"], "client_id": settings.get("clientId"),
                            "client_secret": settings.get("clientSecret")}
    if data.get("type") in ("authorized_user", "service_account", "access_token"):
        return data["type"], dict(data)
    if "access_token" in data or "refresh_token" in data:
        _only_default(path, user, "clasp 1.x")
        return "clasp-1.x", {**data, "client_id": BUILTIN_CLIENT_ID,
                             "expiry_date": data.get("expiry_date", data.get("exprity_date"))}
    raise GasctlError(f"{path}: unrecognised credentials format (expected clasp's .clasprc.json, an "
                      "authorized_user or service_account file, or an access_token file)")


def read_credentials_file(path: Path, user: str, kind: str = "file") -> CredentialSource:
    """Parse a credentials file into a ``CredentialSource`` (no network, no token in any message)."""
    fmt, fields = _token_fields(path, _read_json(path), user)
    client_id = fields.get("client_id") or fields.get("clientId")
    email = fields.get("client_email") or _email_from_id_token(fields.get("id_token"))
    return CredentialSource(kind=kind, format=fmt, path=str(path), user=user, client_id=client_id,
                            email=email, fields=fields)


def _expiry(fields: dict) -> dt.datetime | None:
    if fields.get("expiry_date"):  # clasp: ms since the epoch; google-auth wants naive UTC (spec §3.3)
        stamp = dt.datetime.fromtimestamp(int(fields["expiry_date"]) / 1000, tz=dt.UTC)
        return stamp.replace(tzinfo=None)
    if fields.get("expiry"):
        return dt.datetime.fromisoformat(str(fields["expiry"]).rstrip("Z")).replace(tzinfo=None)
    return None


def build_credentials(source: CredentialSource):
    """google-auth credentials for a parsed source (imports google-auth lazily)."""
    fields = source.fields
    if source.format == "service_account":
        from google.oauth2 import service_account

        return service_account.Credentials.from_service_account_info(fields, scopes=API_SCOPES)
    from google.oauth2.credentials import Credentials

    if source.format == "access_token":
        return Credentials(token=fields.get("access_token") or fields.get("token"))
    return Credentials(
        token=fields.get("access_token") or fields.get("token"),
        refresh_token=fields.get("refresh_token"),
        token_uri=fields.get("token_uri") or TOKEN_URI,
        client_id=source.client_id,
        client_secret=fields.get("client_secret") or fields.get("clientSecret"),
        expiry=_expiry(fields),
    )


def application_default(missing: str):
    """Application Default Credentials with clasp's scopes; ``NoCredentialsError(missing)`` if none."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, _project = google.auth.default(scopes=ADC_SCOPES)
    except DefaultCredentialsError:
        raise NoCredentialsError(missing) from None
    return credentials, CredentialSource(kind="adc", format="application-default")


def resolve_credentials(credentials_file: str | None, user: str, env: Mapping[str, str] | None = None,
                        *, adc: bool = False):
    """Return (google credentials, CredentialSource) following the documented order; ``adc`` (the global
    ``--adc``, as clasp's) skips every file and reads only Application Default Credentials."""
    if adc:
        return application_default("--adc: no Application Default Credentials found. Set "
                                   "GOOGLE_APPLICATION_CREDENTIALS to a key file, or run `gcloud auth "
                                   "application-default login`.")
    if credentials_file:
        source = read_credentials_file(Path(credentials_file).expanduser(), user, kind="file")
        return build_credentials(source), source
    rc = clasprc_path(env)
    if rc.is_file():
        source = read_credentials_file(rc, user, kind="clasprc")
        return build_credentials(source), source
    return application_default("No credentials: run `gasctl login`, pass --credentials FILE, or set up "
                               f"Application Default Credentials (looked for {rc})")


def persist_refreshed(credentials: Any, source: CredentialSource) -> None:
    """After a refresh, store the new access token back in a clasp v3 entry (as clasp does, spec §1.4)."""
    token = getattr(credentials, "token", None)
    unchanged = not token or token == source.fields.get("access_token")
    if source.format != "clasp-v3" or not source.path or unchanged:
        return
    data = _read_json(Path(source.path))
    entry = data.get("tokens", {}).get(source.user)
    if isinstance(entry, dict):
        entry["access_token"] = token
        if getattr(credentials, "expiry", None):
            entry["expiry_date"] = int(credentials.expiry.replace(tzinfo=dt.UTC).timestamp() * 1000)
        write_private_json(Path(source.path), data)


def _client_config(client_secret_file: str | None) -> dict:
    if client_secret_file:
        data = _read_json(Path(client_secret_file))
        if not ({"installed", "web"} & set(data)):
            raise GasctlError(f'{client_secret_file}: not an OAuth client file (no "installed" or "web" key)')
        return data
    return {"installed": {"client_id": BUILTIN_CLIENT_ID, "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                          "token_uri": TOKEN_URI, "redirect_uris": ["http://localhost"]}}


def default_flow_factory(client_config: dict, scopes: list[str]):
    from google_auth_oauthlib.flow import InstalledAppFlow

    return InstalledAppFlow.from_client_config(client_config, scopes=scopes)


def _pasted_code(text: str, state: str) -> str:
    """The authorization code from the pasted redirect URL, whose ``state`` must be this login's (a
    pasted URL from someone else's login is refused: RFC 6749 §10.12)."""
    from urllib.parse import parse_qs, urlsplit

    query = {key: values[0] for key, values in parse_qs(urlsplit(text.strip()).query).items()}
    if "error" in query:
        raise GasctlError(f"login: authorization failed ({query['error']}); nothing was saved")
    if query.get("state") != state:
        raise GasctlError("login: the pasted URL is not from this login (its state differs); run "
                          "`gasctl login --no-localhost` again and paste the URL the browser shows. Nothing "
                          "was saved.")
    if not query.get("code"):
        raise GasctlError("login: the pasted URL holds no authorization code; nothing was saved")
    return query["code"]


def _check_port(port: int) -> None:
    """Bind ``port`` as the flow's server will (localhost, address reuse on) before any browser opens;
    a port that cannot be bound is an error in clasp's words (src/auth/localhost_auth_code_flow.ts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("localhost", port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise GasctlError(f"Port {port} is already in use. Please specify a different port with "
                                  "--redirect-port. Nothing was saved.") from None
            raise GasctlError(f"Unable to start the server on port {port} ({err.strerror or err}). "
                              "Nothing was saved.") from None


def _run_local_server(flow: Any, port: int) -> Any:
    """The consent flow with its redirect server on ``port`` (0: any free port)."""
    if port:
        _check_port(port)
    with contextlib.redirect_stdout(sys.stderr):  # the library prints the consent URL; stdout clean
        return flow.run_local_server(port=port, open_browser=True)


def login(client_secret_file: str | None, user: str, rc_path: Path,
          flow_factory: Callable[[dict, list[str]], Any] | None = None, *,
          scopes: list[str] | None = None, paste: Callable[[str], str] | None = None,
          redirect_port: int | None = None) -> CredentialSource:
    """Installed-app flow; saves a clasp v3 entry ``tokens[user]`` (0600).

    With ``paste`` (``login --no-localhost``) no local server runs: the consent URL is shown and the
    user pastes back the URL the browser was sent to (it fails to load on a headless machine), as
    clasp's serverless flow does (src/auth/serverless_auth_code_flow.ts). ``redirect_port`` (clasp's
    ``--redirect-port``) is the port of the redirect URL: the local server listens there (default: any
    free port), or, with ``paste``, the URL the browser is sent to names it (default 8888, as clasp).
    """
    config = _client_config(client_secret_file)
    flow = (flow_factory or default_flow_factory)(config, scopes or LOGIN_SCOPES)
    if paste is None:
        credentials = _run_local_server(flow, redirect_port or 0)
    else:
        flow.redirect_uri = NO_LOCALHOST_REDIRECT.format(port=redirect_port or NO_LOCALHOST_PORT)
        url, state = flow.authorization_url(prompt="consent")
        flow.fetch_token(code=_pasted_code(paste(url), state))
        credentials = flow.credentials
    client = config.get("installed") or config.get("web") or {}
    entry = {"client_id": client.get("client_id"), "type": "authorized_user",
             "refresh_token": credentials.refresh_token, "access_token": credentials.token,
             "token_type": "Bearer"}
    if client.get("client_secret"):
        entry["client_secret"] = client["client_secret"]
    if getattr(credentials, "expiry", None):
        entry["expiry_date"] = int(credentials.expiry.replace(tzinfo=dt.UTC).timestamp() * 1000)
    if getattr(credentials, "id_token", None):
        entry["id_token"] = credentials.id_token
    data = _read_json(rc_path) if rc_path.is_file() else {}
    data.setdefault("tokens", {})[user] = entry
    write_private_json(rc_path, data)
    return read_credentials_file(rc_path, user, kind="clasprc")


def logout(user: str, rc_path: Path) -> bool:
    """Delete ``tokens[user]`` (for ``default`` also the legacy top-level keys, like clasp); True if any."""
    if not rc_path.is_file():
        return False
    data = _read_json(rc_path)
    removed = isinstance(data.get("tokens"), dict) and data["tokens"].pop(user, None) is not None
    if user == DEFAULT_USER:
        for key in _LEGACY_KEYS:
            removed = data.pop(key, None) is not None or removed
    if removed:
        write_private_json(rc_path, data)
    return removed
