"""Executions: admission limits, the 6-minute cap, per-execution state, and the real clock."""

from __future__ import annotations

from contextlib import ExitStack
from datetime import UTC, datetime

import pytest
import time_machine

from gas_emulator import Emulator, Settings
from gas_emulator.errors import (
    ExceededMaximumExecutionTime,
    TooManySimultaneousScript,
    TooManySimultaneousUser,
)

# spec 5, quotas page: the 30-per-user limit
TOO_MANY_USER = "There are too many scripts running simultaneously for this Google user account."
# spec 5, observed in the wild: the per-script (1,000) limit
TOO_MANY_SCRIPT = ("There are too many executions running simultaneously for this Apps Script project "
                   "at this time.")


# ---------------------------------------------------------------------------- admission
def test_the_31st_simultaneous_execution_of_one_user_is_refused():
    emu = Emulator()
    with ExitStack() as stack:
        for _ in range(30):
            stack.enter_context(emu.execution(user="a@example.com"))
        with pytest.raises(TooManySimultaneousUser) as err:
            stack.enter_context(emu.execution(user="a@example.com"))
        assert str(err.value) == TOO_MANY_USER
        assert emu.running("a@example.com") == 30


def test_another_user_is_admitted_while_one_user_is_at_the_limit():
    emu = Emulator(settings=Settings(max_simultaneous_per_user=2))
    with ExitStack() as stack:
        for _ in range(2):
            stack.enter_context(emu.execution(user="a@example.com"))
        with emu.execution(user="b@example.com") as b:
            assert b.user == "b@example.com"


def test_a_slot_is_free_again_once_an_execution_ends():
    emu = Emulator(settings=Settings(max_simultaneous_per_user=1))
    with emu.execution(user="a@example.com"):
        pass
    with emu.execution(user="a@example.com"):
        assert emu.running("a@example.com") == 1
    assert emu.running() == 0


def test_the_1001st_simultaneous_execution_of_the_script_is_refused():
    emu = Emulator()
    with ExitStack() as stack:
        for i in range(1000):
            stack.enter_context(emu.execution(user=f"u{i // 30}@example.com"))
        with pytest.raises(TooManySimultaneousScript) as err:
            stack.enter_context(emu.execution(user="fresh@example.com"))
        assert str(err.value) == TOO_MANY_SCRIPT
        assert emu.running() == 1000
    assert emu.running() == 0


def test_deterministic_refusal_is_reported_on_the_actor():
    emu = Emulator(deterministic=True, settings=Settings(max_simultaneous_per_user=1))

    def worker() -> None:
        with emu.execution(user="a@example.com") as ex:
            ex.Utilities.sleep(1000)

    t0 = emu.clock.now_ms()
    first = emu.kernel.spawn("first", worker, t0)
    second = emu.kernel.spawn("second", worker, t0 + 1)
    emu.kernel.run()
    assert first.error is None
    assert isinstance(second.error, TooManySimultaneousUser)


# ---------------------------------------------------------------------------- the 6-minute cap
def test_two_maximal_sleeps_exceed_the_execution_time():
    emu = Emulator()
    with pytest.raises(ExceededMaximumExecutionTime) as err:
        with emu.execution() as ex:
            ex.Utilities.sleep(300_000)
            ex.Utilities.sleep(300_000)
    assert str(err.value) == "Exceeded maximum execution time"
    assert emu.clock.now_ms() == emu.start_ms + 360_000  # spec 5: 6 min / execution


def test_locks_are_released_when_the_cap_ends_an_execution():
    emu = Emulator()
    with pytest.raises(ExceededMaximumExecutionTime):
        with emu.execution(user="a@example.com") as ex:
            ex.LockService.getScriptLock().waitLock(1000)
            ex.LockService.getUserLock().waitLock(1000)
            ex.Utilities.sleep(300_000)
            ex.Utilities.sleep(300_000)
    with emu.execution(user="a@example.com") as again:
        assert again.LockService.getScriptLock().tryLock(0) is True
        assert again.LockService.getUserLock().tryLock(0) is True


def test_the_cap_cannot_be_caught_by_the_script():
    emu = Emulator()
    caught = []
    with pytest.raises(ExceededMaximumExecutionTime):
        with emu.execution() as ex:
            ex.Utilities.sleep(300_000)
            try:
                ex.Utilities.sleep(300_000)
            except Exception as exc:  # noqa: BLE001 - a script's catch-all must not swallow the cap
                caught.append(exc)
    assert caught == []


def test_a_service_call_after_the_deadline_is_refused():
    emu = Emulator(settings=Settings(max_execution_ms=1000))
    with pytest.raises(ExceededMaximumExecutionTime):
        with emu.execution() as ex:
            emu.clock.advance(1000)  # time spent computing, with no service call
            ex.LockService.getScriptLock().tryLock(0)


# ---------------------------------------------------------------------------- per-execution state
def test_globals_are_created_once_per_execution():
    emu = Emulator()
    with emu.execution() as ex:
        assert ex.Utilities is ex.Utilities
        assert ex.Logger is ex.Logger
        with pytest.raises(AttributeError):
            ex.DriveApp  # noqa: B018 - not an emulated global
    with emu.execution() as other:
        assert other.Utilities is not ex.Utilities  # each execution has its own
        assert other.LockService._ex is other


def test_each_execution_has_its_own_logs():
    emu = Emulator()
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        a.console.info("from a")
        b.console.info("from b")
        assert [r.text for r in a.logs] == ["from a"]
        assert [r.text for r in b.logs] == ["from b"]


def test_execution_records_its_start_and_end():
    emu = Emulator()
    with emu.execution() as ex:
        ex.Utilities.sleep(1500)
    assert (ex.start_ms, ex.end_ms) == (emu.start_ms, emu.start_ms + 1500)


def test_the_seed_fixes_what_executions_draw():
    def uuids(seed: int) -> list[str]:
        emu = Emulator(seed=seed)
        with emu.execution() as a, emu.execution() as b:
            return [a.Utilities.getUuid(), b.Utilities.getUuid()]

    assert uuids(1) == uuids(1)
    assert uuids(1) != uuids(2)
    assert len(set(uuids(1))) == 2


# ---------------------------------------------------------------------------- the real clock
START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_real_clock_reads_the_steered_wall_clock():
    with time_machine.travel(START, tick=False) as traveller:
        emu = Emulator(clock="real")
        with emu.execution() as ex:
            assert ex.now_ms() == START.timestamp() * 1000
            traveller.shift(2.5)
            assert ex.now_ms() == START.timestamp() * 1000 + 2500
            assert ex.Utilities.formatDate(ex.now_ms(), "UTC", "HH:mm:ss.SSS") == "12:00:02.500"


def test_real_clock_deadline_ends_the_execution_and_releases_its_lock():
    with time_machine.travel(START, tick=False) as traveller:
        emu = Emulator(clock="real")
        with pytest.raises(ExceededMaximumExecutionTime):
            with emu.execution(user="a@example.com") as ex:
                ex.LockService.getScriptLock().waitLock(1000)
                traveller.shift(361)  # six minutes and a second of (steered) wall-clock time
                ex.LockService.getScriptLock().tryLock(0)
        with emu.execution(user="b@example.com") as again:
            assert again.LockService.getScriptLock().tryLock(0) is True


def test_real_clock_contended_trylock_zero_does_not_wait():
    with time_machine.travel(START, tick=False):
        emu = Emulator(clock="real")
        with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
            assert a.LockService.getScriptLock().tryLock(0) is True
            assert b.LockService.getScriptLock().tryLock(0) is False
            assert b.now_ms() == START.timestamp() * 1000
