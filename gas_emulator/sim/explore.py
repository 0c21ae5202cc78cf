"""Seed ranges: run many seeds (optionally one shard of them), find failures, shrink them.

``parse_seeds("0:1000")`` is a half-open range like Python's (0 to 999). ``shard_seeds(seeds, 2, 4)``
keeps every 4th seed starting with the 2nd (shards are numbered 1 to N, so a CI matrix of N jobs
covers the range exactly once). :func:`explore` stops at the first failing seed unless asked to
collect them all. :func:`shrink` reruns a failing seed with fewer executions, keeping the smallest
workload that still fails its checks (same seed: a smaller run is a different run, so the result
is a new replayable failure, not a subset of the old trace).
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .parallel import SeedOutcome, run_in_workers
from .report import Report
from .runner import replay_command, simulate
from .workload import Workload, WorkloadError

log = logging.getLogger(__name__)


def parse_seeds(text: str) -> range:
    start, sep, stop = text.partition(":")
    try:
        a, b = int(start), int(stop)
    except ValueError:
        raise WorkloadError(f"--seeds must be A:B with integers, e.g. 0:1000 (got {text!r})") from None
    if not sep or b <= a:
        raise WorkloadError(f"--seeds must be A:B with A < B (got {text!r})")
    return range(a, b)


def parse_shard(text: str | None) -> tuple[int, int]:
    if not text:
        return 1, 1
    index, sep, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        raise WorkloadError(f"--shard must be I/N, e.g. 2/4 (got {text!r})") from None
    if not sep or n < 1 or not 1 <= i <= n:
        raise WorkloadError(f"--shard must be I/N with 1 <= I <= N (got {text!r})")
    return i, n


def shard_seeds(seeds: range, index: int, count: int) -> range:
    """Shard ``index`` of ``count`` (1-based): every count-th seed, disjoint and complete together."""
    return seeds[index - 1::count]


@dataclass
class Exploration:
    seeds_run: int = 0
    #: Failing seeds in seed order: reports (one process) or :class:`SeedOutcome` (workers).
    failures: list[Report | SeedOutcome] = field(default_factory=list)
    first_hash: str | None = None
    #: Stopped by Ctrl-C: what ran until then is still reported (a long range is not lost).
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures


def explore(workload: Workload, seeds: Iterable[int], *, stop_at_first: bool = True,
            progress: Callable[[int, Report | SeedOutcome], None] | None = None, jobs: int = 1,
            **options) -> Exploration:
    """Simulate each seed with ``options`` (as :func:`simulate`); collect the failing ones.

    ``jobs`` above 1 runs the seeds in that many worker processes (``parallel.py``) with the same
    result; the failures are then :class:`SeedOutcome` (seed, trace hash, replay command, failed
    checks) rather than whole reports, and ``progress`` receives those.
    """
    seeds = list(seeds)
    jobs = max(1, min(jobs, len(seeds)))
    if jobs == 1:
        outcomes: Iterable[Report | SeedOutcome] = _in_process(workload, seeds, options)
    else:
        outcomes = run_in_workers(workload, seeds, jobs, options)
    result = Exploration()
    try:
        for outcome in outcomes:
            _judge(result, outcome, progress)
            if result.failures and stop_at_first:
                break
    except KeyboardInterrupt:
        log.info("interrupted after %d seeds", result.seeds_run)
        result.interrupted = True
    finally:
        close = getattr(outcomes, "close", None)
        if close is not None:
            close()  # stops the worker processes (seeds past the answer are not wanted)
    return result


def _in_process(workload: Workload, seeds: list[int], options: dict) -> Iterator[Report]:
    workload = workload.with_project_read()  # once, as each worker process does (parallel.py)
    for seed in seeds:
        yield simulate(workload, seed=seed, **options)


def _judge(result: Exploration, outcome: Report | SeedOutcome, progress) -> None:
    result.seeds_run += 1
    if result.first_hash is None:
        result.first_hash = outcome.trace_hash
    if progress is not None:
        progress(outcome.seed, outcome)
    if not outcome.ok:
        log.info("seed %d fails: %s", outcome.seed, "; ".join(c.name for c in outcome.failed_checks))
        if isinstance(outcome, Report):
            _drop_bulk(outcome)
        result.failures.append(outcome)


def workload_command(workload: Workload, *, latency: str = "gas", faults="none", checks=()) -> str:
    """The replay options that name the workload and how it is judged, without the seed: equal for
    every shard of one exploration (``gas-emu merge`` compares them)."""
    parts = shlex.split(replay_command(workload, 0, latency, faults, checks))
    seed_at = parts.index("--seed")
    return shlex.join(parts[2:seed_at] + parts[seed_at + 2:])


def _drop_bulk(report: Report) -> None:
    """Failing reports are kept for the summary; their timelines are not needed and weigh most."""
    report.timeline = {}


def shrink(workload: Workload, seed: int, *, max_runs: int = 30, **options) -> tuple[Workload, Report]:
    """The smallest number of executions (tried downwards from ``workload``) still failing at ``seed``.

    Tries half, then three quarters, then one fewer, repeatedly; at most ``max_runs`` simulations.
    Returns the smallest failing workload and its report (the original ones if nothing smaller fails).
    """
    best = workload
    best_report = simulate(workload, seed=seed, **options)
    if best_report.ok:
        raise ValueError(f"seed {seed} does not fail: nothing to shrink")
    runs = 1
    improved = True
    while improved and runs < max_runs:
        improved = False
        n = best.executions
        for candidate in sorted({n // 2, (3 * n) // 4, n - 1} - {0, n}):
            if runs >= max_runs:
                break
            smaller = best.with_(executions=candidate, users=min(best.users, candidate))
            report = simulate(smaller, seed=seed, **options)
            runs += 1
            if not report.ok:
                best, best_report, improved = smaller, report, True
                break
    return best, best_report
