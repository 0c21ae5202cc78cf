"""Run a workload under the deterministic simulator and get a :class:`Report` back.

This is the API other code builds on (the CLI, the gasctl gate, the pytest fixture, IdService's
proofs)::

    from gas_emulator.sim.runner import simulate
    from gas_emulator.sim.workload import Workload

    wl = Workload(function="nextId", args=("BDL",), executions=50, users=5, root="gas_src")   # JS
    wl = Workload(function="next_id", python="myproj.ids", executions=50)   # def next_id(ex, *args)
    wl = Workload(function="next_id", callable=next_id, executions=50)      # a function object
    report = simulate(wl, seed=7, latency="gas", faults="all", checks=["unique", my_invariant])
    report.ok, report.failed_checks, report.trace_hash, report.replay_command
    for rec in report.executions: rec.name, rec.user, rec.result, rec.error, rec.start_ms, rec.end_ms
    report.trace      # [[execution name, virtual ms since start, op, key, outcome], ...]
    report.to_dict()  # the --json document

``latency`` is ``"gas"``, ``"zero"`` or any object with ``draw(op, rng) -> ms``; ``faults`` is
``"none"``, ``"all"``, ``"site=p,..."`` or a {site: p} mapping (see ``faults.py``); ``checks`` are
``"unique"``, ``"no-errors"``, ``"module:function"`` or callables over the report (``checks.py``).
``settings`` / ``store`` are passed to the Emulator (a fresh MemoryStore by default); ``setup``,
when given, is called with the Emulator before any execution (to seed state). ``use_greenlets``
overrides the actor kind (default: greenlets for Python, threads for JavaScript; the trace is the
same either way).

One seed fixes everything: arrivals, tie-breaks, latencies, each execution's RNG (``Math.random``,
``getUuid``), and every fault decision. Python workloads run on greenlets, JavaScript ones on
threads (V8 needs a real stack); exactly one execution runs at a time either way.
"""

from __future__ import annotations

import gc
import random
import shlex
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from ..clock import VirtualClock, round_us
from ..emulator import Emulator
from ..errors import GasError
from ..kernel import SimulationDeadlock
from ..settings import Settings
from ..store.base import Store
from .checks import Check, run_checks
from .faults import make_faults, parse_faults
from .latency import LatencyModel, make_latency
from .recorder import RecordingLockTable, call_spans
from .report import ExecutionRecord, Report, jsonable
from .timeline import build_timelines
from .triggers import TriggerHost
from .workload import Workload

#: The error recorded for executions that were still blocked when nothing else could run.
DEADLOCK_MESSAGE = "Simulation deadlock: blocked forever with nothing left to wake it"
#: The error recorded for JavaScript executions that Ctrl-C ended (the emulator's text).
INTERRUPTED_MESSAGE = "Interrupted (Ctrl-C)"
#: Real seconds a Ctrl-C'd JavaScript run gets to wind down (each execution ends at once).
STOP_GRACE_S = 5.0


def simulate(workload: Workload, *, seed: int = 0, latency: str | LatencyModel = "gas",
             faults: str | Mapping[str, float] | None = "none", checks: Iterable[str | Check] = (),
             settings: Settings | None = None, store: Store | None = None,
             setup: Callable[[Emulator], None] | None = None,
             use_greenlets: bool | None = None) -> Report:
    """Run ``workload`` once under ``seed``; see the module docstring."""
    checks = list(checks)
    model = make_latency(latency) if isinstance(latency, str) else latency
    clock = VirtualClock()
    plan = make_faults(faults, seed)
    if use_greenlets is None:
        use_greenlets = not workload.is_javascript
    emu = Emulator(store=store, clock=clock, settings=settings, seed=seed, latency=model,
                   faults=plan, deterministic=True, use_greenlets=use_greenlets, trace=True)
    emu.call_starts = []  # with the trace, each call's span for the timeline
    emu.locks = RecordingLockTable(emu)
    if setup is not None:
        setup(emu)
    records, wall_s, interrupted = _run(emu, workload, seed)
    report = _report(emu, plan, workload, records, wall_s, seed, model, faults)
    report.replay_command = replay_command(workload, seed, model.name, faults, checks)
    report.checks = run_checks(report, checks)
    if interrupted:
        raise SimulationInterrupted(report)
    return report


class SimulationInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run; ``report`` holds what ran until then (interrupted executions carry
    INTERRUPTED_MESSAGE). A KeyboardInterrupt, so whoever stops on Ctrl-C still does."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


def _run(emu: Emulator, workload: Workload, seed: int) -> tuple[list[ExecutionRecord], float]:
    origin = emu.start_ms
    arrivals = workload.arrivals(random.Random(f"arrivals-{seed}"))
    records = [ExecutionRecord(i, f"e{i + 1:04d}", workload.user_for(i), arrivals[i])
               for i in range(workload.executions)]
    target = workload.load_project() if workload.is_javascript else workload.load_python()
    if workload.until_ms is not None:  # time-driven triggers fire until then (sim/triggers.py)
        emu.trigger_host = TriggerHost(emu, workload, records, workload.until_ms)
        emu.trigger_host.start()
    make = lambda rec: _actor(emu, target, workload, rec, origin)  # noqa: E731
    # The cyclic garbage collector pauses for the run: nearly everything a run allocates (actors,
    # trace entries, records) lives until its end, so its passes found little to free, and they
    # cost 5-15 % of a 1,000-execution run, up to 40 % with a full collection in it (measured with
    # gc.callbacks). The run's garbage is collected after it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        actors = [emu.kernel.spawn(rec.name, make(rec), origin + rec.arrival_ms) for rec in records]
        started = time.perf_counter()
        interrupted = False
        try:
            emu.kernel.run()
        except SimulationDeadlock:
            for rec in records:
                if rec.end_ms is None:
                    rec.error, rec.error_type = DEADLOCK_MESSAGE, "SimulationDeadlock"
        except KeyboardInterrupt:
            interrupted = True
            if workload.is_javascript:
                _stop_javascript(actors)
        wall_s = time.perf_counter() - started
    finally:
        if collecting:
            gc.enable()
    # records may have grown past the spawned actors: trigger executions (sim/triggers.py) append theirs
    for actor, rec in zip(actors, records[:len(actors)], strict=True):
        if actor.error is not None and not isinstance(actor.error, Exception):
            if not interrupted:
                raise actor.error  # an interrupt inside an execution must not be swallowed
            rec.error, rec.error_type = INTERRUPTED_MESSAGE, type(actor.error).__name__
    return records, wall_s, interrupted


