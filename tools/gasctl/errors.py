"""gasctl's error types: every operational failure becomes one of these at a command's edge.

``GasctlError`` is a ``click.ClickException`` (exit 1, one line on stderr); usage problems use click's own
``UsageError`` (exit 2). Importing this module is cheap (click only).
"""

from __future__ import annotations

import click

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class GasctlError(click.ClickException):
    """An operational failure: bad config file, API error, safety refusal. Exit code 1."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, details: dict | None = None) -> None:
        super().__init__(message)
        self.details = details or {}


class ApiError(GasctlError):
    """An Apps Script API call failed; ``status`` is the HTTP status (0 when the endpoint was unreachable)."""

    def __init__(self, message: str, *, status: int, reason: str = "") -> None:
        super().__init__(message, details={"http_status": status, "reason": reason})
        self.status = status
        self.reason = reason


class RefusedError(GasctlError):
    """A safety check refused to go on (remote edits, caps, gate failure); nothing was changed."""
