"""The real-clock mode steered by freezegun (named by the project's users), beside time-machine's tests
in test_executions.py: the emulator reads ``time.time()`` at every call, so either library moves it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from gas_emulator import Emulator
from gas_emulator.errors import ExceededMaximumExecutionTime

START = datetime(2026, 3, 2, 12, 0, 0, tzinfo=UTC)


def test_real_clock_reads_the_frozen_time():
    with freeze_time(START) as frozen:
        emu = Emulator(clock="real")
        with emu.execution() as ex:
            assert ex.now_ms() == START.timestamp() * 1000
            frozen.tick(2.5)
            assert ex.now_ms() == START.timestamp() * 1000 + 2500
            assert ex.Utilities.formatDate(ex.now_ms(), "UTC", "HH:mm:ss.SSS") == "12:00:02.500"


def test_real_clock_deadline_follows_frozen_time_and_releases_the_lock():
    with freeze_time(START) as frozen:
        emu = Emulator(clock="real")
        with pytest.raises(ExceededMaximumExecutionTime):
            with emu.execution(user="a@example.com") as ex:
                ex.LockService.getScriptLock().waitLock(1000)
                frozen.tick(361)  # six minutes and a second of frozen wall-clock time
                ex.LockService.getScriptLock().tryLock(0)
        with emu.execution(user="b@example.com") as again:
            assert again.LockService.getScriptLock().tryLock(0) is True


def test_real_clock_cache_expiry_follows_frozen_time():
    with freeze_time(START) as frozen:
        emu = Emulator(clock="real")
        with emu.execution() as ex:
            cache = ex.CacheService.getScriptCache()
            cache.put("k", "v", 60)
            frozen.tick(59)
            assert cache.get("k") == "v"
            frozen.tick(2)
            assert cache.get("k") is None


def test_javascript_date_reads_the_frozen_time(tmp_path):
    from gas_emulator.runtime import Project, run_function

    (tmp_path / "appsscript.json").write_text('{"timeZone": "UTC"}')
    (tmp_path / "Code.js").write_text("function now() { return new Date().toISOString(); }")
    with freeze_time(START):
        outcome = run_function(Emulator(clock="real"), Project.from_directory(tmp_path), "now")
    assert outcome.unwrap() == "2026-03-02T12:00:00.000Z"
