"""ContentService: the text a web app (or any function) hands back, and its MIME type.

Sources: developers.google.com/apps-script/reference/content/content-service, .../text-output and
.../mime-type. A global of every execution (Apps Script has it in every one, not only in doGet).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InvalidArgument
from .coerce import to_js_string

if TYPE_CHECKING:
    from ..execution import Execution


class GasEnum:
    """An Apps Script enum: members named after themselves (the bridge shows them as properties)."""

    def __init__(self, members: dict[str, str]) -> None:
        self._members = tuple(members)
        self.values = members
        for name in members:
            setattr(self, name, name)


# reference/content/mime-type: the enum members and the media types they stand for
MIME_TYPES = GasEnum({"ATOM": "application/atom+xml", "CSV": "text/csv", "ICAL": "text/calendar",
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
    """reference/content/content-service (``ContentService`` global of one execution)."""

    MimeType = MIME_TYPES

    def __init__(self, ex: Execution | None = None) -> None:
        self._ex = ex

    def createTextOutput(self, content=None) -> TextOutput:
        return TextOutput("" if content is None else to_js_string(content))
