"""What the V8 runtime reports when a script fails: JavaScript errors, syntax errors, bad projects.

``ScriptError`` is what a JavaScript error that escapes the called function becomes on the Python
side: its message (exactly JavaScript's ``e.message``), its type (``e.name``: ``TypeError``,
``Exception`` for a service error...), the JavaScript stack as ``file:line`` frames, and the logs the
execution wrote before it failed. ``JsSyntaxError`` is the Apps Script API's refusal of a project that
does not compile (spec apps-script-api.md 2.4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..execution import LogRecord


@dataclass(frozen=True)
class StackFrame:
    function: str  # "" for top-level code
    file: str  # the project file name as the API names it ("Code", "lib/util")
    line: int

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"at {self.function} ({where})" if self.function else f"at {where}"


class ScriptError(Exception):
    """A JavaScript error that ended an execution (``str(e)`` is the JavaScript ``e.message``)."""

    def __init__(self, message: str, error_type: str = "Error", stack: Sequence[StackFrame] = (),
                 logs: Sequence[LogRecord] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.error_type = error_type
        self.stack = list(stack)
        self.logs = list(logs)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"ScriptError({self.error_type}: {self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ScriptError):
            return NotImplemented
        return (self.message, self.error_type, self.stack) == (other.message, other.error_type, other.stack)

    __hash__ = Exception.__hash__

    def format(self) -> str:
        """``Type: message`` and one ``at function (file:line)`` line per frame, as a JS stack."""
        head = f"{self.error_type}: {self.message}" if self.error_type else self.message
        return "\n".join([head, *(f"    {frame}" for frame in self.stack)])


class JsSyntaxError(Exception):
    """A file that does not compile; ``str(e)`` is the API's text (spec apps-script-api.md 2.4)."""

    def __init__(self, error_type: str, detail: str, line: int, file: str) -> None:
        self.error_type = error_type
        self.detail = detail
        self.line = line
        self.file = file
        # spec 2.4: "Syntax error: <Type>: <msg> line: <n> file: <name>"
        super().__init__(f"Syntax error: {error_type}: {detail} line: {line} file: {file}")


class ProjectError(Exception):
    """A directory or file set that is not a loadable Apps Script project (one-line message)."""
