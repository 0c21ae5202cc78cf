"""IdService against the baseline: the brief's targets measured in the same run (not a test).

Both serve the same simultaneous single-identifier requests (type BDL, ordered) under the simulator
with the ``gas`` latency profile, 30 and 1,000 at once, with no faults and with every fault site on,
over a few seeds each. Figures: latency p50/p95/p99 and mean (all requests, and successful ones),
share of requests that succeed, identifiers per virtual second, property (quota-consuming) calls per
identifier, duplicates and unexplained gaps, and the time to serve an identifier from a reserved block.
The Python forms run here; the rendered JavaScript is proven call-for-call identical (tests/reference).

    .venv/bin/python bench/idservice.py            # prints the markdown section
    .venv/bin/python bench/idservice.py --write    # also updates bench/RESULTS.md (idservice section)
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from gas_emulator import Emulator
from gas_emulator.markers import write_section
from gas_emulator.reference import IdService
from gas_emulator.reference.entry import simRequest
from gas_emulator.reference.harness import IdRun, run_ids
from gas_emulator.reference.variants import baseline_counters, baselineRequest
from gas_emulator.sim.latency import GasLatency
from gas_emulator.sim.workload import Workload

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
SCENARIO = {"types": ["BDL"]}
USERS = 50
SEEDS = (1, 2, 3)
CASES = [(30, "none"), (30, "all"), (1000, "none"), (1000, "all")]


def measure(fn, executions: int, faults: str, seed: int, counters=None, scenario=None) -> dict:
    wl = Workload(function="request", callable=fn, args=(scenario or SCENARIO,), executions=executions,
                  users=USERS)
    run: IdRun = run_ids(wl, seed=seed, latency="gas", faults=faults, counters=counters)
    recs = run.report.executions
    all_ms = sorted(r.end_ms - r.start_ms for r in recs
                    if r.end_ms is not None and r.start_ms is not None)
    ok_ms = sorted(r.end_ms - r.start_ms for r in recs if r.ok)
    issued = run.check.issued
    calls = sum(1 for e in run.report.trace if e[2].startswith("properties."))
    return {"p50": _pct(all_ms, 50), "p95": _pct(all_ms, 95), "p99": _pct(all_ms, 99),
            "mean": statistics.fmean(all_ms), "mean_ok": statistics.fmean(ok_ms) if ok_ms else float("nan"),
            "ok": sum(r.ok for r in recs) / len(recs), "ids_per_s": issued / (run.report.virtual_ms() / 1000),
            "calls_per_id": calls / max(1, issued), "dups": len(run.check.duplicates),
            "gaps": len(run.check.gaps)}


def _pct(values: list[float], p: int) -> float:
    return values[max(1, -(-p * len(values) // 100)) - 1] if values else float("nan")


def averaged(fn, executions: int, faults: str, counters=None, scenario=None) -> dict:
    runs = [measure(fn, executions, faults, seed, counters, scenario) for seed in SEEDS]
    out = {k: statistics.fmean(r[k] for r in runs) for k in runs[0] if k not in ("dups", "gaps")}
    out["dups"] = sum(r["dups"] for r in runs)
    out["gaps"] = sum(r["gaps"] for r in runs)
    return out


def block_serve_ms() -> float:
    """Virtual ms to serve one identifier from an already reserved block (mean of 50, gas latency)."""
    emu = Emulator(latency=GasLatency())
    with emu.execution() as ex:
        svc = IdService(ex)
        svc.cache.preGenerateIds("RET", 50)
        started = ex.now_ms()
        for _ in range(50):
            svc.cache.getCachedId("RET")
        return (ex.now_ms() - started) / 50


def table() -> str:
    rows = ["| requests | faults | form | p50 s | p95 s | p99 s | mean s (all) | mean s (ok) | succeeded | "
            "ids / virtual s | property calls / id | dups | gaps |", "|" + " --- |" * 13]
    ratios = []
    for executions, faults in CASES:
        ref = averaged(simRequest, executions, faults)
        base = averaged(baselineRequest, executions, faults, baseline_counters)
        for name, m in (("reference", ref), ("baseline", base)):
            rows.append(f"| {executions:,} | {faults} | {name} | {m['p50'] / 1000:.2f} | "
                        f"{m['p95'] / 1000:.2f} | {m['p99'] / 1000:.2f} | {m['mean'] / 1000:.2f} | "
                        f"{m['mean_ok'] / 1000:.2f} | "
                        f"{100 * m['ok']:.1f} % | {m['ids_per_s']:.2f} | {m['calls_per_id']:.2f} | "
                        f"{m['dups']} | {m['gaps']} |")
        ratios.append(f"| {executions:,} | {faults} | {ref['mean'] / base['mean']:.2f} | "
                      f"{ref['mean_ok'] / base['mean_ok']:.2f} | "
                      f"{ref['calls_per_id'] / base['calls_per_id']:.2f} | "
                      f"{100 * ref['ok']:.1f} % vs {100 * base['ok']:.1f} % | "
                      f"{ref['ids_per_s'] / base['ids_per_s']:.2f} |")
    head = ["", "Ratios, reference / baseline (targets: mean latency <= 0.50, property calls per id "
            "<= 0.70, >= 99.9 % succeeding, zero duplicates):", "",
            "| requests | faults | mean latency (all) | mean latency (ok) | property calls / id | "
            "succeeded | ids / virtual s |", "|" + " --- |" * 7]
    batch = {"types": ["BDL"], "counts": [5]}
    ref = averaged(simRequest, 30, "none", scenario=batch)
    base = averaged(baselineRequest, 30, "none", baseline_counters, scenario=batch)
    return "\n".join(rows + head + ratios) + (
        "\n\nBatches of 5 (30 requests at once, no faults): mean latency ratio "
        f"{ref['mean'] / base['mean']:.2f}, "
        f"property calls per identifier {ref['calls_per_id']:.2f} vs {base['calls_per_id']:.2f} "
        f"(ratio {ref['calls_per_id'] / base['calls_per_id']:.2f}).\n\n"
        f"Serving one identifier from a reserved block: {block_serve_ms():.2f} ms (target < 100 ms).\n")


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    body = table()
    section = ("## idservice: reference vs baseline\n\nCommand: "
               "`.venv/bin/python bench/idservice.py --write` (gas latency profile, seeds "
               f"{', '.join(map(str, SEEDS))} averaged, {USERS} users, single BDL "
               f"identifiers; {time.perf_counter() - started:.0f} s wall).\n\n" + body)
    print(section)
    if "--write" in argv:
        write_section(RESULTS, "idservice", section + NOTES)
    return 0


NOTES = """
What the figures say (see also spec/latency-model.md "What follows for a lock-guarded counter"):

