"""HtmlService and HtmlOutput: HTML a web app (or any function) hands back.

Sources: developers.google.com/apps-script/reference/html/html-service, .../html-output,
.../x-frame-options-mode and .../sandbox-mode. A global of every execution (Apps Script has it in
every one, not only in doGet); files for ``createHtmlOutputFromFile`` come from the project the
execution runs (``ex.project``; none for a Python execution).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidArgument
from .coerce import to_js_string
from .content import GasEnum
from .html_template import HtmlTemplate

if TYPE_CHECKING:
    from ..execution import Execution


def escape_html(text: str) -> str:
    """``appendUntrusted``'s escaping of text (html-output: "escaped": &, < and >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
        self._html += escape_html(to_js_string(addedContent))
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
    """reference/html/html-service (``HtmlService`` global of one execution)."""

    # reference/html/x-frame-options-mode and sandbox-mode
    XFrameOptionsMode = GasEnum({"ALLOWALL": "ALLOWALL", "DEFAULT": "DEFAULT"})
    SandboxMode = GasEnum({"EMULATED": "EMULATED", "IFRAME": "IFRAME", "NATIVE": "NATIVE"})

    def __init__(self, ex: Execution | None = None) -> None:
        self._ex = ex

    def createHtmlOutput(self, html=None) -> HtmlOutput:
        return HtmlOutput("" if html is None else to_js_string(html))

    def createHtmlOutputFromFile(self, filename) -> HtmlOutput:
        return HtmlOutput(self.file_source(to_js_string(filename)))

    def file_source(self, name: str) -> str:
        """The HTML file ``name`` of the execution's project (``.html`` may be given or not)."""
        project = getattr(self._ex, "project", None)
        found = None
        if project is not None:
            found = project.html(name) or project.html(name.removesuffix(".html"))
        if found is None:
            raise InvalidArgument("filename")  # the real text for a missing file is not documented
        return found.source

    def createTemplate(self, html=None) -> HtmlTemplate:
        return HtmlTemplate("" if html is None else to_js_string(html))

    def createTemplateFromFile(self, filename) -> HtmlTemplate:
        return HtmlTemplate(self.file_source(to_js_string(filename)))
