"""``explore --jobs``: seeds per wall second in one process and in two worker processes (not a test).

The IdService workloads as a CI user runs them: 50 simultaneous ``nextId("BDL")`` executions per
seed, ``--check unique``, latency ``gas``, in the rendered JavaScript (``gas_src/``, V8) and in the
Python reference. The baseline is ``--jobs 1`` in the same run; the figure is the ratio. Timed from
the call to the answer, so the cost of starting the workers is included. Each case runs three times,
alternating, and the best of each is kept (the machine is shared; see RESULTS.md).

    .venv/bin/python bench/explore_jobs.py            # prints the markdown section
    .venv/bin/python bench/explore_jobs.py --write    # also updates bench/RESULTS.md (explore_jobs)
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from gas_emulator.markers import write_section
from gas_emulator.sim.explore import explore
from gas_emulator.sim.workload import Workload

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
COMMON = {"function": "nextId", "args": ("BDL",), "executions": 50, "users": 5}
WORKLOADS = {
    "JavaScript (gas_src/)": (Workload(root=str(ROOT / "gas_src"), **COMMON), 160),
    "Python reference": (Workload(python="gas_emulator.reference.entry:nextId", **COMMON), 1500),
}
ROUNDS = 3


def seeds_per_second(workload: Workload, seeds: int, jobs: int) -> float:
    started = time.perf_counter()
    result = explore(workload, range(seeds), jobs=jobs, stop_at_first=False, checks=["unique"])
    elapsed = time.perf_counter() - started
    if result.seeds_run != seeds or result.failures:
        raise SystemExit(f"unexpected: {result.seeds_run} seeds run, {len(result.failures)} failures")
    return seeds / elapsed


def measure() -> list[tuple[str, int, float, float]]:
    rows = []
    for name, (workload, seeds) in WORKLOADS.items():
        best = {1: 0.0, 2: 0.0}
        for _ in range(ROUNDS):
            for jobs in (1, 2):
                best[jobs] = max(best[jobs], seeds_per_second(workload, seeds, jobs))
        rows.append((name, seeds, best[1], best[2]))
    return rows


def section(rows, load: tuple[float, float, float]) -> str:
    lines = [
        "## explore_jobs: seeds per second, one process and two workers",
        "",
        "`.venv/bin/python bench/explore_jobs.py --write` (from the repository root): 50 simultaneous "
        "`nextId(\"BDL\")` per seed, `--check unique`, latency `gas`, best of "
        f"{ROUNDS} alternating rounds; worker start-up included. Load average at the start: "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs (above ~1, other work "
        "shared the cores and the ratio is lower than on an idle machine).",
        "",
        "| workload | seeds | --jobs 1 (seeds/s) | --jobs 2 (seeds/s) | ratio (target >= 1.7) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, seeds, one, two in rows:
        lines.append(f"| {name} | {seeds} | {one:.1f} | {two:.1f} | {two / one:.2f} |")
    return "\n".join(lines)


def main() -> None:
    load = os.getloadavg()
    body = section(measure(), load)
    print(body)
    if "--write" in sys.argv:
        write_section(RESULTS, "explore_jobs", body)


if __name__ == "__main__":
    main()
