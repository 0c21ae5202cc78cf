"""The fake API's bridge to the emulator's V8 runtime: syntax check, function sets, real runs.

``V8Engine`` compiles pushed code (``updateContent`` refuses a syntax error with Apps Script's own
message), lists each file's functions (``functionSet``), runs ``scripts.run`` functions and web-app
``doGet``/``doPost`` in an ``Emulator`` whose state lives in the server's store.

Threads (measured here with stpyv8 13.1): every V8 call runs on one long-lived worker thread, the
runtime is imported with this module (before any server thread exists) and V8's first isolate is
made on the importing thread (``_warm_up``). Without these, making the first isolate on a worker
segfaulted every time in some process states (first STPyV8 import after the server's threads
started; the full test suite), and executions on the per-connection handler threads segfaulted in
the runtime's ``_install``. With them, repeated full-suite runs were clean.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from gas_emulator import runtime
from gas_emulator.api_server import errors
from gas_emulator.api_server.records import MANIFEST_NAME

# developers.google.com/apps-script/api/reference/rest/v1/scripts/run: the @type URLs of Operation.
EXECUTION_RESPONSE_TYPE = "type.googleapis.com/google.apps.script.v1.ExecutionResponse"
EXECUTION_ERROR_TYPE = "type.googleapis.com/google.apps.script.v1.ExecutionError"
# spec 2.1: Status.code is 3 (INVALID_ARGUMENT) for a script exception, 10 (SCRIPT_TIMEOUT) on timeout;
# Status.message is "ScriptError" in the documented error example (api/how-tos/execute).
CODE_SCRIPT_ERROR = 3
CODE_SCRIPT_TIMEOUT = 10
SCRIPT_ERROR_MESSAGE = "ScriptError"
# Apps Script's text when the 6-minute cap kills an execution (spec: apps-script-services, executions).
TIMEOUT_PREFIX = "Exceeded maximum execution time"
#: ``run`` hands the execution's log lines back under this key; ``logbook.LoggedEngine`` removes it
#: before the Operation goes out (plain JSON, so it crosses a process boundary as it is).
LOGS_KEY = "__gasEmuLogs"


def _warm_up() -> None:
    """Compile one tiny file on the importing thread, so V8's first isolate is not made on a worker."""
    runtime.check_syntax(runtime.Project.from_files([
        runtime.SourceFile(MANIFEST_NAME, "JSON", "{}"), runtime.SourceFile("warm", "SERVER_JS", "var w;")]))


_warm_up()

#: All V8 work of every fake API server in the process (compile, run, web) happens on this one
#: long-lived thread, one job at a time: the HTTP server's threads come and go per connection.
V8_THREAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gas-emu-api-v8")


@dataclass(frozen=True)
class WebResult:
    """A web-app answer; ``logs`` are the execution's ``(level, text, time_ms)`` lines, which
    ``logbook.LoggedEngine`` keeps (plain tuples, so they cross a process boundary as they are)."""

    status: int
    mime_type: str
    body: str
    logs: tuple[tuple[str, str, float], ...] = ()


class CodeEngine(Protocol):
    def inspect(self, files: Sequence[dict[str, Any]]) -> list[list[str]]:
        """Raise ApiError on a syntax error; else the function names of each file (push order)."""
        ...

    def run(self, script_id: str, files: Sequence[dict[str, Any]], function: str,
            parameters: Sequence[Any], user: str) -> dict[str, Any]:
        """Run ``function``; the documented ``Operation`` JSON."""
        ...

    def web(self, script_id: str, files: Sequence[dict[str, Any]], method: str, *, path_info: str,
            query: str, body: bytes, content_type: str, user: str) -> WebResult: ...

    def reset(self) -> None: ...


