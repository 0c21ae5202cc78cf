"""The counter race: read-increment-write without a lock duplicates; under waitLock it never does."""

from __future__ import annotations

import re

from sim_helpers import py_workload

from gas_emulator.sim.explore import explore
from gas_emulator.sim.runner import simulate


def test_python_counter_without_lock_returns_duplicates_within_20_seeds():
    result = explore(py_workload("counter_no_lock", executions=50, users=5), range(20),
                     checks=["unique"])
    assert not result.ok
    failure = result.failures[0]
    assert failure.failed_checks[0].name == "unique"
    assert re.match(r"\d+ duplicate results: \d+ returned by \d+ \(e\d{4}", failure.failed_checks[0].message)


def test_python_counter_under_wait_lock_has_no_duplicates_over_200_seeds():
    result = explore(py_workload("counter_with_lock", executions=30, users=3), range(200),
                     checks=["unique", "no-errors"], stop_at_first=False)
    assert result.seeds_run == 200
    assert result.failures == []


def test_locked_counter_counts_every_execution_exactly_once():
    report = simulate(py_workload("counter_with_lock", executions=25, users=5), seed=9)
    assert sorted(report.results()) == list(range(1, 26))


def test_lock_bound_counter_throughput_is_near_ten_per_second():
    # spec/latency-model.md: one read + one write under the script lock tops out near 10 IDs/s
    report = simulate(py_workload("counter_with_lock", executions=60, users=6), seed=1)
    assert 5 <= report.summary()["throughput_per_s"] <= 12
