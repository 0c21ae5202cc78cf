"""Same seed, same trace: the hash is stable and replays reproduce it byte for byte."""

from __future__ import annotations

import threading

import pytest
from sim_helpers import py_workload

from gas_emulator import carriers
from gas_emulator.sim.report import canonical_trace, trace_hash
from gas_emulator.sim.runner import simulate
from gas_emulator.sim.workload import Workload


def test_same_seed_twice_gives_the_same_trace_hash():
    wl = py_workload("six_calls", executions=40, users=4)
    first, second = simulate(wl, seed=11), simulate(wl, seed=11)
    assert first.trace_hash == second.trace_hash
    assert canonical_trace(first.trace) == canonical_trace(second.trace)


def test_same_seed_with_faults_gives_the_same_trace_hash():
    wl = py_workload("six_calls", executions=40, users=4)
    first = simulate(wl, seed=5, faults="all")
    second = simulate(wl, seed=5, faults="all")
    assert first.trace_hash == second.trace_hash
    assert first.faults_fired == second.faults_fired


def test_different_seeds_give_different_traces():
    wl = py_workload("six_calls", executions=20, users=2)
    assert simulate(wl, seed=1).trace_hash != simulate(wl, seed=2).trace_hash


def test_the_execution_rng_is_fixed_by_the_seed():
    wl = py_workload("random_token", executions=10)
    assert simulate(wl, seed=3).results() == simulate(wl, seed=3).results()
    assert simulate(wl, seed=3).results() != simulate(wl, seed=4).results()


def test_trace_entries_are_execution_time_op_key_outcome():
    report = simulate(py_workload("counter_with_lock", executions=1), seed=0, latency="zero")
    assert report.trace == [
        ["e0001", 0.0, "lock.acquire", "script", "acquired"],
        ["e0001", 0.0, "properties.get", "n", None],
        ["e0001", 0.0, "properties.set", "n", "ok"],
        ["e0001", 0.0, "lock.release", "script", "released"],
    ]


def test_trace_hash_is_sha256_of_the_json_lines():
    import hashlib

    trace = [["e0001", 1.5, "properties.get", "n", None]]
    expected = hashlib.sha256(b'["e0001",1.5,"properties.get","n",null]\n').hexdigest()
    assert trace_hash(trace) == expected


def test_virtual_time_is_the_modeled_latency():
    report = simulate(py_workload("counter_no_lock", executions=1), seed=0, latency="gas")
    (get, set_) = report.trace
    assert 20 <= get[1] <= 170  # spec/latency-model.md: getProperty floor 20 ms, capped
    assert get[1] + 43 <= set_[1]  # setProperty floor 43 ms
    assert report.executions[0].end_ms == set_[1]


def test_threads_and_greenlets_give_the_same_trace():
    wl = py_workload("six_calls", executions=30, users=3)
    on_greenlets = simulate(wl, seed=8, faults="all", use_greenlets=True)
    on_threads = simulate(wl, seed=8, faults="all", use_greenlets=False)
    assert on_threads.trace_hash == on_greenlets.trace_hash


def test_threads_without_libc_semaphores_or_pinning_give_the_same_trace(monkeypatch):
    # the portable fallback (threading.Lock wake-ups, threads free to move between CPUs)
    wl = py_workload("six_calls", executions=30, users=3)
    with_libc = simulate(wl, seed=8, faults="all", use_greenlets=False)
    monkeypatch.setattr(carriers, "_libc", None)
    monkeypatch.setattr(carriers, "_idle_carriers", [])  # kept threads would bring libc semaphores
    monkeypatch.setattr(carriers, "PIN_ACTOR_THREADS", False)
    assert isinstance(carriers.wake_primitive(), type(threading.Lock()))
    without = simulate(wl, seed=8, faults="all", use_greenlets=False)
    assert without.trace_hash == with_libc.trace_hash


def test_greenlet_workers_are_reused_across_runs():
    wl = py_workload("six_calls", executions=20, users=2)
    first = simulate(wl, seed=3)
    idle = list(carriers.idle_workers())
    assert len(idle) >= 20  # every actor of the run handed its worker back
    second = simulate(wl, seed=3)
    assert second.trace_hash == first.trace_hash
    assert set(map(id, carriers.idle_workers())) >= set(map(id, idle))  # the same workers again


def test_poisson_arrivals_are_fixed_by_the_seed():
    wl = py_workload("counter_with_lock", executions=20, rate=5.0)
    arrivals = [r.arrival_ms for r in simulate(wl, seed=1).executions]
    assert arrivals == [r.arrival_ms for r in simulate(wl, seed=1).executions]
    assert arrivals[0] == 0.0 and arrivals == sorted(arrivals) and 1_000 < arrivals[-1] < 10_000


def test_an_interrupt_inside_an_execution_stops_the_whole_run():
    finished = []

    def work(ex):
        ex.PropertiesService.getScriptProperties().getProperty("k")
        if len(finished) >= 3:
            raise KeyboardInterrupt  # what Ctrl-C looks like inside the running greenlet
        ex.PropertiesService.getScriptProperties().setProperty("k", "v")
        finished.append(ex.id)

    wl = Workload(function="work", callable=work, executions=200, users=10)
    with pytest.raises(KeyboardInterrupt):
        simulate(wl, seed=1)
    assert len(finished) < 50  # the other executions did not run to the end
    assert simulate(py_workload("six_calls", executions=20, users=2), seed=3).ok  # next run is clean


def test_simulations_give_the_same_trace_on_the_compiled_and_the_python_wakeup_queue(monkeypatch):
    compiled_queue = pytest.importorskip("gas_emulator._wakeheap",
                                         reason="the C queue was not compiled here").WakeHeap
    from gas_emulator import wakeups

    wl = py_workload("six_calls", executions=60, users=4)
    used: list[type] = []

    def note_queue(emu) -> None:
        used.append(type(emu.kernel._wakeups))

    monkeypatch.setattr(wakeups, "WakeHeap", compiled_queue)  # even under GAS_EMU_PURE_PYTHON=1
    compiled = simulate(wl, seed=5, faults="all", setup=note_queue).trace_hash
    monkeypatch.setattr(wakeups, "WakeHeap", wakeups.PyWakeHeap)
    assert simulate(wl, seed=5, faults="all", setup=note_queue).trace_hash == compiled
    assert [t.__name__ for t in used] == ["WakeHeap", "PyWakeHeap"]
