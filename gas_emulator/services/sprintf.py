"""``Utilities.formatString`` and ``Logger.log(format, ...values)``: sprintf-like ``%`` formatting.

spec 4.1 [DOC]: formatString "performs sprintf-like string formatting". JavaScript numbers are
accepted by the integer conversions (``Utilities.formatString('%02d', n)`` is common in public Apps
Script code), so this is C's printf over JavaScript values, not Java's strict ``String.format``.

Specifiers: ``%[flags][width][.precision]conv`` with flags ``- + space 0 #`` and conversions
``s d i f F e E g G x X o c %``. ``%s`` uses JavaScript's ``String(value)``; integer conversions
truncate toward zero; a value that is not a number prints ``NaN``. A specifier with no argument left
is kept as written, and extra arguments are ignored (emulator choice; the real behaviour is unverified).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from .coerce import to_js_string

SPEC = re.compile(r"%([-+ 0#]*)(\d+)?(?:\.(\d+))?([sdifFeEgGxXoc%])")


def sprintf(template: str, args: Sequence[object]) -> str:
    remaining = list(args)

    def replace(m: re.Match) -> str:
        flags, width, precision, conv = m.group(1), m.group(2), m.group(3), m.group(4)
        if conv == "%":
            return "%"
        if not remaining:
            return m.group(0)
        return convert(remaining.pop(0), flags, width, precision, conv)

    return SPEC.sub(replace, template)


def convert(value: object, flags: str, width: str | None, precision: str | None, conv: str) -> str:
    """One conversion, printf rules (flags, width, precision) over a JavaScript value."""
    if conv == "s":
        text = to_js_string(value)
        if precision is not None:
            text = text[: int(precision)]
        return _pad(text, flags.replace("0", ""), width)
    if conv == "c":
        text = chr(int(value)) if to_number(value) is not None else to_js_string(value)[:1]
        return _pad(text, flags.replace("0", ""), width)
    number = to_number(value)
    if number is None or math.isnan(number) or math.isinf(number):
        return _pad(_non_finite(number), flags.replace("0", ""), width)
    spec = "%" + flags + (width or "") + (f".{precision}" if precision is not None else "")
    if conv in "dixXo":
        return (spec + ("d" if conv == "i" else conv)) % math.trunc(number)
    return (spec + conv) % number


def to_number(value: object) -> float | None:
    """JavaScript's ToNumber for the common cases; None when the result is NaN."""
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value) if not isinstance(value, int) else value
    if value is None:
        return 0.0
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            return float(text)
        except ValueError:
            return None
    return None


def _non_finite(number: float | None) -> str:
    if number is None or math.isnan(number):
        return "NaN"
    return "Infinity" if number > 0 else "-Infinity"


def _pad(text: str, flags: str, width: str | None) -> str:
    if not width:
        return text
    return text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
