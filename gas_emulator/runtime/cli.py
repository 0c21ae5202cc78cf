"""``gas-emu run``: call one function of a local Apps Script project in the emulator's V8 runtime.

Exit status: 0 the function returned, 1 it threw or was ended (the 6-minute cap, or
``--max-seconds``: "Exceeded maximum execution time"; a full heap: ``Settings.out_of_memory_message``;
the message and the JavaScript stack are printed), 2 usage errors (bad options, no project there, no
such function), 130 Ctrl-C (the first one stops the JavaScript). ``--json`` prints exactly one JSON
document: ``ok``, ``result``, ``error`` (message, exit_code, type, stack, or null), ``logs`` (level,
text), ``elapsed_ms`` (virtual time) and ``output``: when the function returns a
``ContentService``/``HtmlService`` output (a ``doGet``), what its web app would serve,
``{"mimeType", "content"}``, else null. Without ``--json`` such a run prints that content itself,
ended by a newline if it has none (``result`` is null: an output object is not JSON).

The function runs on a thread of its own so that the main thread, where Python handles Ctrl-C,
stays free while JavaScript computes. The process caps its data (``limits.limit_process_data``), and
when V8 runs out of memory where no script can be stopped (a builtin allocating in one C++ loop)
the run still answers with that error, exit 1, before the process ends.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
import threading
import time
from pathlib import Path

import click

from ..clasp import ClaspFileError, default_project, find_clasp_config, load_clasp_config
from ..emulator import DEFAULT_USER
from ..settings import ACCOUNT_CONSUMER, ACCOUNT_WORKSPACE

DEFAULT_ROOT = Path("gas_src")
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a Ctrl-C


class ProjectMissing(click.ClickException):
    exit_code = 2  # a usage error: nothing ran


def parse_arg(text: str) -> object:
    """An ARG is JSON when it parses as JSON, else the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _project_location(root: Path | None) -> tuple[Path, Path | None]:
    """(content directory, .clasp.json to honour): --root, else the default project of the current
    folder (``clasp.default_project``), else gas_src/."""
    if root is not None:
        found = find_clasp_config(Path.cwd())
        return root, found if found is not None and _same(found, root) else None
    try:
        directory, found = default_project(Path.cwd())
    except ClaspFileError as err:
        raise ProjectMissing(str(err)) from None
    if directory is None:
        return DEFAULT_ROOT, None
    return (Path(".") if found is None else directory), found


def _same(clasp_json: Path, root: Path) -> bool:
    try:
        return load_clasp_config(clasp_json).root_dir == root.resolve()
    except ClaspFileError:
        return False


@click.command("run")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project directory (default: rootDir of .clasp.json, else the current folder if it "
                   "has appsscript.json, else gas_src/).")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file keeping properties and cache between runs; runs sharing it at "
                   "once exclude each other with LockService.")
@click.option("--user", default=DEFAULT_USER, show_default=True, help="Email of the user running it.")
@click.option("--account", type=click.Choice([ACCOUNT_CONSUMER, ACCOUNT_WORKSPACE]), default=ACCOUNT_CONSUMER,
              show_default=True, help="Account type (picks the daily quotas).")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="End the execution after this many seconds (default: Apps Script's 360).")
