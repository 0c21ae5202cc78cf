"""The fake API's control plane (``/__control/{health,settings,reset}``), locked down.

The control plane can switch authorization off and delete every project, so it answers only a
local program that knows the server's token:

- the ``Host`` header must be ``127.0.0.1:<port>``, ``localhost:<port>`` or ``[::1]:<port>``
  (a DNS-rebinding page reaches the server under its own host name);
- nothing a browser adds is accepted: any ``Origin`` header, ``Sec-Fetch-Site`` other than
  ``none``, and a POST whose Content-Type is not ``application/json`` (a page can send text/plain,
  form and multipart bodies without a CORS preflight: fetch.spec.whatwg.org, "CORS-safelisted
  request-header");
- the token must come in the ``X-Gas-Emu-Control-Token`` header (a custom header, which a page
  can only send after a preflight that this server never grants);
- ``reset`` on a server that keeps its state in a file (``--state``) is refused unless the server
  was started with ``--allow-state-reset``.

The refusals are the fake's own (403/401), in Google's error shape like every other answer.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gas_emulator.api_server import errors

if TYPE_CHECKING:
    from gas_emulator.api_server.server import FakeApiServer

TOKEN_HEADER = "X-Gas-Emu-Control-Token"
TOKEN_ENV = "GAS_EMU_CONTROL_TOKEN"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")

MSG_WRONG_HOST = "The control plane answers only Host {allowed}, not {host!r}."
MSG_BROWSER = "The control plane refuses requests made by a web page ({why})."
MSG_NOT_JSON = "The control plane accepts only Content-Type: application/json, not {kind!r}."
MSG_NO_TOKEN = f"The control plane needs the {TOKEN_HEADER} header (the token serve-api printed at start)."
MSG_STATE_RESET = ("Reset would delete the projects kept in {path}; start serve-api with "
                   "--allow-state-reset to allow it.")


def new_token() -> str:
    return secrets.token_urlsafe(32)


class ControlPlane:
    """Checks and serves ``/__control/*`` for one server."""

    def __init__(self, app: FakeApiServer, token: str, *, state_file: Path | None = None,
                 allow_state_reset: bool = False) -> None:
        if not token:
            raise ValueError("the control token must not be empty")
        self.app = app
        self.token = token
        self.state_file = state_file
        self.allow_state_reset = allow_state_reset

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes) -> tuple[int, Any]:
        self.check(method, headers)
        return self._serve(method, path, body)

    def check(self, method: str, headers: Mapping[str, str]) -> None:
        """Raise a 403 for a wrong host or anything a browser sends, a 401 without the token."""
        allowed = [f"{host}:{self.app.port}" for host in LOOPBACK_HOSTS]
        host = headers.get("Host") or ""
        if host.lower() not in allowed:
            raise errors.ApiError(403, MSG_WRONG_HOST.format(allowed=", ".join(allowed), host=host))
        origin = headers.get("Origin")
        if origin is not None:
            raise errors.ApiError(403, MSG_BROWSER.format(why=f"Origin {origin}"))
        site = headers.get("Sec-Fetch-Site")
        if site is not None and site.lower() != "none":
            raise errors.ApiError(403, MSG_BROWSER.format(why=f"Sec-Fetch-Site: {site}"))
        kind = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if method == "POST" and kind != "application/json":
            raise errors.ApiError(403, MSG_NOT_JSON.format(kind=kind))
        given = headers.get(TOKEN_HEADER) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            raise errors.ApiError(401, MSG_NO_TOKEN)

    def _serve(self, method: str, path: str, body: bytes) -> tuple[int, Any]:
        if path == "/__control/reset" and method == "POST":
            if self.state_file is not None and not self.allow_state_reset:
                raise errors.failed_precondition(MSG_STATE_RESET.format(path=self.state_file))
            self.app.reset()
            return 200, {}
        if path == "/__control/health" and method == "GET":
            return 200, {"ok": True, "baseUrl": self.app.base_url}
        if path == "/__control/settings" and method in ("GET", "POST"):
            if method == "POST":
                self._change_settings(body)
            return 200, self.app.settings.to_json()
        raise errors.ApiError(404, errors.MSG_NO_SUCH_METHOD)

    def _change_settings(self, body: bytes) -> None:
        try:
            changes = json.loads(body or b"{}")
            if not isinstance(changes, dict):
                raise ValueError("settings must be a JSON object")
            self.app.update_settings(**changes)
        except RecursionError:
            raise errors.invalid_argument(errors.MSG_BAD_JSON) from None
        except ValueError as exc:
            raise errors.invalid_argument(str(exc)) from None