- **Quota**: the reference spends one read and one write per request (the quota count, metrics,
  reservations and request-key answers ride in that one write); the baseline spends two reads and a
  write. Batches and reserved blocks divide the reference's two calls by the batch size.
- **Latency**: one script lock serialises every caller in both forms, so under load latency is the
  time spent queueing, set by the lock hold time: reference read + write + release (about 30 + 62 + 30
  ms) against the baseline's two reads + write + release (about 30 + 30 + 62 + 30 ms). That is a
  ratio near 0.80 (measured 0.84 at 30 requests), not 0.50: a 50 % cut would need a critical
  section of about 75 ms, less than one property write (mean 62 ms, heavy tail) plus the
  release, so it cannot be met for single identifiers inside Apps Script's limits while properties
  stay the source of truth. It is met for identifiers served from reserved blocks (0 ms, no service
  call) and for batches (one critical section per batch).
- **1,000 at once**: the baseline's callers give up after one 30 s waitLock (lock timeouts); the
  reference retries (5 attempts, backoff) within the 6-minute cap, so nearly all succeed but wait
  their turn: its mean latency over all requests is *higher* than the baseline's, whose failures
  are fast. Throughput is capped near 8-10 identifiers per second by the lock in both.
- **Faults on**: `kill` ends about 1 % of executions (p = 0.001 per call, ~9 calls per request), so
  99.9 % success is out of reach with that fault on by construction; no duplicates or unexplained
  gaps appear in the reference, while the baseline shows gaps (a kill at its lock release leaves a
  written, unaudited number).
"""


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