@click.option("--seed", type=int, default=None,
              help="Seed of getUuid() and Math.random (default: a fresh one each run, as on Apps Script).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.argument("function")
@click.argument("args", nargs=-1)
def run(root: Path | None, state: Path | None, user: str, account: str, max_seconds: float | None,
        seed: int | None, as_json: bool, function: str, args: tuple[str, ...]) -> None:
    """Run FUNCTION of the Apps Script project with ARGs (each parsed as JSON when it parses).

    Example: gas-emu run --root gas_src nextId '"BDL"'
    """
    from gas_emulator import Emulator, Settings
    from gas_emulator.clock import VirtualClock

    from . import Project, ProjectError, run_function
    from .runner import FUNCTION_NOT_FOUND

    directory, clasp_json = _project_location(root)
    try:
        project = Project.from_directory(directory, clasp_json)
    except ProjectError as err:
        raise ProjectMissing(str(err)) from None
    store = None
    clock = None
    if state is not None:
        from gas_emulator.store.sqlite import SqliteStore

        store = SqliteStore(state)
        clock = VirtualClock(time.time() * 1000)  # state outlives the run: virtual time starts now
    if seed is None:
        # getUuid() must not repeat from one run to the next, nor between runs sharing a state file
        seed = secrets.randbits(64)
    settings = Settings(account=account)
    if max_seconds is not None:  # the whole cap: virtual time passed and real time running
        settings = settings.with_(max_execution_ms=max_seconds * 1000)
    emulator = Emulator(store=store, clock=clock, seed=seed, settings=settings, time_zone=project.time_zone)
    outcome = _run_contained(lambda: run_function(emulator, project, function,
                                                  [parse_arg(a) for a in args], user=user),
                             as_json, settings.out_of_memory_message)
    exit_code = 0
    if outcome.error is not None:
        # an unknown function is a usage error: nothing ran (the message is Apps Script's)
        exit_code = 2 if outcome.error.message == FUNCTION_NOT_FOUND.format(function) else 1
    _report(outcome, as_json, exit_code)
    if exit_code:
        raise SystemExit(exit_code)


def _run_contained(call, as_json: bool, out_of_memory_message: str):
    """Run ``call`` on its own thread: Ctrl-C stops it (130), a fatal out-of-memory answers (1)."""
    from . import engine, limits

    before, hook = limits.limit_process_data(), limits.on_fatal_oom
    limits.on_fatal_oom = lambda: _die_out_of_memory(as_json, out_of_memory_message)
    box: list = []

    def target() -> None:
        try:
            box.append((call(), None))
        except BaseException as err:  # noqa: BLE001 - handed to the main thread, raised there
            box.append((None, err))

    worker = threading.Thread(target=target, name="gas-emu-run", daemon=True)
    worker.start()
    try:
        while worker.is_alive():
            worker.join(0.1)  # joins in slices: Python handles Ctrl-C only between them
    except KeyboardInterrupt:
        engine.stop_all(KeyboardInterrupt())
        worker.join(1.0)  # the JavaScript ends at V8's next interrupt check
        click.echo("Interrupted", err=True)
        sys.stdout.flush()
        os._exit(EXIT_INTERRUPTED)  # the run thread may still hold V8: no interpreter teardown
    finally:
        limits.restore_process_data(before)  # in-process callers (CliRunner) keep their limits
        limits.on_fatal_oom = hook
    outcome, error = box[0]
    if error is not None:
        raise error
    return outcome


def _die_out_of_memory(as_json: bool, message: str) -> None:
    """V8 is out of memory for good (limits.on_fatal_oom): report the execution's error and end."""
    from . import engine
    from .errors import ScriptError
    from .runner import RunOutcome

    session = engine.current_session()
    logs = list(session.ex.logs) if session is not None else []
    _report(RunOutcome(None, ScriptError(message, "Exception"), logs), as_json, 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(1)


def _served(outcome):
    """What a web app serves for the function's return value (a TextOutput or HtmlOutput), else None."""
    from ..services.content import TextOutput
    from ..services.html import HtmlOutput
    from .webapp import response_for

    if outcome.error is not None or not isinstance(outcome.handle, TextOutput | HtmlOutput):
        return None
    return response_for(outcome.handle, None, "")


def _report(outcome, as_json: bool, exit_code: int) -> None:
    error = outcome.error
    served = _served(outcome)
    if as_json:
        doc = {
            "ok": error is None,
            "result": outcome.result,
            "error": None if error is None else {
                "message": error.message, "exit_code": exit_code, "type": error.error_type,
                "stack": [{"function": f.function, "file": f.file, "line": f.line} for f in error.stack]},
            "logs": [{"level": r.level, "text": r.text} for r in outcome.logs],
            "elapsed_ms": outcome.elapsed_ms,
            "output": None if served is None else {"mimeType": served.mime_type, "content": served.body},
        }
        click.echo(_json_text(doc))
        return
    for record in outcome.logs:
        click.echo(_printable(f"{record.level.upper():5} {record.text}"), err=True)
    if error is not None:
        click.echo(_printable(error.format()), err=True)
    elif served is not None:  # the content as served; a newline only where it lacks its own
        click.echo(_printable(served.body), nl=not served.body.endswith("\n"))
    else:
        click.echo(_json_text(outcome.result))


def _json_text(value: object) -> str:
    """JSON with characters as they are, or \\u escapes when a JavaScript string holds a lone
    surrogate (which no UTF-8 output can carry; the escapes decode back to the same string)."""
    text = json.dumps(value, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value)
    return text


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
