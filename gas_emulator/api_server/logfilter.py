"""The subset of the Cloud Logging query language that the fake ``entries.list`` understands.

Source: cloud.google.com/logging/docs/view/logging-query-language. Supported:

- comparisons ``FIELD OP VALUE`` with OP one of ``= != > >= < <= : =~ !~`` (``:`` is "has", a
  case-insensitive substring; ``=~``/``!~`` a regular expression search);
- ``NOT`` (or a leading ``-``), ``OR``, ``AND`` (or two terms side by side), parentheses; the
  document gives NOT the highest precedence, then OR, then AND (so ``a AND b OR c`` is
  ``a AND (b OR c)``);
- field paths with dots and quoted segments: ``labels."script.googleapis.com/project_key"``;
- values quoted (JSON escapes) or bare; a value alone searches every text field of the entry;
- ``timestamp``/``receiveTimestamp`` compare as instants, ``severity`` by rank (``severity>=WARNING``).

That covers clasp's ``logs`` (``timestamp >= "2016-11-29T23:00:00Z"``, src/core/logs.ts) and the
filters shown in the Apps Script logging guide. Anything else is refused with a 400.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from gas_emulator.api_server import errors

Predicate = Callable[[dict[str, Any]], bool]

# discovery logging.v2 LogEntry.severity enum, lowest first; numbers are LogSeverity's (0..800).
SEVERITIES = ("DEFAULT", "DEBUG", "INFO", "NOTICE", "WARNING", "ERROR", "CRITICAL", "ALERT", "EMERGENCY")
TIME_FIELDS = ("timestamp", "receiveTimestamp")
MAX_FILTER_CHARS = 20_000  # discovery ListLogEntriesRequest.filter: "maximum length ... 20,000 characters"

_SPACE = re.compile(r"\s*")
_SEGMENT = r'(?:[A-Za-z_][\w-]*|"(?:[^"\\]|\\.)*")'
_FIELD = re.compile(rf"{_SEGMENT}(?:\.{_SEGMENT})*")
_OP = re.compile(r"(>=|<=|!=|=~|!~|[=<>:])")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BARE = re.compile(r'[^\s()"]+')
_SPLIT = re.compile(rf"({_SEGMENT})(?:\.|$)")


def compile_filter(text: str) -> Predicate:
    """A predicate over LogEntry JSON; 400 INVALID_ARGUMENT for what it cannot parse."""
    if len(text) > MAX_FILTER_CHARS:
        raise _error(f"the filter is longer than {MAX_FILTER_CHARS} characters")
    parser = _Parser(text)
    if not text.strip():
        return lambda entry: True
    predicate = parser.conjunction()
    parser.skip_space()
    if parser.pos != len(text):
        raise _error(f"unexpected text at column {parser.pos + 1}")
    return predicate


def _error(detail: str) -> errors.ApiError:
    return errors.invalid_argument(errors.MSG_BAD_FILTER.format(detail=detail), field="filter")


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.depth = 0

    def skip_space(self) -> None:
        self.pos = _SPACE.match(self.text, self.pos).end()

    def _keyword(self, word: str) -> bool:
        self.skip_space()
        end = self.pos + len(word)
        if self.text.startswith(word, self.pos) and (end == len(self.text) or self.text[end] in " \t\n()"):
            self.pos = end
            return True
        return False

    def _at_end_of_group(self) -> bool:
        self.skip_space()
        return self.pos >= len(self.text) or self.text[self.pos] == ")"

    def conjunction(self) -> Predicate:
        """AND binds loosest; two terms side by side are an AND too."""
        parts = [self.disjunction()]
        while not self._at_end_of_group():
            self._keyword("AND")
            parts.append(self.disjunction())
        return parts[0] if len(parts) == 1 else (lambda e: all(p(e) for p in parts))

    def disjunction(self) -> Predicate:
        parts = [self.unary()]
        while self._keyword("OR"):
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda e: any(p(e) for p in parts))

    def unary(self) -> Predicate:
        self.skip_space()
        if self._keyword("NOT") or self._take("-"):
            inner = self.unary()
            return lambda e: not inner(e)
        if self._take("("):
            self.depth += 1
            if self.depth > 64:  # nesting is bounded: a filter must not exhaust the stack
                raise _error("parentheses nested too deeply")
            inner = self.conjunction()
            if not self._take(")"):
                raise _error(f"missing ')' at column {self.pos + 1}")
            self.depth -= 1
            return inner
        return self.comparison()

    def _take(self, char: str) -> bool:
        self.skip_space()
        if self.text.startswith(char, self.pos):
            self.pos += len(char)
            return True
        return False

    def comparison(self) -> Predicate:
        start = self.pos
        field = _FIELD.match(self.text, self.pos)
        if field is not None:
            after = _SPACE.match(self.text, field.end()).end()
            op = _OP.match(self.text, after)
            if op is not None:
                self.pos = op.end()
                return _compare(_path(field.group()), op.group(), self.value())
        self.pos = start
        needle = self.value().lower()
        return lambda e: any(needle in text.lower() for text in _strings(e))

    def value(self) -> str:
        self.skip_space()
        quoted = _STRING.match(self.text, self.pos)
        if quoted is not None:
            self.pos = quoted.end()
            return json.loads(quoted.group())
        bare = _BARE.match(self.text, self.pos)
        if bare is None:
            raise _error(f"a value is missing at column {self.pos + 1}")
        self.pos = bare.end()
        return bare.group()


def _path(field: str) -> tuple[str, ...]:
    return tuple(json.loads(s) if s.startswith('"') else s for s in _SPLIT.findall(field))


def _lookup(entry: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        if not isinstance(entry, dict) or name not in entry:
            return None
        entry = entry[name]
    return entry


def _strings(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return [node] if isinstance(node, str) else []


def _compare(path: tuple[str, ...], op: str, wanted: str) -> Predicate:
    if op in ("=~", "!~"):
        try:
            pattern = re.compile(wanted)
        except re.error as exc:
            raise _error(f"bad regular expression {wanted!r}: {exc}") from None
        found = op == "=~"
        return lambda e: isinstance(v := _lookup(e, path), str) and bool(pattern.search(v)) == found
    if op == ":":
        needle = wanted.lower()
        return lambda e: any(needle in s.lower() for s in _strings(_lookup(e, path)))
    key = _key_for(path, wanted)
    target = key(wanted)
    test = _ORDERING[op]

    def check(entry: dict[str, Any]) -> bool:
        got = _lookup(entry, path)
        if got is None or isinstance(got, dict | list):
            return op == "!="  # a missing field equals nothing
        try:
            return test(key(str(got) if not isinstance(got, str) else got), target)
        except ValueError:
            return False

    return check


_ORDERING: dict[str, Callable[[Any, Any], bool]] = {
    "=": lambda a, b: a == b, "!=": lambda a, b: a != b, ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b, "<": lambda a, b: a < b, "<=": lambda a, b: a <= b,
}


def _key_for(path: tuple[str, ...], wanted: str) -> Callable[[str], Any]:
    """How values of ``path`` compare: instants, severity ranks, or plain strings."""
    if path in ((name,) for name in TIME_FIELDS):
        try:
            parse_time(wanted)
        except ValueError:
            raise _error(f"invalid timestamp {wanted!r}") from None
        return parse_time
    if path == ("severity",):
        if wanted.upper() not in SEVERITIES:
            raise _error(f"invalid severity {wanted!r}")
        return lambda s: SEVERITIES.index(s.upper())
    return lambda s: s


def parse_time(text: str) -> datetime:
    """RFC 3339 with any number of fraction digits (Cloud Logging prints up to nanoseconds)."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)", text.strip())
    if match is None:
        raise ValueError(text)
    stamp, fraction, zone = match.groups()
    micros = (fraction or "0")[:6].ljust(6, "0")
    return datetime.fromisoformat(f"{stamp}.{micros}{'+00:00' if zone == 'Z' else zone}")
