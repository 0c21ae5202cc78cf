"""Running Apps Script code: one function call, one web request, one syntax check.

An execution (``Emulator.execution``: admission, deadline, locks, logs) gets a fresh V8 context; the
prelude installs the services; every SERVER_JS file is evaluated as its own script, in push order
(so top-level code runs at every execution and a duplicate top-level ``const`` across files fails
as it does on Apps Script); then the function is called. Works on any thread: a free thread, or a
deterministic-kernel actor (``emu.kernel.spawn(name, lambda: run_function(...), start_ms)``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import _STPyV8

from ..emulator import DEFAULT_USER
from ..errors import GasError, NotEmulated
from ..execution import GLOBAL_NAMES, LogRecord
from .bridge import MARK, Bridge
from .engine import POOL, Session, dispatch, now
from .errors import JsSyntaxError, ScriptError, StackFrame
from .project import Project
from .text import v8_source
from .webapp import WebResponse, event_object, response_for

if TYPE_CHECKING:
    from ..emulator import Emulator
    from ..execution import Execution

PRELUDE = (Path(__file__).with_name("prelude.js")).read_text(encoding="utf-8")
PRELUDE_FILE = "gas-runtime"
#: Real Apps Script globals this emulator does not provide: any use fails, naming the service.
NOT_EMULATED = ("SpreadsheetApp", "DocumentApp", "SlidesApp", "FormApp", "DriveApp", "GmailApp",
                "MailApp", "CalendarApp", "ContactsApp", "GroupsApp", "UrlFetchApp", "ScriptApp",
                "LanguageApp", "Maps", "SitesApp", "XmlService", "Charts", "CardService",
                "DataStudioApp", "Jdbc", "Browser", "ConferenceDataService")
#: Apps Script's text for an unknown function (scripts.run and the editor).
FUNCTION_NOT_FOUND = "Script function not found: {}"

_LOAD_ERROR = re.compile(r" \( (?P<file>[^()]*?) @ (?P<line>\d+) : (?P<col>\d+) \)  -> ")
_STACK_LINE = re.compile(r"^\s*at (?:(?P<fn>.*?) \()?(?P<file>[^()]*?):(?P<line>\d+):(?P<col>\d+)\)?$")


@dataclass
class RunOutcome:
    result: object
    error: ScriptError | None
    logs: list[LogRecord] = field(default_factory=list)
    elapsed_ms: float = 0.0
    #: What the function returned when it is a service object, not JSON (a TextOutput, an HtmlOutput...)
    handle: object = None

    def unwrap(self) -> object:
        """The result, or the ScriptError (carrying message, stack and logs) raised."""
        if self.error is not None:
            raise self.error
        return self.result


def run_function(emulator: Emulator, project: Project, function: str, args: Sequence = (), *,
                 user: str = DEFAULT_USER) -> RunOutcome:
    """Call ``function(*args)`` of ``project`` in a new execution by ``user``."""
    outcome, handle = _execute(emulator, project, function, list(args), user, extra=None)
    outcome.handle = handle
    return outcome


def run_web_request(emulator: Emulator, project: Project, method: str, *, path_info: str = "",
                    query: str = "", body: bytes = b"", content_type: str = "",
                    user: str = DEFAULT_USER) -> WebResponse:
    """One request to the project's web app: ``doGet(e)`` or ``doPost(e)``; the response carries the
    execution's log lines (``WebResponse.logs``) as ``RunOutcome.logs`` does for a function call."""
    method = method.upper()
    if method not in ("GET", "POST"):
        return WebResponse(405, "text/plain", f"Method {method} not allowed")
    function = "doGet" if method == "GET" else "doPost"
    event = event_object(method, path_info=path_info, query=query, body=body, content_type=content_type)
    webapp = project.manifest.get("webapp") or {}
    if webapp.get("executeAs") == "USER_DEPLOYING" and emulator.effective_user:
        user = emulator.effective_user  # manifest: "execute as me" runs under the deployer
    outcome, value = _execute(emulator, project, function, [event], user, extra=None)
    response = response_for(value, None if outcome.error is None else outcome.error.message, function)
    return dataclasses.replace(response, logs=tuple(outcome.logs))


def check_syntax(project: Project) -> None:
    """Compile every SERVER_JS file without running it; raise JsSyntaxError for the first failure."""
    isolate = POOL.acquire()
    locker = _STPyV8.JSLocker(isolate.js)
    locker.enter()
    isolate.js.enter()
    ctx = _STPyV8.JSContext(None)
    ctx.enter()
    try:
        for f in project.scripts:
            problem = _compile_problem(f.source, f.name)
            if problem is not None:
                error_type, detail, line = problem
                raise JsSyntaxError(error_type, detail, line, f.name)
    finally:
        ctx.leave()
        ctx = None  # freed while the isolate is locked (freed after it, the process segfaulted)
        isolate.js.leave()
        locker.leave()
        POOL.release(isolate)


def _compile_problem(source: str, name: str) -> tuple[str, str, int] | None:
    try:
        _STPyV8.JSEngine().compile(v8_source(source), name)
    except Exception as err:  # noqa: BLE001 - STPyV8 maps JS errors onto several Python types
        error = _load_error(str(err), {name})
        return error.error_type or "SyntaxError", error.message, error.stack[0].line if error.stack else 0
    return None


