"""Conformance: the Python reference and the rendered ``gas_src/`` behave identically under the simulator.

For one scenario and one seed, both forms run the same workload (``simRequest(scenario)``) and must
give the same trace (execution, virtual time, op, key, outcome of every service call), the same
results and errors, the same console lines and the same final script properties; the reference's
run must also pass the invariants (``invariants.check_ids``).

    python -m gas_emulator.reference.conformance --scenario faults --seeds 0:25 [--executions 4]

prints one JSON line per failing seed and exits 1 if any; the tests run chunks of seeds in fresh
processes (each process runs a bounded number of V8 executions).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..emulator import Emulator
from ..sim.workload import Workload
from .entry import simRequest
from .harness import IdRun, js_aligned, run_ids
from .testing import seed_quota

#: name -> (scenario for simRequest, faults, setup)
SCENARIOS: dict[str, tuple[dict, str, Callable[[Emulator], None] | None]] = {
    "single": ({"types": ["BDL"]}, "none", None),
    "batch": ({"types": ["BDL", "ENG"], "counts": [2, 7, 25]}, "none", None),
    "request-keys": ({"types": ["BDL"], "counts": [1, 3], "keys": 3}, "none", None),
    "mixed": ({"types": ["BDL", "ENG", "RET"], "counts": [1, 2], "priorities": ["high", "normal", "low"],
               "keys": 6}, "none", None),
    "blocks": ({"types": ["RET"], "counts": [3, 60], "mode": "pool"}, "none", None),
    "quota-pressure": ({"types": ["BDL", "RET"], "priorities": ["high", "normal", "low"]}, "none",
                       lambda emu: seed_quota(emu, 0.84)),
    "faults": ({"types": ["BDL", "ENG", "RET"], "counts": [1, 3], "keys": 5}, "all", None),
    "faults-heavy": ({"types": ["BDL", "RET"], "counts": [1, 3], "keys": 5},
                     "kill=0.03,transient=0.05,lock_ops=0.05,cache_evict=0.3,lock_slow=0.05", None),
}


def gas_src() -> Path:
    return Path(__file__).resolve().parents[2] / "gas_src"


def load_project(root: Path | None = None):
    from ..runtime import Project

    root = root or gas_src()
    clasp = root.parent / ".clasp.json"
    return Project.from_directory(root, clasp if clasp.is_file() else None)


def run_pair(name: str, seed: int, executions: int = 4, project=None) -> tuple[IdRun, IdRun]:
    scenario, faults, setup = SCENARIOS[name]
    project = project or load_project()
    common = {"function": "simRequest", "args": (scenario,), "executions": executions, "users": 3}
    run = {"seed": seed, "latency": "gas", "faults": faults, "setup": setup}
    py = run_ids(Workload(callable=js_aligned(simRequest), **common), **run)
    # root: the replay command's text (the runner cannot print a Path); the project is what runs
    js = run_ids(Workload(project=project, root="gas_src", **common), **run)
    return py, js


def differences(py: IdRun, js: IdRun) -> list[str]:
    """What differs between the two forms' runs (empty: identical), plus the reference's invariants."""
    out = []
    for i, (a, b) in enumerate(zip(py.report.trace, js.report.trace)):
        if a != b:
            out.append(f"trace[{i}]: python {a} != javascript {b}")
            break
    if len(py.report.trace) != len(js.report.trace):
        out.append(f"trace length: python {len(py.report.trace)} != javascript {len(js.report.trace)}")
    for a, b in zip(py.report.executions, js.report.executions):
        if (a.result, a.error) != (b.result, b.error):
            out.append(f"{a.name}: python {a.result!r}/{a.error!r} != javascript {b.result!r}/{b.error!r}")
    for name in sorted(set(py.logs) | set(js.logs)):
        if py.logs.get(name) != js.logs.get(name):
            out.append(f"{name}: console lines differ")
    if py.props != js.props:
        out.append(f"final properties differ: {sorted(set(py.props.items()) ^ set(js.props.items()))[:2]}")
    out += [f"invariant: {p}" for p in py.check.problems()]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    parser.add_argument("--seeds", default="0:25", help="A:B, B excluded")
    parser.add_argument("--executions", type=int, default=4)
    args = parser.parse_args(argv)
    first, last = (int(x) for x in args.seeds.split(":"))
    project = load_project()
    failed = 0
    for seed in range(first, last):
        diff = differences(*run_pair(args.scenario, seed, args.executions, project))
        if diff:
            failed += 1
            print(json.dumps({"scenario": args.scenario, "seed": seed, "differences": diff}))
    print(json.dumps({"scenario": args.scenario, "seeds": args.seeds, "failed": failed}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
