"""Benchmark: cost per call of Properties, Cache and Lock through the Python facade.

    .venv/bin/python -m bench.services            # print the table
    .venv/bin/python -m bench.services --write    # ... and update the `services` section of bench/RESULTS.md

Each call goes the whole way a script's call goes (``ex.service_call``: deadline, faults, latency,
trace; the daily quota for Properties; the store), measured against a plain dict access in the same
run, so the ratio holds across machines. In memory: the default emulator (virtual clock, zero
latency). On SQLite: ``Emulator(store=SqliteStore(path), clock="real")``, the multi-process setup,
where locks go through the store. Every figure is the best of several repeats (other processes on
the machine only ever make a run slower). The quota is reset between repeats (Workspace account:
the consumer 50,000-a-day quota would stop the loop).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gas_emulator import Emulator, Settings
from gas_emulator.markers import write_section
from gas_emulator.store.sqlite import SqliteStore

RESULTS = Path(__file__).with_name("RESULTS.md")
SECTION = "services"
COMMAND = ".venv/bin/python -m bench.services --write"
TARGET_US = 5.0  # brief: 5 µs or less per in-memory call (fakeredis: 60-90 µs per command)


def _get_property(ex) -> Callable[[], object]:
    props = ex.PropertiesService.getScriptProperties()
    props.setProperty("k", "v")
    return lambda: props.getProperty("k")


def _set_property(ex) -> Callable[[], object]:
    props = ex.PropertiesService.getScriptProperties()
    return lambda: props.setProperty("k", "v")


def _cache_put(ex) -> Callable[[], object]:
    cache = ex.CacheService.getScriptCache()
    return lambda: cache.put("k", "v")


def _cache_get(ex) -> Callable[[], object]:
    cache = ex.CacheService.getScriptCache()
    cache.put("k", "v")
    return lambda: cache.get("k")


def _lock_pair(ex) -> Callable[[], object]:
    lock = ex.LockService.getScriptLock()

    def pair() -> None:
        lock.tryLock(0)
        lock.releaseLock()

    return pair


CASES: dict[str, Callable] = {
    "getProperty": _get_property,
    "setProperty": _set_property,
    "cache.put": _cache_put,
    "cache.get": _cache_get,
    "tryLock+releaseLock": _lock_pair,
}
CALLS_PER_OP = {"tryLock+releaseLock": 2}  # service calls in one operation (others: 1)
BASELINES: dict[str, str] = {  # the plain-dict operation each case is compared with
    "getProperty": "get", "setProperty": "set", "cache.put": "set", "cache.get": "get",
    "tryLock+releaseLock": "get",
}


def _loop(fn: Callable[[], object], n: int) -> float:
    start = time.perf_counter_ns()
    for _ in range(n):
        fn()
    return (time.perf_counter_ns() - start) / n / 1000.0


def dict_baseline(n: int, repeats: int) -> dict[str, float]:
    d: dict[str, str] = {"k": "v"}

    def put() -> None:
        d["k"] = "v"

    return {"get": min(_loop(lambda: d.get("k"), n) for _ in range(repeats)),
            "set": min(_loop(put, n) for _ in range(repeats))}


def facade(emu: Emulator, case: Callable, n: int, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        emu.store.reset()  # fresh quota and state for every repeat
        with emu.execution() as ex:
            best = min(best, _loop(case(ex), n))
    return best


def run(n_memory: int, n_sqlite: int, repeats: int) -> list[dict]:
    settings = Settings(account="workspace")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_store = SqliteStore(Path(tmp) / "bench.sqlite")
        for name, case in CASES.items():
            base = dict_baseline(n_memory, repeats)  # beside each case: load on the machine drifts
            memory_us = facade(Emulator(settings=settings), case, n_memory, repeats)
            sqlite_us = facade(Emulator(store=sqlite_store, clock="real", settings=settings), case,
                               n_sqlite, repeats)
            rows.append({"op": name, "dict_us": base[BASELINES[name]], "memory_us": memory_us,
                         "sqlite_us": sqlite_us})
        sqlite_store.close()
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| operation | plain dict (µs) | memory (µs) | memory per call (µs) | memory / dict "
             "| SQLite (µs) | SQLite / memory |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        per_call = r["memory_us"] / CALLS_PER_OP.get(r["op"], 1)
        lines.append(f"| {r['op']} | {r['dict_us']:.3f} | {r['memory_us']:.2f} | {per_call:.2f} | "
                     f"{r['memory_us'] / r['dict_us']:.0f}x | {r['sqlite_us']:.1f} | "
                     f"{r['sqlite_us'] / r['memory_us']:.0f}x |")
    return "\n".join(lines)


def section(rows: list[dict], n_memory: int, n_sqlite: int, repeats: int) -> str:
    worst = max(r["memory_us"] / CALLS_PER_OP.get(r["op"], 1) for r in rows)
    verdict = "met" if worst <= TARGET_US else "NOT met"
    return "\n".join([
        "## services: cost per call through the Python facade",
        "",
        f"Command: `{COMMAND}` ({n_memory:,} calls in memory, {n_sqlite:,} on SQLite, best of {repeats}).",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, "
        f"SQLite {__import__('sqlite3').sqlite_version}, measured {time.strftime('%Y-%m-%d')}.",
        "",
        table(rows),
        "",
        f"Target: {TARGET_US:g} µs or less per in-memory service call: {verdict} "
        f"(slowest: {worst:.2f} µs per call). "
        "For scale, fakeredis takes 60-90 µs per command (figure from the brief, not measured here).",
        "The lock row is one tryLock plus one releaseLock (two service calls). On SQLite the clock is",
        "real and locks live in the store (the multi-process set-up); each call is one transaction.",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--quick", action="store_true", help="fewer calls (a smoke run)")
    args = parser.parse_args(argv)
    n_memory, n_sqlite, repeats = (2_000, 200, 2) if args.quick else (20_000, 2_000, 5)
    rows = run(n_memory, n_sqlite, repeats)
    print(table(rows))
    if args.write:
        write_section(RESULTS, SECTION, section(rows, n_memory, n_sqlite, repeats))
        print(f"wrote section '{SECTION}' of {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
