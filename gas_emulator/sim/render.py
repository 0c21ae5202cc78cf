"""Human output of a simulation report: rich tables on a console (``--json`` bypasses this).

Piped or redirected output is never wrapped nor cut: CI reads the trace hash, the replay command
and the identifiers from it whole. The terminal's width applies only on a terminal.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .report import Report

#: Executions listed one by one in the table; past this, only the failed ones and a count.
MAX_ROWS = 40


#: Width given to rich when the output is not a terminal: wide enough that no line is ever cut.
UNBOUNDED_WIDTH = 100_000


def output_console(file: TextIO | None = None) -> Console:
    """A console for report output: the terminal's width on a terminal, unbounded otherwise."""
    stream = file if file is not None else sys.stdout
    console = Console(file=stream, highlight=False)
    if not console.is_terminal:
        console = Console(file=stream, highlight=False, width=UNBOUNDED_WIDTH, no_color=True)
    return console


def render(report: Report, console: Console, *, show_executions: bool = True) -> None:
    s = report.summary()
    lat = s["latency_ms"]
    kind = report.time_kind
    head = Table(title=f"gas-emu {report.mode}: seed {report.seed}, latency {report.latency}, "
                       f"faults {report.faults}", show_header=False)
    head.add_column("what", style="bold")
    head.add_column("value")
    head.add_row("executions", f"{s['executions']} ({s['succeeded']} ok, {s['failed']} failed, "
                               f"{s['refused']} refused)")
    head.add_row("latency p50 / p95 / p99", f"{lat['p50']} / {lat['p95']} / {lat['p99']} ms ({kind})")
    head.add_row("throughput", f"{s['throughput_per_s']} ok executions per {kind} second "
                               f"over {s['virtual_ms']} ms")
    head.add_row("service calls", f"{s['service_calls']} in {s['wall_s']} s wall "
                                  f"({s['calls_per_wall_s']} per wall second)")
    locks = report.lock_stats
    head.add_row("locks", f"{locks.get('acquired', 0)} acquired, {locks.get('waited', 0)} waited "
                          f"({locks.get('wait_ms', 0)} ms total, max {locks.get('max_wait_ms', 0)}), "
                          f"{locks.get('timeouts', 0)} timeouts")
    if "exclusion" in locks:  # stress runs: within one process, or across processes (sim/stress.py)
        head.add_row("locks excluded", escape(locks["exclusion"]))
    head.add_row("quota use", ", ".join(f"{u}: {n}" for u, n in report.quota_by_user.items()) or "-")
    if report.faults_fired:
        head.add_row("faults fired", ", ".join(f"{k}: {v}" for k, v in report.faults_fired.items()))
    head.add_row("trace hash", report.trace_hash if report.reproducible else
                 "none: a stress run is not reproducible (real time, real threads)")
    console.print(head)
    _errors(report, console)
    if show_executions:
        _executions(report, console)
    _checks(report, console)


def _errors(report: Report, console: Console) -> None:
    errors = report.errors()
    if not errors:
        return
    table = Table(title="errors")
    table.add_column("count", justify="right")
    table.add_column("message")
    for message, count in errors.most_common():
        table.add_row(str(count), escape(message))
    console.print(table)


def _executions(report: Report, console: Console) -> None:
    rows = report.executions
    if len(rows) > MAX_ROWS:
        rows = [r for r in rows if not r.ok][:MAX_ROWS]
        if not rows:
            return
    table = Table(title=f"executions ({len(rows)} of {len(report.executions)} shown)")
    for col in ("name", "user", "start ms", "end ms", "calls", "result / error"):
        table.add_column(col)
    for r in rows:
        shown = f"[red]{escape(r.error)}[/red]" if r.error else escape(repr(r.result))
        table.add_row(r.name, r.user, str(r.start_ms), str(r.end_ms), str(r.service_calls), shown)
    console.print(table)


def _checks(report: Report, console: Console) -> None:
    for check in report.checks:
        mark = "[green]ok[/green]" if check.ok else "[red]FAILED[/red]"
        console.print(f"check {escape(check.name)}: {mark} {escape(check.message)}", highlight=False)
    if report.failed_checks:
        console.print(f"seed {report.seed} fails; replay with:", highlight=False)
        console.print(report.replay_command, markup=False, highlight=False, soft_wrap=True)
