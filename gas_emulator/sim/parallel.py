"""Seeds in worker processes: ``explore --jobs N`` (the same answer as one process, sooner).

Every seed is one independent simulation, so a range splits cleanly: the seeds are cut into small
chunks in order and handed to N worker processes; the answers come back in seed order
(``Pool.imap``), so stopping at the first failing seed, the failures found, the seeds counted and
what Ctrl-C keeps are exactly what one process would give. Seeds that workers ran past the first
failure (or past Ctrl-C) are dropped, not reported: the result equals ``--jobs 1``'s.

Workers are started with ``spawn`` (V8 and greenlets do not survive ``fork`` safely) and get the
workload once, by name (``--root DIR`` or ``--python MODULE``). They are not pinned to CPUs: on a
shared machine a worker pinned to a CPU that other work is using could not move to an idle one;
each run still keeps its own JavaScript actor threads on one CPU (``carriers.pin_cpu``).
Workers ignore SIGINT: Ctrl-C reaches the parent, which stops the pool.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .report import CheckResult
from .workload import Workload, WorkloadError

#: Seeds per task: small enough that the first failure stops the pool soon and the bar moves,
#: large enough that sending tasks costs little beside a run (a 50-execution run takes 10-50 ms).
MAX_CHUNK = 4

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeedOutcome:
    """What a worker sends back for one seed: enough to judge it and to replay it."""

    seed: int
    ok: bool
    trace_hash: str
    replay_command: str
    failed_checks: tuple[CheckResult, ...] = ()


def default_jobs() -> int:
    """The CPUs this process may use (``explore --jobs`` default)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def check_picklable(workload: Workload) -> None:
    if workload.callable is not None or (workload.project is not None and workload.root is None):
        raise WorkloadError("--jobs above 1 needs a workload by name (--python MODULE or --root DIR)")


def run_in_workers(workload: Workload, seeds: Sequence[int], jobs: int,
                   options: dict) -> Iterator[SeedOutcome]:
    """Yield each seed's outcome in seed order; closing the iterator stops the workers at once."""
    check_picklable(workload)
    if workload.project is not None:  # rebuilt from root in each worker
        workload = workload.with_(project=None)
    chunk = max(1, min(MAX_CHUNK, len(seeds) // (jobs * 4)))
    chunks = [list(seeds[i:i + chunk]) for i in range(0, len(seeds), chunk)]
    log.debug("%d seeds in %d worker processes, %d seeds per task", len(seeds), jobs, chunk)
    ctx = multiprocessing.get_context("spawn")
    level = logging.getLogger("gas_emulator").getEffectiveLevel()  # workers log as the parent does
    started: list = []  # the pool, recorded before a held-back Ctrl-C can be raised
    try:
        _start_pool(ctx, jobs, (workload, options, level), started)
        for outcomes in started[0].imap(_run_chunk, chunks):
            yield from outcomes
    finally:
        for pool in started:
            pool.terminate()  # seeds still running past a stop are not wanted
            pool.join()


def _start_pool(ctx, jobs: int, initargs: tuple, started: list) -> None:
    """Start the workers with Ctrl-C deferred until the pool is in ``started`` (and so stopped by the
    caller): a KeyboardInterrupt between spawning a worker and sending it its start-up data left that
    worker to die on EOF with a traceback (seen 1 run in 9)."""
    deferred: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: deferred.append(signum))
    try:
        started.append(ctx.Pool(jobs, initializer=_worker_init, initargs=initargs))
    finally:
        signal.signal(signal.SIGINT, previous)
    if deferred:
        raise KeyboardInterrupt


_state: dict = {}


def _worker_init(workload: Workload, options: dict, log_level: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if log_level < logging.WARNING:
        logging.basicConfig(level=log_level, stream=sys.stderr, format="%(name)s: %(message)s")
    _state.update(workload=workload.with_project_read(), options=options)  # once per worker
    log.debug("worker pid %d started", os.getpid())


def _run_chunk(seeds: list[int]) -> list[SeedOutcome]:
    from .runner import simulate

    workload, options = _state["workload"], _state["options"]
    out = []
    for seed in seeds:
        report = simulate(workload, seed=seed, **options)
        out.append(SeedOutcome(seed, report.ok, report.trace_hash, report.replay_command,
                               tuple(report.failed_checks)))
    return out

