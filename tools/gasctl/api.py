"""The Apps Script API client: lazy build, HTTP call counting, safe retries, one-line errors.

Every API call gasctl makes goes through ``ScriptApi``. The client is the real google-api-python-client
with its bundled static discovery document (spec §3.1), built on first use so ``gasctl --help`` never
imports it. ``api_endpoint`` points it at the fake API (spec §3.2).

Retries: an idempotent call (GET, PUT, DELETE) is retried by the library itself
(``execute(num_retries=...)``: 429, 5xx, 403 rate limits and dropped connections, with its randomised
exponential backoff through our injectable ``sleep``). A create (POST) is never re-sent blindly
(``gasctl.transport`` stops httplib2's own re-send): a 429 means it was not done, so it is sent again;
a 5xx or a lost answer means "maybe done", so ``create_once`` first looks for the resource (list and
match) and only re-sends when it is absent; where there is nothing to look at (``projects.create``,
``scripts.run``) it is not sent again. Errors become ``ApiError`` with one line naming what failed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

from gasctl.errors import ApiError

RATE_LIMIT_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
MAX_RETRIES = 4  # five attempts in all, as gasctl always made
BACKOFF_BASE_S = 0.5  # creates: 0.5, 1, 2, 4 s (the library's own backoff is rand() * 2**n s)
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


class MaybeDone(ApiError):
    """A create's answer was lost, or was a 5xx: the server may have done it."""


class NotDone(ApiError):
    """A create was certainly not done (429, a 403 rate limit, no connection): it may be sent again."""


UNSAFE_METHODS = frozenset({"POST", "PATCH"})  # RFC 9110 §9.2.2: not idempotent


def _rate_limited(status: int, content: bytes) -> bool:
    if status == 429:
        return True
    legacy = _error_body(content).get("errors") or [{}]
    return status == 403 and isinstance(legacy[0], dict) and legacy[0].get("reason") in RATE_LIMIT_REASONS


