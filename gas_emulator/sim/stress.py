"""Real-time stress mode: the same workload on real threads, or on processes over one SQLite store.

What the deterministic model cannot show (real races in the store, real lock polling between
processes, the host's own speed) shows here. Nothing is reproducible: the report has no
meaningful trace hash and its times are wall-clock milliseconds. ``threads`` runs every execution
on its own thread against one emulator with the real clock; ``processes`` splits the executions
over worker processes, each an emulator over the same SQLite file. Locks then take the one path
every shared store takes (``services/lock.py``, the same as ``gas-emu run --state`` and
``Emulator(store=SqliteStore(...))``): each lock is held in the store as well, so it excludes
across processes, and the report's ``locks.exclusion`` says which way the run's locks excluded.
The admission limits are counted per process in ``processes`` mode (no shared counter).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable

from ..clock import round_us
from ..emulator import Emulator
from ..settings import Settings
from .checks import run_checks
from .faults import make_faults
from .latency import make_latency
from .report import ExecutionRecord, Report
from .runner import faults_text, run_one
from .workload import Workload, WorkloadError


def run_stress(workload: Workload, *, mode: str = "threads", seed: int = 0, latency: str = "zero",
               faults: str = "none", checks: Iterable = (), store_path: str | None = None,
               settings: Settings | None = None) -> Report:
    """Run ``workload`` for real (``mode`` ``threads`` or ``processes``) and report what happened."""
    checks = list(checks)
    started = time.perf_counter()
    if mode == "threads":
        store = _sqlite(store_path) if store_path else None
        records, stats, quota, fired = _run_threads(workload, list(range(workload.executions)), seed,
                                                    latency, faults, store, settings)
    elif mode == "processes":
        records, stats, quota, fired = _run_processes(workload, seed, latency, faults, store_path, settings)
    else:
        raise WorkloadError(f"unknown stress mode {mode!r}: use threads or processes")
    stats["exclusion"] = exclusion_text(mode == "processes" or store_path is not None)
    report = Report(seed=seed, latency=latency, faults=faults_text(faults), executions=records,
                    trace=[], lock_stats=stats, quota_by_user=quota, faults_fired=fired,
                    wall_s=time.perf_counter() - started, mode=f"stress-{mode}",
                    call_count=stats.pop("service_calls", 0))
    report.checks = run_checks(report, checks)
    return report


def exclusion_text(shared_store: bool) -> str:
    """How the run's locks excluded (the report's ``locks.exclusion``)."""
    if shared_store:
        return ("across processes: each lock held in the SQLite store too (lease renewed by its "
                "holder, freed at its death)")
    return "within one process: the emulator's lock table"


def _sqlite(path: str):
    from ..store.sqlite import SqliteStore

    return SqliteStore(path)


def _run_threads(workload, indexes, seed, latency, faults, store, settings):
    emu = Emulator(store=store, clock="real", settings=settings, seed=seed,
                   latency=make_latency(latency), faults=make_faults(faults, seed), trace=True)
    target = workload.load_project() if workload.is_javascript else workload.load_python()
    arrivals = workload.arrivals(random.Random(f"arrivals-{seed}"))
    records = [ExecutionRecord(i, f"e{i + 1:04d}", workload.user_for(i), arrivals[i]) for i in indexes]
    origin = time.time() * 1000.0
    gate = threading.Barrier(len(records))
    threads = [threading.Thread(target=_thread_main, args=(emu, workload, target, rec, origin, gate),
                                name=rec.name, daemon=True) for rec in records]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    users = sorted({rec.user for rec in records})
    stats = dict(emu.locks.stats)
    stats["service_calls"] = _count_calls(emu.trace, records)  # the trace only counts them here
    return (records, stats, {u: emu.quotas.usage(u) for u in users},
            dict(getattr(emu.faults, "fired", {})))


def _thread_main(emu, workload, target, rec, origin, gate) -> None:
    gate.wait()  # every thread is up before the first one starts: "arriving all at once"
    delay_s = (origin + rec.arrival_ms) / 1000.0 - time.time()
    if delay_s > 0:
        time.sleep(delay_s)  # Poisson arrivals in real time (stress mode only)
    rec.start_ms = round_us(time.time() * 1000.0 - origin)
    try:
        run_one(emu, workload, target, rec)
    finally:
        rec.end_ms = round_us(time.time() * 1000.0 - origin)


def _count_calls(trace: list[list], records: list[ExecutionRecord]) -> int:
    """Total service calls; each execution's own where its trace entries carry its name (Python)."""
    by_name = Counter(entry[0] for entry in trace)
    for rec in records:
        rec.service_calls = by_name.get(rec.name, 0)
    return len(trace)


def _run_processes(workload, seed, latency, faults, store_path, settings):
    if workload.callable is not None or (workload.project is not None and workload.root is None):
        raise WorkloadError("--stress processes needs a workload by name (--python MODULE or --root DIR)")
    tmp = None
    if store_path is None:
        tmp = tempfile.TemporaryDirectory(prefix="gas-emu-stress-")
        store_path = os.path.join(tmp.name, "store.sqlite")
    try:
        _sqlite(store_path)  # create the schema once, before the workers race to
        workers = max(1, min(os.cpu_count() or 1, workload.executions))
        slices = [list(range(w, workload.executions, workers)) for w in range(workers)]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(workers) as pool:
            parts = pool.starmap(_process_main, [(workload, s, seed + w, latency, faults, store_path,
                                                  settings) for w, s in enumerate(slices)])
        records, stats, fired = _merge(parts)
        reader = Emulator(store=_sqlite(store_path), clock="real", settings=settings)
        quota = {u: reader.quotas.usage(u) for u in sorted({rec.user for rec in records})}
    finally:
        if tmp is not None:
            tmp.cleanup()
    return records, stats, quota, fired


def _process_main(workload, indexes, seed, latency, faults, store_path, settings):
    return _run_threads(workload, indexes, seed, latency, faults, _sqlite(store_path), settings)


def _merge(parts):
    records = sorted((rec for part in parts for rec in part[0]), key=lambda r: r.index)
    stats: dict = {}
    fired: dict = {}
    for _, part_stats, _, part_fired in parts:
        for key, value in part_stats.items():
            stats[key] = stats.get(key, 0) + value
        for key, value in part_fired.items():
            fired[key] = fired.get(key, 0) + value
    return records, stats, fired
