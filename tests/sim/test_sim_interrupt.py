"""Ctrl-C during a JavaScript simulate/explore: exit 130 at once with the report of what ran so far,
and no fatal error from a thread left inside V8. SIGINT goes to a real ``gas-emu`` subprocess, sent
once its JavaScript runs (the harness below says so on stderr)."""

from __future__ import annotations

import json
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gas_emulator.sim.runner import SimulationInterrupted, simulate
from gas_emulator.sim.workload import Workload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
# gas-emu with one addition: "running" on stderr once an execution holds V8.
HARNESS = """
import sys, threading
from gas_emulator.runtime import engine

def announce():
    while engine.WATCHDOG.count() == 0:
        threading.Event().wait(0.01)
    print("running", file=sys.stderr, flush=True)

threading.Thread(target=announce, daemon=True).start()
from gas_emulator.cli import main
main(sys.argv[1:], prog_name="gas-emu")
"""
INTERRUPTED = "Interrupted (Ctrl-C)"  # sim.runner.INTERRUPTED_MESSAGE


def interrupt_when_running(*args: str) -> tuple[int, str, str]:
    proc = subprocess.Popen([sys.executable, "-c", HARNESS, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stderr, selectors.EVENT_READ)
            assert sel.select(timeout=60), "no JavaScript ran within 60 s"
        assert proc.stderr.readline() == "running\n"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)  # ~0.1 s measured; generous for a loaded CI machine
    finally:
        proc.kill()
    return proc.returncode, out, err


def test_simulate_ctrl_c_exits_130_with_the_executions_so_far():
    code, out, err = interrupt_when_running(
        "simulate", "--root", str(FIXTURES / "gas_hostile"), "--function", "markThenSpin", "-n", "3",
        "--json")
    assert (code, "Fatal" in err, "FATAL" in err) == (130, False, False), (out, err)
    assert {e["error"] for e in json.loads(out)["executions"]} == {INTERRUPTED}, (out, err)


def test_explore_ctrl_c_exits_130_with_the_seeds_so_far():
    code, out, err = interrupt_when_running(
        "explore", "--root", str(FIXTURES / "sim_counter_locked"), "--function", "nextId", "-n", "5",
        "--seeds", "0:1000000", "--jobs", "1", "--json")  # JavaScript in this process
    assert (code, "Fatal" in err, "FATAL" in err) == (130, False, False), err
    doc = json.loads(out)
    assert doc["interrupted"] is True and doc["ok"] is True


def test_explore_with_worker_processes_ctrl_c_exits_130_with_the_seeds_so_far(tmp_path):
    """Ctrl-C in a terminal reaches the whole process group: gas-emu and its --jobs workers. Sent once
    both workers say (-vv) that they have started and ignore it."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "gas_emulator.cli", "-vv", "explore", "--root",
         str(FIXTURES / "sim_counter_locked"), "--function", "nextId", "-n", "5", "--seeds", "0:1000000",
         "--jobs", "2", "--json"],
        stdout=(tmp_path / "out.json").open("w"), stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        lines: queue.Queue[str] = queue.Queue()
        reader = threading.Thread(target=lambda: [lines.put(x) for x in iter(proc.stderr.readline, "")])
        reader.start()
        started, seen = 0, []
        while started < 2:
            seen.append(lines.get(timeout=60))
            started += "worker pid" in seen[-1] and seen[-1].rstrip().endswith("started")
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=30)
        reader.join()
        out, err = (tmp_path / "out.json").read_text(), "".join(seen) + "".join(lines.queue)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    fatal = ("Fatal" in err, "FATAL" in err, "Traceback" in err)
    assert (proc.returncode, fatal) == (130, (False, False, False)), err
    assert json.loads(out)["interrupted"] is True


def test_a_python_simulation_stopped_by_ctrl_c_reports_the_executions_so_far():
    finished = []

    def work(ex):
        ex.PropertiesService.getScriptProperties().getProperty("k")
        if len(finished) >= 3:
            raise KeyboardInterrupt  # what Ctrl-C looks like inside the running greenlet
        finished.append(ex.id)

    with pytest.raises(SimulationInterrupted) as stop:
        simulate(Workload(function="work", callable=work, executions=50, users=5), seed=1)
    ended = [e.error for e in stop.value.report.executions if e.end_ms is not None]
    assert sorted(ended, key=str) == [INTERRUPTED, None, None, None]  # the rest never started


def test_after_ctrl_c_the_driver_does_not_wait_for_kept_actor_threads(monkeypatch):
    # an ended execution's thread lives on, idle, for the next run (carriers.Carrier): waiting for
    # it to end would hold every Ctrl-C for the whole grace period
    from gas_emulator.kernel import Actor
    from gas_emulator.sim import runner

    monkeypatch.setattr(runner, "STOP_GRACE_S", 3_600.0)
    idle = threading.Event()
    kept = threading.Thread(target=idle.wait, daemon=True)
    kept.start()
    actor = Actor("ended")
    actor.thread, actor.done = kept, True
    stopper = threading.Thread(target=runner._stop_javascript, args=([actor],), daemon=True)
    stopper.start()
    stopper.join(timeout=60)
    try:
        assert not stopper.is_alive()
    finally:
        idle.set()
