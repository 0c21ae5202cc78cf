"""The thin HTTP mapping of the fake API: wire paths and names onto ``ApiBackend`` methods.

``dispatch(backend, method, path, query, body)`` finds the discovery method for a request, checks
its path segments, query parameters and JSON body the way Google's front end does (Google's 400
texts), calls the backend and returns ``(status, json, method_id)``. Nothing here keeps state.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from gas_emulator.api_server import errors, schema
from gas_emulator.api_server.models import ApiBackend

# spec 2: standard parameters any Google API request may carry; the fake ignores them.
STANDARD_PARAMS = frozenset({
    "alt", "fields", "prettyPrint", "quotaUser", "$.xgafv", "key", "access_token", "callback",
    "uploadType", "upload_protocol", "oauth_token", "userIp", "pp", "bearer_token",
})
# Ids the fake hands out are url-safe base64; anything else in an id segment is a path trick.
ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")

Handler = Callable[[ApiBackend, dict[str, str], dict[str, str], dict[str, Any]], Any]


@dataclass(frozen=True)
class Route:
    http_method: str
    template: tuple[str, ...]  # "{name}" segments are parameters
    method_id: str
    handler: Handler


def _query_int(query: dict[str, str], name: str) -> int | None:
    return schema.parse_int32_query(query[name], name) if name in query else None


def _page_size(query: dict[str, str]) -> int | None:
    size = _query_int(query, "pageSize")
    if size is not None and size < 0:
        raise errors.invalid_value("page_size", "TYPE_INT32", query["pageSize"])
    return size or None


def _version_param(params: dict[str, str]) -> int:
    return schema.parse_int32_query(params["versionNumber"], "versionNumber")


ROUTES: tuple[Route, ...] = (
    Route("POST", ("v1", "projects"), "script.projects.create",
          lambda b, p, q, body: b.create_project(body)),
    Route("GET", ("v1", "projects", "{scriptId}"), "script.projects.get",
          lambda b, p, q, body: b.get_project(p["scriptId"])),
    Route("GET", ("v1", "projects", "{scriptId}", "content"), "script.projects.getContent",
          lambda b, p, q, body: b.get_content(p["scriptId"], _query_int(q, "versionNumber"))),
    Route("PUT", ("v1", "projects", "{scriptId}", "content"), "script.projects.updateContent",
          lambda b, p, q, body: b.update_content(p["scriptId"], body)),
    Route("GET", ("v1", "projects", "{scriptId}", "metrics"), "script.projects.getMetrics",
          lambda b, p, q, body: b.get_metrics(p["scriptId"], q.get("metricsGranularity"),
                                              q.get("metricsFilter.deploymentId"))),
    Route("POST", ("v1", "projects", "{scriptId}", "versions"), "script.projects.versions.create",
          lambda b, p, q, body: b.create_version(p["scriptId"], body)),
    Route("GET", ("v1", "projects", "{scriptId}", "versions"), "script.projects.versions.list",
          lambda b, p, q, body: b.list_versions(p["scriptId"], _page_size(q), q.get("pageToken"))),
    Route("GET", ("v1", "projects", "{scriptId}", "versions", "{versionNumber}"),
          "script.projects.versions.get",
          lambda b, p, q, body: b.get_version(p["scriptId"], _version_param(p))),
    Route("POST", ("v1", "projects", "{scriptId}", "deployments"), "script.projects.deployments.create",
          lambda b, p, q, body: b.create_deployment(p["scriptId"], body)),
    Route("GET", ("v1", "projects", "{scriptId}", "deployments"), "script.projects.deployments.list",
          lambda b, p, q, body: b.list_deployments(p["scriptId"], _page_size(q), q.get("pageToken"))),
    Route("GET", ("v1", "projects", "{scriptId}", "deployments", "{deploymentId}"),
          "script.projects.deployments.get",
          lambda b, p, q, body: b.get_deployment(p["scriptId"], p["deploymentId"])),
    Route("PUT", ("v1", "projects", "{scriptId}", "deployments", "{deploymentId}"),
          "script.projects.deployments.update",
          lambda b, p, q, body: b.update_deployment(p["scriptId"], p["deploymentId"], body)),
    Route("DELETE", ("v1", "projects", "{scriptId}", "deployments", "{deploymentId}"),
          "script.projects.deployments.delete",
          lambda b, p, q, body: b.delete_deployment(p["scriptId"], p["deploymentId"])),
    Route("POST", ("v1", "scripts", "{scriptId}:run"), "script.scripts.run",
          lambda b, p, q, body: b.run(p["scriptId"], body)),
)


def split_path(path: str) -> list[str]:
    """Decoded path segments; a 400 for anything that could walk or smuggle a path."""
    raw = path.split("/")[1:] if path.startswith("/") else None
    if raw is None or "\\" in path or any(seg == "" for seg in raw[:-1]):
        raise errors.invalid_argument()
    try:
        segments = [unquote(seg, errors="strict") if "%" in seg else seg for seg in raw]
    except UnicodeDecodeError:
        raise errors.invalid_argument() from None
    if segments and segments[-1] == "" and len(segments) > 1:
        segments = segments[:-1]
    if any(seg in (".", "..") or "/" in seg or "\\" in seg for seg in segments):
        raise errors.invalid_argument()
    return segments


def match(http_method: str, segments: list[str]) -> tuple[Route, dict[str, str]]:
    for route in ROUTES:
        params = _match_template(route.template, segments)
        if params is None or route.http_method != http_method:
            continue
        for name, value in params.items():
            if not ID_PATTERN.fullmatch(value):
                raise errors.invalid_argument(field=schema.snake(name))
        return route, params
    # ASSUMPTION: Google answers an unknown URL or verb with an HTML 404; the fake keeps it JSON.
    raise errors.ApiError(404, errors.MSG_NO_SUCH_METHOD)


def _match_template(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for part, seg in zip(template, segments):
        if part.startswith("{"):
            name, _, literal = part[1:].partition("}")
            if literal:  # "{scriptId}:run"
                if not seg.endswith(literal):
                    return None
                seg = seg[: -len(literal)]
            params[name] = seg
        elif part != seg:
            return None
    return params


@functools.cache
def _query_names(method_id: str) -> frozenset[str]:
    """The method's query parameters, read from its discovery document once."""
    return frozenset(name for name, p in schema.method(method_id).get("parameters", {}).items()
                     if p.get("location") == "query")


def parse_query(method_id: str, query: str) -> dict[str, str]:
    allowed = _query_names(method_id)
    out: dict[str, str] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        if name in STANDARD_PARAMS:
            continue
        if name not in allowed:
            raise errors.invalid_argument(errors.MSG_UNKNOWN_QUERY.format(name=name), field=name)
        out[name] = value
    return out


def dispatch(backend: ApiBackend, http_method: str, path: str, query: str, body: bytes
             ) -> tuple[int, Any, str]:
    """Serve one API call: ``(http status, JSON body, discovery method id)``; raises ApiError."""
    segments = split_path(path)
    route, params = match(http_method, segments)
    parsed_query = parse_query(route.method_id, query)
    parsed_body = schema.parse_body(route.method_id, body) if http_method in ("POST", "PUT") else {}
    return 200, route.handler(backend, params, parsed_query, parsed_body), route.method_id