# ---------------------------------------------------------------------- one execution
def _execute(emulator: Emulator, project: Project, function: str, args: list, user: str,
             extra: Callable[[Execution], dict] | None) -> tuple[RunOutcome, object]:
    if "timeZone" in project.manifest:
        emulator.time_zone = project.time_zone  # Session.getScriptTimeZone() reads the manifest's
    ex_seen: list[Execution] = []
    value: object = None
    try:
        with emulator.execution(user=user) as ex:
            ex_seen.append(ex)
            ex.project = project  # HtmlService.createHtmlOutputFromFile reads its HTML files
            value, raw, error = _in_v8(ex, project, function, args, extra or (lambda _ex: {}))
    except GasError as err:  # refused at admission, or ended (deadline, injected kill)
        value, raw, error = None, None, ScriptError(err.message, "Exception")
    logs = list(ex_seen[0].logs) if ex_seen else []
    elapsed = (ex_seen[0].end_ms - ex_seen[0].start_ms) if ex_seen else 0.0
    if error is not None:
        error.logs = logs
    return RunOutcome(value, error, logs, elapsed), raw


def _in_v8(ex: Execution, project: Project, function: str, args: list,
           extra: Callable[[Execution], dict]) -> tuple[object, object, ScriptError | None]:
    with Session(ex) as v8:
        bridge = v8.bridge = Bridge(ex, v8)
        _install(v8, bridge, ex, extra(ex))
        error = _load(v8, project)
        if error is not None:
            return None, None, error
        return _call(v8, bridge, project, function, args)


def _install(v8: Session, bridge: Bridge, ex: Execution, extra: dict) -> None:
    # Service globals are resolved on first use from JavaScript (Bridge.global_value): building
    # and describing all of them for every execution cost ~0.15 ms (measured, bench/sim.py).
    bridge.globals = dict.fromkeys(GLOBAL_NAMES)
    bridge.globals.update(extra)
    seed = [ex.rng.getrandbits(32) for _ in range(4)]
    init = (f'{{"mark":{json.dumps(MARK)},"seed":{json.dumps(seed if any(seed) else [1, 0, 0, 0])},'
            f'{_static_init(tuple(bridge.globals))}}}')
    # module-level functions only: whatever Python object a context sees stays referenced forever
    v8.ctx.locals.__gasCall = dispatch
    v8.ctx.locals.__gasNow = now
    v8.ctx.locals.__gasInit = init
    v8.ctx.eval(PRELUDE, PRELUDE_FILE)


@functools.cache
def _static_init(names: tuple[str, ...]) -> str:
    """The part of the prelude's init that only depends on which globals there are (JSON members)."""
    not_emulated = {name: NotEmulated(name).message for name in NOT_EMULATED if name not in names}
    return (f'"globals":{json.dumps(list(names))},"notEmulated":{json.dumps(not_emulated)},'
            f'"absent":[]')


def _load(v8: Session, project: Project) -> ScriptError | None:
    names = {f.name for f in project.scripts}
    for f in project.scripts:
        try:
            v8.ctx.eval(v8_source(f.source), f.name)
        except Exception as err:  # noqa: BLE001 - STPyV8 maps JS errors onto several Python types
            text = str(err)
        else:
            v8.raise_if_stopped()
            continue
        v8.raise_if_stopped()
        return _load_error(text, names)
    return None


def _call(v8: Session, bridge: Bridge, project: Project, function: str,
          args: list) -> tuple[object, object, ScriptError | None]:
    payload = json.dumps(bridge.encode(list(args)), separators=(",", ":"))
    text = v8.ctx.eval(f"__gasRun({json.dumps(function)},{json.dumps(payload)})", "")
    v8.raise_if_stopped()
    kind, *rest = json.loads(text)
    if kind == "ok":
        return rest[0], None, None
    if kind == "h":
        return None, bridge.handles[rest[0]], None
    if kind == "nf":
        # errorType as the API's ExecutionError reports script failures (spec 2.1); unverified here
        return None, None, ScriptError(FUNCTION_NOT_FOUND.format(function), "ScriptError")
    message, name, stack = rest
    return None, None, ScriptError(message, name, _parse_stack(stack, {f.name for f in project.scripts}))


# ---------------------------------------------------------------------- errors
def _parse_stack(stack: str, files: set[str]) -> list[StackFrame]:
    frames = []
    for line in stack.splitlines()[1:]:
        match = _STACK_LINE.match(line)
        if match and match.group("file") in files:
            function = match.group("fn") or ""
            frames.append(StackFrame(function.removeprefix("new "), match.group("file"),
                                     int(match.group("line"))))
    return frames


def _load_error(text: str, files: set[str]) -> ScriptError:
    """STPyV8's text for an error thrown by a whole script: ``Type: message ( file @ line : col )``."""
    where = next((m for m in _LOAD_ERROR.finditer(text) if m.group("file") in files), None)
    head = text[:where.start()] if where else text
    if head.startswith("JSError: "):  # a thrown value STPyV8 has no Python type for
        head = head[len("JSError: "):]
    error_type, sep, message = head.partition(": ")
    if not sep or not re.fullmatch(r"[A-Za-z_$][\w$]*", error_type):
        error_type, message = "", head
    stack = [StackFrame("", where.group("file"), int(where.group("line")))] if where else []
    return ScriptError(message, error_type, stack)
