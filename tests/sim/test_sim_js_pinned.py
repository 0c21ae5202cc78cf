"""JavaScript trace hashes pinned to the values the runtime gave before issue #19's speed work.

Whatever carries JavaScript executions (threads, isolates, cached scripts), the same seed must give
the same trace byte for byte: these hashes were recorded with the runtime as it was on main when
issue #19 started (one V8 lock per park, a fresh thread per execution), so a faster carrier that
changes any interleaving, latency draw or Math.random value fails here.
"""

from __future__ import annotations

import pytest
from sim_helpers import JS_LOCKED, JS_NO_LOCK

runtime = pytest.importorskip("gas_emulator.runtime")

from gas_emulator.sim.runner import simulate  # noqa: E402
from gas_emulator.sim.workload import Workload  # noqa: E402

# (project, executions, users, seed, faults) -> sha256 of the trace, recorded before the change
PINNED = [
    (JS_LOCKED, 30, 5, 3, "none", 120, "867e4b68c0cb370fe3cda55b80cb245ce36327cdd6c8a81ffe7e792e8d2c79ea"),
    (JS_NO_LOCK, 30, 5, 4, "none", 60, "e443810a70d057f68a863239ccd5c8b4c9218096193ab0117a9c5de171ab2c28"),
    (JS_LOCKED, 20, 4, 7, "all", 80, "649bdd0df6fe7095ad5b52516efeb0a1159a144d606ab4d5eb814818fb380715"),
]


@pytest.mark.parametrize(("root", "executions", "users", "seed", "faults", "entries", "expected"),
                         PINNED, ids=["locked", "no-lock", "locked-faults"])
def test_javascript_trace_hash_is_the_pinned_one(root, executions, users, seed, faults, entries,
                                                 expected):
    wl = Workload(function="nextId", root=str(root), executions=executions, users=users)
    report = simulate(wl, seed=seed, faults=faults)
    assert len(report.trace) == entries
    assert report.trace_hash == expected


def test_javascript_math_random_values_are_the_pinned_ones():
    wl = Workload(function="randomToken", root=str(JS_NO_LOCK), executions=3)
    assert simulate(wl, seed=2).results() == [0.2333242763537181, 0.7581142521868152,
                                              0.6072977853982067]
