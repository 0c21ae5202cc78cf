"""Where a JavaScript hand-off and a JavaScript execution's start and end spend their time.

Each part is timed alone, in µs per operation, and shown as a ratio to the baseline measured in the
same run: one hand-off between two OS threads through the libc semaphore the kernel uses
(``carriers.wake_primitive``), with no V8 at all, the cheapest thread hand-off this machine has.
The simulator's own per-call cost (bench/sim.py's JavaScript workloads, shorter here) is measured
in the same run, so the parts can be set against the whole. Not a test.

    .venv/bin/python bench/js_handoff.py            # prints the markdown tables (~1 minute)
    .venv/bin/python bench/js_handoff.py --write    # also updates bench/RESULTS.md (js-handoff)
    .venv/bin/python bench/js_handoff.py --cpu      # single-thread parts in thread CPU time
"""

from __future__ import annotations

import ctypes
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import _STPyV8

from gas_emulator import Emulator, carriers
from gas_emulator.markers import write_section
from gas_emulator.runtime import engine, limits, run_function
from gas_emulator.runtime.project import Project
from gas_emulator.runtime.runner import PRELUDE, PRELUDE_FILE
from gas_emulator.runtime.text import v8_source
from gas_emulator.sim.runner import simulate
from gas_emulator.sim.workload import Workload

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
REPEATS = 5  # best of: the machine is shared, the minimum is the least disturbed run
HANDOFFS = 20_000  # per ring measurement
MANY_THREADS = 1_000  # bench/sim.py's simultaneous executions
SIM_EXECUTIONS = 300
INIT = "(the prelude's init JSON, set as a global)"


def best_us(fn: Callable[[], float]) -> float:
    """The smallest of REPEATS measurements (each returns µs per operation)."""
    return min(fn() for _ in range(REPEATS))


#: The clock of single-thread parts: wall time, or with --cpu the calling thread's CPU time (other
#: work on a shared machine delays a thread but does not add to its CPU time).
CLOCK = time.thread_time if "--cpu" in sys.argv else time.perf_counter


def per_op_us(op: Callable[[], object], n: int, clock: Callable[[], float] | None = None) -> float:
    clock = clock or CLOCK
    started = clock()
    for _ in range(n):
        op()
    return (clock() - started) / n * 1e6


