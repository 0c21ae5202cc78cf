"""``gas-emu run``: call one function of a local Apps Script project in the emulator's V8 runtime.

Exit status: 0 the function returned, 1 it threw (the message and the JavaScript stack are
printed), 2 usage errors (bad options, no project there, no such function). ``--json`` prints exactly one JSON
document: ``ok``, ``result``, ``error`` (message, exit_code, type, stack, or null), ``logs``
(level, text) and ``elapsed_ms`` (virtual time).
"""

from __future__ import annotations

import json
import os
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
              help="SQLite file keeping properties and cache between runs.")
@click.option("--user", default=DEFAULT_USER, show_default=True, help="Email of the user running it.")
@click.option("--account", type=click.Choice([ACCOUNT_CONSUMER, ACCOUNT_WORKSPACE]), default=ACCOUNT_CONSUMER,
              show_default=True, help="Account type (picks the daily quotas).")
@click.option("--seed", type=int, default=None,
              help="Seed of getUuid() and Math.random (default: a fresh one each run, as on Apps Script).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.argument("function")
@click.argument("args", nargs=-1)
def run(root: Path | None, state: Path | None, user: str, account: str, seed: int | None, as_json: bool,
        function: str, args: tuple[str, ...]) -> None:
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
    _use_time_zone(project.time_zone)
    store = None
    clock = None
    if state is not None:
        from gas_emulator.store.sqlite import SqliteStore

        store = SqliteStore(state)
        clock = VirtualClock(time.time() * 1000)  # state outlives the run: virtual time starts now
    if seed is None:
        seed = secrets.randbits(64)  # getUuid() must not repeat from one run to the next
    emulator = Emulator(store=store, clock=clock, settings=Settings(account=account),
                        time_zone=project.time_zone, seed=seed)
    outcome = run_function(emulator, project, function, [parse_arg(a) for a in args], user=user)
    exit_code = 0
    if outcome.error is not None:
        # an unknown function is a usage error: nothing ran (the message is Apps Script's)
        exit_code = 2 if outcome.error.message == FUNCTION_NOT_FOUND.format(function) else 1
    _report(outcome, as_json, exit_code)
    if exit_code:
        raise SystemExit(exit_code)


def _use_time_zone(zone: str) -> None:
    """V8 reads the process time zone for Date's local time (getHours, toString) at its first use;
    Apps Script uses the script's. One project per process here, so the manifest's zone is it."""
    os.environ["TZ"] = zone
    time.tzset()


def _report(outcome, as_json: bool, exit_code: int) -> None:
    error = outcome.error
    if as_json:
        doc = {
            "ok": error is None,
            "result": outcome.result,
            "error": None if error is None else {
                "message": error.message, "exit_code": exit_code, "type": error.error_type,
                "stack": [{"function": f.function, "file": f.file, "line": f.line} for f in error.stack]},
            "logs": [{"level": r.level, "text": r.text} for r in outcome.logs],
            "elapsed_ms": outcome.elapsed_ms,
        }
        click.echo(json.dumps(doc, ensure_ascii=False))
        return
    for record in outcome.logs:
        click.echo(f"{record.level.upper():5} {record.text}", err=True)
    if error is not None:
        click.echo(error.format(), err=True)
    else:
        click.echo(json.dumps(outcome.result, ensure_ascii=False))
