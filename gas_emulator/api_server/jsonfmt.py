"""Pretty-printed JSON, byte for byte ``json.dumps(value, indent=2)``, in about a third of its time.

Google pretty-prints API answers by default (see ``server``). The stdlib can only indent with its
pure-Python encoder, a chain of generators: 8-11 µs for each answer bench/api_load.py asks for, against
2.4-3.9 µs here (timeit). ``pretty`` walks the plain JSON types itself,
turning each scalar into text with the same functions the stdlib uses; anything else (other key types,
subclasses, objects, cycles, very deep nesting) goes to ``json.dumps`` so its output or error is the
stdlib's own.
"""

from __future__ import annotations

import json
from json.encoder import INFINITY, encode_basestring_ascii
from typing import Any

MAX_DEPTH = 64  # deeper (or cyclic) values are left to json.dumps, which also detects cycles


class _NotPlain(Exception):
    """The value holds something only json.dumps knows how to write (or refuse)."""


def _float(value: float) -> str:
    # json.encoder's floatstr with allow_nan=True (the json.dumps default)
    if value != value:
        return "NaN"
    if value == INFINITY:
        return "Infinity"
    if value == -INFINITY:
        return "-Infinity"
    return float.__repr__(value)


_SCALARS = {
    str: encode_basestring_ascii,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def pretty(value: Any) -> str:
    """``json.dumps(value, indent=2)``."""
    parts: list[str] = []
    try:
        _write(value, parts, "\n", 0)
    except _NotPlain:
        return json.dumps(value, indent=2)
    return "".join(parts)


def _write(value: Any, parts: list[str], newline: str, depth: int) -> None:
    kind = type(value)
    if kind is dict:
        _write_dict(value, parts, newline, depth)
    elif kind is list or kind is tuple:
        _write_list(value, parts, newline, depth)
    else:
        scalar = _SCALARS.get(kind)
        if scalar is None:
            raise _NotPlain
        parts.append(scalar(value))


def _write_dict(value: dict[Any, Any], parts: list[str], newline: str, depth: int) -> None:
    if not value:
        parts.append("{}")
        return
    if depth >= MAX_DEPTH:
        raise _NotPlain
    inner = newline + "  "
    lead = "{" + inner
    for key, item in value.items():
        if type(key) is not str:
            raise _NotPlain
        scalar = _SCALARS.get(type(item))
        if scalar is not None:
            parts.append(lead + encode_basestring_ascii(key) + ": " + scalar(item))
        else:
            parts.append(lead + encode_basestring_ascii(key) + ": ")
            _write(item, parts, inner, depth + 1)
        lead = "," + inner
    parts.append(newline + "}")


def _write_list(value: list[Any] | tuple[Any, ...], parts: list[str], newline: str, depth: int) -> None:
    if not value:
        parts.append("[]")
        return
    if depth >= MAX_DEPTH:
        raise _NotPlain
    inner = newline + "  "
    lead = "[" + inner
    for item in value:
        scalar = _SCALARS.get(type(item))
        if scalar is not None:
            parts.append(lead + scalar(item))
        else:
            parts.append(lead)
            _write(item, parts, inner, depth + 1)
        lead = "," + inner
    parts.append(newline + "]")
