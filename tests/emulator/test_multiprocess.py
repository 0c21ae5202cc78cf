"""Several OS processes on one SQLite store, through the Python API: locks exclude across processes
on either clock, and a killed holder (reaped or zombie) is taken over at once.

Each worker process (multiprocessing, spawn) runs its own ``Emulator(store=SqliteStore(path),
clock=...)`` and does locked read-increment-write cycles on one script property, as the official
LockService example does (spec 2.3: a read after acquiring the lock sees the previous holder's write).
Every test waits on process exit or on a condition with a timeout, never on the wall clock.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from gas_emulator import Emulator
from gas_emulator.reference.entry import nextId
from gas_emulator.store.sqlite import DEFAULT_LOCK_LEASE_MS, SqliteStore

PROCESSES = 8
CYCLES = 100
IDS_PER_PROCESS = 10
CLOCKS = ("virtual", "real")


def _pool(path: str):
    SqliteStore(path).close()  # create the file and schema once, before the workers race
    return multiprocessing.get_context("spawn").Pool(PROCESSES)


def locked_increments(path: str, clock: str, cycles: int) -> list[int]:
    """Worker: ``cycles`` executions, each one locked read-increment-write; the values it wrote."""
    emu = Emulator(store=SqliteStore(path), clock=clock)
    written = []
    for _ in range(cycles):
        with emu.execution() as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(30_000)
            props = ex.PropertiesService.getScriptProperties()
            n = int(props.getProperty("counter") or 0) + 1
            props.setProperty("counter", n)
            lock.releaseLock()
        written.append(n)
    return written


@pytest.mark.slow
@pytest.mark.parametrize("clock", CLOCKS)
def test_eight_processes_lose_no_update(tmp_path, clock):
    path = str(tmp_path / "shared.sqlite")
    with _pool(path) as pool:
        parts = pool.starmap(locked_increments, [(path, clock, CYCLES)] * PROCESSES)
    assert sorted(n for part in parts for n in part) == list(range(1, PROCESSES * CYCLES + 1))
    store = SqliteStore(path)
    assert store.props_get("props/script", "counter") == str(PROCESSES * CYCLES)
    # every property call was charged to the one user, across processes
    now = store.clock_read() if clock == "virtual" else time.time() * 1000  # the last release's time
    quota = store.quota_usage("user@example.com", "properties", now, 24 * 3600 * 1000)
    store.close()
    assert quota == 2 * PROCESSES * CYCLES


def reference_ids(path: str, clock: str, count: int) -> list[str]:
    """Worker: ``count`` executions of the Python reference's nextId('BDL') (every process on the
    default seed, as a user who gives none)."""
    emu = Emulator(store=SqliteStore(path), clock=clock)
    ids = []
    for _ in range(count):
        with emu.execution() as ex:
            ids.append(nextId(ex, "BDL"))
    return ids


@pytest.mark.slow
@pytest.mark.parametrize("clock", CLOCKS)
def test_reference_next_id_in_eight_processes_has_no_duplicate_and_no_gap(tmp_path, clock):
    path = str(tmp_path / "ids.sqlite")
    with _pool(path) as pool:
        parts = pool.starmap(reference_ids, [(path, clock, IDS_PER_PROCESS)] * PROCESSES)
    ids = [i for part in parts for i in part]
    assert sorted(ids) == [f"BDL-{n:06d}" for n in range(1, PROCESSES * IDS_PER_PROCESS + 1)]


# ---------------------------------------------------------------------- killed holders
HOLD_AND_BLOCK = """
import sys
from gas_emulator import Emulator
from gas_emulator.store.sqlite import SqliteStore
emu = Emulator(store=SqliteStore(sys.argv[1]), clock=sys.argv[2])
with emu.execution() as ex:
    ex.LockService.getScriptLock().waitLock(1000)
    print("held", flush=True)
    sys.stdin.read()  # holds the lock until killed
"""


def _holder(path: str, clock: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD_AND_BLOCK, path, clock],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline() == b"held\n"  # returns b"" if the holder died first
    return proc


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _wait_until_zombie(pid: int) -> None:
    beat = threading.Event()
    for _ in range(500):  # a condition, polled up to 5 s
        if _state(pid) == "Z":
            return
        beat.wait(0.01)
    raise AssertionError(f"process {pid} did not become a zombie")


def _take_over(path: str, clock: str) -> float:
    """Seconds (real) until another emulator gets the script lock, within a 5 s timeout."""
    store = SqliteStore(path)
    started = time.monotonic()
    with Emulator(store=store, clock=clock).execution() as ex:
        got = ex.LockService.getScriptLock().tryLock(5_000)
    took = time.monotonic() - started
    store.close()
    assert got is True
    return took


def test_the_lease_alone_would_keep_a_dead_holders_lock_far_longer_than_the_wait():
    assert DEFAULT_LOCK_LEASE_MS > 5_000  # so a takeover within 5 s proves the death was detected


@pytest.mark.parametrize("clock", CLOCKS)
def test_a_killed_and_reaped_holder_is_taken_over_in_under_a_second(tmp_path, clock):
    path = str(tmp_path / "dead.sqlite")
    SqliteStore(path).close()
    holder = _holder(path, clock)
    holder.kill()
    holder.wait()
    assert _take_over(path, clock) < 1.0


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to see a zombie")
@pytest.mark.parametrize("clock", CLOCKS)
def test_a_killed_zombie_holder_is_taken_over_in_under_a_second(tmp_path, clock):
    path = str(tmp_path / "zombie.sqlite")
    SqliteStore(path).close()
    holder = _holder(path, clock)
    holder.kill()
    _wait_until_zombie(holder.pid)
    os.kill(holder.pid, 0)  # its PID still exists: a PID check alone would call it alive
    try:
        assert _take_over(path, clock) < 1.0
    finally:
        holder.wait()
