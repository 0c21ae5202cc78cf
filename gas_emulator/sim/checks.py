"""Checks over a simulation report: ``unique``, ``no-errors`` and custom invariants.

A custom invariant is any Python callable taking the :class:`~gas_emulator.sim.report.Report`.
It passes when it returns None or True; it fails when it returns False, returns a message (str),
or raises AssertionError (its text is the message). On the command line a custom check is named
``package.module:function`` (or ``path/to/file.py:function``).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from ..errors import ExecutionKilled, ServerError, TooManyLockOperations
from .report import CheckResult, Report
from .workload import WorkloadError, _import

Check = Callable[[Report], Any]


def unique(report: Report) -> CheckResult:
    """No two executions that returned a value returned the same one (errors are not values)."""
    seen: dict[str, list[str]] = defaultdict(list)
    for rec in report.executions:
        if rec.ok:
            seen[json.dumps(rec.result, sort_keys=True, default=repr)].append(rec.name)
    dups = [(value, names) for value, names in seen.items() if len(names) > 1]
    if not dups:
        return CheckResult("unique", True)
    shown = "; ".join(f"{value} returned by {len(names)} ({', '.join(names[:4])})"
                      for value, names in dups[:5])
    more = f" and {len(dups) - 5} more" if len(dups) > 5 else ""
    return CheckResult("unique", False, f"{len(dups)} duplicate results: {shown}{more}")


#: The error each fault site raises as such (faults.py); a workload may also catch and rephrase it.
INJECTED_MESSAGES = {ExecutionKilled.MESSAGE: "kill", ServerError.MESSAGE: "transient",
                     TooManyLockOperations.MESSAGE: "lock_ops"}


def no_errors(report: Report) -> CheckResult:
    """No execution failed (refusals by the admission limits count as failures).

    The message marks the errors that are injected faults and lists the faults fired, so a
    failure caused by ``--faults`` is told apart from one in the code under test.
    """
    errors = report.errors()
    if not errors:
        return CheckResult("no-errors", True)
    total = sum(errors.values())
    shown = "; ".join(f"{count} x {message}{_injected(message, report)}"
                      for message, count in errors.most_common(5))
    fired = ", ".join(f"{site} {n}" for site, n in report.faults_fired.items())
    injected = f" (faults injected in this run: {fired})" if fired else ""
    return CheckResult("no-errors", False, f"{total} executions failed: {shown}{injected}")


def _injected(message: str, report: Report) -> str:
    site = INJECTED_MESSAGES.get(message)
    return f" [injected fault: {site}]" if site and report.faults_fired.get(site) else ""


BUILTIN: dict[str, Check] = {"unique": unique, "no-errors": no_errors}


def resolve(spec: str | Check) -> tuple[str, Check]:
    """A check name (builtin or ``module:function``) or a callable -> (name, callable)."""
    if callable(spec):
        return getattr(spec, "__name__", "custom"), spec
    if spec in BUILTIN:
        return spec, BUILTIN[spec]
    module_ref, sep, fn_name = spec.rpartition(":")
    if not sep or not module_ref:
        raise WorkloadError(f"unknown check {spec!r}: use unique, no-errors or package.module:function")
    fn = getattr(_import(module_ref), fn_name, None)
    if not callable(fn):
        raise WorkloadError(f"check {spec}: {module_ref} has no function {fn_name!r}")
    return spec, fn


def run_check(report: Report, name: str, fn: Check) -> CheckResult:
    try:
        outcome = fn(report)
    except AssertionError as err:
        # first line: under pytest, assertion rewriting appends its own explanation
        return CheckResult(name, False, str(err).split("\n", 1)[0] or "assertion failed")
    if isinstance(outcome, CheckResult):
        return outcome
    if outcome is None or outcome is True:
        return CheckResult(name, True)
    if outcome is False:
        return CheckResult(name, False, "invariant returned False")
    return CheckResult(name, False, str(outcome))


def run_checks(report: Report, checks: Iterable[str | Check]) -> list[CheckResult]:
    return [run_check(report, *resolve(spec)) for spec in checks]
