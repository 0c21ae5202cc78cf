"""gasctl's HTTP transport: httplib2 that counts every request and never re-sends a non-idempotent one.

httplib2 re-sends a request on its own when the connection fails after sending (``RETRIES`` and the
"stale connection" retry in ``Http._conn_request``, httplib2 0.22). For a POST (``versions.create``,
``deployments.create``, ``projects.create``, ``scripts.run``) that is unsafe: the server may have done
the work and only the answer was lost. Here any failure after a POST started to go out becomes
``ResponseLost``, which httplib2's loop does not catch, so the caller decides (gasctl looks before it
re-sends; see ``gasctl.api``). Imported lazily (httplib2 is heavy for ``gasctl --help``).
"""

from __future__ import annotations

import http.client
from collections.abc import Callable
from typing import Any

import httplib2

# RFC 9110 §9.2.2: methods whose repetition has the same effect as one request.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
DEFAULT_TIMEOUT_S = 60  # googleapiclient.http.DEFAULT_HTTP_TIMEOUT_SEC (spec §3.2)


class ResponseLost(httplib2.HttpLib2Error):
    """A non-idempotent request may have reached the server, but no answer came back."""

    def __init__(self, method: str, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}".rstrip(": "))
        self.method = method
        self.cause = cause


class _SendOnce:
    """The connection of one non-idempotent request: a failure once sending began is ``ResponseLost``."""

    def __init__(self, conn: Any, method: str) -> None:
        self._conn = conn
        self._method = method

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def request(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard(self._conn.request, *args, **kwargs)

    def getresponse(self) -> Any:
        return self._guard(self._conn.getresponse)

    def _guard(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except (OSError, http.client.HTTPException) as err:
            self._conn.close()
            raise ResponseLost(self._method, err) from err


class CountingHttp(httplib2.Http):
    """httplib2 that reports each request (method, URL without query, status; 0 when no answer came).

    ``may_resend`` is set by the caller while it sends a POST or PATCH whose repetition is harmless
    (Cloud Logging's ``entries.list``, Drive's trash, Service Usage's enable): it may be re-sent.
    """

    def __init__(self, on_request: Callable[[str, str, int], None]) -> None:
        super().__init__(timeout=DEFAULT_TIMEOUT_S)
        self._on_request = on_request
        self.may_resend = False

    def request(self, uri, method="GET", *args, **kwargs):  # type: ignore[override]
        try:
            response, content = super().request(uri, method, *args, **kwargs)
        except Exception:
            self._on_request(method, uri.split("?", 1)[0], 0)
            raise
        self._on_request(method, uri.split("?", 1)[0], int(response.status))
        return response, content

    def _conn_request(self, conn, request_uri, method, body, headers):  # type: ignore[override]
        if method not in IDEMPOTENT_METHODS and not self.may_resend:
            conn = _SendOnce(conn, method)
        return super()._conn_request(conn, request_uri, method, body, headers)
