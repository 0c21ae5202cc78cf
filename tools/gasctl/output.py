"""The one output helper: human lines by default, exactly one JSON document on stdout with ``--json``.

Commands call ``out.line()`` for human progress text and ``out.result(data, lines)`` once at the end.
Errors never go to stdout in human mode (they are printed by click on stderr); in JSON mode the CLI's
error handler also emits ``{"ok": false, "error": {...}}`` so stdout always holds one document.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import Any

import click


class Output:
    """Collects what a command reports and prints it in the requested form."""

    def __init__(self, *, as_json: bool = False, verbose: bool = False) -> None:
        self.as_json = as_json
        self.verbose = verbose
        self.emitted = False

    def line(self, text: str = "") -> None:
        """A human line on stdout (suppressed in JSON mode, where only the final document is printed)."""
        if not self.as_json:
            click.echo(text)

    def info(self, text: str) -> None:
        """Progress or warning text on stderr (never pollutes stdout)."""
        click.echo(text, err=True)

    def debug(self, text: str) -> None:
        if self.verbose:
            click.echo(text, err=True)

    def result(self, data: Any, lines: Iterable[str] = ()) -> None:
        """The command's result: ``data`` as one JSON document, or ``lines`` for humans."""
        if self.as_json:
            if self.emitted:
                raise RuntimeError("a command emitted two JSON documents")
            click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))
        else:
            for text in lines:
                click.echo(text)
        self.emitted = True

    def error_document(self, message: str, exit_code: int, details: dict | None = None) -> None:
        """In JSON mode, the failure as the single stdout document."""
        if self.as_json and not self.emitted:
            error = {"message": message, "exit_code": exit_code, **(details or {})}
            click.echo(json.dumps({"ok": False, "error": error}, indent=2, sort_keys=True))
            self.emitted = True

    def progress(self, description: str):
        """A rich status spinner on stderr when it is a terminal; a no-op context otherwise."""
        if self.as_json or not sys.stderr.isatty():
            return _NullContext()
        from rich.console import Console  # lazy: rich is not needed for --help

        return Console(stderr=True).status(description)


class _NullContext:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None
