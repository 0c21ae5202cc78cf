"""The reference keeps its invariants under concurrency and faults, and the known-bad variants do not.

Every run goes through the simulator (deterministic kernel, ``gas`` latency), then a final
reconciliation after every lease, then ``check_ids``: unique, no unexplained gap, ordered.
"""

from __future__ import annotations

import pytest

from gas_emulator.reference.entry import simRequest
from gas_emulator.reference.harness import run_ids
from gas_emulator.reference.invariants import check_ids
from gas_emulator.reference.variants import VARIANTS, baseline_counters, baselineRequest
from gas_emulator.sim.workload import Workload

MIXED = {"types": ["BDL", "ENG", "RET"], "counts": [1, 2, 5], "priorities": ["high", "normal", "low"],
         "keys": 5}
BLOCKS = {"types": ["RET"], "counts": [3, 60], "mode": "pool"}
HEAVY = "kill=0.03,transient=0.05,lock_ops=0.05,cache_evict=0.3,lock_slow=0.05"

#: variant -> (scenario, arrival rate, faults, executions) in which its defect shows (issue: within 20 seeds)
BAD = {
    "no-lock": ({"types": ["BDL"]}, None, "none", 20),
    "trylock-ignored": ({"types": ["BDL"]}, None, "none", 20),
    "cached-counter": ({"types": ["BDL", "ENG", "RET"], "keys": 60}, None, "cache_evict=0.3", 40),
    "unlocked-pool": ({"types": ["BDL"], "counts": [3, 5]}, 20.0, "none", 20),
}


def _run(fn, scenario, seed, faults="none", executions=12, rate=None, **kw):
    wl = Workload(function="request", callable=fn, args=(scenario,), executions=executions, users=4,
                  rate=rate)
    return run_ids(wl, seed=seed, latency="gas", faults=faults, **kw)


@pytest.mark.parametrize("faults", ["none", "all", HEAVY])
def test_reference_keeps_invariants_over_seeds(faults):
    for seed in range(25):
        run = _run(simRequest, MIXED, seed, faults)
        assert run.check.ok, f"seed {seed}: {run.check.problems()}"


@pytest.mark.parametrize("faults", ["none", HEAVY])
def test_reference_blocks_keep_invariants(faults):
    for seed in range(10):
        run = _run(simRequest, BLOCKS, seed, faults, executions=8)
        assert run.check.ok, f"seed {seed}: {run.check.problems()}"


def test_killed_execution_leaves_no_unexplained_gap():
    runs = [_run(simRequest, MIXED, seed, "kill=0.05") for seed in range(15)]
    assert any(r.report.errors() for r in runs)  # the fault did fire
    assert all(r.check.ok for r in runs)


@pytest.mark.parametrize("name", sorted(BAD))
def test_known_bad_variant_is_caught_within_20_seeds(name):
    scenario, rate, faults, executions = BAD[name]
    for seed in range(20):
        run = _run(VARIANTS[name], scenario, seed, faults, executions=executions, rate=rate)
        if run.check.duplicates or run.check.gaps:
            return
    pytest.fail(f"{name} passed 20 seeds: the harness cannot see its defect")


def test_baseline_keeps_invariants_without_faults():
    for seed in range(10):
        run = _run(baselineRequest, {"types": ["BDL", "ENG"]}, seed, counters=baseline_counters)
        assert run.check.ok, run.check.problems()


def test_baseline_killed_at_release_leaves_a_gap():
    caught = [_run(baselineRequest, {"types": ["BDL"]}, seed, "kill=0.05", executions=20,
                   counters=baseline_counters).check.gaps for seed in range(20)]
    assert any(caught)


def test_check_reports_a_duplicate(cfg):
    line = '{"event":"issued","type":"BDL","id":"BDL-000001","n":1,"time":0,"execution":"%s"}'
    logs = {"a": [line % "x"], "b": [line % "y"]}
    check = check_ids(cfg, logs, {"a": ["BDL-000001"], "b": ["BDL-000001"]}, {}, {"BDL": 1})
    assert check.duplicates == ["BDL-000001 issued 2 times (a, b)", "BDL-000001 returned to 2 callers (a, b)"]


def test_check_reports_an_unexplained_gap(cfg):
    line = '{"event":"issued","type":"BDL","id":"BDL-000002","n":2,"time":0,"execution":"x"}'
    check = check_ids(cfg, {"a": [line]}, {"a": ["BDL-000002"]}, {}, {"BDL": 2})
    assert check.gaps == ["BDL-000001"]


def test_check_reports_order_violation(cfg):
    line = '{"event":"issued","type":"BDL","id":"BDL-00000%d","n":%d,"time":%d,"execution":"x"}'
    logs = {"a": [line % (1, 1, 50), line % (2, 2, 10)]}
    check = check_ids(cfg, logs, {"a": ["BDL-000001", "BDL-000002"]}, {}, {"BDL": 2})
    assert check.order == ["BDL-000002 issued at 10 before BDL-000001 at 50"]
