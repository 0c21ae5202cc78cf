"""Argument shapes shared by Utilities, Logger and Session: type names, Byte[] and dates.

* ``type_name`` names a value the way Apps Script's overload error does ("String", "number", "null",
  "Object", "number[]"; spec 4.1: ``The parameters (String,number) don't match the method ...``).
* Byte[]: Apps Script returns Java bytes, i.e. signed integers -128..127 (spec 4.1 [DOC]). A Python
  caller may also pass ``bytes``/``bytearray``; a list of numbers is narrowed like Java's ``(byte)`` cast.
* Dates: the V8 runtime converts a JavaScript ``Date`` into a Python ``datetime`` with ``tzinfo=UTC``
  (the instant; a JS Date has no zone). Python callers may pass any aware ``datetime``, a naive one
  (read as UTC, like a JS Date built from UTC fields), or epoch milliseconds (``int``/``float``), which
  is what ``Date.getTime()`` gives.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta

from ..errors import ParametersMismatch

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def type_name(value: object) -> str:
    """The type name Apps Script prints in ``The parameters (...) don't match`` errors."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "String"
    if isinstance(value, datetime):
        return "Date"
    if isinstance(value, bytes | bytearray):
        return "number[]"
    if isinstance(value, list | tuple):
        names = {type_name(item) for item in value}
        return f"{names.pop()}[]" if len(names) == 1 else "Object[]"
    return "Object"


def mismatch(method: str, *args: object) -> ParametersMismatch:
    return ParametersMismatch([type_name(a) for a in args], method)


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_byte_array(value: object) -> bool:
    if isinstance(value, bytes | bytearray):
        return True
    return isinstance(value, list | tuple) and all(is_number(v) and math.isfinite(v) for v in value)


def to_bytes(value: bytes | bytearray | Sequence[float]) -> bytes:
    """A Byte[] argument as raw bytes (numbers narrowed like Java's ``(byte)`` cast)."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return bytes(int(v) & 0xFF for v in value)


def to_signed(data: bytes) -> list[int]:
    """Raw bytes as Apps Script's Byte[]: signed Java bytes -128..127 (spec 4.1 [DOC])."""
    return [b - 256 if b > 127 else b for b in data]


def is_date(value: object) -> bool:
    return isinstance(value, datetime) or (is_number(value) and math.isfinite(value))


def to_instant(value: datetime | float) -> datetime:
    """A Date argument as an aware UTC ``datetime`` with millisecond precision."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        instant = value.astimezone(UTC)
        return instant.replace(microsecond=instant.microsecond // 1000 * 1000)
    return from_epoch_ms(value)


def from_epoch_ms(ms: float) -> datetime:
    return _EPOCH + timedelta(milliseconds=math.floor(ms))


def epoch_ms(instant: datetime) -> int:
    return (instant - _EPOCH) // timedelta(milliseconds=1)


def is_mapping(value: object) -> bool:
    return isinstance(value, Mapping)
