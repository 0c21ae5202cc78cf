"""Shared helpers for the simulator tests (imported as ``sim_helpers``): fixture paths, builders."""

from __future__ import annotations

from pathlib import Path

from gas_emulator.sim.workload import Workload

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PY_WORKLOADS = FIXTURES / "sim_py" / "sim_counters.py"
JS_NO_LOCK = FIXTURES / "sim_counter_nolock"
JS_LOCKED = FIXTURES / "sim_counter_locked"


def py_workload(function: str, **kw) -> Workload:
    return Workload(function=function, python=str(PY_WORKLOADS), **kw)