class V8Engine:
    """The real engine: ``gas_emulator.runtime`` under one ``Emulator`` per script id."""

    def __init__(self, store: Any, clock: Any, emulator_factory: Callable[..., Any] | None = None) -> None:
        self.store = store
        self.clock = clock
        self._factory = emulator_factory
        self._emulators: dict[str, Any] = {}
        self._v8 = V8_THREAD

    # -- Content --------------------------------------------------------------------------------
    def inspect(self, files: Sequence[dict[str, Any]]) -> list[list[str]]:
        return self._v8.submit(self._inspect, files).result()

    def _inspect(self, files: Sequence[dict[str, Any]]) -> list[list[str]]:
        try:
            runtime.check_syntax(self._project(files))
        except runtime.JsSyntaxError as exc:
            # spec 2.4: "Syntax error: <Type>: <msg> line: <n> file: <name>", 400 INVALID_ARGUMENT.
            raise errors.invalid_argument(str(exc)) from None
        except runtime.ProjectError:  # the backend checks files first; this is a last guard
            raise errors.invalid_argument() from None
        manifest = [f for f in files if f["name"] == MANIFEST_NAME and f["type"] == "JSON"]
        names: list[list[str]] = []
        for f in files:
            if f["type"] != "SERVER_JS":
                names.append([])
                continue
            names.append(list(self._project([*manifest, f]).function_names()))
        return names

    # -- Executions -----------------------------------------------------------------------------
    def run(self, script_id: str, files: Sequence[dict[str, Any]], function: str,
            parameters: Sequence[Any], user: str) -> dict[str, Any]:
        project = self._project(files)
        outcome = self._v8.submit(lambda: runtime.run_function(
            self._emulator(script_id), project, function, list(parameters), user=user)).result()
        operation = operation_json(outcome)
        operation[LOGS_KEY] = [[r.level, r.text, r.time_ms] for r in outcome.logs]
        return operation

    def web(self, script_id: str, files: Sequence[dict[str, Any]], method: str, *, path_info: str,
            query: str, body: bytes, content_type: str, user: str) -> WebResult:
        project = self._project(files)
        response = self._v8.submit(lambda: runtime.run_web_request(
            self._emulator(script_id), project, method, path_info=path_info, query=query,
            body=body, content_type=content_type, user=user)).result()
        return WebResult(response.status, response.mime_type, response.body,
                         tuple((r.level, r.text, r.time_ms) for r in response.logs))

    def reset(self) -> None:
        self._v8.submit(self._emulators.clear).result()

    # -- Helpers --------------------------------------------------------------------------------
    def _project(self, files: Sequence[dict[str, Any]]) -> Any:
        return runtime.Project.from_files(
            [runtime.SourceFile(f["name"], f["type"], f["source"]) for f in files])

    def _emulator(self, script_id: str) -> Any:
        emulator = self._emulators.get(script_id)
        if emulator is None:
            if self._factory is not None:
                emulator = self._factory(script_id)
            else:
                from gas_emulator import Emulator

                emulator = Emulator(store=self.store, clock=self.clock, script_id=script_id)
            self._emulators[script_id] = emulator
        return emulator


def operation_json(outcome: Any) -> dict[str, Any]:
    """RunOutcome -> the API's Operation (spec 2.1): ``response.result`` or ``error`` + ExecutionError."""
    if outcome.error is None:
        response: dict[str, Any] = {"@type": EXECUTION_RESPONSE_TYPE}
        if outcome.result is not None:
            response["result"] = outcome.result
        return {"done": True, "response": response}
    err = outcome.error
    detail: dict[str, Any] = {"@type": EXECUTION_ERROR_TYPE, "errorMessage": err.message}
    if err.error_type:
        detail["errorType"] = err.error_type
    if err.stack:
        detail["scriptStackTraceElements"] = [
            {"function": frame.function, "lineNumber": frame.line} for frame in err.stack]
    timed_out = err.message.startswith(TIMEOUT_PREFIX)
    code = CODE_SCRIPT_TIMEOUT if timed_out else CODE_SCRIPT_ERROR
    return {"done": True, "error": {"code": code, "message": SCRIPT_ERROR_MESSAGE, "details": [detail]}}
