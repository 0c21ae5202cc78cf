"""Web apps: the ``doGet(e)`` / ``doPost(e)`` event object and the response a browser gets.

Sources: developers.google.com/apps-script/guides/web ("Request parameters": ``queryString``,
``parameter``, ``parameters``, ``contextPath``, ``contentLength``, ``pathInfo``, ``postData`` with
``length``, ``type``, ``contents``, ``name``), .../reference/content/content-service and
text-output (``createTextOutput``, ``MimeType``, ``setMimeType``, ``getContent``, ``append``...),
.../reference/html/html-service and html-output. ContentService and HtmlService themselves are
globals of every execution (``services/content.py``, ``services/html.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from ..execution import LogRecord
from ..services.content import TextOutput
from ..services.html import HtmlOutput, escape_html

FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class WebResponse:
    """What the browser gets; ``logs`` are the execution's console/Logger lines (the browser never
    sees them, so they take no part in comparing two responses)."""

    status: int
    mime_type: str
    body: str
    logs: tuple[LogRecord, ...] = field(default=(), compare=False)


def event_object(method: str, *, path_info: str, query: str, body: bytes, content_type: str) -> dict:
    """The ``e`` a web app receives (guides/web "Request parameters")."""
    pairs = parse_qsl(query, keep_blank_values=True)
    text = body.decode("utf-8", errors="replace")
    if method == "POST" and content_type.split(";")[0].strip().lower() == FORM_TYPE:
        pairs += parse_qsl(text, keep_blank_values=True)  # the doc: form fields join e.parameter(s)
    parameters: dict[str, list[str]] = {}
    for key, value in pairs:
        parameters.setdefault(key, []).append(value)
    event: dict = {
        "queryString": query,
        "parameter": {k: v[0] for k, v in parameters.items()},
        "parameters": parameters,
        "contextPath": "",
        "contentLength": len(body) if method == "POST" else -1,  # guides/web: -1 for a GET
    }
    if path_info:
        event["pathInfo"] = path_info.lstrip("/")
    if method == "POST":
        event["postData"] = {"length": len(body), "type": content_type or "text/plain",
                             "contents": text, "name": "postData"}
    return event


def response_for(value: object, error_message: str | None, function: str) -> WebResponse:
    """What the browser gets for a doGet/doPost outcome."""
    if error_message is not None:
        # Apps Script shows the message on an HTML error page; the status is this emulator's choice
        return WebResponse(500, "text/html", _page(error_message))
    if isinstance(value, TextOutput):
        return WebResponse(200, value.media_type(), value.getContent())
    if isinstance(value, HtmlOutput):
        return WebResponse(200, "text/html", value.getContent())
    # what Apps Script answers when doGet returns no output object (text of its page)
    return WebResponse(200, "text/html", _page("The script completed but did not return anything."))


def _page(message: str) -> str:
    safe = escape_html(message)
    return f"<!DOCTYPE html><html><head><title>Error</title></head><body><div>{safe}</div></body></html>"
