"""Fixtures for the fake Apps Script API: a server on a free loopback port per test (MemoryStore,
virtual clock), driven by the real google-api-python-client whose every answer is schema-checked."""

from __future__ import annotations

from typing import Any

import pytest

from gas_emulator.api_server import FakeApiServer
from gas_emulator.api_server.testing import CheckedRequest, checked_client
from gas_emulator.clock import VirtualClock
from gas_emulator.store.memory import MemoryStore


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def server(store: MemoryStore, clock: VirtualClock) -> Any:
    with FakeApiServer(store, clock=clock) as srv:
        yield srv


@pytest.fixture
def api(server: FakeApiServer) -> Any:
    CheckedRequest.slept = []
    return checked_client(server)


@pytest.fixture
def new_project(api: Any) -> Any:
    def make(title: str = "t") -> str:
        return api.projects().create(body={"title": title}).execute()["scriptId"]

    return make
