"""LockService over a store shared between processes, in one test process.

A second ``SqliteStore`` object on the same file is another holder, exactly as another process is
(the store tells holders apart, not PIDs), so "another process holds the lock" needs no subprocess
here. Waits for it are real (bounded by the lock's timeout); the test itself never sleeps.
"""

from __future__ import annotations

import os
import threading

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.errors import ExceededMaximumExecutionTime
from gas_emulator.store.sqlite import SqliteStore


@pytest.fixture
def path(tmp_path):
    return tmp_path / "shared.sqlite"


@pytest.fixture
def elsewhere(path):
    """Another holder of the same file: what another process is."""
    store = SqliteStore(path)
    yield store
    store.close()


@pytest.fixture
def emu(path):
    store = SqliteStore(path)
    yield Emulator(store=store)  # the virtual clock
    store.close()


def _wait_for(condition, what: str) -> None:
    beat = threading.Event()
    for _ in range(500):  # a condition, polled up to 5 s
        if condition():
            return
        beat.wait(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_lock_held_by_another_process_is_refused_on_the_virtual_clock(emu, elsewhere):
    assert elsewhere.lock_try_acquire("script", "theirs")
    with emu.execution() as ex:
        assert ex.LockService.getScriptLock().tryLock(0) is False


def test_a_wait_for_another_process_times_out_after_exactly_the_timeout_in_virtual_time(emu, elsewhere):
    elsewhere.lock_try_acquire("script", "theirs")
    with emu.execution() as ex:
        start = ex.now_ms()
        assert ex.LockService.getScriptLock().tryLock(50) is False
        assert ex.now_ms() - start == pytest.approx(50, abs=1e-3)


def test_a_timed_out_wait_leaves_the_lock_to_this_process_next_execution(emu, elsewhere):
    elsewhere.lock_try_acquire("script", "theirs")
    with emu.execution() as ex:
        ex.LockService.getScriptLock().tryLock(20)
    assert emu.locks.state("script").owner is None
    elsewhere.lock_release("script", "theirs")
    with emu.execution() as ex:
        assert ex.LockService.getScriptLock().tryLock(0) is True


def test_a_lock_released_by_another_process_is_taken(emu, elsewhere):
    elsewhere.lock_try_acquire("script", "theirs")
    out: dict = {}

    def waiter() -> None:
        with emu.execution() as ex:
            out["got"] = ex.LockService.getScriptLock().tryLock(5_000)

    thread = threading.Thread(target=waiter, daemon=True)
    thread.start()
    _wait_for(lambda: emu.locks.state("script").owner is not None, "the waiter to poll the store")
    elsewhere.lock_release("script", "theirs")
    thread.join(timeout=10)
    assert out == {"got": True}


def test_this_process_other_executions_go_on_while_one_waits_for_another_process(emu, elsewhere):
    # The waiter's polls move the virtual clock, so the sleeper wakes and lets the other holder go;
    # a wait that stopped this process's time would never end before its timeout.
    elsewhere.lock_try_acquire("script", "theirs")
    out: dict = {}

    def waiter() -> None:
        with emu.execution(user="a@example.com") as ex:
            out["got"] = ex.LockService.getScriptLock().tryLock(5_000)

    def sleeper() -> None:
        with emu.execution(user="b@example.com") as ex:
            ex.Utilities.sleep(30)
        elsewhere.lock_release("script", "theirs")

    first = threading.Thread(target=waiter, daemon=True)
    first.start()
    _wait_for(lambda: emu.locks.state("script").owner is not None, "the waiter to poll the store")
    second = threading.Thread(target=sleeper, daemon=True)
    second.start()
    first.join(timeout=10)
    second.join(timeout=10)
    assert out == {"got": True}


def test_the_execution_cap_ends_a_wait_for_another_process_and_frees_the_table(path, elsewhere):
    store = SqliteStore(path)
    emu = Emulator(store=store, settings=Settings(max_execution_ms=30))
    elsewhere.lock_try_acquire("script", "theirs")
    with pytest.raises(ExceededMaximumExecutionTime):
        with emu.execution() as ex:
            ex.LockService.getScriptLock().tryLock(5_000)
    assert emu.locks.state("script").owner is None
    store.close()


def test_a_release_publishes_the_releasing_executions_time(emu):
    with emu.execution() as ex:
        lock = ex.LockService.getScriptLock()
        lock.waitLock(1_000)
        ex.Utilities.sleep(1_234)
        released_at = ex.now_ms()
        lock.releaseLock()
    assert emu.store.clock_read() == released_at


def test_a_new_process_starts_no_earlier_than_the_time_published(path, elsewhere):
    elsewhere.lock_try_acquire("script", "theirs")
    elsewhere.lock_release("script", "theirs", 2_000_000_000_000.0)
    store = SqliteStore(path)
    assert Emulator(store=store).clock.now_ms() == 2_000_000_000_000.0
    store.close()


def test_taking_a_lock_moves_the_virtual_clock_to_the_last_holders_time(emu, elsewhere):
    later = emu.clock.now_ms() + 60_000
    elsewhere.lock_try_acquire("script", "theirs")
    elsewhere.lock_release("script", "theirs", later)
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1_000)
        assert ex.now_ms() == later


def test_the_real_clock_is_never_moved_by_the_store(path, elsewhere):
    elsewhere.lock_try_acquire("script", "theirs")
    elsewhere.lock_release("script", "theirs", 4_000_000_000_000.0)
    store = SqliteStore(path)
    with Emulator(store=store, clock="real").execution() as ex:
        ex.LockService.getScriptLock().waitLock(1_000)
        assert ex.now_ms() < 4_000_000_000_000.0
    store.close()


def test_the_lock_row_names_its_holder_process(emu):
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1_000)
        holder, pid = emu.store._conn().execute(
            "SELECT holder, pid FROM lock_leases WHERE name='script'").fetchone()
    assert pid == os.getpid() and holder.startswith(f"{os.getpid()}-")
