"""clasp's `.claspignore` glob rules: picomatch-style globs (``dot: true``), micromatch.not semantics.

Split out of ``gas_emulator.clasp`` (which re-exports ``glob_match`` and ``is_ignored``); pure Python.
Sources: spec §1.4 (files); google/clasp ``src/core/files.ts`` (v3.3.0).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


def _class_to_regex(body: str) -> str:
    negate = body[:1] in ("!", "^")
    if negate:
        body = body[1:]
    body = body.replace("\\", "\\\\").replace("]", "\\]")
    return f"[^/{body}]" if negate else f"[{body}]"


def _segment_to_regex(segment: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        ch = segment[i]
        close = segment.find("]", i + 2) if ch == "[" else -1
        if ch == "*":
            while i + 1 < len(segment) and segment[i + 1] == "*":
                i += 1  # "a**" inside a segment is a plain star (picomatch)
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\" and i + 1 < len(segment):
            i += 1
            out.append(re.escape(segment[i]))
        elif close > 0:
            out.append(_class_to_regex(segment[i + 1:close]))
            i = close
        else:
            out.append(re.escape(ch))
        i += 1
    return "".join(out)


def _expand_braces(pattern: str) -> list[str]:
    match = re.search(r"\{([^{}]*,[^{}]*)\}", pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end():]
    results: list[str] = []
    for option in match.group(1).split(","):
        results.extend(_expand_braces(head + option + tail))
    return results


def _glob_to_regex(pattern: str) -> str:
    segments: list[str] = []
    for segment in pattern.split("/"):
        if not (segment == "**" and segments and segments[-1] == "**"):  # "**/**" is one globstar
            segments.append(segment)
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            if not last:
                parts.append("(?:[^/]+/)*")  # zero or more whole segments (picomatch globstar)
            elif parts:
                parts[-1] = parts[-1].removesuffix("/")
                parts.append("(?:/.*)?")
            else:
                parts.append(".*")
            continue
        parts.append(_segment_to_regex(segment) + ("" if last else "/"))
    return "".join(parts)


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    pattern = pattern.removeprefix("./")
    alternatives = [_glob_to_regex(p) for p in _expand_braces(pattern)]
    return re.compile("^(?:" + "|".join(alternatives) + ")$")


def glob_match(rel: str, pattern: str) -> bool:
    """Does a rootDir-relative posix path match one glob (picomatch semantics, ``dot: true``)?"""
    return compile_glob(pattern).match(rel) is not None


def is_ignored(rel: str, patterns: Iterable[str]) -> bool:
    """micromatch.not semantics (spec §1.4): ordered, the last matching pattern wins.

    A ``!pat`` re-includes, a later positive pattern re-excludes. When every pattern is negated,
    micromatch starts from "everything matches", so a path is ignored unless a negation covers it.
    """
    patterns = list(patterns)
    if not patterns:
        return False
    all_negated = all(p.startswith("!") for p in patterns)
    ignored = all_negated
    for pattern in patterns:
        negated = pattern.startswith("!")
        if glob_match(rel, pattern[1:] if negated else pattern):
            ignored = not negated
    return ignored
