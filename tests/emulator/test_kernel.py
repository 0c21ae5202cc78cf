"""The scheduling kernel: virtual time in free mode, baton passing in deterministic mode."""

from __future__ import annotations

import random
import signal
import sys
import threading

import pytest

from gas_emulator import Emulator
from gas_emulator.clock import DEFAULT_EPOCH_MS, RealClock, VirtualClock, round_us
from gas_emulator.kernel import Kernel, SimulationDeadlock


def _threads(*targets) -> list[threading.Thread]:
    threads = [threading.Thread(target=t, daemon=True) for t in targets]
    for t in threads:
        t.start()
    return threads


def _join_all(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.join(timeout=10)
        assert not t.is_alive()


# ---------------------------------------------------------------------------- free mode, virtual clock
def test_free_virtual_time_stands_still_while_any_attached_actor_runs():
    emu = Emulator()
    t0 = emu.clock.now_ms()
    runner_attached, finish = threading.Event(), threading.Event()
    sleepers: list = []
    woke_at: list[float] = []

    def runner() -> None:
        with emu.execution(user="runner@example.com"):
            runner_attached.set()
            finish.wait(timeout=5)  # running (not blocked) until told to end

    def sleeper() -> None:
        with emu.execution(user="sleeper@example.com") as ex:
            utilities = ex.Utilities  # made (its module imported) before the main thread looks
            sleepers.append(ex)
            utilities.sleep(1000)
            woke_at.append(emu.clock.now_ms())

    threads = _threads(runner)
    runner_attached.wait(timeout=5)
    threads += _threads(sleeper)
    # Spin (no wall-clock sleep) until the sleeper is parked. The spinning thread holds the GIL
    # and gives it up only every switch interval (5 ms), so the sleeper's steps are slow here.
    for _ in range(50_000_000):
        if sleepers and sleepers[0].actor.blocked:
            break
    assert sleepers[0].actor.blocked
    assert emu.clock.now_ms() == t0  # one actor still runs: time stands still
    finish.set()  # the runner detaches: every attached actor is blocked, the clock jumps
    _join_all(threads)
    assert woke_at == [t0 + 1000]


def test_free_virtual_sleepers_wake_in_time_order_at_their_wake_times():
    emu = Emulator()
    t0 = emu.clock.now_ms()
    woke: list[tuple[str, float]] = []
    barrier = threading.Barrier(3)
    guard = threading.Lock()

    def sleeper(name: str, ms: int) -> None:
        with emu.execution(user=f"{name}@example.com") as ex:
            barrier.wait(timeout=5)  # all three attached before anyone blocks
            ex.Utilities.sleep(ms)
            with guard:
                woke.append((name, emu.clock.now_ms() - t0))

    _join_all(_threads(lambda: sleeper("c", 300), lambda: sleeper("a", 100), lambda: sleeper("b", 200)))
    assert woke == [("a", 100), ("b", 200), ("c", 300)]


def test_a_lone_execution_sleeps_without_waiting_on_the_wall_clock():
    emu = Emulator()
    with emu.execution() as ex:
        ex.Utilities.sleep(300_000)
        assert emu.clock.now_ms() == DEFAULT_EPOCH_MS + 300_000


# ---------------------------------------------------------------------------- deterministic mode
def _interleaving(seed: int, greenlets: bool) -> list[str]:
    """Five executions starting at the same instant, each logging, yielding 3 times at service calls."""
    emu = Emulator(deterministic=True, use_greenlets=greenlets, seed=seed)
    order: list[str] = []

    def worker(name: str) -> None:
        with emu.execution(user=f"{name}@example.com") as ex:
            for step in range(3):
                order.append(f"{name}{step}")
                ex.LockService.getScriptLock().releaseLock()  # a service call: a switch point

    t0 = emu.clock.now_ms()
    for i in range(5):
        emu.kernel.spawn(f"e{i}", lambda i=i: worker(f"e{i}"), t0)
    emu.kernel.run()
    return order


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_same_seed_same_order(greenlets):
    assert _interleaving(7, greenlets) == _interleaving(7, greenlets)


def test_deterministic_threads_and_greenlets_agree_for_a_seed():
    for seed in range(3):
        assert _interleaving(seed, False) == _interleaving(seed, True)


def test_deterministic_seeds_change_the_order():
    assert len({tuple(_interleaving(seed, True)) for seed in range(6)}) > 1


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_earlier_start_runs_first(greenlets):
    emu = Emulator(deterministic=True, use_greenlets=greenlets)
    started: list[tuple[str, float]] = []
    t0 = emu.clock.now_ms()
    for name, at in (("late", 500), ("early", 100), ("middle", 300)):
        emu.kernel.spawn(name, lambda n=name: started.append((n, emu.clock.now_ms() - t0)), t0 + at)
    emu.kernel.run()
    assert started == [("early", 100), ("middle", 300), ("late", 500)]


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_actor_errors_are_kept_on_the_actor(greenlets):
    emu = Emulator(deterministic=True, use_greenlets=greenlets)

    def boom() -> None:
        raise ValueError("boom")

    actor = emu.kernel.spawn("boom", boom, emu.clock.now_ms())
    ok = emu.kernel.spawn("ok", lambda: None, emu.clock.now_ms())
    emu.kernel.run()
    assert isinstance(actor.error, ValueError) and ok.error is None
    assert actor.done and ok.done


@pytest.mark.parametrize("greenlets", [False, True])
def test_deadlock_names_the_actor_blocked_forever(greenlets):
    # Regression: with threads the deadlock went unreported; with greenlets it named a finished actor.
    kernel = Kernel(VirtualClock(), deterministic=True, use_greenlets=greenlets)
    kernel.spawn("stuck", lambda: kernel.block(kernel.current(), None, signalable=True), 0)
    kernel.spawn("sleeper", lambda: kernel.block(kernel.current(), 5, signalable=False), 0)
    with pytest.raises(SimulationDeadlock) as err:
        kernel.run()
    assert str(err.value) == "1 executions blocked forever: stuck"


@pytest.mark.parametrize("greenlets", [False, True])
def test_a_signal_wakes_a_blocked_actor_at_the_current_time(greenlets):
    kernel = Kernel(VirtualClock(0), deterministic=True, use_greenlets=greenlets)
    seen: list[tuple[str, bool, float]] = []
    waiter_actor = kernel.spawn(
        "waiter", lambda: seen.append(("waiter", kernel.block(kernel.current(), 10_000, True),
                                       kernel.clock.now_ms())), 0)

    def signaller() -> None:
        kernel.block(kernel.current(), 250, signalable=False)
        kernel.signal(waiter_actor)

    kernel.spawn("signaller", signaller, 0)
    kernel.run()
    assert seen == [("waiter", True, 250)]


def test_deterministic_kernel_needs_a_virtual_clock():
    with pytest.raises(ValueError, match="the deterministic kernel needs a virtual clock"):
        Kernel(RealClock(), deterministic=True)


def test_spawn_is_refused_by_the_free_kernel():
    with pytest.raises(RuntimeError, match=r"spawn\(\) is for the deterministic kernel"):
        Kernel(VirtualClock()).spawn("x", lambda: None, 0)


def test_deterministic_execution_outside_spawn_is_refused():
    emu = Emulator(deterministic=True)
    with pytest.raises(RuntimeError, match=r"executions must run inside spawn\(\)"):
        with emu.execution():
            pass
    assert emu.running() == 0


# ---------------------------------------------------------------------------- the virtual clock
def test_virtual_clock_lands_exactly_on_whole_milliseconds():
    # Regression: ms * 1e6 in floating point has a 256 ns step at today's epoch values, so
    # advance_to(now + 250) read back as ...249.9998 (a JavaScript Date one millisecond early).
    clock = VirtualClock()
    clock.advance_to(clock.now_ms() + 250)
    assert clock.now_ms() == DEFAULT_EPOCH_MS + 250
    clock.advance(0.5)
    assert clock.now_ms() == DEFAULT_EPOCH_MS + 250.5


def test_virtual_clock_never_moves_backwards():
    clock = VirtualClock(1000)
    clock.advance_to(500)
    assert clock.now_ms() == 1000
    with pytest.raises(ValueError, match="the virtual clock only moves forward"):
        clock.advance(-1)


def test_round_us_is_round_to_three_places_including_halves_and_huge_values():
    # round_us replaces round(x, 3) on the simulator's hot path; traces must not change by a bit.
    rng = random.Random(7)
    values = [0.0, 0.0005, 0.0015, -0.0005, 1217.3125, 1361.0625, 30.1235, 2.5e-4, 1e12 + 0.0005,
              1e15 / 3, -1e13 / 7]
    for _ in range(20_000):
        ns = rng.randrange(0, 10**13)
        values.append(ns / 1e6)  # exact halves among them (…500 ns)
        values.append((DEFAULT_EPOCH_MS + ns / 1e6) - DEFAULT_EPOCH_MS)  # as trace times are made
        values.append(rng.random() * 560)  # as latency draws are made
    assert [round_us(v) for v in values] == [round(v, 3) for v in values]


@pytest.mark.skipif(signal.getsignal(signal.SIGINT) is not signal.default_int_handler,
                    reason="SIGINT is not Python's KeyboardInterrupt here (e.g. ignored in a background job)")
def test_ctrl_c_delivered_to_an_actor_thread_still_stops_the_driver():
    # POSIX lets the kernel deliver a process's SIGINT to any thread: Python then raises
    # KeyboardInterrupt in the main thread only once it runs Python code again
    released, ended = threading.Event(), threading.Event()
    outcome = []

    main = threading.main_thread().ident

    def actor() -> None:
        pause = threading.Event()
        for _ in range(10_000):  # until the driver waits for the baton (its frame is the kernel's)
            if sys._current_frames()[main].f_code.co_name == "_run_threads":
                break
            pause.wait(0.001)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)  # what the kernel may do
        outcome.append(released.wait(timeout=60))  # the driver sets it once interrupted
        ended.set()

    kernel = Kernel(VirtualClock(), deterministic=True)
    kernel.spawn("a", actor, start_ms=0.0)
    with pytest.raises(KeyboardInterrupt):
        kernel.run()
    released.set()
    assert ended.wait(timeout=60)
    assert outcome == [True]  # the driver was interrupted while the actor still ran
