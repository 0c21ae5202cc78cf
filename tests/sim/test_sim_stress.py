"""Real-time stress mode on real threads and on processes over one SQLite store."""

from __future__ import annotations

import pytest
from sim_helpers import py_workload

from gas_emulator.sim.stress import exclusion_text, run_stress
from gas_emulator.sim.workload import Workload, WorkloadError
from gas_emulator.store.sqlite import SqliteStore


def test_threads_mode_runs_every_execution_and_the_lock_keeps_ids_unique():
    report = run_stress(py_workload("counter_with_lock", executions=30, users=3), mode="threads",
                        checks=["unique", "no-errors"])
    assert report.ok, report.failed_checks
    assert sorted(report.results()) == list(range(1, 31))
    assert report.to_dict()["trace_hash"] is None
    assert report.mode == "stress-threads"


def test_processes_mode_shares_one_sqlite_store(tmp_path):
    report = run_stress(py_workload("counter_with_lock", executions=12, users=2), mode="processes",
                        store_path=str(tmp_path / "s.sqlite"), checks=["unique", "no-errors"])
    assert report.ok, report.failed_checks
    assert sorted(report.results()) == list(range(1, 13))
    assert report.quota_by_user == {"user1@example.com": 12, "user2@example.com": 12}


def test_processes_mode_needs_a_named_workload():
    wl = Workload(function="f", callable=lambda ex: 1)
    with pytest.raises(WorkloadError, match="--stress processes needs a workload by name"):
        run_stress(wl, mode="processes")


def test_processes_mode_takes_its_locks_through_the_shared_store_and_says_so(tmp_path):
    path = tmp_path / "s.sqlite"
    report = run_stress(py_workload("counter_with_lock", executions=6, users=2), mode="processes",
                        store_path=str(path), checks=["unique"])
    assert report.to_dict()["locks"]["exclusion"] == exclusion_text(True)
    store = SqliteStore(path)
    assert store.clock_read() is not None  # published by lock releases in the store, by the workers
    store.close()


def test_threads_mode_without_a_store_says_its_locks_excluded_within_one_process():
    report = run_stress(py_workload("counter_with_lock", executions=3, users=1), mode="threads")
    assert report.to_dict()["locks"]["exclusion"] == "within one process: the emulator's lock table"
def test_stress_counts_every_service_call():
    report = run_stress(py_workload("counter_with_lock", executions=6, users=2), mode="threads")
    # each execution: lock.acquire, properties.get, properties.set, lock.release
    assert report.summary()["service_calls"] == 24
    assert [rec.service_calls for rec in report.executions] == [4] * 6


def test_processes_mode_counts_the_calls_of_every_process(tmp_path):
    report = run_stress(py_workload("counter_with_lock", executions=4), mode="processes",
                        store_path=str(tmp_path / "s.sqlite"))
    assert report.summary()["service_calls"] == 16


def test_stress_output_says_real_time_and_has_no_trace_hash():
    from click.testing import CliRunner
    from sim_helpers import PY_WORKLOADS

    from gas_emulator.cli import main

    result = CliRunner().invoke(main, ["simulate", "--python", str(PY_WORKLOADS), "--function",
                                       "counter_with_lock", "-n", "3", "--stress", "threads"])
    assert result.exit_code == 0
    assert "ms (real)" in result.output and "(virtual)" not in result.output
    assert "none: a stress run is not reproducible (real time, real threads)" in result.output
    assert "12 in " in result.output  # service calls


def _rendered(report) -> str:
    import io

    from gas_emulator.sim.render import output_console, render

    out = io.StringIO()
    render(report, output_console(out))
    return out.getvalue()


def _head_rows(text: str) -> dict[str, str]:
    """The summary table's rows, what -> value (cells between rich's box characters)."""
    rows = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 2:
            rows.setdefault(cells[0], cells[1])
    return rows


def test_the_human_report_of_a_processes_run_says_its_locks_excluded_across_processes(tmp_path):
    report = run_stress(py_workload("counter_with_lock", executions=2), mode="processes",
                        store_path=str(tmp_path / "s.sqlite"))
    assert _head_rows(_rendered(report))["locks excluded"] == exclusion_text(True)


def test_the_human_report_of_a_threads_run_says_its_locks_excluded_within_one_process():
    report = run_stress(py_workload("counter_with_lock", executions=2), mode="threads")
    assert _head_rows(_rendered(report))["locks excluded"] == exclusion_text(False)


def test_a_simulation_report_has_no_exclusion_row():
    from gas_emulator.sim.runner import simulate

    rows = _head_rows(_rendered(simulate(py_workload("counter_with_lock", executions=2))))
    assert "locks" in rows and "locks excluded" not in rows
