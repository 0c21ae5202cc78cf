"""UrlFetchApp: HTTP answered from a stub table, never from the network.

Sources: developers.google.com/apps-script/reference/url-fetch/url-fetch-app (fetch, fetchAll,
getRequest, the params: method, payload, headers, contentType, muteHttpExceptions) and
.../http-response. The answers come from the emulator's stub table (``install``), a list of
``Stub`` rows (URL glob, method, status, body, headers, latency), built in Python or read from a
JSON file; a body may be a function of the request (a token server that rotates tokens). A URL no
stub matches fails as an unknown host does. Every fetch is a service call (deadline, faults,
trace), charged to the user's daily URL Fetch quota (spec 5), then waits the stub's latency; the
seeded faults (Settings.urlfetch_*_p) turn an answer into a timeout, a 429 or a 503.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..errors import GasError, ServiceInvokedTooManyTimes
from .coerce import to_js_string

if TYPE_CHECKING:
    from ..emulator import Emulator
    from ..execution import Execution

URLFETCH = "urlfetch"
#: community reports: UrlFetchApp gives up after about 60 s (not documented)
TIMEOUT_MS = 60_000
#: community reports: the error shows the first part of the body (length unverified)
TRUNCATE_CHARS = 100


@dataclass(frozen=True)
class Stub:
    url: str  # an fnmatch glob over the whole URL ("https://api.example.com/v1/*")
    status: int = 200
    body: str | Callable[[dict], str | tuple[int, str]] = ""
    method: str = "*"
    headers: Mapping[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    latency_ms: float = 0.0

    def matches(self, url: str, method: str) -> bool:
        return self.method in ("*", method) and fnmatch.fnmatchcase(url, self.url)


def load_stubs(path: str | Path) -> list[Stub]:
    """Stubs from a JSON file: ``[{"url": glob, "method", "status", "body", "headers", "latency_ms"}]``."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Stub(**{k: (v.upper() if k == "method" else v) for k, v in row.items()}) for row in rows]


def install(emu: Emulator, stubs: list[Stub]) -> None:
    """The stub table every execution of ``emu`` fetches from (first match wins)."""
    emu.url_stubs = list(stubs)


class HTTPResponse:
    """reference/url-fetch/http-response."""

    def __init__(self, code: int, text: str, headers: Mapping[str, str]) -> None:
        self._code, self._text, self._headers = code, text, dict(headers)

    def getResponseCode(self) -> int:
        return self._code

    def getContentText(self, charset=None) -> str:
        return self._text

    def getContent(self) -> bytes:
        return self._text.encode("utf-8")

    def getHeaders(self) -> dict[str, str]:
        return dict(self._headers)

    def getAllHeaders(self) -> dict[str, str]:
        return dict(self._headers)


class UrlFetchApp:
    """``UrlFetchApp`` global of one execution."""

    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def getRequest(self, url, params=None) -> dict:
        # url-fetch-app: "the request that would be made if the operation were invoked" (no call)
        params = dict(params or {})
        headers = dict(params.get("headers") or {})
        return {"url": to_js_string(url), "method": str(params.get("method", "get")).lower(),
                "payload": params.get("payload", ""), "headers": headers,
                "contentType": params.get("contentType", "application/x-www-form-urlencoded"),
                "muteHttpExceptions": bool(params.get("muteHttpExceptions", False)),
                "followRedirects": params.get("followRedirects", True),
                "validateHttpsCertificates": params.get("validateHttpsCertificates", True)}

    def fetch(self, url, params=None) -> HTTPResponse:
        request = self.getRequest(url, params)
        self._ex.service_call("urlfetch.fetch", request["url"])
        self._charge(1)
        latency, response = self._answer(request)
        self._ex.pause(latency)
        return self._checked(request, response)

    def fetchAll(self, requests) -> list[HTTPResponse]:
        # url-fetch-app: the requests run in parallel: one wait, the longest latency
        made = [self.getRequest(r) if isinstance(r, str) else self.getRequest(r.get("url"), r)
                for r in list(requests)]
        self._ex.service_call("urlfetch.fetch_all", None)
        self._charge(len(made))
        answers = [self._answer(r) for r in made]
        self._ex.pause(max((latency for latency, _ in answers), default=0.0))
        return [self._checked(r, response) for r, (_, response) in zip(made, answers, strict=True)]

    # -------------------------------------------------------------- helpers
    def _charge(self, cost: int) -> None:
        ex = self._ex
        emu = ex.emulator
        used = emu.store.quota_charge(ex.user, URLFETCH, cost, emu.settings.urlfetch_daily_quota,
                                      emu.clock.now_ms(), emu.settings.quota_window_ms)
        if used is None:  # spec 5 "Observed in the wild": "...for one day: urlfetch."
            raise ServiceInvokedTooManyTimes("urlfetch")

    def _answer(self, request: dict) -> tuple[float, HTTPResponse | None]:
        """(latency, response); None is a timeout. Faults are drawn from the execution's rng."""
        url, method = request["url"], request["method"].upper()
        stub = next((s for s in self._ex.emulator.url_stubs if s.matches(url, method)), None)
        if stub is None:  # no network here: an unmatched URL fails like an unknown host
            raise GasError(f"DNS error: {url}")
        settings, rng = self._ex.emulator.settings, self._ex.rng
        if settings.urlfetch_timeout_p and rng.random() < settings.urlfetch_timeout_p:
            return TIMEOUT_MS, None
        if settings.urlfetch_429_p and rng.random() < settings.urlfetch_429_p:
            return stub.latency_ms, HTTPResponse(429, "Too Many Requests", {})
        if settings.urlfetch_5xx_p and rng.random() < settings.urlfetch_5xx_p:
            return stub.latency_ms, HTTPResponse(503, "Service Unavailable", {})
        status, body = stub.status, stub.body
        if callable(body):
            answer = body(request)
            status, body = answer if isinstance(answer, tuple) else (status, answer)
        return stub.latency_ms, HTTPResponse(int(status), str(body), stub.headers)

    def _checked(self, request: dict, response: HTTPResponse | None) -> HTTPResponse:
        url = request["url"]
        if response is None:
            raise GasError(f"Timeout: {url}")  # community reports of the text
        code = response.getResponseCode()
        if code >= 400 and not request["muteHttpExceptions"]:
            # url-fetch-app muteHttpExceptions: otherwise "the fetch throws an exception if the
            # response code indicates failure"; the text as Apps Script prints it (community reports)
            parts = urlsplit(url)
            raise GasError(f"Request failed for {parts.scheme}://{parts.netloc} returned code {code}. "
                           f"Truncated server response: {response.getContentText()[:TRUNCATE_CHARS]} "
                           "(use muteHttpExceptions option to examine full response)")
        return response
