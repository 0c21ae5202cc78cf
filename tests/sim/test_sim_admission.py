"""Admission limits under the simulator: the 31st simultaneous execution of a user is refused."""

from __future__ import annotations

from sim_helpers import py_workload

from gas_emulator.errors import TooManySimultaneousScript, TooManySimultaneousUser
from gas_emulator.settings import Settings
from gas_emulator.sim.runner import simulate

USER_LIMIT_MESSAGE = "There are too many scripts running simultaneously for this Google user account."


def test_31st_simultaneous_execution_of_one_user_is_refused_with_the_exact_message():
    report = simulate(py_workload("counter_with_lock", executions=31, users=1), seed=0)
    refused = [r for r in report.executions if r.error is not None]
    assert [r.error for r in refused] == [USER_LIMIT_MESSAGE]
    assert TooManySimultaneousUser.MESSAGE == USER_LIMIT_MESSAGE
    assert refused[0].start_ms == refused[0].end_ms == 0.0
    assert report.summary()["refused"] == 1


def test_30_simultaneous_executions_of_one_user_all_run():
    report = simulate(py_workload("counter_with_lock", executions=30, users=1), seed=0)
    assert report.errors() == {}


def test_executions_arriving_after_others_finished_are_admitted():
    # 60 executions at 1 per virtual second: never 30 at once
    report = simulate(py_workload("counter_with_lock", executions=60, users=1, rate=1.0), seed=0)
    assert report.errors() == {}
    assert report.executions[-1].arrival_ms > 10_000


def test_script_wide_limit_refuses_with_its_message():
    settings = Settings(max_simultaneous_per_script=5)
    report = simulate(py_workload("counter_with_lock", executions=6, users=6), seed=0,
                      settings=settings)
    assert list(report.errors().items()) == [(TooManySimultaneousScript.MESSAGE, 1)]
