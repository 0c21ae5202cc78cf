"""Fault sites: parsing, each site's effect, and determinism of the decisions."""

from __future__ import annotations

import pytest
from sim_helpers import py_workload

from gas_emulator.errors import ExecutionKilled, ServerError, TooManyLockOperations
from gas_emulator.sim.faults import DEFAULT_PROBABILITIES, SITES, FaultPlan, parse_faults
from gas_emulator.sim.runner import simulate


def test_none_and_all_and_lists_parse():
    assert parse_faults("none") == {}
    assert parse_faults("all") == dict(DEFAULT_PROBABILITIES)
    assert set(DEFAULT_PROBABILITIES) == set(SITES)
    assert parse_faults("kill=0.5, transient=0.1") == {"kill": 0.5, "transient": 0.1}


@pytest.mark.parametrize(("spec", "message"), [
    ("boom=0.1", "unknown fault site 'boom': use one of cache_evict, transient, lock_ops, lock_slow, kill"),
    ("kill", "bad fault setting 'kill': expected site=probability"),
    ("kill=x", "bad probability 'x' for fault site kill"),
    ("kill=2", "fault probability for kill must be between 0 and 1, not 2.0"),
])
def test_bad_fault_specs_are_refused_with_a_clear_message(spec, message):
    with pytest.raises(ValueError) as err:
        parse_faults(spec)
    assert str(err.value) == message


def test_kill_ends_the_execution_and_releases_its_lock():
    report = simulate(py_workload("counter_with_lock", executions=5), seed=0, faults="kill=1")
    assert report.errors() == {ExecutionKilled.MESSAGE: 5}
    assert all(r.service_calls == 0 for r in report.executions)  # the killed call never happened


def test_a_killed_lock_holder_hands_the_lock_on_and_does_nothing_more():
    report = simulate(py_workload("counter_with_lock", executions=20), seed=2, faults="kill=0.3")
    ops = lambda name: [e[2] for e in report.trace if e[0] == name]  # noqa: E731
    killed_holders = [r.name for r in report.executions if r.error == ExecutionKilled.MESSAGE
                      and ops(r.name)[:1] == ["lock.acquire"] and "lock.release" not in ops(r.name)]
    assert killed_holders  # some executions died holding the lock, before their finally: release
    for name in killed_holders:
        (_, _, released_at), = report.timeline[name].holds
        assert released_at == next(r.end_ms for r in report.executions if r.name == name)
    assert report.lock_stats["timeouts"] == 0
    assert len(report.results()) == len(set(report.results())) > 0


def test_transient_fault_raises_the_server_error():
    report = simulate(py_workload("counter_no_lock", executions=3), seed=0, faults="transient=1")
    assert report.errors() == {ServerError.MESSAGE: 3}


def test_lock_ops_fault_raises_too_many_lock_operations():
    report = simulate(py_workload("counter_with_lock", executions=2), seed=0, faults="lock_ops=1")
    assert report.errors() == {TooManyLockOperations.MESSAGE: 2}
    assert TooManyLockOperations.MESSAGE == ("There are too many LockService operations against the "
                                             "same script.")


def test_lock_slow_adds_three_to_fifteen_seconds_to_an_acquisition():
    report = simulate(py_workload("counter_with_lock", executions=1), seed=0, latency="zero",
                      faults="lock_slow=1")
    acquire = report.trace[0]
    assert acquire[2] == "lock.acquire"
    assert 3_000 <= acquire[1] <= 15_000


def test_cache_evict_is_asked_by_the_cache_service():
    report = simulate(py_workload("six_calls", executions=10), seed=0, faults="cache_evict=1")
    assert report.faults_fired.get("cache_evict", 0) >= 10


def test_fault_decisions_follow_the_seed():
    class Ex:
        id, now_ms = "e1", staticmethod(lambda: 0.0)

    plan_a, plan_b = FaultPlan({"transient": 0.5}, 7), FaultPlan({"transient": 0.5}, 7)
    seq_a = [plan_a.fires("transient", Ex()) for _ in range(64)]
    seq_b = [plan_b.fires("transient", Ex()) for _ in range(64)]
    assert seq_a == seq_b and any(seq_a) and not all(seq_a)
