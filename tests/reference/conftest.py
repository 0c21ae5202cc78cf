"""Fixtures for IdService's reference tests: a fresh emulator (virtual clock, zero latency)."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator
from gas_emulator.reference.config import default_config


@pytest.fixture
def emu() -> Emulator:
    return Emulator()


@pytest.fixture
def cfg():
    return default_config()
