"""Checks over a report: unique, no-errors and custom invariants."""

from __future__ import annotations

import pytest
from sim_helpers import PY_WORKLOADS, py_workload

from gas_emulator.sim.checks import no_errors, resolve, run_check, unique
from gas_emulator.sim.report import CheckResult, ExecutionRecord, Report
from gas_emulator.sim.runner import simulate
from gas_emulator.sim.workload import WorkloadError


def _report(*outcomes) -> Report:
    records = []
    for i, (result, error) in enumerate(outcomes):
        records.append(ExecutionRecord(i, f"e{i + 1:04d}", "u@x", 0.0, 0.0, 1.0, result, error))
    return Report(0, "zero", "none", records, [], {}, {}, {}, 0.1)


def test_no_errors_names_the_injected_faults():
    report = _report((1, None), (None, "Execution killed by injected fault"), (None, "boom"))
    report.faults_fired = {"kill": 1, "lock_slow": 2}
    assert no_errors(report).message == (
        "2 executions failed: 1 x Execution killed by injected fault [injected fault: kill]; 1 x boom "
        "(faults injected in this run: kill 1, lock_slow 2)")


def test_unique_passes_on_distinct_results_and_ignores_errors():
    assert unique(_report((1, None), (2, None), (None, "boom"), (None, "boom"))).ok


def test_unique_names_the_duplicates():
    result = unique(_report((1, None), (2, None), (1, None)))
    assert result == CheckResult("unique", False, "1 duplicate results: 1 returned by 2 (e0001, e0003)")


def test_no_errors_counts_failures_by_message():
    result = no_errors(_report((1, None), (None, "boom"), (None, "boom"), (None, "bang")))
    assert result == CheckResult("no-errors", False, "3 executions failed: 2 x boom; 1 x bang")


def test_custom_invariant_returning_a_message_fails():
    def at_most_one(report):
        return None if len(report.executions) <= 1 else f"{len(report.executions)} executions"

    assert run_check(_report((1, None), (2, None)), "inv", at_most_one) == CheckResult("inv", False,
                                                                                     "2 executions")


def test_custom_invariant_raising_assertion_error_fails_with_its_text():
    def no_twos(report):
        assert 2 not in report.results(), "a 2 was returned"

    assert run_check(_report((2, None)), "no_twos", no_twos) == CheckResult("no_twos", False,
                                                                          "a 2 was returned")


def test_custom_invariant_returning_none_or_true_passes():
    assert run_check(_report(), "a", lambda r: None).ok
    assert run_check(_report(), "b", lambda r: True).ok
    assert not run_check(_report(), "c", lambda r: False).ok


def test_checks_resolve_by_module_function_name():
    name, fn = resolve(f"{PY_WORKLOADS}:max_is_execution_count")
    report = simulate(py_workload("counter_with_lock", executions=5), seed=0, checks=[fn])
    assert name.endswith(":max_is_execution_count")
    assert report.checks == [CheckResult("max_is_execution_count", True)]


def test_unknown_check_name_is_refused():
    with pytest.raises(WorkloadError, match="unknown check 'uniq': use unique, no-errors or "
                                            "package.module:function"):
        resolve("uniq")
