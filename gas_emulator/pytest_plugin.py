"""pytest plugin (entry point ``pytest11``): fixtures for a fresh emulator and an open execution.

    def test_counter(gas):                       # an open execution on a fresh emulator
        gas.PropertiesService.getScriptProperties().setProperty("n", "1")

    def test_two(gas_emulator):                  # the emulator itself
        with gas_emulator.execution(user="a@example.com") as ex: ...

Simulation support (running a workload in a test, with the replay command printed on failure) is
in ``gas_emulator.sim.pytest_support`` and exposed here as the ``gas_simulate`` fixture.
"""

from __future__ import annotations

import pytest

from .emulator import Emulator


@pytest.fixture
def gas_emulator() -> Emulator:
    """A fresh emulator: in-memory store, virtual clock, zero latency, no faults."""
    return Emulator()


@pytest.fixture
def gas(gas_emulator: Emulator):
    """An open execution on ``gas_emulator`` (user ``user@example.com``)."""
    with gas_emulator.execution() as ex:
        yield ex


@pytest.fixture
def gas_simulate():
    """Run a simulation in a test; a failed check fails the test with its replay command."""
    from .sim.pytest_support import simulate_in_test

    return simulate_in_test
