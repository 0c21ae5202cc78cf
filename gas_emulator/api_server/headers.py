"""A request's headers as ``http.client.parse_headers`` reads them, without the email package when
every line is an ordinary ``Name: value``.

``parse_headers`` hands the header block to ``email.parser``: reading them here took 94,000
instructions off each call of the fake API's in-process path (632k -> 538k, valgrind). For ordinary
lines its result is simply each ``(name, value)`` in order (the value without leading blanks or the
line end: compat32's ``header_source_parse``) and an empty payload, which ``read`` builds directly.
Anything else (continuation lines, "From " lines, lines without a name, control characters, a
multipart/message Content-Type, which the feed parser goes on to parse as a body, a block cut short)
goes to the email parser exactly as ``parse_headers`` does, so the message, defects included, is
the same.
"""

from __future__ import annotations

import email.parser
import http.client
import re
from typing import Any, BinaryIO

# The feed parser's header names are any of \041-\071 and \073-\176 (email.feedparser.headerRE);
# values with control characters (some are line breaks to str.splitlines) go to the email parser.
ORDINARY_LINE = re.compile(rb"([!-9;-~]+):([\t\x20-\x7e\x80-\x84\x86-\xff]*)\r?\n")
BLOCK_ENDS = (b"\r\n", b"\n")


def read(fp: BinaryIO, message_class: type = http.client.HTTPMessage) -> Any:
    """``http.client.parse_headers(fp, message_class)``: the same message, limits and exceptions
    (http.client.LineTooLong, HTTPException for too many headers)."""
    lines = http.client._read_headers(fp)  # parse_headers' own reader: its limits and errors
    return from_lines(lines, message_class)


def from_lines(lines: list[bytes], message_class: type = http.client.HTTPMessage) -> Any:
    fields = _ordinary_fields(lines)
    if fields is None:
        text = b"".join(lines).decode("iso-8859-1")
        return email.parser.Parser(_class=message_class).parsestr(text)  # what parse_headers does
    message = message_class()
    for name, value in fields:
        message.set_raw(name, value)
    message.set_payload("")  # the feed parser's empty body
    return message


def _ordinary_fields(lines: list[bytes]) -> list[tuple[str, str]] | None:
    if not lines or lines[-1] not in BLOCK_ENDS:
        return None
    fields = []
    for line in lines[:-1]:
        found = ORDINARY_LINE.fullmatch(line)
        if found is None:
            return None
        name = found.group(1).decode("iso-8859-1")
        value = found.group(2).decode("iso-8859-1").lstrip(" \t")
        if name.lower() == "content-type" and ("multipart" in value.lower() or "message" in value.lower()):
            return None
        fields.append((name, value))
    return fields
