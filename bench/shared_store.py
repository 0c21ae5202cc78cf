"""Benchmark: locks across processes on one SQLite store (issue #13).

    .venv/bin/python bench/shared_store.py            # print the figures
    .venv/bin/python bench/shared_store.py --write    # ... and update its section of RESULTS.md

1. Takeover: a holder process takes the script lock; a waiter in this process polls for it; the
   holder then releases it (the baseline), is killed and reaped, or is killed and left a zombie.
   Figure: real time from the release or the kill to the waiter's lock, median of the rounds.
2. Throughput: 1,600 locked read-increment-write executions, by one process (the baseline) and by
   8 processes on the same file, on each clock. Figure: wall time, and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gas_emulator import Emulator  # noqa: E402
from gas_emulator.markers import write_section  # noqa: E402
from gas_emulator.store.sqlite import DEFAULT_LOCK_LEASE_MS, SqliteStore  # noqa: E402

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "shared_store"
COMMAND = ".venv/bin/python bench/shared_store.py --write"
ROUNDS = 15
INCREMENTS = 1_600

HOLDER = """
import sys
from gas_emulator import Emulator
from gas_emulator.store.sqlite import SqliteStore
emu = Emulator(store=SqliteStore(sys.argv[1]))
with emu.execution() as ex:
    lock = ex.LockService.getScriptLock()
    lock.waitLock(1000)
    print("held", flush=True)
    sys.stdin.readline()
    lock.releaseLock()
"""


def _one_takeover(path: str, how: str) -> float:
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    store = SqliteStore(path)
    emu = Emulator(store=store)
    got: dict = {}

    def wait() -> None:
        with emu.execution() as ex:
            ok = ex.LockService.getScriptLock().tryLock(20_000)
        got["at"], got["ok"] = time.monotonic(), ok

    waiter = threading.Thread(target=wait)
    waiter.start()
    while emu.locks.state("script").owner is None:  # the waiter is polling the store
        time.sleep(0.001)
    time.sleep(0.02)
    started = time.monotonic()
    if how == "released":
        holder.stdin.write("\n")
        holder.stdin.flush()
    else:
        holder.kill()
        if how == "reaped":
            holder.wait()
    waiter.join()
    holder.wait()
    store.close()
    assert got["ok"], f"no takeover ({how})"
    return (got["at"] - started) * 1000.0


def takeovers(tmp: Path) -> dict[str, float]:
    medians = {}
    for how in ("released", "reaped", "zombie"):
        times = [_one_takeover(str(tmp / f"take-{how}-{i}.sqlite"), how) for i in range(ROUNDS)]
        medians[how] = statistics.median(times)
    return medians


def increments(path: str, clock: str, count: int) -> None:
    emu = Emulator(store=SqliteStore(path), clock=clock)
    for _ in range(count):
        with emu.execution() as ex:
            lock = ex.LockService.getScriptLock()
            lock.waitLock(30_000)
            props = ex.PropertiesService.getScriptProperties()
            props.setProperty("n", int(props.getProperty("n") or 0) + 1)
            lock.releaseLock()


def throughput(tmp: Path, clock: str, processes: int) -> float:
    path = str(tmp / f"inc-{clock}-{processes}.sqlite")
    SqliteStore(path).close()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        pool.starmap(increments, [(path, clock, 0)] * processes)  # workers up and imported
        started = time.perf_counter()
        pool.starmap(increments, [(path, clock, INCREMENTS // processes)] * processes)
        took = time.perf_counter() - started
    store = SqliteStore(path)
    assert store.props_get("props/script", "n") == str(INCREMENTS)
    store.close()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="gas-bench-shared-") as tmp:
        taken = takeovers(Path(tmp))
        walls = {(clock, n): throughput(Path(tmp), clock, n) for clock in ("virtual", "real") for n in (1, 8)}
    lines = [
        f"`{COMMAND}` ({time.strftime('%Y-%m-%d')}, on a loaded machine: other work was running).",
        "",
        f"Takeover of the script lock by a polling waiter, median of {ROUNDS} rounds (real ms):",
        "",
        "| the holder was | takeover | vs a clean release |",
        "| --- | --- | --- |",
    ]
    for how in ("released", "reaped", "zombie"):
        label = {"released": "released (baseline)", "reaped": "killed, reaped",
                 "zombie": "killed, not reaped (zombie)"}[how]
        lines.append(f"| {label} | {taken[how]:.1f} ms | {taken[how] / taken['released']:.2f}x |")
    lines += ["", f"(The lease alone would have taken up to {DEFAULT_LOCK_LEASE_MS / 1000:.0f} s.)", "",
              f"{INCREMENTS:,} locked read-increment-write executions (wall s):", "",
              "| clock | 1 process (baseline) | 8 processes | ratio |", "| --- | --- | --- | --- |"]
    for clock in ("virtual", "real"):
        one, eight = walls[(clock, 1)], walls[(clock, 8)]
        lines.append(f"| {clock} | {one:.2f} s | {eight:.2f} s | {eight / one:.2f}x |")
    body = "\n".join(["## Locks across processes (shared_store)", "", *lines])
    print(body)
    if args.write:
        write_section(RESULTS, SECTION, body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
