"""Several OS processes on one SQLite store: LockService excludes across processes, no lost update.

Each worker process (multiprocessing, spawn) runs its own ``Emulator(store=SqliteStore(path),
clock="real")`` and does locked read-increment-write cycles on one script property, as the official
LockService example does (spec 2.3: a read after acquiring the lock sees the previous holder's write).
Real clock: the processes share no virtual time, so waiting is real (short: the lock is held briefly).
"""

from __future__ import annotations

import multiprocessing
import time

from gas_emulator import Emulator
from gas_emulator.store.sqlite import SqliteStore

PROCESSES = 4
CYCLES = 500


def locked_increments(path: str, cycles: int) -> int:
    """Worker: ``cycles`` executions, each one locked read-increment-write; returns how many ran."""
    emu = Emulator(store=SqliteStore(path), clock="real")
    done = 0
    for _ in range(cycles):
        with emu.execution() as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(30_000)
            props = ex.PropertiesService.getScriptProperties()
            props.setProperty("counter", int(props.getProperty("counter") or 0) + 1)
            lock.releaseLock()
        done += 1
    return done


def test_four_processes_lose_no_update(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    SqliteStore(path).close()  # create the file and schema once, before the workers race
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(PROCESSES) as pool:
        done = pool.starmap(locked_increments, [(path, CYCLES)] * PROCESSES)
    assert done == [CYCLES] * PROCESSES
    store = SqliteStore(path)
    assert store.props_get("props/script", "counter") == str(PROCESSES * CYCLES)
    # every property call was charged to the one user, across processes
    quota = store.quota_usage("user@example.com", "properties", time.time() * 1000, 24 * 3600 * 1000)
    store.close()
    assert quota == 2 * PROCESSES * CYCLES


def hold_lock_and_die(path: str) -> None:
    """Worker: take the script lock and end the process without releasing it."""
    import os

    emu = Emulator(store=SqliteStore(path), clock="real")
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1_000)
        os._exit(0)  # no execution end, no release: only the store can notice


def test_lock_of_a_dead_process_is_not_held_forever(tmp_path):
    path = str(tmp_path / "dead.sqlite")
    SqliteStore(path).close()
    worker = multiprocessing.get_context("spawn").Process(target=hold_lock_and_die, args=(path,))
    worker.start()
    worker.join()
    store = SqliteStore(path)
    held_by = store._conn().execute("SELECT pid FROM locks WHERE name='script'").fetchone()
    assert held_by == (worker.pid,)  # the dead process still "holds" it in the store
    with Emulator(store=store, clock="real").execution() as ex:
        assert ex.LockService.getScriptLock().tryLock(0) is True
    store.close()