def _stop_javascript(actors: list) -> None:
    """Ctrl-C reached the driver while actor threads run V8: end their JavaScript and let every
    actor finish (at once: none starts V8 again), so that no thread is inside V8 when the process
    exits (measured: exiting with one there aborted, "FATAL: exception not rethrown")."""
    from ..runtime import engine

    engine.stop_all(GasError(INTERRUPTED_MESSAGE))
    try:
        deadline = time.monotonic() + STOP_GRACE_S
        pause = threading.Event()
        for actor in actors:
            # done: its V8 session has ended (it ends inside the actor); its thread may live on,
            # idle, kept for the next run (carriers.Carrier), so it is not joined
            while time.monotonic() < deadline and not actor.done:
                pause.wait(0.01)
    finally:
        engine.clear_stop()


def _actor(emu: Emulator, target, workload: Workload, rec: ExecutionRecord, origin: float):
    def run() -> None:
        rec.start_ms = round_us(emu.clock.now_ms() - origin)
        try:
            run_one(emu, workload, target, rec)
        finally:
            rec.end_ms = round_us(emu.clock.now_ms() - origin)
    return run


def run_one(emu: Emulator, workload: Workload, target, rec: ExecutionRecord) -> None:
    """One execution of ``workload`` by ``rec.user``: its result or error goes into ``rec``.

    ``target`` is the loaded JavaScript project or Python callable (the simulator and the
    real-time stress mode share this).
    """
    try:
        if workload.is_javascript:
            from ..runtime import run_function

            outcome = run_function(emu, target, workload.function, workload.args, user=rec.user)
            rec.result = jsonable(outcome.result)
            if outcome.error is not None:
                rec.error, rec.error_type = outcome.error.message, outcome.error.error_type
        else:
            with emu.execution(user=rec.user, name=rec.name) as ex:
                rec.result = jsonable(target(ex, *workload.args))
    except GasError as err:
        rec.error, rec.error_type = str(err), type(err).__name__
    except Exception as err:  # noqa: BLE001 - a workload or host failure is that execution's error
        rec.error, rec.error_type = f"{type(err).__name__}: {err}", type(err).__name__


def _report(emu: Emulator, plan, workload: Workload, records: list[ExecutionRecord],
            wall_s: float, seed: int, model: LatencyModel, faults) -> Report:
    # Under the deterministic kernel execution ids are the actors' names (Execution.__init__),
    # strings already: the trace is the emulator's own list.
    trace = emu.trace
    ends = {rec.name: emu.start_ms + rec.end_ms for rec in records if rec.end_ms is not None}
    calls = Counter(entry[0] for entry in trace)
    waits = emu.locks.wait_by_execution
    for rec in records:
        rec.service_calls = calls.get(rec.name, 0)
        rec.lock_wait_ms = waits.get(rec.name, 0.0)
    stats = dict(emu.locks.stats)
    stats["wait_ms"] = round(stats.get("wait_ms", 0.0), 3)
    stats["max_wait_ms"] = round(max((r.lock_wait_ms for r in records), default=0.0), 3)
    users = sorted({rec.user for rec in records})
    return Report(
        seed=seed, latency=model.name, faults=faults_text(faults), executions=records, trace=trace,
        lock_stats=stats, quota_by_user={u: emu.quotas.usage(u) for u in users},
        faults_fired=dict(sorted(getattr(plan, "fired", {}).items())), wall_s=wall_s,
        timeline_builder=_timeline_builder(emu, trace, ends))


def _timeline_builder(emu: Emulator, trace: list[list], ends: dict[str, float]):
    # holds what the timelines need, not the emulator (the report outlives the run)
    spans_from = (emu.start_ms, emu.call_starts)
    handoffs, origin = emu.locks.handoffs, emu.start_ms
    return lambda: build_timelines(call_spans(spans_from, trace), trace, handoffs, ends, origin)


def faults_text(faults: str | Mapping[str, float] | None) -> str:
    probabilities = parse_faults(faults)
    if not probabilities:
        return "none"
    if isinstance(faults, str) and faults.strip() == "all":
        return "all"
    return ",".join(f"{site}={p:g}" for site, p in probabilities.items())


def replay_command(workload: Workload, seed: int, latency: str, faults, checks: Iterable) -> str:
    """The exact ``gas-emu replay`` command line that reruns this seed."""
    parts = ["gas-emu", "replay", *workload.command_args(), "--seed", str(seed),
             "--latency", latency, "--faults", faults_text(faults)]
    for check in checks:
        name = check if isinstance(check, str) else f"{check.__module__}:{check.__qualname__}"
        parts += ["--check", name]
    return shlex.join(parts)
