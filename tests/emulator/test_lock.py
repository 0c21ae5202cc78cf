"""LockService under contention: free threads on the virtual clock, and the deterministic kernel.

Exact texts and behaviours come from spec/apps-script-services.md section 1.
"""

from __future__ import annotations

import threading

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.errors import ExceededMaximumExecutionTime, LockTimeout

LOCK_TIMEOUT = "Lock timeout: another process was holding the lock for too long."  # spec 1.2


def run_in_thread(fn, *args) -> tuple[threading.Thread, dict]:
    """Start ``fn(*args)`` on a thread; its return value or exception lands in the dict."""
    out: dict = {}

    def main() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    return thread, out


def join(thread: threading.Thread) -> None:
    thread.join(timeout=10)
    assert not thread.is_alive(), "thread did not finish"


# ---------------------------------------------------------------------------- one thread, two executions
def test_trylock_zero_is_false_while_another_execution_holds_it():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        assert a.LockService.getScriptLock().tryLock(0) is True
        assert b.LockService.getScriptLock().tryLock(0) is False


def test_waitlock_times_out_with_the_exact_message_after_exactly_the_timeout():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        a.LockService.getScriptLock().waitLock(1000)
        start = emu.clock.now_ms()
        with pytest.raises(LockTimeout) as err:
            b.LockService.getScriptLock().waitLock(5000)
        assert str(err.value) == LOCK_TIMEOUT
        assert emu.clock.now_ms() - start == 5000


def test_trylock_timeout_returns_false_and_hasLock_stays_false():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        a.LockService.getScriptLock().waitLock(1000)
        lock = b.LockService.getScriptLock()
        assert lock.tryLock(250) is False
        assert lock.hasLock() is False


def test_acquiring_a_held_lock_again_is_a_no_op_returning_true():
    emu = Emulator()
    with emu.execution() as ex:
        lock = ex.LockService.getScriptLock()
        lock.waitLock(1000)
        start = emu.clock.now_ms()
        assert lock.tryLock(5000) is True
        assert lock.waitLock(5000) is None
        assert lock.hasLock() is True
        assert emu.clock.now_ms() == start


def test_hasLock_is_false_after_release():
    emu = Emulator()
    with emu.execution() as ex:
        lock = ex.LockService.getScriptLock()
        assert lock.hasLock() is False
        lock.waitLock(1000)
        lock.releaseLock()
        assert lock.hasLock() is False


def test_release_of_a_lock_never_acquired_is_a_no_op():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        held = a.LockService.getScriptLock()
        held.waitLock(1000)
        b.LockService.getScriptLock().releaseLock()  # spec 1.1: no effect if not held
        assert held.hasLock() is True
        assert b.LockService.getScriptLock().tryLock(0) is False


def test_nested_script_lock_in_one_execution_waits_out_its_timeout_by_default():
    emu = Emulator()
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1000)
        start = emu.clock.now_ms()
        with pytest.raises(LockTimeout):
            ex.LockService.getScriptLock().waitLock(5000)  # spec 1.4 best estimate: self-deadlock
        assert emu.clock.now_ms() - start == 5000


def test_nested_script_lock_succeeds_at_once_with_the_reentrant_knob():
    emu = Emulator(settings=Settings(lock_reentrant_across_objects=True))
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1000)
        start = emu.clock.now_ms()
        inner = ex.LockService.getScriptLock()
        inner.waitLock(5000)
        assert inner.hasLock() is True
        assert emu.clock.now_ms() == start


def test_user_locks_of_different_users_do_not_exclude_each_other():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        assert a.LockService.getUserLock().tryLock(0) is True
        assert b.LockService.getUserLock().tryLock(0) is True


def test_user_lock_excludes_two_executions_of_the_same_user():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a1, emu.execution(user="a@example.com") as a2:
        assert a1.LockService.getUserLock().tryLock(0) is True
        assert a2.LockService.getUserLock().tryLock(0) is False


def test_document_lock_is_null_without_a_document():
    emu = Emulator()
    with emu.execution() as ex:
        assert ex.LockService.getDocumentLock() is None


def test_document_locks_exclude_within_one_document_only():
    emu = Emulator()
    with emu.execution(document_id="doc1") as a, emu.execution(document_id="doc1") as b, \
            emu.execution(document_id="doc2") as c:
        assert a.LockService.getDocumentLock().tryLock(0) is True
        assert b.LockService.getDocumentLock().tryLock(0) is False
        assert c.LockService.getDocumentLock().tryLock(0) is True


def test_lock_is_released_when_the_execution_raises():
    emu = Emulator()
    with pytest.raises(ValueError):
        with emu.execution(user="a@example.com") as a:
            a.LockService.getScriptLock().waitLock(1000)
            raise ValueError("boom")
    with emu.execution(user="b@example.com") as b:
        assert b.LockService.getScriptLock().tryLock(0) is True


