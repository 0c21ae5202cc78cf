"""``gas-emu run``: call one function of a local Apps Script project in the emulator's V8 runtime.

Exit status: 0 the function returned, 1 it threw (the message and the JavaScript stack are
printed), 2 usage errors (bad options, no project there). ``--json`` prints exactly one JSON
document: ``result``, ``error`` (message, type, stack, or null), ``logs`` (level, text) and
``elapsed_ms`` (virtual time).
"""

from __future__ import annotations

import json
import secrets
import time
from pathlib import Path

import click

from ..clasp import ClaspFileError, find_clasp_config, load_clasp_config
from ..emulator import DEFAULT_USER
from ..settings import ACCOUNT_CONSUMER, ACCOUNT_WORKSPACE

DEFAULT_ROOT = Path("gas_src")


class ProjectMissing(click.ClickException):
    exit_code = 2  # a usage error: nothing ran


def parse_arg(text: str) -> object:
    """An ARG is JSON when it parses as JSON, else the string itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _project_location(root: Path | None) -> tuple[Path, Path | None]:
    """(content directory, .clasp.json to honour): --root, else rootDir of .clasp.json, else gas_src/."""
    found = find_clasp_config(Path.cwd())
    if root is not None:
        return root, found if found is not None and _same(found, root) else None
    if found is not None:
        try:
            return load_clasp_config(found).root_dir, found
        except ClaspFileError as err:
            raise ProjectMissing(str(err)) from None
    return DEFAULT_ROOT, None


def _same(clasp_json: Path, root: Path) -> bool:
    try:
        return load_clasp_config(clasp_json).root_dir == root.resolve()
    except ClaspFileError:
        return False


@click.command("run")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Project directory (default: rootDir of .clasp.json, else gas_src/).")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file keeping properties and cache between runs; runs sharing it at "
                   "once exclude each other with LockService.")
@click.option("--user", default=DEFAULT_USER, show_default=True, help="Email of the user running it.")
@click.option("--account", type=click.Choice([ACCOUNT_CONSUMER, ACCOUNT_WORKSPACE]), default=ACCOUNT_CONSUMER,
              show_default=True, help="Account type (picks the daily quotas).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.argument("function")
@click.argument("args", nargs=-1)
def run(root: Path | None, state: Path | None, user: str, account: str, as_json: bool, function: str,
        args: tuple[str, ...]) -> None:
    """Run FUNCTION of the Apps Script project with ARGs (each parsed as JSON when it parses).

    Example: gas-emu run --root gas_src nextId '"BDL"'
    """
    from gas_emulator import Emulator, Settings
    from gas_emulator.clock import VirtualClock

    from . import Project, ProjectError, run_function

    directory, clasp_json = _project_location(root)
    try:
        project = Project.from_directory(directory, clasp_json)
    except ProjectError as err:
        raise ProjectMissing(str(err)) from None
    store = None
    clock = None
    seed = 0
    if state is not None:
        from gas_emulator.store.sqlite import SqliteStore

        store = SqliteStore(state)
        clock = VirtualClock(time.time() * 1000)  # state outlives the run: virtual time starts now
        seed = secrets.randbits(64)  # runs sharing state must not share getUuid/Math.random values
    emulator = Emulator(store=store, clock=clock, seed=seed, settings=Settings(account=account),
                        time_zone=project.time_zone)
    outcome = run_function(emulator, project, function, [parse_arg(a) for a in args], user=user)
    _report(outcome, as_json)
    if outcome.error is not None:
        raise SystemExit(1)


def _report(outcome, as_json: bool) -> None:
    error = outcome.error
    if as_json:
        doc = {
            "result": outcome.result,
            "error": None if error is None else {
                "message": error.message, "type": error.error_type,
                "stack": [{"function": f.function, "file": f.file, "line": f.line} for f in error.stack]},
            "logs": [{"level": r.level, "text": r.text} for r in outcome.logs],
            "elapsed_ms": outcome.elapsed_ms,
        }
        click.echo(_json_text(doc))
        return
    for record in outcome.logs:
        click.echo(_printable(f"{record.level.upper():5} {record.text}"), err=True)
    if error is not None:
        click.echo(_printable(error.format()), err=True)
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
