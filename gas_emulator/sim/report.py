"""The outcome of one simulated run: per-execution results, statistics, the trace and its hash.

``Report.to_dict()`` is the ``--json`` document (stable keys, JSON-able values); ``trace_hash`` is
the sha256 of the canonical trace (one JSON array per line, sorted keys, no spaces), so the same
seed gives the same hash on any machine. Rendering for people lives in ``render.py`` / ``html.py``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import TooManySimultaneousScript, TooManySimultaneousUser

REFUSALS = (TooManySimultaneousUser.MESSAGE, TooManySimultaneousScript.MESSAGE)


@dataclass
class ExecutionRecord:
    index: int
    name: str
    user: str
    arrival_ms: float
    start_ms: float | None = None
    end_ms: float | None = None
    result: Any = None
    error: str | None = None
    error_type: str | None = None
    service_calls: int = 0
    lock_wait_ms: float = 0.0

    @property
    def refused(self) -> bool:
        return self.error in REFUSALS

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        return {"name": self.name, "index": self.index, "user": self.user, "result": self.result,
                "error": self.error, "error_type": self.error_type, "arrival_ms": self.arrival_ms,
                "start_ms": self.start_ms, "end_ms": self.end_ms,
                "service_calls": self.service_calls, "lock_wait_ms": round(self.lock_wait_ms, 3)}


@dataclass
class CheckResult:
    name: str
    ok: bool
    message: str = ""

    def to_dict(self) -> dict:
        return {"name": self.name, "ok": self.ok, "message": self.message}


@dataclass
class Report:
    seed: int
    latency: str
    faults: str
    executions: list[ExecutionRecord]
    trace: list[list]
    lock_stats: dict
    quota_by_user: dict[str, int]
    faults_fired: dict[str, int]
    wall_s: float
    replay_command: str = ""
    checks: list[CheckResult] = field(default_factory=list)
    mode: str = "simulate"
    #: Service calls when there is no trace to count them from (stress runs).
    call_count: int | None = None
    #: Builds the per-execution timelines on first use (the HTML page and tests need them; a
    #: plain run or an explored seed does not, and building them cost ~10 % of a run).
    timeline_builder: Callable[[], dict] | None = field(default=None, repr=False)
    _timeline: dict | None = field(default=None, init=False, repr=False)

    @property
    def timeline(self) -> dict:
        """Execution name -> its :class:`~gas_emulator.sim.timeline.Timeline` (html.py)."""
        if self._timeline is None:
            builder, self.timeline_builder = self.timeline_builder, None
            self._timeline = builder() if builder is not None else {}
        return self._timeline

    @timeline.setter
    def timeline(self, value: dict) -> None:
        self._timeline, self.timeline_builder = value, None

    # ------------------------------------------------------------------ derived figures
    @property
    def trace_hash(self) -> str:
        return trace_hash(self.trace)

    @property
    def reproducible(self) -> bool:
        """Simulated runs replay from their seed; stress runs (real time, real threads) do not."""
        return not self.mode.startswith("stress")

    @property
    def time_kind(self) -> str:
        return "virtual" if self.reproducible else "real"

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.ok]

    def results(self) -> list[Any]:
        return [r.result for r in self.executions if r.ok]

    def errors(self) -> Counter[str]:
        return Counter(r.error for r in self.executions if r.error is not None)

    def durations(self) -> list[float]:
        return [r.end_ms - r.start_ms for r in self.executions
                if not r.refused and r.end_ms is not None and r.start_ms is not None]

    def virtual_ms(self) -> float:
        ends = [r.end_ms for r in self.executions if r.end_ms is not None]
        return max(ends, default=0.0)

    def summary(self) -> dict:
        durations = sorted(self.durations())
        span_s = self.virtual_ms() / 1000.0
        ok = sum(1 for r in self.executions if r.ok)
        calls = len(self.trace) if self.call_count is None else self.call_count
        return {
            "executions": len(self.executions), "succeeded": ok,
            "failed": len(self.executions) - ok,
            "refused": sum(1 for r in self.executions if r.refused),
            "latency_ms": {"p50": percentile(durations, 50), "p95": percentile(durations, 95),
                           "p99": percentile(durations, 99),
                           "max": round(durations[-1], 3) if durations else None},
            "virtual_ms": round(self.virtual_ms(), 3),
            "throughput_per_s": round(ok / span_s, 3) if span_s > 0 else None,
            "service_calls": calls, "wall_s": round(self.wall_s, 4),
            "calls_per_wall_s": round(calls / self.wall_s) if self.wall_s > 0 else None,
            "virtual_over_wall": round(span_s / self.wall_s, 2) if self.wall_s > 0 else None,
        }

    def to_dict(self, include_trace: bool = False) -> dict:
        doc = {
            "mode": self.mode, "seed": self.seed, "latency": self.latency, "faults": self.faults,
            "ok": self.ok, "summary": self.summary(),
            # stress runs are not reproducible: no trace, no hash
            "trace_hash": self.trace_hash if self.reproducible else None,
            "time": self.time_kind,
            "errors": dict(sorted(self.errors().items(), key=lambda kv: (-kv[1], kv[0]))),
            "locks": self.lock_stats, "quota_by_user": self.quota_by_user,
            "faults_fired": self.faults_fired,
            "checks": [c.to_dict() for c in self.checks],
            "replay_command": self.replay_command,
            "executions": [r.to_dict() for r in self.executions],
        }
        if include_trace:
            doc["trace"] = self.trace
        return doc


_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def canonical_trace(trace: list[list]) -> str:
    """JSON lines: one array per service call, sorted keys, no spaces, non-JSON values as str."""
    encode = _CANONICAL.encode
    return "".join([encode(entry) + "\n" for entry in trace])


def trace_hash(trace: list[list]) -> str:
    return hashlib.sha256(canonical_trace(trace).encode("utf-8")).hexdigest()


def percentile(sorted_values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile of already sorted values (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(pct / 100.0 * len(sorted_values)))
    return round(sorted_values[rank - 1], 3)


_SCALARS = (str, int, bool)  # floats may be NaN/inf: they take the round trip


def jsonable(value: Any) -> Any:
    """A JSON-able copy of a workload's return value (unknown objects become their repr)."""
    kind = type(value)
    if value is None or kind in _SCALARS:
        return value  # the common case, without a JSON round trip
    # flat lists and objects of scalars (most results): what the round trip would give, cheaply
    if (kind is list or kind is tuple) and all(v is None or type(v) in _SCALARS for v in value):
        return list(value)
    if kind is dict and all(type(k) is str and (v is None or type(v) in _SCALARS)
                            for k, v in value.items()):
        return dict(value)
    try:
        return json.loads(json.dumps(value, default=repr))
    except (TypeError, ValueError):
        return repr(value)