def test_lock_is_released_when_the_execution_ends_normally_without_release():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a:
        a.LockService.getScriptLock().waitLock(1000)
    with emu.execution(user="b@example.com") as b:
        assert b.LockService.getScriptLock().tryLock(0) is True


def test_a_lock_wait_is_capped_by_the_six_minute_deadline():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a:
        a.LockService.getScriptLock().waitLock(1000)
        with pytest.raises(ExceededMaximumExecutionTime):
            with emu.execution(user="b@example.com") as b:
                start = b.start_ms
                b.LockService.getScriptLock().waitLock(1_000_000)
        assert emu.clock.now_ms() - start == 360_000  # spec 5: 6 min / execution


# ---------------------------------------------------------------------------- free threads
def _hold_then_release(emu: Emulator, ready: threading.Barrier, hold_ms: int) -> float:
    with emu.execution(user="owner@example.com") as ex:
        lock = ex.LockService.getScriptLock()
        lock.waitLock(1000)
        ready.wait(timeout=5)
        ex.Utilities.sleep(hold_ms)
        released_at = emu.clock.now_ms()
        lock.releaseLock()
        return released_at


def _wait_for_lock(emu: Emulator, ready: threading.Barrier, timeout_ms: int) -> tuple[float, bool]:
    with emu.execution(user="waiter@example.com") as ex:
        ready.wait(timeout=5)  # the owner holds the lock now; this execution is attached
        lock = ex.LockService.getScriptLock()
        lock.waitLock(timeout_ms)
        return emu.clock.now_ms(), lock.hasLock()


def test_threads_release_hands_the_lock_to_the_waiter():
    emu = Emulator()
    ready = threading.Barrier(2)
    owner, owner_out = run_in_thread(_hold_then_release, emu, ready, 1000)
    waiter, waiter_out = run_in_thread(_wait_for_lock, emu, ready, 30_000)
    join(owner)
    join(waiter)
    assert "error" not in owner_out and "error" not in waiter_out
    acquired_at, held = waiter_out["value"]
    assert held is True
    assert acquired_at == owner_out["value"] == emu.start_ms + 1000


def test_threads_waitlock_times_out_with_virtual_time_advanced_by_the_timeout():
    emu = Emulator()
    ready = threading.Barrier(2)
    owner, owner_out = run_in_thread(_hold_then_release, emu, ready, 10_000)
    waiter, waiter_out = run_in_thread(_wait_for_lock, emu, ready, 5000)
    join(waiter)
    join(owner)
    assert isinstance(waiter_out["error"], LockTimeout)
    assert str(waiter_out["error"]) == LOCK_TIMEOUT
    assert owner_out["value"] == emu.start_ms + 10_000
    assert emu.clock.now_ms() == emu.start_ms + 10_000


def test_threads_several_waiters_are_served_first_come_first_served():
    emu = Emulator()
    order: list[str] = []
    owner_holds, all_queued = threading.Event(), threading.Event()

    def waiter(i: int) -> None:
        with emu.execution(user=f"w{i}@example.com") as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(60_000)
            order.append(f"w{i}")
            lock.releaseLock()

    def owner() -> None:
        with emu.execution(user="owner@example.com") as ex:
            ex.LockService.getScriptLock().waitLock(1000)
            owner_holds.set()
            all_queued.wait(timeout=5)  # running, not blocked: virtual time stands still meanwhile
            ex.Utilities.sleep(500)

    t_owner, _ = run_in_thread(owner)
    owner_holds.wait(timeout=5)
    threads = []
    for i in range(4):  # queue one at a time: w0 waits before w1 starts, and so on
        threads.append(run_in_thread(waiter, i)[0])
        _wait_until_queued(emu, i + 1)
    all_queued.set()
    for t in [t_owner, *threads]:
        join(t)
    assert order == ["w0", "w1", "w2", "w3"]


def _wait_until_queued(emu: Emulator, n: int) -> None:
    """Spin (no sleeping) until ``n`` waiters sit in the script lock's queue."""
    for _ in range(1_000_000):
        with emu.kernel.mutex:
            if len(emu.locks.state("script").waiters) >= n:
                return
    raise AssertionError("waiters never queued")


def test_release_just_before_the_waiter_blocks_still_hands_the_lock_over(monkeypatch):
    # Regression: hand_off skipped a queued waiter whose thread had not blocked yet, so a release in
    # that window left the lock free while the waiter slept out its whole timeout.
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        held = a.LockService.getScriptLock()
        held.waitLock(1000)
        original = b.wait_signal

        def release_in_the_window(timeout_ms: float) -> bool:
            held.releaseLock()  # the owner's thread releases after b queued, before b blocks
            return original(timeout_ms)

        monkeypatch.setattr(b, "wait_signal", release_in_the_window)
        start = emu.clock.now_ms()
        lock = b.LockService.getScriptLock()
        assert lock.tryLock(10_000) is True
        assert lock.hasLock() is True
        assert emu.clock.now_ms() == start


