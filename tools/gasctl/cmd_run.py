"""``run``: call a function through ``scripts.run``; a script exception exits 1 with its message and stack.

clasp prints the error but exits 0 (spec §1.8, clasp #788); CI needs the failure, so gasctl exits 1.
"""

from __future__ import annotations

import json

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError


def _parse_params(text: str | None) -> list:
    if text is None:
        return []
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise click.BadParameter(f"not JSON ({err.msg} at column "
                                 f"{err.colno})", param_hint="--params") from None
    return value if isinstance(value, list) else [value]  # clasp: a JSON array of parameters


def _script_error(function: str, error: dict) -> GasctlError:
    details = (error.get("details") or [{}])[0]
    message = details.get("errorMessage") or error.get("message") or "unknown error"
    kind = details.get("errorType") or "ScriptError"
    stack = details.get("scriptStackTraceElements") or []
    lines = [f"{function} threw {kind}: {message}"]
    lines += [f"    at {frame.get('function', '?')} (line {frame.get('lineNumber', '?')})" for frame in stack]
    return GasctlError("\n".join(lines), details={"scriptError": {"message": message, "errorType": kind,
                                                                  "stack": stack, "code": error.get("code")}})


@click.command()
@click.argument("function")
@click.option("--params", metavar="JSON", help="Parameters as a JSON array, e.g. '[\"BDL\", 3]'.")
@click.option("--dev", is_flag=True, help="Run HEAD (devMode, owners only) instead of the deployed version.")
@pass_app
def run(app: App, function: str, params: str | None, dev: bool) -> None:
    """Run a script function with the Apps Script API (needs an API-executable deployment).

    \b
    Example:
      gasctl run nextId --params '["BDL"]' --dev
    """
    parameters = _parse_params(params)
    operation = app.api().run(app.config().script_id, function, parameters, dev)
    if operation.get("error"):
        raise _script_error(function, operation["error"])
    result = (operation.get("response") or {}).get("result")
    app.out.result({"function": function, "result": result}, [json.dumps(result)])


COMMANDS = (run,)
