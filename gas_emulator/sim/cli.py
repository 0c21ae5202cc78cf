"""``gas-emu simulate``, ``explore`` and ``replay``: the simulator on the command line.

Exit status: 0 every check passed, 1 a check failed (the seed and replay command are printed),
2 usage errors (bad options, a module that does not import, a project that does not load).
``--json`` prints exactly one JSON document on stdout; progress goes to stderr.
"""

from __future__ import annotations

import functools
import json
import sys
from pathlib import Path

import click
from rich.console import Console

from .explore import explore as explore_seeds
from .explore import parse_seeds, parse_shard, shard_seeds, shrink, workload_command
from .faults import parse_faults
from .latency import PROFILES
from .parallel import default_jobs
from .report import Report, canonical_trace
from .runner import SimulationInterrupted
from .runner import simulate as run_simulation
from .workload import Workload, WorkloadError, parse_args_json, parse_duration_ms

#: Exit status of an exploration stopped by Ctrl-C with no failure found (128 + SIGINT, as shells do).
EXIT_INTERRUPTED = 130


def workload_options(fn):
    """The options that describe a workload (shared by the three commands)."""
    options = [
        click.option("--root", type=click.Path(file_okay=False),
                     help="JavaScript project directory (default: rootDir of .clasp.json, else the "
                          "current folder if it has appsscript.json)."),
        click.option("--python", "python_ref", metavar="MODULE",
                     help="Python module (package.module, path/to/file.py) or module:function."),
        click.option("--function", "function",
                     help="Function each execution runs (default: the one named by --python M:F)."),
        click.option("--args", "args_json", metavar="JSON_ARRAY", help="Arguments, a JSON array."),
        click.option("--executions", "-n", type=click.IntRange(min=1), default=1, show_default=True),
        click.option("--users", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Distinct users, assigned round-robin."),
        click.option("--rate", type=click.FloatRange(min=0, min_open=True),
                     help="Poisson arrivals per virtual second (default: all at once)."),
        click.option("--latency", type=click.Choice(PROFILES), default="gas", show_default=True),
        click.option("--faults", default="none", show_default=True,
                     help="none, all, or site=probability,... (cache_evict, transient, lock_ops, "
                          "lock_slow, kill)."),
        click.option("--check", "checks", multiple=True,
                     help="unique, no-errors or package.module:function (repeatable)."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document."),
        # kept out of the commands' signatures: read back by build_workload (issue #18)
        click.option("--until", "until", expose_value=False, metavar="DURATION",
                     callback=lambda ctx, _p, v: ctx.meta.__setitem__("gas_until", v),
                     help="Fire time-driven triggers on the virtual clock until then (24h, 90m...)."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def usage_errors(fn):
    """Workload problems become click usage errors (exit status 2)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except WorkloadError as err:
            raise click.UsageError(str(err)) from None
    return wrapper


def build_workload(root, python_ref, function, args_json, executions, users, rate) -> Workload:
    if root is None and python_ref is None:
        root = _clasp_root_dir()
    if not function:
        function = (python_ref or "").partition(":")[2]
        if not function:
            raise click.UsageError("Missing option '--function' (or name it as --python MODULE:FUNCTION).")
    context = click.get_current_context(silent=True)
    until = context.meta.get("gas_until") if context is not None else None
    workload = Workload(function=function, args=parse_args_json(args_json), executions=executions,
                        users=users, rate=rate, python=python_ref, root=root,
                        until_ms=None if until is None else parse_duration_ms(until))
    if workload.is_javascript:
        _require_function(workload)
    return workload


def _clasp_root_dir() -> str | None:
    """The default project of the current folder (``clasp.default_project``, as ``gas-emu run``
    finds it), relative to it when below it."""
    from ..clasp import ClaspFileError, default_project

    try:
        directory, _ = default_project(Path.cwd())
    except ClaspFileError as err:
        raise WorkloadError(str(err)) from None
    if directory is None:
        return None
    try:
        return str(directory.relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(directory)


def _require_function(workload: Workload) -> None:
    """An unknown function is a usage error (exit 2), with Apps Script's own message."""
    from ..runtime.errors import ProjectError
    from ..runtime.runner import FUNCTION_NOT_FOUND

    try:
        project = workload.load_project()
    except ProjectError as err:  # no project there: nothing can run
        raise WorkloadError(str(err)) from None
    if workload.function in project.function_names():
        return
    from ..emulator import Emulator  # not a declaration: ask V8 (e.g. ``var f = function () {}``)
    from ..runtime import run_function

    outcome = run_function(Emulator(), project, workload.function, workload.args)
    message = FUNCTION_NOT_FOUND.format(workload.function)
    if outcome.error is not None and outcome.error.message == message:
        raise WorkloadError(message)


def _options(latency: str, faults: str, checks) -> dict:
    try:
        parse_faults(faults)  # validate before any run
    except ValueError as err:
        raise WorkloadError(f"--faults: {err}") from None
    return {"latency": latency, "faults": faults, "checks": list(checks)}


def _emit(report: Report, as_json: bool, *, include_trace: bool = False) -> None:
    if as_json:
        click.echo(json.dumps(report.to_dict(include_trace=include_trace), default=str))
    else:
        from .render import output_console, render

        render(report, output_console())


@click.command()
@workload_options
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--report", "report_dir", type=click.Path(file_okay=False),
              help="Write report.html (timeline) and report.json into this directory.")
@click.option("--stress", type=click.Choice(["threads", "processes"]),
              help="Real-time stress mode on real threads or processes (no trace hash).")
@click.option("--store", "store_path", type=click.Path(dir_okay=False),
              help="SQLite file shared by --stress processes (default: a temporary file).")
@usage_errors
def simulate(root, python_ref, function, args_json, executions, users, rate, latency, faults, checks,
             as_json, seed, report_dir, stress, store_path) -> None:
    """Simulate N simultaneous executions of one function under one seed.

    \b
    Examples:
      gas-emu simulate --root gas_src --function nextId --args '["BDL"]' -n 50 --seed 7 --check unique
      gas-emu simulate --function nextId --args '["BDL"]' -n 50 --faults all --check unique --report rep
    """
    workload = build_workload(root, python_ref, function, args_json, executions, users, rate)
    options = _options(latency, faults, checks)
    if stress:
        from .stress import run_stress

        report = run_stress(workload, mode=stress, seed=seed, store_path=store_path, **options)
    else:
        try:
            report = run_simulation(workload, seed=seed, **options)
        except SimulationInterrupted as stop:  # Ctrl-C: what ran so far, then 130 as for SIGINT
            _emit(stop.report, as_json)
            sys.exit(EXIT_INTERRUPTED)
    if report_dir:
        from .html import write_html

        path = write_html(report, report_dir)
        click.echo(f"report written to {path}", err=True)
    _emit(report, as_json)
    sys.exit(0 if report.ok else 1)


@click.command()
@workload_options
@click.option("--seeds", required=True, metavar="A:B", help="Seed range, half-open (0:100 = 0..99).")
@click.option("--shard", metavar="I/N", help="Run only shard I of N (1-based) of the seed range.")
@click.option("--all", "collect_all", is_flag=True, help="Collect every failing seed, not just the first.")
@click.option("--shrink", "do_shrink", is_flag=True, help="Shrink the first failure to fewer executions.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=default_jobs,
              help="Worker processes (default: the CPUs available); the result is the same for any N.")
@usage_errors
def explore(root, python_ref, function, args_json, executions, users, rate, latency, faults, checks,
            as_json, seeds, shard, collect_all, do_shrink, jobs) -> None:
    """Run a range of seeds; stop at the first failing one (or collect them all with --all).

    \b
    Examples:
      gas-emu explore --root gas_src --function nextId --args '["BDL"]' -n 20 --seeds 0:40 --check unique
      gas-emu explore --function nextId --args '["BDL"]' -n 20 --seeds 0:40 --shard 1/4 --jobs 2 --json
    """
    workload = build_workload(root, python_ref, function, args_json, executions, users, rate)
    options = _options(latency, faults, checks)
    seed_range = parse_seeds(seeds)
    selected = shard_seeds(seed_range, *parse_shard(shard))
    result = _explore_with_progress(workload, selected, not collect_all, options, as_json, jobs)
    doc = {"seeds": f"{selected.start}:{selected.stop}" if selected.step == 1 else list(selected),
           "range": f"{seed_range.start}:{seed_range.stop}", "shard": shard or "1/1",
           "workload": workload_command(workload, **options),
           "seeds_run": result.seeds_run, "ok": result.ok,
           "interrupted": result.interrupted,
           "failures": [{"seed": r.seed, "trace_hash": r.trace_hash, "replay_command": r.replay_command,
                         "failed_checks": [c.to_dict() for c in r.failed_checks]}
                        for r in result.failures]}
    if do_shrink and result.failures and not result.interrupted:
        small, report = shrink(workload, result.failures[0].seed, **options)
        doc["shrunk"] = {"executions": small.executions, "users": small.users,
                         "replay_command": report.replay_command}
    _emit_exploration(doc, as_json)
    # a failure found is the answer (1); an interrupted clean range is no verdict (130, as for SIGINT)
    sys.exit(1 if not result.ok else EXIT_INTERRUPTED if result.interrupted else 0)


def _explore_with_progress(workload, seeds, stop_at_first, options, quiet, jobs):
    from rich.progress import Progress

    console = Console(stderr=True)
    with Progress(console=console, disable=quiet or not console.is_terminal) as bar:
        task = bar.add_task(f"seeds ({jobs} jobs)" if jobs > 1 else "seeds", total=len(seeds))
        return explore_seeds(workload, seeds, stop_at_first=stop_at_first, jobs=jobs,
                             progress=lambda seed, report: bar.advance(task), **options)


def _emit_exploration(doc: dict, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(doc))
        return
    stopped = " before Ctrl-C stopped the range" if doc["interrupted"] else ""
    click.echo(f"{doc['seeds_run']} seeds run (shard {doc['shard']}){stopped}: "
               f"{'all passed' if doc['ok'] else str(len(doc['failures'])) + ' failing'}")
    for failure in doc["failures"]:
        messages = "; ".join(f"{c['name']}: {c['message']}" for c in failure["failed_checks"])
        click.echo(f"seed {failure['seed']} fails ({messages})")
        click.echo(f"  replay: {failure['replay_command']}")
    if "shrunk" in doc:
        click.echo(f"shrunk to {doc['shrunk']['executions']} executions: {doc['shrunk']['replay_command']}")


@click.command()
@workload_options
@click.option("--seed", type=int, required=True)
@usage_errors
def replay(root, python_ref, function, args_json, executions, users, rate, latency, faults, checks,
           as_json, seed) -> None:
    """Rerun one seed and print its trace (one JSON array per service call) and its hash.

    \b
    Example:
      gas-emu replay --root gas_src --function nextId --args '["BDL"]' -n 20 --seed 7 --check unique
    """
    workload = build_workload(root, python_ref, function, args_json, executions, users, rate)
    report = run_simulation(workload, seed=seed, **_options(latency, faults, checks))
    if as_json:
        _emit(report, True, include_trace=True)
    else:
        click.echo(canonical_trace(report.trace), nl=False)
        for check in report.checks:
            click.echo(f"check {check.name}: {'ok' if check.ok else 'FAILED'} {check.message}".rstrip())
        click.echo(f"trace hash {report.trace_hash} ({len(report.trace)} service calls)")
    sys.exit(0 if report.ok else 1)
