"""Fixtures for the service tests: the same behaviour suite on MemoryStore and SqliteStore.

``store`` is parametrised (``memory``, ``sqlite``); ``emu`` is a fresh emulator on it (virtual clock,
zero latency, no faults); ``ex`` is an open execution by ``user@example.com``.
"""

from __future__ import annotations

import pytest

from gas_emulator import Emulator
from gas_emulator.store.memory import MemoryStore
from gas_emulator.store.sqlite import SqliteStore

STORE_KINDS = ("memory", "sqlite")


def make_store(kind: str, tmp_path):
    if kind == "memory":
        return MemoryStore()
    return SqliteStore(tmp_path / "state.sqlite")


@pytest.fixture(params=STORE_KINDS)
def store(request, tmp_path):
    made = make_store(request.param, tmp_path)
    yield made
    if isinstance(made, SqliteStore):
        made.close()


@pytest.fixture
def emu(store) -> Emulator:
    return Emulator(store=store)


@pytest.fixture
def ex(emu):
    with emu.execution() as execution:
        yield execution
