"""Instructions per simulated service call, counted by valgrind: a figure the VM's speed cannot move.

Wall-clock figures on this VM drift by up to ~3x within minutes, which hides changes of 5-10 %.
``valgrind --tool=cachegrind`` counts the instructions a run executes (and simulates the caches),
the same count for the same code and inputs whatever else the machine does. Each workload runs in
a child under valgrind twice, once with only its warm-up and once with two more runs; the
difference, halved, is one run. The baseline, in the same run of this script, is the services
alone (bench/sim.py's baseline: the same calls one execution after another, no simulator).

    .venv/bin/python bench/instructions.py            # prints the markdown table (~2 minutes)
    .venv/bin/python bench/instructions.py --write    # also updates bench/RESULTS.md
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from gas_emulator.markers import write_section

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
ROOT = HERE.parent
CALLS = 6_000  # bench/sim.py: 1,000 executions of six calls

#: What the child runs: warm-up (imports, first run), then RUNS more, under valgrind.
CHILD = """
import gc, sys
sys.path.insert(0, {bench!r})
import sim
from gas_emulator.sim.runner import simulate
kind, runs = sys.argv[1], int(sys.argv[2])
sim.REPEATS = 1
def once(seed):
    if kind == "simulator":
        simulate(sim.PY_WORKLOAD, seed=seed, latency="gas")
    else:
        sim.baseline_s()
once(0)
gc.collect()
for seed in range(1, runs + 1):
    once(seed)
"""

EVENTS = ("Ir", "I1mr", "D1mr")


def counts(kind: str, runs: int) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cachegrind.out"
        script = Path(tmp) / "child.py"
        script.write_text(CHILD.format(bench=str(HERE)))
        subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=yes",
                        f"--cachegrind-out-file={out}", sys.executable, str(script), kind,
                        str(runs)], cwd=ROOT, check=True, capture_output=True)
        lines = out.read_text().splitlines()
    events = next(line for line in lines if line.startswith("events:")).split()[1:]
    totals = next(line for line in lines if line.startswith("summary:")).split()[1:]
    return dict(zip(events, map(int, totals), strict=True))


def one_run(kind: str) -> dict[str, float]:
    warm, more = counts(kind, 0), counts(kind, 2)
    return {event: (more[event] - warm[event]) / 2 for event in EVENTS}


def table() -> str:
    base, simulated = one_run("services"), one_run("simulator")
    lines = ["| 1,000 executions x 6 calls (Python) | instructions per call | I1 misses per call | "
             "D1 read misses per call | instructions vs services alone |",
             "|---|---|---|---|---|"]
    for label, row in (("Baseline: services alone (no simulator)", base),
                       ("Simulator, latency `gas` (the whole `simulate()` call)", simulated)):
        lines.append(f"| {label} | {row['Ir'] / CALLS:,.0f} | {row['I1mr'] / CALLS:,.0f} | "
                     f"{row['D1mr'] / CALLS:,.0f} | {row['Ir'] / base['Ir']:.2f}x |")
    return "\n".join(lines)


def main() -> None:
    if shutil.which("valgrind") is None:
        print("not measured: valgrind is not installed (Debian package valgrind)", file=sys.stderr)
        return
    body = table()
    print(body)
    if "--write" in sys.argv:
        write_section(RESULTS, "instructions", (
            "## instructions: simulated calls counted by valgrind\n\n"
            "Command: `.venv/bin/python bench/instructions.py --write` (valgrind cachegrind, one "
            "`simulate()` run of bench/sim.py's Python workload; counts, not seconds: the same "
            "for the same code whatever the VM's speed).\n\n" + body))


if __name__ == "__main__":
    main()
