"""Per-execution timelines rebuilt from a recorded run: service calls, lock waits, locks held.

Input: the recorder's spans (start and end of each service call, in call order per execution),
the canonical trace (the outcome of each call, same order), and the lock hand-offs. A lock
acquisition that had to wait ends at the hand-off to that execution (or at its timeout); a lock is
held until its ``lock.release`` call or the end of the execution. Times are virtual ms from the
start of the run.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

#: Times in reports are rounded to 3 decimals (µs); comparisons across them allow that much.
_ROUNDING = 0.001


@dataclass
class Timeline:
    calls: list[tuple] = field(default_factory=list)  # (op, key, start, end, outcome)
    waits: list[tuple] = field(default_factory=list)  # (lock, start, end, outcome)
    holds: list[tuple] = field(default_factory=list)  # (lock, start, end)

    @property
    def wait_ms(self) -> float:
        return sum(end - start for _, start, end, _ in self.waits)

    def to_dict(self) -> dict:
        return {"calls": [list(c) for c in self.calls], "waits": [list(w) for w in self.waits],
                "holds": [list(h) for h in self.holds]}


def build_timelines(spans: dict[str, list[tuple]], trace: list[list],
                    handoffs: dict[str, list[tuple[str, float]]], end_ms: dict[str, float],
                    origin_ms: float) -> dict[str, Timeline]:
    """``spans`` and ``handoffs`` are in absolute virtual ms; the result is relative to ``origin_ms``."""
    outcomes: dict[str, list] = defaultdict(list)
    for entry in trace:
        outcomes[entry[0]].append(entry[4])
    timelines = {}
    for name, calls in spans.items():
        rel = [(op, key, start - origin_ms, end - origin_ms) for op, key, start, end in calls]
        grants = deque((lock, t - origin_ms) for lock, t in handoffs.get(name, ()))
        end = end_ms[name] - origin_ms if name in end_ms else rel[-1][3]
        timelines[name] = _one(rel, outcomes.get(name, []), grants, end)
    return timelines


def _one(calls: list[tuple], outcomes: list, grants: deque, end: float) -> Timeline:
    tl = Timeline()
    held: dict[str, float] = {}
    for i, (op, key, start, stop) in enumerate(calls):
        outcome = outcomes[i] if i < len(outcomes) else "(ended)"
        tl.calls.append((op, key, round(start, 3), round(stop, 3), outcome))
        next_start = calls[i + 1][2] if i + 1 < len(calls) else end
        if op == "lock.acquire":
            _acquire(tl, held, grants, key, outcome, stop, next_start)
        elif op == "lock.release" and outcome == "released" and key in held:
            tl.holds.append((key, round(held.pop(key), 3), round(stop, 3)))
    for key, since in held.items():
        tl.holds.append((key, round(since, 3), round(end, 3)))
    return tl


def _acquire(tl: Timeline, held: dict, grants: deque, key: str, outcome: object, stop: float,
             next_start: float) -> None:
    if outcome == "acquired":
        # Bounds with a tolerance: an execution's end is kept rounded to the µs, so a grant at
        # the very instant it ends (killed by its next call) could otherwise fall just outside.
        if grants and grants[0][0] == key and stop - _ROUNDING <= grants[0][1] <= next_start + _ROUNDING:
            granted = grants.popleft()[1]
            if granted > stop:
                tl.waits.append((key, round(stop, 3), round(granted, 3), "acquired"))
            held[key] = granted
        else:
            held[key] = stop
    elif outcome == "timeout":
        tl.waits.append((key, round(stop, 3), round(next_start, 3), "timeout"))
