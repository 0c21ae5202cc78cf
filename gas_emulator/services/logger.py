"""Logger and console: the execution log of one execution.

Every line goes to ``ex.logs`` (``LogRecord(level, text, time_ms)``) through ``ex.log``. Levels follow
the documentation:

* ``Logger.log`` -> ``"info"``: developers.google.com/apps-script/reference/base/logger shows its output
  as ``Info   my log message`` (spec 4.2).
* ``console.log`` -> ``"debug"``, ``console.info`` -> ``"info"``, ``console.warn`` -> ``"warn"``,
  ``console.error`` -> ``"error"``: developers.google.com/apps-script/reference/base/console ("log():
  Outputs a DEBUG level message", "info(): ... INFO level", "warn(): ... WARNING level", "error(): ...
  ERROR level").

``Logger.getLog()`` returns only Logger's own messages, since the last ``clear()``, one per line.
The documentation does not show the line format. Public Apps Script and Ads Script code parses it as
a Java ``Date.toString()`` stamp, then `` INFO: ``, then the message, with a newline after each line:
scripts ``split(" INFO: ")`` each line and drop the empty string after the last ``"\n"``, and an Ads
script strips ``/\\w+ \\w+ \\d\\d \\d\\d:\\d\\d:\\d\\d \\w+ \\d\\d\\d\\d INFO/`` [CLAIM, public code found
through code search]. So by default a line is ``Wed Dec 31 19:00:00 EST 2025 INFO: message\n`` in the
script time zone. ``Settings(logger_getlog_timestamps=False)`` gives bare messages joined with
``"\n"`` (gas-fakes' choice, spec 4.2).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .coerce import to_js_string
from .dateformat import format_date
from .jstypes import from_epoch_ms
from .sprintf import sprintf, to_number
from .timezones import resolve_zone

if TYPE_CHECKING:
    from ..execution import Execution

#: java.util.Date.toString(): "EEE MMM dd HH:mm:ss zzz yyyy"
JAVA_DATE_TOSTRING = "EEE MMM dd HH:mm:ss zzz yyyy"


def java_string(value: object) -> str:
    """How Logger shows a value: ``{key=value}`` for objects (the doc's example), ``[a, b]`` for
    arrays (Java's List.toString once the object crosses into Java); scalars as JavaScript's String()."""
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}={java_string(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(java_string(v) for v in value) + "]"
    return to_js_string(value)


class Logger:
    def __init__(self, ex: Execution) -> None:
        self._ex = ex
        self._lines: list[tuple[float, str]] = []

    def log(self, data=None, *values) -> Logger:
        """``log(data)`` or ``log(format, ...values)`` with ``%s``-style placeholders; returns Logger."""
        if values and isinstance(data, str):
            text = sprintf(data, values)
        elif isinstance(data, Mapping) and "message" in data:
            # doc: "If the object contains a message property, that property is used as the log message"
            text = to_js_string(data["message"])
        else:
            text = java_string(data)
        kept = self._ex.log("info", text)
        if kept is not None:  # the execution's log buffer is bounded (Execution.log)
            self._lines.append((self._ex.now_ms(), kept))
        return self

    def getLog(self) -> str:
        if not self._ex.emulator.settings.logger_getlog_timestamps:
            return "\n".join(text for _, text in self._lines)
        zone = resolve_zone(self._ex.emulator.time_zone)
        return "".join(f"{format_date(from_epoch_ms(ms), zone, JAVA_DATE_TOSTRING)} INFO: {text}\n"
                       for ms, text in self._lines)

    def clear(self) -> None:
        self._lines.clear()
        return None


class Console:
    """``console``: Node-like substitutions (%s %d %i %f %o %O %%); other arguments joined by spaces."""

    def __init__(self, ex: Execution) -> None:
        self._ex = ex
        self._timers: dict[str, float] = {}

    def log(self, *args) -> None:
        self._ex.log("debug", console_format(args))

    def info(self, *args) -> None:
        self._ex.log("info", console_format(args))

    def warn(self, *args) -> None:
        self._ex.log("warn", console_format(args))

    def error(self, *args) -> None:
        self._ex.log("error", console_format(args))

    def time(self, label="default") -> None:
        self._timers[to_js_string(label)] = self._ex.now_ms()

    def timeEnd(self, label="default") -> None:
        """Logs ``label: <elapsed>ms`` (doc: "Stops a timer ... logs execution duration")."""
        started = self._timers.pop(to_js_string(label), None)
        if started is not None:
            elapsed = self._ex.now_ms() - started
            self._ex.log("info", f"{to_js_string(label)}: {to_js_string(round(elapsed))}ms")


def console_format(args: tuple) -> str:
    if not args:
        return ""
    first, rest = args[0], list(args[1:])
    head = _substitute(first, rest) if isinstance(first, str) else inspect(first)
    return " ".join([head, *(a if isinstance(a, str) else inspect(a) for a in rest)])


def _substitute(template: str, rest: list) -> str:
    """Node's util.format substitutions, left to right: ``%%`` is ``%``; ``%s`` and the others take
    the next argument while there is one, and stay as written once there is none."""
    if "%" not in template:
        return template  # most lines (a char-by-char scan cost ~75 µs for a 2 KB JSON line)

    def one(match: re.Match) -> str:
        conv = match.group(1)
        if conv == "%":
            return "%"
        return _one(conv, rest.pop(0)) if rest else match.group(0)

    return _SUBSTITUTION.sub(one, template)


_SUBSTITUTION = re.compile(r"%([%sdifoO])")


def _one(conv: str, value: object) -> str:
    """Node's util.format: %s String (objects inspected), %d Number, %i parseInt, %f parseFloat."""
    if conv == "s":
        return inspect(value) if isinstance(value, Mapping | list | tuple) else to_js_string(value)
    if conv in "dif":
        number = to_number(value)
        if number is None:
            return "NaN"
        return to_js_string(math.trunc(number) if conv == "i" and math.isfinite(number) else number)
    return inspect(value)


def inspect(value: object) -> str:
    """A small ``util.inspect``: ``{ a: 1, b: 'x' }``, ``[ 1, 2 ]``, strings quoted inside objects."""
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{k}: {_inner(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[ " + ", ".join(_inner(v) for v in value) + " ]" if value else "[]"
    return to_js_string(value)


def _inner(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else inspect(value)
