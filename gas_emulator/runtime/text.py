"""Text into V8 without losing characters above U+FFFF (emoji, rare CJK, math letters).

STPyV8 13.1 turns a Python ``str`` into a V8 string one code point per 16-bit unit, so U+1F642
becomes U+F642 (``ToString(py::object)`` and ``ToString(std::wstring)`` in src/Utils.cpp of
cloudflare/stpyv8 cast each code point to ``uint16_t``). Its ``bytes`` path decodes UTF-8 and is
exact, but only for values: ``JSContext.eval`` always takes the ``std::wstring`` overload (Boost.Python
converts ``bytes`` to it too). So:

* a **value** crossing to JavaScript (a service's string result) crosses as UTF-8 ``bytes`` when it
  holds such a character (``v8_string``), which JavaScript receives as the right string;
* **source code** has each such character written as its UTF-16 escape pair ``\\uD83D\\uDE42``
  (``v8_source``), which means the same two code units in string literals, template literals
  (cooked), comments and regular expressions with or without the ``u`` flag. What changes: the text
  of ``String.raw`` templates and of ``Function.prototype.toString`` shows the escape, and an
  identifier made of such characters does not compile (measured: no such identifier in the sample
  projects; all are rare in Apps Script code).
"""

from __future__ import annotations

import re

_ASTRAL = re.compile(r"(\\*)([\U00010000-\U0010FFFF])")


def _has_astral(text: str) -> bool:
    return not text.isascii() and max(text) > "\uffff"


def v8_string(value: str) -> str | bytes:
    """``value`` in the form STPyV8 hands to V8 unchanged (see the module docstring)."""
    if _has_astral(value):
        return value.encode("utf-8", "surrogatepass")
    return value


def _escape(match: re.Match) -> str:
    slashes, char = match.group(1), match.group(2)
    if len(slashes) % 2:  # "\<char>" is the character itself (a NonEscapeCharacter): drop the "\"
        slashes = slashes[:-1]
    code = ord(char) - 0x10000
    return f"{slashes}\\u{0xD800 + (code >> 10):04X}\\u{0xDC00 + (code & 0x3FF):04X}"


def v8_source(source: str) -> str:
    """JavaScript ``source`` with every character above U+FFFF written as its escape pair."""
    if not _has_astral(source):
        return source
    return _ASTRAL.sub(_escape, source)
