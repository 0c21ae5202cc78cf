"""Finds the top-level function declarations of a JavaScript file without running it.

The Apps Script API lists them per file as ``functionSet`` (spec apps-script-api.md 1.6: "getContent
also returns functionSet.values[].name per file"), and they are what ``run`` can call. Running the
file to find out would run its top-level code, so this is a small lexical scan instead: it skips
comments, strings, template literals and regular expressions, tracks brace depth, and keeps
``function name(`` (also ``async`` / generator forms) at depth 0 when it starts a statement.
"""

from __future__ import annotations

import re

_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_DECL = re.compile(r"(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*\(")
# after these words a "/" starts a regular expression and "function" is an expression
_EXPR_WORDS = {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case",
               "do", "else", "yield", "await", "export", "default"}
_EXPR_PUNCT = set("=(,:?[!&|+-*%<>~^{};")


def top_level_functions(source: str) -> list[str]:
    names: list[str] = []
    depth, i, n = 0, 0, len(source)
    prev = ""  # last significant token ("" at the start)
    while i < n:
        c = source[i]
        if c in " \t\r\n\u00a0\ufeff":
            i += 1
        elif source.startswith("//", i):
            i = _line_end(source, i)
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "'\"":
            i, prev = _skip_string(source, i, c), "s"
        elif c == "`":
            i, prev = _skip_template(source, i), "s"
        elif c == "/" and _regex_allowed(prev):
            i, prev = _skip_regex(source, i), "s"
        elif c in "{}":
            depth += 1 if c == "{" else -1
            i, prev = i + 1, c
        else:
            match = _NAME.match(source, i)
            if match is None:
                i, prev = i + 1, c
                continue
            word = match.group()
            if depth == 0 and word in ("function", "async") and _starts_statement(prev):
                decl = _DECL.match(source, i)
                if decl:
                    names.append(decl.group(1))
                    i, prev = decl.end(), "("
                    continue
            i, prev = match.end(), word
    return names


def _starts_statement(prev: str) -> bool:
    """Whether a token after ``prev`` begins a statement (not an expression such as ``= function``).

    An identifier, number, ``)``, ``]`` or literal before it ended the previous statement through
    automatic semicolon insertion (``var a = 1\nfunction f() {}``).
    """
    if prev in ("", ";", "}", "{"):
        return True
    return prev not in _EXPR_WORDS and not (len(prev) == 1 and prev in _EXPR_PUNCT) and prev != "."


def _regex_allowed(prev: str) -> bool:
    return prev == "" or prev in _EXPR_WORDS or (len(prev) == 1 and prev in _EXPR_PUNCT)


def _line_end(source: str, i: int) -> int:
    end = source.find("\n", i)
    return len(source) if end < 0 else end + 1


def _skip_string(source: str, i: int, quote: str) -> int:
    i += 1
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
        elif c == quote or c == "\n":
            return i + 1
        else:
            i += 1
    return i


def _skip_template(source: str, i: int) -> int:
    i += 1
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
        elif c == "`":
            return i + 1
        elif source.startswith("${", i):
            i = _skip_braces(source, i + 2)
        else:
            i += 1
    return i


def _skip_braces(source: str, i: int) -> int:
    depth = 1
    while i < len(source) and depth:
        c = source[i]
        if c in "'\"":
            i = _skip_string(source, i, c)
            continue
        if c == "`":
            i = _skip_template(source, i)
            continue
        depth += {"{": 1, "}": -1}.get(c, 0)
        i += 1
    return i


def _skip_regex(source: str, i: int) -> int:
    i += 1
    in_class = False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if c == "\n":
            return i
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            i += 1
            while i < len(source) and (source[i].isalnum() or source[i] in "_$"):
                i += 1
            return i
        i += 1
    return i
