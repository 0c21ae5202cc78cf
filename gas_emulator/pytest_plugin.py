"""pytest plugin (entry point ``pytest11``): fixtures for a fresh emulator and an open execution.

    def test_counter(gas):                       # an open execution on a fresh emulator
        gas.PropertiesService.getScriptProperties().setProperty("n", "1")

    def test_two(gas_emulator):                  # the emulator itself
        with gas_emulator.execution(user="a@example.com") as ex: ...

    def test_release(gas_api):                   # the fake Apps Script API, on loopback (server mode)
        gas_api.script.projects().create(body={"title": "t"}).execute()
        gas_api.endpoint, gas_api.control_token  # for a tool under test (gasctl --api-endpoint ...)

Simulation support (running a workload in a test, with the replay command printed on failure) is
in ``gas_emulator.sim.pytest_support`` and exposed here as the ``gas_simulate`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class FakeApi:
    """What ``gas_api`` yields: where the fake listens, its control token, and ready clients."""

    endpoint: str  # "http://127.0.0.1:<port>"; clients take it as client_options api_endpoint
    control_token: str  # for /__control/* (header X-Gas-Emu-Control-Token)
    script: Any  # build("script", "v1", static_discovery=True) pointed at the fake
    server: Any  # the FakeApiServer: update_settings(...), reset(), store, clock

    def logging(self) -> Any:
        """``build("logging", "v2")`` on the fake's Cloud Logging ``entries.list``."""
        return self.server.build_client(api="logging", version="v2")


@pytest.fixture
def gas_api() -> Iterator[FakeApi]:
    """A fresh fake Apps Script API on a free loopback port for one test (in-memory store, virtual
    clock, real V8 executions), stopped afterwards."""
    from .api_server import FakeApiServer  # imported here: it loads V8, which most tests never need
    from .clock import VirtualClock

    with FakeApiServer(clock=VirtualClock()) as server:
        yield FakeApi(server.base_url, server.control_token, server.build_client(), server)
