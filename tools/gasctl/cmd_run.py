"""``run``: call a function through ``scripts.run``; a script exception exits 1 with its message and stack.

clasp prints the error but exits 0 (spec §1.8, clasp #788); CI needs the failure, so gasctl exits 1.
"""

from __future__ import annotations

import json

import click

from gasctl.context import App, pass_app
from gasctl.errors import ApiError, GasctlError


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


def _has_execution_api(files: list[dict]) -> bool:
    manifest = next((f for f in files if f.get("name") == "appsscript" and f.get("type") == "JSON"), None)
    try:
        return "executionApi" in json.loads((manifest or {}).get("source") or "{}")
    except ValueError:
        return False


def _explain_not_found(app: App, script_id: str, dev: bool) -> None:
    """scripts.run answers a bare 404 when nothing is API executable; say that, when it is the cause."""
    # developers.google.com/apps-script/api/how-tos/execute: the script must be deployed as an API
    # executable; devMode runs HEAD (so HEAD's manifest having "executionApi" also serves it)
    api = app.api()
    if dev and _has_execution_api(api.get_content(script_id).get("files", [])):
        return
    points = [point.get("entryPointType") for dep in api.list_deployments(script_id)
              for point in dep.get("entryPoints", [])]
    if "EXECUTION_API" in points:
        return
    where = ("none of its deployments is API executable and its HEAD manifest has no \"executionApi\" "
             "section" if dev else
             "none of its deployments is API executable (no \"executionApi\" section in the manifest)")
    raise GasctlError(f"Script {script_id} cannot be run through the Apps Script API: {where}. Add "
                      "\"executionApi\": {\"access\": \"MYSELF\"} to appsscript.json, then `gasctl push`"
                      + ("" if dev else " and `gasctl deploy`") + ".")


@click.command()
@click.argument("function")
@click.option("--params", "-p", metavar="JSON", help="Parameters as a JSON array, e.g. '[\"BDL\", 3]'.")
@click.option("--dev/--nondev", default=False,
              help="Run HEAD (devMode, owners only) instead of the deployed version (default: --nondev).")
@pass_app
def run(app: App, function: str, params: str | None, dev: bool) -> None:
    """Run a script function with the Apps Script API (needs an API-executable deployment).

    \b
    Example:
      gasctl run nextId --params '["BDL"]' --dev
    """
    parameters = _parse_params(params)
    script_id = app.config().script_id
    try:
        operation = app.api().run(script_id, function, parameters, dev)
    except ApiError as err:
        if err.status == 404:
            _explain_not_found(app, script_id, dev)
        raise
    if operation.get("error"):
        raise _script_error(function, operation["error"])
    result = (operation.get("response") or {}).get("result")
    app.out.result({"function": function, "result": result}, [json.dumps(result)])


COMMANDS = (run,)