# ---------------------------------------------------------------------- thread rings
class Ring:
    """``threads`` OS threads passing one baton round a ring; with ``v8``, each owns a context on
    one shared isolate and releases V8 (``JSUnlocker``) around its wait, as engine.Session does."""

    def __init__(self, threads: int, v8: bool, iso=None) -> None:
        self.sems = [carriers.wake_primitive() for _ in range(threads)]
        self.v8, self.iso = v8, iso
        self.pin = carriers.pin_cpu()  # on one CPU, as the kernel keeps a run's actor threads
        self.laps = 1
        self.ready = threading.Barrier(threads + 1)
        self.done = carriers.wake_primitive()
        self.threads = [threading.Thread(target=self._main, args=(i,), daemon=True)
                        for i in range(threads)]

    def run_us(self, handoffs: int) -> float:
        self.laps = max(1, handoffs // len(self.threads))
        for thread in self.threads:
            thread.start()
        self.ready.wait()
        started = time.perf_counter()
        self.sems[0].release()
        self.done.acquire()
        elapsed = time.perf_counter() - started
        for thread in self.threads:
            thread.join()
        return elapsed / (self.laps * len(self.threads)) * 1e6

    def _main(self, i: int) -> None:
        if self.pin is not None:
            os.sched_setaffinity(0, self.pin)
        if not self.v8:
            self.ready.wait()
            self._laps(i, None)
            return
        locker = _STPyV8.JSLocker(self.iso)
        locker.enter()
        self.iso.enter()
        ctx = _STPyV8.JSContext(None)
        ctx.enter()
        unlocker = _STPyV8.JSUnlocker()
        unlocker.enter()  # every thread waits unlocked, as a parked Session does
        self.ready.wait()
        self._laps(i, unlocker)
        unlocker.leave()
        ctx.leave()
        engine.immortal(ctx)
        self.iso.leave()
        locker.leave()

    def _laps(self, i: int, unlocker) -> None:
        me, nxt = self.sems[i], self.sems[(i + 1) % len(self.sems)]
        last = i == len(self.sems) - 1
        for lap in range(self.laps):
            me.acquire()
            if unlocker is not None:
                unlocker.leave()  # re-take V8 (Locker), as Session.resume does
                unlocker.enter()  # and hand it back before waking the next (Session.park)
            if last and lap == self.laps - 1:
                self.done.release()
            else:
                nxt.release()


def ring_us(threads: int, v8: bool, iso=None, handoffs: int = HANDOFFS) -> float:
    return Ring(threads, v8, iso).run_us(handoffs)


# ---------------------------------------------------------------------- single-thread parts
class V8Thread:
    """The calling thread holding one isolate (Locker, entered) and one context, as in a Session."""

    def __init__(self, iso) -> None:
        self.iso = iso
        self.locker = _STPyV8.JSLocker(iso)
        self.locker.enter()
        iso.enter()
        self.ctx = self.new_context()

    def new_context(self):
        ctx = _STPyV8.JSContext(None)
        engine.immortal(ctx)  # engine.Isolate: a context that called Python is never collected
        return ctx

    def close(self) -> None:
        self.iso.leave()
        self.locker.leave()


_KEPT: list = []  # isolates used up by a measurement: never disposed (engine.Isolate), exit ends them


def on_fresh_isolate(fn: Callable[[V8Thread], float]) -> float:
    """``fn`` on a new isolate: the contexts a measurement keeps would fill one isolate's heap."""
    iso = _STPyV8.JSIsolate(True)
    _KEPT.append(iso)
    v8 = V8Thread(iso)
    try:
        return fn(v8)
    finally:
        v8.close()


def unlock_relock_us(v8: V8Thread) -> float:
    def op() -> None:
        unlocker = _STPyV8.JSUnlocker()
        unlocker.enter()
        unlocker.leave()
    return per_op_us(op, 20_000)


def locker_us(iso) -> float:
    """A whole Locker + Isolate enter/leave, as Session.__enter__/__exit__ take (no other holder)."""
    def op() -> None:
        locker = _STPyV8.JSLocker(iso)
        locker.enter()
        iso.enter()
        iso.leave()
        locker.leave()
    return per_op_us(op, 20_000)


def python_to_v8_us(v8: V8Thread) -> float:
    v8.ctx.enter()
    try:
        return per_op_us(lambda: v8.ctx.eval("0"), 20_000)
    finally:
        v8.ctx.leave()


def v8_to_python_us(v8: V8Thread) -> float:
    """One call from JavaScript into a Python function (engine.dispatch's path), loop subtracted."""
    ctx = v8.new_context()
    ctx.enter()
    try:
        ctx.locals.f = lambda *args: 0
        n = 50_000
        started = time.perf_counter()
        ctx.eval(f"for (var i = 0; i < {n}; i++) f(1, 'a');")
        with_calls = time.perf_counter() - started
        started = time.perf_counter()
        ctx.eval(f"for (var i = 0; i < {n}; i++) (function(){{}})(1, 'a');")
        return (with_calls - (time.perf_counter() - started)) / n * 1e6
    finally:
        ctx.leave()


_getppid = ctypes.CDLL(None).getppid


def gil_release_us() -> float:
    """A C call through ctypes, which releases and re-takes the GIL (as every semaphore call does)."""
    return per_op_us(_getppid, 50_000)


def gil_held_us() -> float:
    """The same system call from a builtin that keeps the GIL (compare with gil_release_us)."""
    return per_op_us(os.getppid, 50_000)


def heap_share_us() -> float:
    """What Session.__exit__ pays to decide whether to retire the isolate (V8 counts its contexts)."""
    ptr = engine._get_current()
    return per_op_us(lambda: limits.heap_used_share(ptr), 2_000)


def thread_start_us() -> float:
    def op() -> None:
        thread = threading.Thread(target=int)
        thread.start()
        thread.join()
    return per_op_us(op, 2_000, time.perf_counter)


def context_us(v8: V8Thread) -> float:
    return per_op_us(v8.new_context, 300)


def evaluate_us(v8: V8Thread, sources: list[tuple[str, str]], runs: int = 200) -> float:
    """Fresh context + the given scripts evaluated in it (compiled every time, as today)."""
    def op() -> None:
        ctx = v8.new_context()
        ctx.enter()
        ctx.locals.__gasCall = engine.dispatch
        ctx.locals.__gasNow = engine.now
        for source, name in sources:
            if name is INIT:
                setattr(ctx.locals, "__gasInit", source)  # as runner._install does
            else:
                ctx.eval(source, name)
        ctx.leave()
    return per_op_us(op, runs)


def compile_us(v8: V8Thread, sources: list[tuple[str, str]]) -> float:
    """Compiling the same scripts only (what a per-isolate code cache would save at most)."""
    engine_ = _STPyV8.JSEngine()
    scripts = [(s, n) for s, n in sources if n is not INIT]
    v8.ctx.enter()
    try:
        return per_op_us(lambda: [engine_.compile(s, n) for s, n in scripts], 200)
    finally:
        v8.ctx.leave()


def prelude_sources() -> list[tuple[str, str]]:
    """The prelude with the init an execution gives it (runner._install's JSON), as a script."""
    from gas_emulator.execution import GLOBAL_NAMES
    from gas_emulator.runtime.bridge import MARK
    from gas_emulator.runtime.runner import _static_init

    init = f'{{"mark":{json.dumps(MARK)},"seed":[1,0,0,0],{_static_init(tuple(GLOBAL_NAMES))}}}'
    return [(init, INIT), (PRELUDE, PRELUDE_FILE)]


def project_sources(root: Path) -> list[tuple[str, str]]:
    return [(v8_source(f.source), f.name) for f in Project.from_directory(root).scripts]


# ---------------------------------------------------------------------- whole executions
def run_function_us(root: Path, function: str, args: tuple = (), n: int = 300) -> float:
    """One whole execution on the calling thread, no simulator (Emulator defaults)."""
    project, emu = Project.from_directory(root), Emulator()
    run_function(emu, project, function, args)  # warm-up
    return per_op_us(lambda: run_function(emu, project, function, args).unwrap(), n)


def simulated_call_us(function: str, executions: int) -> tuple[float, float]:
    """µs per simulated call and per execution of bench/sim_js's ``function`` (best seed)."""
    workload = Workload(function=function, root=str(HERE / "sim_js"), executions=executions,
                        users=50)
    best_wall, calls = float("inf"), 0
    for seed in range(3):
        report = simulate(workload, seed=seed, latency="gas")
        if report.errors():
            raise SystemExit(f"benchmark workload failed: {dict(report.errors())}")
        best_wall, calls = min(best_wall, report.wall_s), len(report.trace)
    return best_wall / calls * 1e6, best_wall / executions * 1e6


# ---------------------------------------------------------------------- tables
def measure() -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    base = best_us(lambda: ring_us(2, False))
    iso = _STPyV8.JSIsolate(True)
    handoff = [
        ("Thread hand-off, 1,000 threads in the ring, no V8", best_us(lambda: ring_us(MANY_THREADS, False))),
        ("Thread hand-off with V8 released/re-taken (JSUnlocker), 2 threads on one isolate",
         best_us(lambda: ring_us(2, True, iso))),
        ("Same, 1,000 threads on one isolate, each with its own context (a 1,000-execution run)",
         min(ring_us(MANY_THREADS, True, iso) for _ in range(2))),
    ]
    v8 = V8Thread(iso)
    handoff += [
        ("JSUnlocker enter + leave alone (no other thread wants V8)", best_us(lambda: unlock_relock_us(v8))),
        ("JSLocker + Isolate enter/leave alone (an execution's start and end take one)",
         best_us(lambda: locker_us(iso))),
        ("Python -> V8: `ctx.eval('0')`", best_us(lambda: python_to_v8_us(v8))),
        ("V8 -> Python: a JavaScript call of a Python function (loop subtracted)",
         best_us(lambda: v8_to_python_us(v8))),
        ("Heap statistics read at every execution's end (`limits.heap_used_share`), isolate "
         "holding 1,000 contexts", best_us(heap_share_us)),
        ("GIL released and re-taken around a C call (ctypes `getppid`, uncontended)",
         best_us(gil_release_us)),
        ("The same system call with the GIL held (`os.getppid`)", best_us(gil_held_us)),
    ]
    v8.close()
    return base, handoff, execution_parts()


def execution_parts() -> list[tuple[str, float]]:
    prelude, six = prelude_sources(), project_sources(HERE / "sim_js")
    idservice = project_sources(HERE.parent / "gas_src")
    heavy_call_us, _ = simulated_call_us("hundredCalls", 100)
    six_call_us, six_exec_us = simulated_call_us("sixCalls", SIM_EXECUTIONS)
    fresh = on_fresh_isolate
    return [
        ("Thread start + join (empty target)", best_us(thread_start_us)),
        ("Fresh V8 context (`JSContext(None)`, the floor of bench/sim.py)",
         best_us(lambda: fresh(context_us))),
        ("Fresh context + prelude evaluated", best_us(lambda: fresh(lambda v8: evaluate_us(v8, prelude)))),
        ("Fresh context + prelude + bench/sim_js project",
         best_us(lambda: fresh(lambda v8: evaluate_us(v8, prelude + six)))),
        (f"Fresh context + prelude + gas_src (IdService, {len(idservice)} files)",
         best_us(lambda: fresh(lambda v8: evaluate_us(v8, prelude + idservice, 100)))),
        ("Compiling prelude + gas_src only (what a code cache could save at most)",
         best_us(lambda: fresh(lambda v8: compile_us(v8, prelude + idservice)))),
        ("`run_function` sixCalls, one after another, no simulator (whole execution)",
         best_us(lambda: run_function_us(HERE / "sim_js", "sixCalls"))),
        (f"Simulator: {SIM_EXECUTIONS} simultaneous sixCalls executions, per execution", six_exec_us),
        (f"Simulator: {SIM_EXECUTIONS} simultaneous sixCalls executions, per call", six_call_us),
        ("Simulator: 100 hundredCalls executions, per call", heavy_call_us),
    ]


def table(title: str, base: float, rows: list[tuple[str, float]], with_base: bool) -> str:
    lines = [f"| {title} | µs | vs baseline |", "|---|---|---|"]
    if with_base:
        lines.append(f"| Baseline: thread hand-off, 2 threads, libc semaphore, no V8 | {base:.2f} | 1.0x |")
    lines += [f"| {label} | {us:,.2f} | {us / base:,.1f}x |" for label, us in rows]
    return "\n".join(lines)


CPU_FLAG = " --cpu" if "--cpu" in sys.argv else ""
CLOCK_NOTE = ("single-thread parts in the measuring thread's CPU time, thread rings, thread start and "
              "simulator rows in wall time" if "--cpu" in sys.argv else "wall time")


def main() -> None:
    base, handoff, start = measure()
    body = (table("One JavaScript hand-off, by part", base, handoff, True) + "\n\n"
            + table("One JavaScript execution's start and end, by part (same baseline)", base, start,
                    False))
    print(body)
    if "--write" in sys.argv:
        write_section(RESULTS, "js-handoff", (
            "## js-handoff: the parts of a JavaScript hand-off and of an execution's start\n\n"
            f"Command: `.venv/bin/python bench/js_handoff.py --write{CPU_FLAG}` "
            f"(best of {REPEATS}; {CLOCK_NOTE}; 2-core "
            f"machine shared with other engineers' work, load average {os.getloadavg()[0]:.1f} "
            "when measured).\n\n" + body))
    os._exit(0)  # the isolate and its immortal contexts are never disposed (engine.Isolate)


if __name__ == "__main__":
    main()
