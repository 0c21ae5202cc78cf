"""Containment: every V8 execution ends within its caps, and nothing a script does ends the host.

Time caps are tested in process with small settings; memory caps in a ``gas-emu run`` subprocess
with a small heap (GAS_EMU_V8_HEAP_MB) and data cap (GAS_EMU_DATA_MB), so that the worst case (V8
out of memory for good) can only end that subprocess, which must still answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.execution import LOG_TOO_LARGE
from gas_emulator.runtime import run_function

TIMEOUT = "Exceeded maximum execution time"
SHORT = Settings(max_execution_ms=300)  # real running time counts toward it
SMALL_MEMORY = {"GAS_EMU_V8_HEAP_MB": "64", "GAS_EMU_DATA_MB": "1536"}  # room for new isolates (measured)


@pytest.fixture(scope="module")
def hostile(load):
    return load("gas_hostile")


def gas_emu_run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gas_emulator.cli", "run", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_a_loop_of_cheap_service_calls_ends_at_the_cap(hostile):
    outcome = run_function(Emulator(settings=SHORT), hostile, "uuidLoop")
    assert (outcome.error.message, outcome.error.error_type) == (TIMEOUT, "Exception")


def test_a_logging_loop_ends_at_the_cap(hostile):
    outcome = run_function(Emulator(settings=SHORT), hostile, "logLoop")
    assert outcome.error.message == TIMEOUT


def test_a_logging_loop_keeps_at_most_the_log_buffer(hostile):
    settings = SHORT.with_(logger_max_buffer_bytes=10_000)
    outcome = run_function(Emulator(settings=settings), hostile, "logLoop")
    assert len(outcome.logs) == 10_000 // (len("line") + 130)


def test_atomics_wait_ends_at_the_cap(hostile):
    outcome = run_function(Emulator(settings=SHORT), hostile, "atomicsWait")
    assert outcome.error.message == TIMEOUT


def test_js_cpu_limit_caps_running_time_under_a_longer_execution_cap(hostile):
    outcome = run_function(Emulator(settings=Settings(js_cpu_limit_ms=200)), hostile, "uuidLoop")
    assert outcome.error.message == TIMEOUT


def test_the_emulator_runs_the_next_execution_after_a_capped_one(hostile):
    emu = Emulator(settings=SHORT)
    run_function(emu, hostile, "atomicsWait")
    assert run_function(emu, hostile, "fine").result == "ok"


def test_a_long_log_entry_is_cut_after_apps_scripts_notice(hostile):
    emu = Emulator(settings=Settings(logger_max_entry_chars=10))
    outcome = run_function(emu, hostile, "longLog")
    assert outcome.logs[0].text == f"{LOG_TOO_LARGE} abcdeabcde"


def test_run_max_seconds_ends_a_service_call_loop_with_exit_1(fixtures):
    result = gas_emu_run("--root", str(fixtures / "gas_hostile"), "--max-seconds", "0.3", "--json",
                         "uuidLoop")
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"] == {
        "message": TIMEOUT, "exit_code": 1, "type": "Exception", "stack": []}


def test_run_a_growing_heap_ends_with_the_out_of_memory_message(fixtures):
    result = gas_emu_run("--root", str(fixtures / "gas_hostile"), "--json", "growHeap", env=SMALL_MEMORY)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"]["message"] == Settings().out_of_memory_message


def test_run_a_builtin_filling_the_heap_still_answers_exit_1(fixtures):
    result = gas_emu_run("--root", str(fixtures / "gas_hostile"), "--json", "fillHuge", env=SMALL_MEMORY)
    assert result.returncode == 1
    assert json.loads(result.stdout)["error"] == {
        "message": Settings().out_of_memory_message, "exit_code": 1, "type": "Exception", "stack": []}


def test_run_an_array_buffer_flood_fails_in_javascript(fixtures):
    result = gas_emu_run("--root", str(fixtures / "gas_hostile"), "--json", "bufferFlood",
                         env=SMALL_MEMORY)
    assert result.returncode == 1
    error = json.loads(result.stdout)["error"]
    assert (error["message"], error["type"]) == ("Array buffer allocation failed", "RangeError")


def wait_for_property(state: Path, key: str, proc: subprocess.Popen) -> None:
    """Until the subprocess's script has stored ``key`` (it runs then), or it ended, or 60 s."""
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if state.exists():
            with contextlib.closing(sqlite3.connect(state, timeout=5)) as db:
                try:
                    if db.execute("SELECT 1 FROM props WHERE key = ?", (key,)).fetchone():
                        return
                except sqlite3.OperationalError:  # the table is not made yet
                    pass
        threading.Event().wait(0.05)  # a condition poll with a generous bound, not a timed sleep
    raise AssertionError(f"the script never stored {key!r}")


def test_run_the_first_ctrl_c_stops_a_javascript_loop_with_exit_130(fixtures, tmp_path):
    state = tmp_path / "state.sqlite"
    proc = subprocess.Popen([sys.executable, "-m", "gas_emulator.cli", "run", "--root",
                             str(fixtures / "gas_hostile"), "--state", str(state), "markThenSpin"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_property(state, "running", proc)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=5)  # the brief's bound is 1 s; 5 on a loaded machine
    assert (proc.returncode, err) == (130, "Interrupted\n"), out


KEEPS_HEAP = """
import json
from gas_emulator import Emulator
from gas_emulator.runtime import Project, engine, run_function
project = Project.from_files([{"name": "Code", "type": "SERVER_JS", "source":
    "var kept; function keep() { kept = []; for (var i = 0; i < 4e5; i++) kept.push({n: i}); }"
    " function fine() { return 'ok'; }"}])
emu = Emulator()
first = run_function(emu, project, "keep").error
print(json.dumps([first, engine.POOL.poisoned, run_function(emu, project, "fine").result]))
"""


def test_an_isolate_left_half_full_is_retired_and_the_next_execution_runs():
    result = subprocess.run([sys.executable, "-c", KEEPS_HEAP], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "GAS_EMU_V8_HEAP_MB": "32"})
    assert json.loads(result.stdout) == [None, 1, "ok"]
