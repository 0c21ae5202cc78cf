"""Simulations inside tests: the ``gas_simulate`` fixture of the pytest plugin calls this.

    def test_ids_are_unique(gas_simulate):
        gas_simulate(next_id, args=("BDL",), executions=50, users=5, seeds="0:20",
                     checks=["unique", "no-errors"])

``target`` is a Python workload function (``def fn(ex, *args)``), a ``"module:function"`` string,
a JavaScript project directory (with ``function=``) or a runtime ``Project``. A failing check fails
the test with the seed, the failed checks and the exact ``gas-emu replay`` command; otherwise the
report of the last seed is returned for further assertions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from .explore import explore, parse_seeds
from .report import Report
from .workload import Workload


def simulate_in_test(target: Any, function: str | None = None, *, args: Iterable = (),
                     executions: int = 1, users: int = 1, rate: float | None = None, seed: int = 0,
                     seeds: str | range | None = None, latency: str = "gas", faults: str = "none",
                     checks: Iterable[str | Callable] = ("no-errors",), **options) -> Report:
    """Simulate ``target`` (one seed, or each of ``seeds``); fail the test on a failing check."""
    workload = _workload(target, function, tuple(args), executions, users, rate)
    seed_range = parse_seeds(seeds) if isinstance(seeds, str) else (seeds or range(seed, seed + 1))
    last: dict[str, Report] = {}
    result = explore(workload, seed_range, latency=latency, faults=faults, checks=list(checks),
                     progress=lambda _seed, report: last.update(report=report), **options)
    if not result.ok:
        failure = result.failures[0]
        problems = "\n".join(f"  {c.name}: {c.message}" for c in failure.failed_checks)
        pytest.fail(f"simulation failed at seed {failure.seed} (trace {failure.trace_hash}):\n"
                    f"{problems}\nreplay with:\n  {failure.replay_command}", pytrace=False)
    return last["report"]


def _workload(target: Any, function: str | None, args: tuple, executions: int, users: int,
              rate: float | None) -> Workload:
    common = {"args": args, "executions": executions, "users": users, "rate": rate}
    if callable(target):
        return Workload(function=function or target.__name__, callable=target, **common)
    if isinstance(target, str | Path) and Path(target).is_dir():
        if not function:
            raise ValueError("a JavaScript project needs function=")
        return Workload(function=function, root=str(target), **common)
    if isinstance(target, str):
        module, _, name = target.partition(":")
        return Workload(function=function or name, python=target if name else module, **common)
    if not function:
        raise ValueError("a JavaScript project needs function=")
    return Workload(function=function, project=target, **common)