class _RetryLog(logging.Handler):
    """Sends the library's "Sleeping N seconds before retry" warnings to gasctl's --verbose log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.target: Callable[[str], None] = lambda text: None

    def emit(self, record: logging.LogRecord) -> None:
        self.target(record.getMessage())


_RETRY_LOG = _RetryLog()


class ScriptApi:
    """Thin, counted, safely retried wrapper over ``build('script', 'v1')``. Method names follow the API."""

    def __init__(self, credentials: Any, *, endpoint: str | None = None, sleep: Callable[[float], None],
                 log: Callable[[str], None] = lambda text: None,
                 rand: Callable[[], float] | None = None) -> None:
        self.credentials = credentials
        self.endpoint = endpoint
        self.sleep = sleep
        self.rand = rand
        self.log = log
        self.calls: list[tuple[str, str, int]] = []
        self._services: dict[tuple[str, str], Any] = {}
        self._transports: list[Any] = []

    # -- plumbing ------------------------------------------------------------------------------
    def _record(self, method: str, url: str, status: int) -> None:
        self.calls.append((method, url, status))
        self.log(f"HTTP {method} {url} -> {status or 'no answer'}")

    def client(self, name: str = "script", version: str = "v1") -> Any:
        """``build(name, version)`` from the library's bundled discovery document, over our transport."""
        key = (name, version)
        _RETRY_LOG.target = self.log
        if key not in self._services:
            import google_auth_httplib2
            from googleapiclient.discovery import build

            from gasctl.transport import CountingHttp

            library_log = logging.getLogger("googleapiclient.http")
            library_log.propagate = False  # never on stderr unasked (Python's last-resort handler)
            if _RETRY_LOG not in library_log.handlers:
                library_log.addHandler(_RETRY_LOG)
            transport = CountingHttp(self._record)
            self._transports.append(transport)
            http = google_auth_httplib2.AuthorizedHttp(self.credentials, http=transport)
            options = {"api_endpoint": self._base_url(name, version)} if self.endpoint else None
            self._services[key] = build(name, version, http=http, static_discovery=True,
                                        cache_discovery=False, client_options=options)
        return self._services[key]

    def _base_url(self, name: str, version: str) -> str:
        """``--api-endpoint`` stands for Google's host: each API keeps its own path under it (``v1/...``
        for script and logging, ``drive/v3/`` for Drive), as in its bundled discovery document."""
        from googleapiclient.discovery_cache import get_static_doc

        service_path = json.loads(get_static_doc(name, version) or "{}").get("servicePath", "")
        return self.endpoint.rstrip("/") + "/" + service_path

    @property
    def service(self) -> Any:
        return self.client()

    def _unreachable(self, what: str, err: BaseException) -> ApiError:
        where = self.endpoint or "https://script.googleapis.com"
        return ApiError(f"{what}: cannot reach {where} ({type(err).__name__}: {err})", status=0)

    def _send(self, what: str, request: Any, retries: int) -> Any:
        """``request.execute(num_retries=retries)``; every failure becomes an ``ApiError`` (or MaybeDone)."""
        from google.auth.exceptions import GoogleAuthError
        from googleapiclient.errors import HttpError
        from httplib2 import HttpLib2Error

        from gasctl.transport import ResponseLost

        request._sleep = self.sleep  # the library's own test hooks: our sleeper, and a seedable rand
        if self.rand is not None:
            request._rand = self.rand
        try:
            return request.execute(num_retries=retries)
        except HttpError as err:
            status = int(err.resp.status)
            described = describe_http_error(status, err.content, what)
            kind = ApiError
            if retries == 0 and request.method in UNSAFE_METHODS and _rate_limited(status, err.content):
                kind = NotDone
            elif retries == 0 and request.method in UNSAFE_METHODS and status >= 500:
                kind = MaybeDone
            raise kind(described.message, status=status, reason=described.reason) from None
        except ResponseLost as err:
            raise MaybeDone(f"{what}: the answer was lost ({err})", status=0) from None
        except GoogleAuthError as err:  # the transport refreshes on 401; a failed refresh lands here
            raise ApiError(f"{what}: not authenticated: the credentials were rejected and could not be "
                           f"refreshed ({type(err).__name__}). Run `gasctl login`, or pass "
                           "--credentials FILE.", status=401) from None
        except (OSError, HttpLib2Error) as err:  # not connected: nothing was sent
            unreachable = self._unreachable(what, err)
            if retries == 0 and request.method in UNSAFE_METHODS:
                raise NotDone(unreachable.message, status=0) from None
            raise unreachable from None

    def execute(self, what: str, request: Any) -> Any:
        """Run one idempotent request, retried by the library; ``ApiError`` with one line on failure.

        A POST or PATCH sent here is one whose repetition is harmless (``entries.list``, Drive trash,
        Service Usage enable), so it may be re-sent like a GET.
        """
        for transport in self._transports:
            transport.may_resend = True
        try:
            return self._send(what, request, MAX_RETRIES)
        finally:
            for transport in self._transports:
                transport.may_resend = False

    def create_once(self, what: str, make_request: Callable[[], Any],
                    find: Callable[[], dict | None] | None, unsure: str) -> Any:
        """Send a create; re-send only when it certainly was not done, or when ``find`` shows it absent.

        ``find`` looks for the resource the lost request would have made (None: nothing to look at,
        so a lost answer is never followed by a re-send; ``unsure`` then tells the user what to check).
        """
        for attempt in range(MAX_RETRIES + 1):
            last = attempt == MAX_RETRIES
            try:
                return self._send(what, make_request(), 0)
            except MaybeDone as err:
                if find is None:
                    raise ApiError(f"{err.message}; {unsure}. It was not sent again.", status=err.status,
                                   reason=err.reason) from None
                found = find()
                if found is not None:
                    self.log(f"{what}: the answer was lost but the server had done it; not sent again")
                    return found
                if last:
                    raise
            except NotDone:
                if last:
                    raise
            delay = BACKOFF_BASE_S * 2**attempt
            self.log(f"retrying {what} in {delay:g}s (attempt {attempt + 2} of {MAX_RETRIES + 1})")
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
        # The Apps Script API cannot list projects, so a lost answer is never followed by a re-send.
        body = {"title": title, **({"parentId": parent_id} if parent_id else {})}
        return self.create_once("creating the project", lambda: self.service.projects().create(body=body),
                                None, f'a project titled "{title}" may have been created: look in '
                                      "https://script.google.com/home before creating it again")

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

    def create_version(self, script_id: str, description: str | None, known: set[int]) -> dict:
        """Create a version; ``known``: the version numbers listed just before (to find a lost create)."""
        body = {"description": description} if description else {}

        def find() -> dict | None:
            made = [v for v in self.list_versions(script_id) if v["versionNumber"] not in known
                    and (v.get("description") or "") == (description or "")]
            return min(made, key=lambda v: v["versionNumber"]) if made else None

        return self.create_once(f"creating a version of {script_id}",
                                lambda: self.service.projects().versions().create(scriptId=script_id,
                                                                                  body=body), find, "")

    # -- deployments ---------------------------------------------------------------------------
    def list_deployments(self, script_id: str) -> list[dict]:
        deployments = self.service.projects().deployments()
        what = f"listing deployments of {script_id}"
        return list(self._pages(what, deployments, "deployments", scriptId=script_id))

    def get_deployment(self, script_id: str, deployment_id: str) -> dict:
        request = self.service.projects().deployments().get(scriptId=script_id, deploymentId=deployment_id)
        return self.execute(f"reading deployment {deployment_id}", request)

    def create_deployment(self, script_id: str, version: int, description: str, known: set[str]) -> dict:
        """Create a deployment; ``known``: the deployment ids listed just before (to find a lost create)."""
        # clasp create-deployment body (spec §1.7)
        body = {"versionNumber": version, "manifestFileName": "appsscript", "description": description}

        def find() -> dict | None:
            for dep in self.list_deployments(script_id):
                config = dep.get("deploymentConfig", {})
                if (dep["deploymentId"] not in known and config.get("versionNumber") == version
                        and (config.get("description") or "") == description):
                    return dep
            return None

        return self.create_once(f"creating a deployment of {script_id}",
                                lambda: self.service.projects().deployments().create(scriptId=script_id,
                                                                                     body=body), find, "")

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
        return self.create_once(f"running {function}",
                                lambda: self.service.scripts().run(scriptId=script_id, body=body), None,
                                f"{function} may have run (or be running)")
