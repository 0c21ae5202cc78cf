"""Actor threads kept between runs (carriers.Carrier): reused, bounded, and invisible in traces."""

from __future__ import annotations

import os
import select
import signal
import threading

import pytest
from sim_helpers import py_workload

from gas_emulator import carriers
from gas_emulator.clock import VirtualClock
from gas_emulator.kernel import Kernel
from gas_emulator.sim.runner import simulate


def _carrier_threads() -> set[threading.Thread]:
    return {c.thread for c in carriers._idle_carriers}


def test_actor_threads_are_kept_and_reused_by_the_next_run(monkeypatch):
    wl = py_workload("six_calls", executions=12, users=3)
    first = simulate(wl, seed=4, use_greenlets=False)
    kept = _carrier_threads()
    assert len(kept) >= 12
    made = []

    class Counted(carriers.Carrier):
        __slots__ = ()

        def __init__(self, reusable: bool) -> None:
            made.append(reusable)
            super().__init__(reusable)

    monkeypatch.setattr(carriers, "Carrier", Counted)
    second = simulate(wl, seed=4, use_greenlets=False)
    assert second.trace_hash == first.trace_hash
    assert made == []  # no new thread: every execution ran on a kept one
    assert _carrier_threads() == kept


def test_a_run_on_kept_threads_gives_the_trace_of_a_run_on_new_ones(monkeypatch):
    wl = py_workload("six_calls", executions=30, users=3)
    simulate(wl, seed=9, use_greenlets=False)  # fills the pool
    on_kept = simulate(wl, seed=9, faults="all", use_greenlets=False)
    monkeypatch.setattr(carriers, "MAX_IDLE_CARRIERS", 0)
    monkeypatch.setattr(carriers, "_idle_carriers", [])
    on_new = simulate(wl, seed=9, faults="all", use_greenlets=False)
    assert on_new.trace_hash == on_kept.trace_hash


def test_no_more_threads_are_kept_than_the_bound(monkeypatch):
    monkeypatch.setattr(carriers, "MAX_IDLE_CARRIERS", 3)
    monkeypatch.setattr(carriers, "_idle_carriers", [])
    before = set(threading.enumerate())
    report = simulate(py_workload("six_calls", executions=25, users=5), seed=2, use_greenlets=False)
    assert report.ok
    assert len(carriers._idle_carriers) == 3
    leftover = [t for t in set(threading.enumerate()) - before if t not in _carrier_threads()]
    for thread in leftover:
        thread.join(timeout=10)  # the others end once they have handed the baton on
    assert [t.name for t in leftover if t.is_alive()] == []


def test_threads_of_a_run_with_its_own_stack_size_are_not_kept(monkeypatch):
    monkeypatch.setattr(carriers, "_idle_carriers", [])
    kernel = Kernel(VirtualClock(), deterministic=True, thread_stack_size=4 << 20)
    ran = []
    for i in range(4):
        kernel.spawn(f"a{i}", lambda i=i: ran.append(i), start_ms=float(i))
    kernel.run()
    assert ran == [0, 1, 2, 3]
    assert carriers._idle_carriers == []


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs CPU affinity and two CPUs")
def test_a_kept_thread_held_to_one_cpu_is_freed_for_a_run_that_pins_nothing():
    carrier = carriers.Carrier(reusable=True)
    one = {min(os.sched_getaffinity(0))}
    seen = []

    def on_the_carrier() -> None:
        carriers._hold_to(carrier, one)
        seen.append(os.sched_getaffinity(0))
        carriers._hold_to(carrier, None)
        seen.append(os.sched_getaffinity(0))

    thread = threading.Thread(target=on_the_carrier)
    thread.start()
    thread.join(timeout=10)
    assert seen == [one, carriers._ALL_CPUS]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_keeps_no_thread_of_its_parent():
    simulate(py_workload("six_calls", executions=4, users=2), seed=1, use_greenlets=False)
    assert carriers._idle_carriers
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its simulation must not wait for threads that are not there
        ok = simulate(py_workload("six_calls", executions=4, users=2), seed=1, use_greenlets=False).ok
        os.write(write, b"1" if ok and len(carriers._idle_carriers) >= 1 else b"0")
        os._exit(0)
    os.close(write)
    answered, _, _ = select.select([read], [], [], 60)  # without the fix the child waits forever
    if not answered:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert answered and os.read(read, 1) == b"1"
