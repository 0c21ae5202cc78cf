"""``make bench`` / ``python -m bench``: every benchmark, each writing its section of RESULTS.md.

Benchmarks are not tests: each measures ratios against a baseline in the same run and records the
command that produced it. Run them on an otherwise idle machine (2 cores here).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Each entry is run from the repository root with ``--write``.
BENCHMARKS = [
    ["-m", "bench.services"],
    ["bench/runtime.py"],
    ["bench/sim.py"],
    ["bench/js_handoff.py"],
    ["bench/js_ab.py"],
    ["bench/js_phases.py"],
    ["bench/instructions.py"],
    ["bench/idservice.py"],
    ["bench/gasctl_calls.py"],
    ["bench/shared_store.py"],
    ["bench/samples.py"],
    ["bench/api_load.py"],
    ["bench/soak.py"],  # the size, 1,000 hostile + 10,000 normal requests: ~8 min here
    ["bench/explore_jobs.py"],
]


def main() -> int:
    failed = []
    for argv in BENCHMARKS:
        target = ROOT / argv[0] if argv[0] != "-m" else None
        if target is not None and not target.exists():
            continue
        print(f"== {' '.join(argv)}", flush=True)
        if subprocess.run([sys.executable, *argv, "--write"], cwd=ROOT).returncode:
            failed.append(" ".join(argv))
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
