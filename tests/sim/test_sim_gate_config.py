"""The gate's configuration is checked before anything runs."""

from __future__ import annotations

import pytest

from gas_emulator.sim.gate import run_gate
from gas_emulator.sim.workload import WorkloadError


def test_gate_needs_a_function():
    with pytest.raises(WorkloadError, match='needs "function", the name of a function to simulate'):
        run_gate(object(), {"executions": 3})


def test_gate_refuses_unknown_keys():
    with pytest.raises(WorkloadError, match=r"unknown keys exectuions \(known: "):
        run_gate(object(), {"function": "f", "exectuions": 3})


def test_gate_refuses_bad_faults():
    with pytest.raises(ValueError, match="unknown fault site 'boom'"):
        run_gate(object(), {"function": "f", "faults": "boom=1"})
