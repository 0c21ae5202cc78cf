"""``make demo``: the project's main job - IdService under 1,000 simultaneous requests.

1. ``gas_src/`` must match a fresh render of its templates (else exit 1, naming the files);
2. the rendered ``IdService.js`` (in V8) and the Python reference each serve the same 1,000
   simultaneous requests under one seed, the ``gas`` latency profile and every fault site on;
3. the two runs must be identical (trace, results, audit lines, final properties) and keep the
   invariants (unique, no unexplained gaps, ordered); the baseline serves the same requests beside;
4. a plain report and verdict is printed, and the HTML report is written to ``reports/``.

    python -m gas_emulator.demo [--seed 1] [--executions 1000] [--faults all]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

from .reference.conformance import differences, load_project
from .reference.entry import simRequest
from .reference.harness import IdRun, js_aligned, run_ids
from .reference.variants import baseline_counters, baselineRequest
from .sim.html import write_html
from .sim.report import CheckResult
from .sim.workload import Workload

#: The demo's callers: mostly single identifiers, some batches, request keys that repeat (retries),
#: all three priorities, all three types; 50 users, so nobody hits the 30-per-user limit.
SCENARIO = {"types": ["BDL", "ENG", "RET"], "counts": [1, 1, 1, 2, 5],
            "priorities": ["high", "normal", "normal", "low"], "keys": 200}
USERS = 50
REPORT_DIR = Path("reports") / "idservice-demo"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="IdService under N simultaneous requests.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--executions", type=int, default=1000)
    parser.add_argument("--faults", default="all", help="none, all, or site=p,... (gas-emu simulate --help)")
    parser.add_argument("--report-dir", type=Path, default=REPORT_DIR)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"IdService demo: {args.executions:,} simultaneous requests, latency gas, faults {args.faults}, "
          f"seed {args.seed}")
    from gas_codegen.render import render_all

    drift = render_all(check=True)
    if drift:
        print(f"  FAIL: gas_src/ differs from its templates: {', '.join(drift)} (run `gasctl generate`)")
        return 1
    print("  gas_src/ matches a fresh render of tools/codegen/templates: yes")
    js, py, base = _runs(args)
    diff = differences(py, js)
    ok = not diff and js.check.ok
    for line in _report_lines(js, py, base, diff):
        print("  " + line)
    js.report.checks = [CheckResult("idservice invariants", js.check.ok, "; ".join(js.check.problems())),
                        CheckResult("same as the Python reference", not diff, "; ".join(diff[:3]))]
    verdict = ("PASS: every identifier is unique, every number is accounted for, and the JavaScript "
               "and the Python reference did exactly the same") if ok else \
        "FAIL: " + "; ".join((js.check.problems() + diff)[:3])
    page = write_html(js.report, args.report_dir, verdict=verdict, baseline=base.report,
                      title=f"IdService demo: {args.executions:,} simultaneous requests, seed {args.seed}",
                      baseline_name="baseline (one waitLock around read, add one, write)")
    print(f"  HTML report: {page}")
    print(f"Verdict: {verdict} ({time.perf_counter() - started:.1f} s wall)")
    return 0 if ok else 1


def _runs(args) -> tuple[IdRun, IdRun, IdRun]:
    common = {"function": "simRequest", "args": (SCENARIO,), "executions": args.executions, "users": USERS}
    run = {"seed": args.seed, "latency": "gas", "faults": args.faults}
    js = run_ids(Workload(project=load_project(), root="gas_src", **common), **run)
    py = run_ids(Workload(callable=js_aligned(simRequest), **common), **run)
    base = run_ids(Workload(callable=baselineRequest, **common), counters=baseline_counters, **run)
    return js, py, base


def _report_lines(js: IdRun, py: IdRun, base: IdRun, diff: list[str]) -> list[str]:
    report, check = js.report, js.check
    summary = report.summary()
    issued = _issued_by_type(js)
    lat = summary["latency_ms"]
    same = "identical" if not diff else "DIFFERENT"
    rate = summary["throughput_per_s"] or 0.0
    return [
        f"IdService.js in V8 vs the Python reference: {same} (the same {len(report.trace):,} service calls "
        f"in the same order; trace sha256 {report.trace_hash} / {py.report.trace_hash})",
        f"Requests: {summary['succeeded']:,} of {summary['executions']:,} succeeded "
        f"({100 * summary['succeeded'] / summary['executions']:.1f} %); "
        f"the others, by reason: {_reasons(report) or 'none'}",
        f"Identifiers: {check.issued:,} new numbers issued "
        f"({', '.join(f'{t} {n:,}' for t, n in issued.items())}). "
        f"Callers received {check.delivered:,} identifiers (a request asks for 1 to 5): "
        f"{check.issued - check.undelivered:,} of the new ones, plus {check.replayed:,} repeats for requests "
        "that came again with a request key already served (a client retrying), which must get the same "
        "identifiers back, not new ones.",
        f"New numbers saved but never received (the caller was killed just after): {check.undelivered}; "
        f"numbers set aside with a reason: {check.voided}. Both are accounted for: they are not gaps.",
        f"Duplicates: {len(check.duplicates)}   Unexplained gaps: {len(check.gaps)}   "
        f"Out of order: {len(check.order)}",
        f"Time per request (virtual): half finished within {_s(lat['p50'])}, 95 % within {_s(lat['p95'])}, "
        f"99 % within {_s(lat['p99'])}. All {summary['executions']:,} arrive at the same instant and take "
        f"turns on one script lock ({rate:.1f} per second), so this is mostly waiting in line.",
        f"Quota cost: {_quota_per_id(js):.2f} property calls per new identifier.",
        f"Faults injected: {', '.join(f'{k} {v}' for k, v in report.faults_fired.items()) or 'none'}",
        f"Baseline (the same requests served the simple way: one waitLock(30000) around read, add one, "
        f"write): {_baseline(base)}",
    ]


def _issued_by_type(run: IdRun) -> dict[str, int]:
    from .reference.invariants import audit_events

    counts: Counter[str] = Counter()
    for lines in run.logs.values():
        counts.update(ev["type"] for ev in audit_events(lines) if ev["event"] == "issued")
    return dict(sorted(counts.items()))


def _reasons(report) -> str:
    reasons: Counter[str] = Counter()
    for message, count in report.errors().items():
        code, sep, _ = message.partition(": ")
        reasons[code if sep and code.isupper() else message] += count
    return ", ".join(f"{count} x {reason}" for reason, count in reasons.most_common())


def _quota_per_id(run: IdRun) -> float:
    calls = sum(1 for entry in run.report.trace if entry[2].startswith("properties."))
    return calls / max(1, run.check.issued)


def _baseline(base: IdRun) -> str:
    s = base.report.summary()
    return (f"{100 * s['succeeded'] / s['executions']:.1f} % succeeded, half within "
            f"{_s(s['latency_ms']['p50'])}, {_quota_per_id(base):.2f} property calls per new identifier, "
            f"duplicates {len(base.check.duplicates)}, unexplained gaps {len(base.check.gaps)}; "
            f"the others, by reason: {_reasons(base.report) or 'none'}")


def _s(ms: float | None) -> str:
    return "-" if ms is None else f"{ms / 1000:.2f} s"


if __name__ == "__main__":
    raise SystemExit(main())
