"""Web apps: the ``doGet(e)`` / ``doPost(e)`` event object, ContentService and HtmlService.

Sources: developers.google.com/apps-script/guides/web ("Request parameters": ``queryString``,
``parameter``, ``parameters``, ``contextPath``, ``contentLength``, ``pathInfo``, ``postData`` with
``length``, ``type``, ``contents``, ``name``), .../reference/content/content-service and
text-output (``createTextOutput``, ``MimeType``, ``setMimeType``, ``getContent``, ``append``...),
.../reference/html/html-service and html-output. Only what a web app needs to answer a request is
emulated: templates (``createTemplate*``) are not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from ..errors import InvalidArgument, NotEmulated
from ..services.coerce import to_js_string

if TYPE_CHECKING:
    from ..execution import Execution
    from .project import Project

FORM_TYPE = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class WebResponse:
    status: int
    mime_type: str
    body: str


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


class _Enum:
    def __init__(self, members: dict[str, str]) -> None:
        self._members = tuple(members)
        self.values = members
        for name in members:
            setattr(self, name, name)


# reference/content/mime-type: the enum members and the media types they stand for
MIME_TYPES = _Enum({"ATOM": "application/atom+xml", "CSV": "text/csv", "ICAL": "text/calendar",
                    "JAVASCRIPT": "application/javascript", "JSON": "application/json",
                    "RSS": "application/rss+xml", "TEXT": "text/plain", "VCARD": "text/vcard",
                    "XML": "application/xml"})


class TextOutput:
    """reference/content/text-output."""

    def __init__(self, content: str = "") -> None:
        self._content = content
        self._mime = "TEXT"  # text-output: "the default MIME type is ContentService.MimeType.TEXT"
        self._file_name: str | None = None

    def append(self, addedContent) -> TextOutput:
        self._content += to_js_string(addedContent)
        return self

    def clear(self) -> TextOutput:
        self._content = ""
        return self

    def downloadAsFile(self, filename) -> TextOutput:
        self._file_name = to_js_string(filename)
        return self

    def getContent(self) -> str:
        return self._content

    def getFileName(self) -> str | None:
        return self._file_name

    def getMimeType(self) -> str:
        return self._mime

    def setContent(self, content) -> TextOutput:
        self._content = to_js_string(content)
        return self

    def setMimeType(self, mimeType) -> TextOutput:
        if mimeType not in MIME_TYPES.values:
            raise InvalidArgument("mimeType")
        self._mime = mimeType
        return self

    def media_type(self) -> str:
        return MIME_TYPES.values[self._mime]


class ContentService:
    """reference/content/content-service."""

    MimeType = MIME_TYPES

    def createTextOutput(self, content=None) -> TextOutput:
        return TextOutput("" if content is None else to_js_string(content))


class HtmlOutput:
    """reference/html/html-output (content and the page settings a response needs)."""

    def __init__(self, html: str = "") -> None:
        self._html = html
        self._title = ""
        self._meta: list[tuple[str, str]] = []

    def append(self, addedContent) -> HtmlOutput:
        self._html += to_js_string(addedContent)
        return self

    def appendUntrusted(self, addedContent) -> HtmlOutput:
        text = to_js_string(addedContent)
        self._html += text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return self

    def clear(self) -> HtmlOutput:
        self._html = ""
        return self

    def getContent(self) -> str:
        return self._html

    def setContent(self, content) -> HtmlOutput:
        self._html = to_js_string(content)
        return self

    def getTitle(self) -> str:
        return self._title

    def setTitle(self, title) -> HtmlOutput:
        self._title = to_js_string(title)
        return self

    def addMetaTag(self, name, content) -> HtmlOutput:
        self._meta.append((to_js_string(name), to_js_string(content)))
        return self

    def setXFrameOptionsMode(self, mode) -> HtmlOutput:
        return self

    def setSandboxMode(self, mode) -> HtmlOutput:
        return self

    def setFaviconUrl(self, iconUrl) -> HtmlOutput:
        return self

    def setWidth(self, width) -> HtmlOutput:
        return self

    def setHeight(self, height) -> HtmlOutput:
        return self


class HtmlService:
    """reference/html/html-service."""

    # reference/html/x-frame-options-mode and sandbox-mode
    XFrameOptionsMode = _Enum({"ALLOWALL": "ALLOWALL", "DEFAULT": "DEFAULT"})
    SandboxMode = _Enum({"EMULATED": "EMULATED", "IFRAME": "IFRAME", "NATIVE": "NATIVE"})

    def __init__(self, project: Project | None = None) -> None:
        self._project = project

    def createHtmlOutput(self, html=None) -> HtmlOutput:
        return HtmlOutput("" if html is None else to_js_string(html))

    def createHtmlOutputFromFile(self, filename) -> HtmlOutput:
        name = to_js_string(filename)
        found = self._project.html(name) if self._project is not None else None
        if found is None:
            raise InvalidArgument("filename")  # the real text for a missing file is not documented
        return HtmlOutput(found.source)

    def createTemplate(self, html=None):
        raise NotEmulated("HtmlService.createTemplate")

    def createTemplateFromFile(self, filename):
        raise NotEmulated("HtmlService.createTemplateFromFile")

    createTemplate.not_emulated = True  # coverage table: present only to name itself in its error
    createTemplateFromFile.not_emulated = True


def web_globals(ex: Execution, project: Project) -> dict[str, object]:
    return {"ContentService": ContentService(), "HtmlService": HtmlService(project)}


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
    safe = message.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<!DOCTYPE html><html><head><title>Error</title></head><body><div>{safe}</div></body></html>"
