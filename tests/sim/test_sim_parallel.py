"""explore --jobs: seeds in worker processes give exactly the answer one process gives."""

from __future__ import annotations

import logging

import pytest
from sim_helpers import py_workload

from gas_emulator.sim.explore import explore
from gas_emulator.sim.workload import Workload, WorkloadError

RARE = py_workload("rare_failure", executions=3, users=2)  # fails at seeds 15, 22, 29, 30, 32, 36 of 2:40


def _summary(result):
    return (result.seeds_run, [(f.seed, f.trace_hash, f.replay_command,
                                [c.to_dict() for c in f.failed_checks]) for f in result.failures])


def test_two_jobs_find_the_same_failures_as_one():
    one = explore(RARE, range(2, 40), checks=["no-errors"], stop_at_first=False, jobs=1)
    two = explore(RARE, range(2, 40), checks=["no-errors"], stop_at_first=False, jobs=2)
    assert [f.seed for f in two.failures] == [15, 22, 29, 30, 32, 36]
    assert _summary(two) == _summary(one)


def test_two_jobs_stop_at_the_same_first_failing_seed():
    result = explore(RARE, range(2, 40), checks=["no-errors"], jobs=2)
    assert _summary(result) == _summary(explore(RARE, range(2, 40), checks=["no-errors"], jobs=1))
    assert result.seeds_run == 14 and [f.seed for f in result.failures] == [15]


def test_progress_is_reported_for_every_seed_in_order():
    seen = []
    explore(RARE, range(0, 12), checks=["no-errors"], stop_at_first=False, jobs=2,
            progress=lambda seed, outcome: seen.append(seed))
    assert seen == list(range(12))


def test_ctrl_c_keeps_the_seeds_judged_before_it():
    seen = []

    def progress(seed, outcome):
        seen.append(seed)
        if len(seen) == 16:
            raise KeyboardInterrupt

    result = explore(RARE, range(0, 40), checks=["no-errors"], stop_at_first=False, jobs=2,
                     progress=progress)
    assert result.interrupted and result.seeds_run == 16
    assert [f.seed for f in result.failures] == [1]  # 15, the sixteenth, was stopped before judged


def test_a_workload_given_as_a_function_object_needs_one_job():
    workload = Workload(function="f", callable=lambda ex: 1, executions=2)
    with pytest.raises(WorkloadError, match=r"--jobs above 1 needs a workload by name \(--python MODULE "
                                            r"or --root DIR\)"):
        explore(workload, range(4), jobs=2)


def test_each_failing_seed_is_logged(caplog):
    caplog.set_level(logging.INFO, logger="gas_emulator.sim.explore")
    explore(RARE, range(2, 40), checks=["no-errors"], stop_at_first=False, jobs=2)
    messages = [r.getMessage() for r in caplog.records]
    assert messages[:2] == ["seed 15 fails: no-errors", "seed 22 fails: no-errors"]
