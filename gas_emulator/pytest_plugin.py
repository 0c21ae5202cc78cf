"""pytest plugin (entry point ``pytest11``): fixtures for a fresh emulator and an open execution.

    def test_counter(gas):                       # an open execution on a fresh emulator
        gas.PropertiesService.getScriptProperties().setProperty("n", "1")

    def test_two(gas_emulator):                  # the emulator itself
        with gas_emulator.execution(user="a@example.com") as ex: ...

    def test_release(gas_api):                   # the fake Apps Script API, on loopback (server mode)
        gas_api.script.projects().create(body={"title": "t"}).execute()
        gas_api.endpoint, gas_api.control_token  # for a tool under test (gasctl --api-endpoint ...)

    @pytest.mark.gas_emulator(seed=7, clock="real", user="alice@example.com",
                              settings=Settings(max_simultaneous_per_user=2))
    def test_configured(gas): ...                # the marker configures both fixtures

    def test_many(gas_emulator_factory):         # as many emulators as a test needs
        a, b = gas_emulator_factory(seed=1), gas_emulator_factory(seed=2)

The marker takes ``Emulator``'s keyword arguments (``settings``, ``seed``, ``clock``, ``store``,
``time_zone``, ...) and ``user`` (who runs the ``gas`` execution).

Simulation support (running a workload in a test, with the replay command printed on failure) is
in ``gas_emulator.sim.pytest_support`` and exposed here as the ``gas_simulate`` fixture.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .emulator import DEFAULT_USER, Emulator

MARKER = "gas_emulator"
#: Marker options that are not Emulator arguments.
EXECUTION_OPTIONS = ("user",)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}(**options): Emulator options for the gas_emulator and gas "
                                       "fixtures (settings=, seed=, clock=, store=, time_zone=, user=)")


def _marker_options(request: pytest.FixtureRequest) -> dict:
    options: dict = {}
    for mark in reversed(list(request.node.iter_markers(MARKER))):  # the closest marker wins
        if mark.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword options only, not {mark.args!r}")
        options.update(mark.kwargs)
    return options


@pytest.fixture
def gas_emulator_factory() -> Callable[..., Emulator]:
    """Build emulators with any ``Emulator`` keyword arguments: ``gas_emulator_factory(seed=3)``."""
    known = set(inspect.signature(Emulator).parameters)

    def make(**options) -> Emulator:
        unknown = sorted(set(options) - known)
        if unknown:
            raise pytest.UsageError(f"unknown emulator options {', '.join(unknown)} "
                                    f"(known: {', '.join(sorted(known))})")
        return Emulator(**options)

    return make


@pytest.fixture
def gas_emulator(request: pytest.FixtureRequest, gas_emulator_factory) -> Emulator:
    """A fresh emulator: in-memory store, virtual clock, zero latency, no faults (or as marked)."""
    options = {k: v for k, v in _marker_options(request).items() if k not in EXECUTION_OPTIONS}
    return gas_emulator_factory(**options)


@pytest.fixture
def gas(request: pytest.FixtureRequest, gas_emulator: Emulator):
    """An open execution on ``gas_emulator`` (user ``user@example.com``, or the marker's ``user``)."""
    user = _marker_options(request).get("user", DEFAULT_USER)
    with gas_emulator.execution(user=user) as ex:
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
