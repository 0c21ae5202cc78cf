"""The Apps Script API client: lazy build, HTTP call counting, retries with backoff, one-line errors.

Every API call gasctl makes goes through ``ScriptApi``. The client is the real google-api-python-client
with its bundled static discovery document (spec §3.1), built on first use so ``gasctl --help`` never
imports it. ``api_endpoint`` points it at the fake API (spec §3.2). Retries: 429 and 5xx (and 403 rate
limits, as the library's own ``num_retries`` does, spec §3.2) with exponential backoff through an
injectable ``sleep`` (tests never sleep). Errors become ``ApiError`` with one line naming what failed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from gasctl.errors import ApiError

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 0.5
PAGE_SIZE = 50  # spec §2.3: always send pageSize (one report saw HEAD-only lists without it)
API_DISABLED_MARK = "has not enabled the Apps Script API"  # spec §2.4 message text
ENABLE_URL = "https://script.google.com/home/usersettings"


def _error_body(content: bytes) -> dict:
    try:
        body = json.loads(content or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def describe_http_error(status: int, content: bytes, what: str) -> ApiError:
    """Map an API error to one clear line (spec §2.4; clasp prefers ``errors[0].message``)."""
    error = _error_body(content)
    legacy = error.get("errors") or [{}]
    first = legacy[0] if isinstance(legacy[0], dict) else {}
    message = first.get("message") or error.get("message") or ""
    reason = error.get("status") or ""
    if status == 401:
        text = (f"{what}: not authenticated (401): {message} Run `gasctl login`, or pass --credentials FILE.")
    elif status == 403 and API_DISABLED_MARK in message:
        text = (f"{what}: the Apps Script API is not enabled for this account (403). Turn it on at "
                f"{ENABLE_URL}, wait a few minutes, then retry.")
    elif status == 403:
        text = f"{what}: permission denied (403): {message}"
    elif status == 404:
        text = f"{what}: not found (404): {message} Check the scriptId / id you passed."
    else:
        text = f"{what}: {status} {reason}: {message}".replace(" : ", ": ")
    return ApiError(" ".join(text.split()), status=status, reason=reason)


def _make_http(on_request: Callable[[str, str, int], None]):
    import httplib2

    class CountingHttp(httplib2.Http):
        """httplib2 that reports each request (method, URL without credentials, status)."""

        def request(self, uri, method="GET", *args, **kwargs):  # type: ignore[override]
            response, content = super().request(uri, method, *args, **kwargs)
            on_request(method, uri.split("?", 1)[0], int(response.status))
            return response, content

    return CountingHttp(timeout=60)  # googleapiclient.http.DEFAULT_HTTP_TIMEOUT_SEC (spec §3.2)


class ScriptApi:
    """Thin, counted, retried wrapper over ``build('script', 'v1')``. Method names follow the API."""

    def __init__(self, credentials: Any, *, endpoint: str | None = None, sleep: Callable[[float], None],
                 log: Callable[[str], None] = lambda text: None) -> None:
        self.credentials = credentials
        self.endpoint = endpoint
        self.sleep = sleep
        self.log = log
        self.calls: list[tuple[str, str, int]] = []
        self._service: Any = None

    # -- plumbing ------------------------------------------------------------------------------
    def _record(self, method: str, url: str, status: int) -> None:
        self.calls.append((method, url, status))
        self.log(f"HTTP {method} {url} -> {status}")

    @property
    def service(self) -> Any:
        if self._service is None:
            import google_auth_httplib2
            from googleapiclient.discovery import build

            http = google_auth_httplib2.AuthorizedHttp(self.credentials, http=_make_http(self._record))
            options = {"api_endpoint": self.endpoint.rstrip("/") + "/"} if self.endpoint else None
            self._service = build("script", "v1", http=http, static_discovery=True, cache_discovery=False,
                                  client_options=options)
        return self._service

    def _retryable(self, status: int, content: bytes) -> bool:
        if status in RETRYABLE_STATUS:
            return True
        legacy = _error_body(content).get("errors") or [{}]
        return status == 403 and isinstance(legacy[0], dict) and legacy[0].get("reason") in RATE_LIMIT_REASONS

    def execute(self, what: str, request: Any) -> Any:
        """Run one request with retries; raise ``ApiError`` with a one-line message on failure."""
        from google.auth.exceptions import GoogleAuthError
        from googleapiclient.errors import HttpError
        from httplib2 import HttpLib2Error

        for attempt in range(MAX_ATTEMPTS):
            last = attempt == MAX_ATTEMPTS - 1
            try:
                return request.execute(num_retries=0)
            except HttpError as err:
                status = int(err.resp.status)
                if last or not self._retryable(status, err.content):
                    raise describe_http_error(status, err.content, what) from None
            except GoogleAuthError as err:  # the transport refreshes on 401; a failed refresh lands here
                raise ApiError(f"{what}: not authenticated: the credentials were rejected and could not be "
                               f"refreshed ({type(err).__name__}). Run `gasctl login`, or pass "
                               "--credentials FILE.",
                               status=401) from None
            except (OSError, HttpLib2Error) as err:
                if last:
                    where = self.endpoint or "https://script.googleapis.com"
                    raise ApiError(f"{what}: cannot reach {where} ({type(err).__name__}: "
                                   f"{err})", status=0) from None
            delay = BACKOFF_BASE_S * 2**attempt
            self.log(f"retrying {what} in {delay:g}s (attempt {attempt + 2} of {MAX_ATTEMPTS})")
            self.sleep(delay)
        raise AssertionError("unreachable")

    def _pages(self, what: str, collection: Any, key: str, **kwargs: Any) -> Iterator[dict]:
        request = collection.list(pageSize=PAGE_SIZE, **kwargs)
        while request is not None:
            response = self.execute(what, request)
            yield from response.get(key, [])
            request = collection.list_next(request, response)

    # -- projects ------------------------------------------------------------------------------
    def create_project(self, title: str, parent_id: str | None = None) -> dict:
        body = {"title": title, **({"parentId": parent_id} if parent_id else {})}
        return self.execute("creating the project", self.service.projects().create(body=body))

    def get_content(self, script_id: str, version: int | None = None) -> dict:
        kwargs = {"versionNumber": version} if version is not None else {}
        what = f"reading script {script_id}" + (f" version {version}" if version is not None else "")
        return self.execute(what, self.service.projects().getContent(scriptId=script_id, **kwargs))

    def update_content(self, script_id: str, files: list[dict]) -> dict:
        request = self.service.projects().updateContent(scriptId=script_id, body={"files": files})
        return self.execute(f"pushing to script {script_id}", request)

    # -- versions ------------------------------------------------------------------------------
    def list_versions(self, script_id: str) -> list[dict]:
        versions = self.service.projects().versions()
        return list(self._pages(f"listing versions of {script_id}", versions, "versions", scriptId=script_id))

    def get_version(self, script_id: str, number: int) -> dict:
        request = self.service.projects().versions().get(scriptId=script_id, versionNumber=number)
        return self.execute(f"reading version {number} of {script_id}", request)

    def create_version(self, script_id: str, description: str | None) -> dict:
        body = {"description": description} if description else {}
        request = self.service.projects().versions().create(scriptId=script_id, body=body)
        return self.execute(f"creating a version of {script_id}", request)

    # -- deployments ---------------------------------------------------------------------------
    def list_deployments(self, script_id: str) -> list[dict]:
        deployments = self.service.projects().deployments()
        what = f"listing deployments of {script_id}"
        return list(self._pages(what, deployments, "deployments", scriptId=script_id))

    def get_deployment(self, script_id: str, deployment_id: str) -> dict:
        request = self.service.projects().deployments().get(scriptId=script_id, deploymentId=deployment_id)
        return self.execute(f"reading deployment {deployment_id}", request)

    def create_deployment(self, script_id: str, version: int, description: str) -> dict:
        # clasp create-deployment body (spec §1.7)
        body = {"versionNumber": version, "manifestFileName": "appsscript", "description": description}
        request = self.service.projects().deployments().create(scriptId=script_id, body=body)
        return self.execute(f"creating a deployment of {script_id}", request)

    def update_deployment(self, script_id: str, deployment_id: str, version: int, description: str) -> dict:
        # clasp update-deployment body (spec §1.7)
        config = {"scriptId": script_id, "versionNumber": version, "manifestFileName": "appsscript",
                  "description": description}
        request = self.service.projects().deployments().update(
            scriptId=script_id, deploymentId=deployment_id, body={"deploymentConfig": config})
        return self.execute(f"updating deployment {deployment_id}", request)

    def delete_deployment(self, script_id: str, deployment_id: str) -> None:
        request = self.service.projects().deployments().delete(scriptId=script_id, deploymentId=deployment_id)
        self.execute(f"deleting deployment {deployment_id}", request)

    # -- execution -----------------------------------------------------------------------------
    def run(self, script_id: str, function: str, parameters: list, dev_mode: bool) -> dict:
        body = {"function": function, "parameters": parameters, "devMode": dev_mode}
        request = self.service.scripts().run(scriptId=script_id, body=body)
        return self.execute(f"running {function}", request)
