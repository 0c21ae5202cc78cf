"""JavaScript's ``String(value)`` for the values a service receives, from V8 or from Python.

Properties and Cache store strings only; anything else is converted the way Apps Script's V8 runtime
converts it (spec 2.1 [DOC guide] "Data types that are not already strings are automatically
converted to strings"; spec 3.2 [MEAS Poehnelt]: an object is stored as ``"[object Object]"``, null as
``"null"``, a number key is stringified). The V8 runtime hands over STPyV8 values (``JSObject``,
``JSArray`` whose ``str()`` already is the JavaScript ``toString()``); Python callers hand over Python
values, which are mapped onto their JavaScript counterparts (dict -> object, list -> array, None -> null).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal


def to_js_string(value: object) -> str:
    """``String(value)`` as V8 computes it (ECMA-262 ToString)."""
    if type(value) is str:
        return value
    if value is None:  # STPyV8 maps both null and undefined to None; null is the common case
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        # a Python int becomes a JavaScript Number (a double): beyond 2**53 it rounds like one
        return str(value) if -(2**53) <= value <= 2**53 else number_to_string(float(value))
    if isinstance(value, float):
        return number_to_string(value)
    if isinstance(value, str):  # str subclasses
        return str.__str__(value)
    if isinstance(value, Mapping):
        return "[object Object]"  # Object.prototype.toString
    if isinstance(value, list | tuple):
        return _join(value)
    if type(value).__str__ is not object.__str__:  # STPyV8 JSObject/JSArray, or a Python toString
        return str(value)
    return "[object Object]"


def _join(items: list | tuple) -> str:
    # Array.prototype.toString is join(","): null and undefined elements become "" (ECMA-262 23.1.3.18)
    return ",".join("" if item is None else to_js_string(item) for item in items)


def number_to_string(x: float) -> str:
    """Number::toString(x) with radix 10 (ECMA-262 6.1.6.1.20): shortest round-trip digits."""
    if math.isnan(x):
        return "NaN"
    if x == 0:
        return "0"  # also -0
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x < 0:
        return "-" + number_to_string(-x)
    # repr() gives the shortest digits that round-trip, the same digits V8 chooses.
    _, digit_tuple, exponent = Decimal(repr(x)).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    k = len(digits)
    n = exponent + k  # x = 0.digits * 10**n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return f"{digits[:n]}.{digits[n:]}"
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    e = n - 1
    mantissa = digits if k == 1 else f"{digits[0]}.{digits[1:]}"
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"
