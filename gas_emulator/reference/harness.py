"""Run IdService under the simulator and check its invariants: a small adapter over ``sim.runner``.

The simulator's report has results, errors and the trace but not the executions' console lines,
which are IdService's audit. ``run_ids`` passes a ``setup`` hook that wraps the emulator's
``execution()`` to keep each execution's log lines (by execution name), keeps the emulator to read
the final script properties, then runs ``reconcileIds`` once every lease has expired (a fresh
emulator on the same store, clock moved past the lease), and checks the invariants.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from gas_codegen.config import IdServiceConfig

from ..clock import VirtualClock
from ..emulator import Emulator
from ..services.properties import SCRIPT_NS
from ..sim.report import Report
from ..sim.runner import simulate
from ..sim.workload import Workload
from .config import default_config
from .entry import reconcileIds
from .invariants import IdCheck, check_ids, reference_counters

#: Draws the V8 runtime takes from ``ex.rng`` to seed ``Math.random`` when it opens an execution's
#: context (gas_emulator/runtime/runner.py: four ``getrandbits(32)``).
V8_CONTEXT_DRAWS = 4


def js_aligned(fn: Callable) -> Callable:
    """``fn(ex, *args)`` preceded by the random draws a V8 context makes, so that ``Utilities.getUuid()``
    returns the same value in the Python reference as in the rendered JavaScript under one seed."""

    def aligned(ex, *args):
        for _ in range(V8_CONTEXT_DRAWS):
            ex.rng.getrandbits(32)
        return fn(ex, *args)

    aligned.__name__ = getattr(fn, "__name__", "aligned")
    aligned.__qualname__ = getattr(fn, "__qualname__", "aligned")
    aligned.__module__ = getattr(fn, "__module__", __name__)
    return aligned


@dataclass
class IdRun:
    report: Report
    logs: dict[str, list[str]]
    props: dict[str, str]
    check: IdCheck
    reconciled: dict = field(default_factory=dict)


def capture_setup(logs: dict[str, list[str]], holder: dict,
                  then: Callable[[Emulator], None] | None = None) -> Callable[[Emulator], None]:
    """A ``simulate(setup=...)`` hook that records every execution's console lines into ``logs``."""

    def setup(emu: Emulator) -> None:
        holder["emulator"] = emu
        original = emu.execution

        @contextmanager
        def execution(*args, **kwargs):
            with original(*args, **kwargs) as ex:
                try:
                    yield ex
                finally:
                    logs[ex.actor.name] = [rec.text for rec in ex.logs]

        emu.execution = execution
        if then is not None:
            then(emu)

    return setup


def run_ids(workload: Workload, *, seed: int, latency: str = "zero", faults: str | Mapping | None = "none",
            cfg: IdServiceConfig | None = None, setup: Callable[[Emulator], None] | None = None,
            counters: Callable[[IdServiceConfig, dict], dict] | None = None,
            settings=None) -> IdRun:
    """Simulate ``workload`` (reference, rendered JS or a variant), reconcile, check the invariants."""
    cfg = cfg or default_config()
    logs: dict[str, list[str]] = {}
    holder: dict = {}
    report = simulate(workload, seed=seed, latency=latency, faults=faults, settings=settings,
                      setup=capture_setup(logs, holder, setup))
    emu: Emulator = holder["emulator"]
    reconciled = final_reconcile(emu, cfg, logs)
    props = emu.store.props_all(SCRIPT_NS)
    results = {rec.name: (rec.result if rec.ok else None) for rec in report.executions}
    found = (counters or reference_counters)(cfg, props)
    return IdRun(report, logs, props, check_ids(cfg, logs, results, props, found), reconciled)


def final_reconcile(emu: Emulator, cfg: IdServiceConfig, logs: dict[str, list[str]]) -> dict:
    """Run ``reconcileIds`` after every lease expired, on the same store, with no faults."""
    later = emu.clock.now_ms() + cfg.service.reservation_lease_ms + 1
    after = Emulator(store=emu.store, clock=VirtualClock(later), settings=emu.settings, seed=emu.seed)
    with after.execution(user="reconcile@example.com", name="reconcile") as ex:
        try:
            return reconcileIds(ex)
        finally:
            logs["reconcile"] = [rec.text for rec in ex.logs]
