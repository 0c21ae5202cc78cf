"""The gas_simulate fixture: simulations in tests, with the replay command on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sim_helpers import PY_WORKLOADS

from gas_emulator.sim.pytest_support import simulate_in_test

REPO = Path(__file__).resolve().parents[2]


def _counter(ex, key="n"):
    props = ex.PropertiesService.getScriptProperties()
    value = int(props.getProperty(key) or "0") + 1
    props.setProperty(key, str(value))
    return value


def test_fixture_returns_the_report_when_checks_pass(gas_simulate):
    report = gas_simulate(f"{PY_WORKLOADS}:counter_with_lock", executions=8, users=2,
                          seeds="0:5", checks=["unique", "no-errors"])
    assert report.seed == 4
    assert sorted(report.results()) == list(range(1, 9))


def test_failure_fails_the_test_with_seed_and_replay_command(monkeypatch):
    monkeypatch.chdir(REPO)  # the module is named by its path from the current folder
    with pytest.raises(pytest.fail.Exception) as failed:
        simulate_in_test(_counter, executions=10, seeds="0:20", checks=["unique"])
    message = str(failed.value)
    assert message.startswith("simulation failed at seed 0 (trace ")
    assert "  unique: " in message
    assert "gas-emu replay --python tests/sim/test_sim_pytest_support.py:_counter --function _counter " \
           "--executions 10 --users 1 --seed 0 --latency gas --faults none --check unique" in message


def test_the_replay_command_works_when_pasted_into_a_shell(monkeypatch):
    monkeypatch.chdir(REPO)
    with pytest.raises(pytest.fail.Exception) as failed:
        simulate_in_test(_counter, executions=10, seeds="0:20", checks=["unique"])
    message = str(failed.value)
    trace = message.split("(trace ", 1)[1].split(")", 1)[0]
    command = message.rsplit("\n", 1)[1].strip()
    bin_dir = Path(sys.executable).parent  # the console script, as a shell finds it on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(command, shell=True, cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1, done.stderr  # the failing check fails again
    assert done.stdout.splitlines()[-1].startswith(f"trace hash {trace} (")


def test_a_callable_workload_runs_with_its_arguments():
    report = simulate_in_test(_counter, args=("other",), executions=1, latency="zero")
    assert report.trace[0][2:4] == ["properties.get", "other"]
