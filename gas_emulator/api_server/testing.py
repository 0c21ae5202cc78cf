"""Helpers for tests that drive the fake API (ours and gasctl's): a schema-checking client and the
control plane.

    with FakeApiServer() as srv:
        api = checked_client(srv)        # every answer validated against the discovery schemas
        api.projects().create(body={"title": "t"}).execute()
        control(srv, "POST", "settings", {"fail_next": 1})   # with srv.control_token

Imports ``jsonschema`` (a test dependency) only when a response is checked.
"""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import HttpRequest

from gas_emulator.api_server import records as rec
from gas_emulator.api_server import schema
from gas_emulator.api_server.control import TOKEN_HEADER

MANIFEST = '{"timeZone": "America/New_York", "runtimeVersion": "V8"}'
#: A manifest that makes a deployment both a web app and API executable.
WEB_AND_API_MANIFEST = (
    '{"timeZone": "America/New_York", "runtimeVersion": "V8", '
    '"webapp": {"access": "ANYONE_ANONYMOUS", "executeAs": "USER_DEPLOYING"}, '
    '"executionApi": {"access": "MYSELF"}}'
)


class CheckedRequest(HttpRequest):
    """Validates every answer: responses against the method's discovery schema, errors against
    Google's error shape. Retry back-offs are recorded in ``slept`` instead of sleeping."""

    slept: list[float] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sleep = CheckedRequest.slept.append

    def execute(self, http: Any = None, num_retries: int = 0) -> Any:
        try:
            result = super().execute(http=http, num_retries=num_retries)
        except HttpError as err:
            schema.validate_error(json.loads(err.content))
            raise
        schema.validate_response(self.methodId, result)
        return result


def checked_client(server: Any, credentials: Any = None) -> Any:
    """``build('script', 'v1', static_discovery=True, client_options={'api_endpoint': ...})``."""
    from google.auth.credentials import AnonymousCredentials

    return build("script", "v1", credentials=credentials or AnonymousCredentials(), static_discovery=True,
                 cache_discovery=False, requestBuilder=CheckedRequest,
                 client_options={"api_endpoint": server.base_url + "/"})


def checked_api_client(server: Any, api: str, version: str, credentials: Any = None) -> Any:
    """``build(api, version)`` (``drive``/``v3``, ``serviceusage``/``v1``) on the fake, answers checked;
    the API keeps its discovery servicePath under the fake's address, as under googleapis.com."""
    from google.auth.credentials import AnonymousCredentials

    service_path = schema.discovery(api)["servicePath"]
    return build(api, version, credentials=credentials or AnonymousCredentials(), static_discovery=True,
                 cache_discovery=False, requestBuilder=CheckedRequest,
                 client_options={"api_endpoint": server.base_url + "/" + service_path})


def checked_logging_client(server: Any, credentials: Any = None) -> Any:
    """``build('logging', 'v2', static_discovery=True)`` on the fake's ``entries.list``, answers checked."""
    from google.auth.credentials import AnonymousCredentials

    return build("logging", "v2", credentials=credentials or AnonymousCredentials(), static_discovery=True,
                 cache_discovery=False, requestBuilder=CheckedRequest,
                 client_options={"api_endpoint": server.base_url + "/"})


def control(server: Any, method: str, name: str, body: Any = None, *, token: str | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, Any]:
    """Call ``/__control/<name>`` as a local tool does: the server's token, JSON, loopback Host.
    ``token`` and ``headers`` override what is sent (to play an attacker)."""
    sent = {TOKEN_HEADER: server.control_token if token is None else token}
    if method == "POST":
        body = {} if body is None else body
        sent["Content-Type"] = "application/json"
    sent.update(headers or {})
    conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else b""
        conn.request(method, f"/__control/{name}", body=payload, headers=sent)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def web_request(url: str, method: str = "GET", body: bytes = b"",
                timeout_s: float = 120.0) -> tuple[int, bytes]:
    """(status, body) of one request to a deployed web app's ``/exec`` or ``/dev`` URL."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout_s)
    try:
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        conn.request(method, path, body=body, headers={"Content-Type": "text/plain"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def error_json(err: HttpError) -> dict[str, Any]:
    """The ``error`` object of an HttpError's body."""
    return json.loads(err.content)["error"]


def content_files(*extra: dict[str, str], manifest: str = MANIFEST) -> list[dict[str, str]]:
    """An updateContent file list: the manifest, then ``extra``."""
    return [{"name": "appsscript", "type": "JSON", "source": manifest}, *extra]


def js_file(name: str, source: str) -> dict[str, str]:
    return {"name": name, "type": "SERVER_JS", "source": source}


def snapshot(store: Any) -> dict[str, dict[str, str | None]]:
    """Every API document in ``store``: compare two to prove a refused call changed nothing."""
    namespaces = [rec.NS_PROJECTS, rec.NS_INDEX, rec.NS_META]
    for script_id in store.doc_keys(rec.NS_PROJECTS):
        namespaces += [rec.ns_versions(script_id), rec.ns_deployments(script_id), rec.ns_metrics(script_id)]
    return {ns: {k: store.doc_get(ns, k) for k in store.doc_keys(ns)} for ns in namespaces}
