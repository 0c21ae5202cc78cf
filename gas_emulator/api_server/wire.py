"""The thin HTTP layer shared by the fake's extra Google APIs (Drive v3, Service Usage v1).

Each API module lists its ``Route``s (verb, path template, discovery method id, handler) and calls
``serve``: the path is split and checked like the Apps Script API's (``responses.split_path``), query
parameters and JSON bodies are checked against the method's bundled discovery document
(``schema``), and the handler's ``(status, answer)`` comes back with the method id. An answer of
``None`` is an empty body (Drive's ``files.delete`` answers 204 No Content).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from gas_emulator.api_server import errors, responses, schema

# Drive ids, Cloud project ids and service names ("sheets.googleapis.com"); split_path has already
# refused "." and ".." segments.
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,256}")

Handler = Callable[[dict[str, str], dict[str, str], dict[str, Any]], tuple[int, Any]]


@dataclass(frozen=True)
class Route:
    http_method: str
    template: tuple[str, ...]  # "{name}" segments are parameters; "{name}:verb" a custom verb
    method_id: str
    handler: Handler


def _match(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    if len(template) != len(segments):
        return None
    params: dict[str, str] = {}
    for part, seg in zip(template, segments):
        if not part.startswith("{"):
            if part != seg:
                return None
            continue
        name, _, verb = part[1:].partition("}")
        if verb and not seg.endswith(verb):
            return None
        params[name] = seg[: -len(verb)] if verb else seg
    return params


def serve(routes: tuple[Route, ...], http_method: str, path: str, query: str, body: bytes
          ) -> tuple[int, Any, str]:
    """Run the route matching ``http_method path``: ``(status, answer, method id)``; raises ApiError."""
    segments = responses.split_path(path)
    for route in routes:
        params = _match(route.template, segments)
        if params is None or route.http_method != http_method:
            continue
        for name, value in params.items():
            if not NAME_PATTERN.fullmatch(value):
                raise errors.invalid_argument(field=schema.snake(name))
        parsed_query = responses.parse_query(route.method_id, query)
        fields = [value for name, value in parse_qsl(query, keep_blank_values=True) if name == "fields"]
        if fields:  # a standard parameter the Apps Script API ignores; Drive answers by it
            parsed_query["fields"] = fields[-1]
        parsed_body = schema.parse_body(route.method_id, body) if http_method in ("POST", "PATCH") else {}
        status, answer = route.handler(params, parsed_query, parsed_body)
        return status, answer, route.method_id
    # ASSUMPTION: as for the Apps Script API, an unknown URL or verb answers the fake's JSON 404.
    raise errors.ApiError(404, errors.MSG_NO_SUCH_METHOD)