def test_a_grant_racing_a_timeout_leaves_no_stale_wake_up(monkeypatch):
    # Regression: a grant that arrived after the waiter's timeout fired stayed "pending", and the
    # waiter's next wait returned at once instead of waiting its timeout.
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        held = a.LockService.getScriptLock()
        held.waitLock(1000)
        original = b.wait_signal

        def grant_after_timeout(timeout_ms: float) -> bool:
            got = original(timeout_ms)
            held.releaseLock()  # hands the lock to b, which is still queued
            return got

        monkeypatch.setattr(b, "wait_signal", grant_after_timeout)
        lock = b.LockService.getScriptLock()
        assert lock.tryLock(1000) is True
        monkeypatch.setattr(b, "wait_signal", original)
        lock.releaseLock()
        assert held.tryLock(0) is True
        start = emu.clock.now_ms()
        assert lock.tryLock(2000) is False
        assert emu.clock.now_ms() - start == 2000


# ---------------------------------------------------------------------------- deterministic kernel
def _contend(emu: Emulator, n: int, *, same_start: bool = False) -> list[str]:
    """``n`` executions each take the script lock, hold it 100 ms, release; return the order."""
    order: list[str] = []

    def worker(name: str) -> None:
        with emu.execution(user=f"{name}@example.com", name=name) as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(60_000)
            order.append(name)
            ex.Utilities.sleep(100)
            lock.releaseLock()

    t0 = emu.clock.now_ms()
    actors = [emu.kernel.spawn(f"e{i}", lambda i=i: worker(f"e{i}"), t0 + (0 if same_start else i))
              for i in range(n)]
    emu.kernel.run()
    assert [a.error for a in actors] == [None] * n
    return order


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_waiters_are_served_in_arrival_order(greenlets):
    emu = Emulator(deterministic=True, use_greenlets=greenlets)
    assert _contend(emu, 6) == [f"e{i}" for i in range(6)]


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_release_hands_over_at_the_release_instant(greenlets):
    emu = Emulator(deterministic=True, use_greenlets=greenlets)
    times: dict[str, float] = {}

    def worker(name: str) -> None:
        with emu.execution(user=f"{name}@example.com") as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(60_000)
            times[name] = emu.clock.now_ms()
            ex.Utilities.sleep(250)
            lock.releaseLock()

    t0 = emu.clock.now_ms()
    emu.kernel.spawn("first", lambda: worker("first"), t0)
    emu.kernel.spawn("second", lambda: worker("second"), t0 + 10)
    emu.kernel.run()
    assert times == {"first": t0, "second": t0 + 250}


@pytest.mark.parametrize("greenlets", [False, True])
def test_deterministic_waitlock_timeout_advances_the_clock_by_the_timeout(greenlets):
    emu = Emulator(deterministic=True, use_greenlets=greenlets)
    seen: dict[str, object] = {}

    def holder() -> None:
        with emu.execution(user="h@example.com") as ex:
            ex.LockService.getScriptLock().waitLock(1000)
            ex.Utilities.sleep(20_000)

    def waiter() -> None:
        with emu.execution(user="w@example.com") as ex:
            start = emu.clock.now_ms()
            try:
                ex.LockService.getScriptLock().waitLock(3000)
            except LockTimeout as exc:
                seen["message"] = str(exc)
                seen["waited"] = emu.clock.now_ms() - start

    t0 = emu.clock.now_ms()
    emu.kernel.spawn("holder", holder, t0)
    emu.kernel.spawn("waiter", waiter, t0 + 1)
    emu.kernel.run()
    assert seen == {"message": LOCK_TIMEOUT, "waited": 3000}


def test_random_fairness_gives_another_order_for_some_seed():
    orders = {tuple(_contend(Emulator(deterministic=True, seed=seed,
                                      settings=Settings(lock_fairness="random")), 5))
              for seed in range(8)}
    assert len(orders) > 1


def test_random_fairness_is_fixed_by_the_seed():
    def order(seed: int) -> list[str]:
        return _contend(Emulator(deterministic=True, seed=seed,
                                 settings=Settings(lock_fairness="random")), 5)

    assert order(3) == order(3)


def test_trylock_with_a_string_timeout_is_a_parameters_mismatch(gas):
    from gas_emulator.errors import ParametersMismatch

    with pytest.raises(ParametersMismatch) as err:
        gas.LockService.getScriptLock().tryLock("1000")
    assert str(err.value) == "The parameters (String) don't match the method signature for Lock.tryLock."


def test_reentrant_knob_shared_hold_ends_with_the_owners_release():
    from gas_emulator import Emulator, Settings

    emu = Emulator(settings=Settings(lock_reentrant_across_objects=True))
    with emu.execution() as ex:
        outer, inner = ex.LockService.getScriptLock(), ex.LockService.getScriptLock()
        outer.waitLock(1000)
        assert inner.tryLock(0) is True and inner.hasLock() is True
        outer.releaseLock()
        assert inner.hasLock() is False
        with emu.execution(user="b@example.com") as other:
            assert other.LockService.getScriptLock().tryLock(0) is True
