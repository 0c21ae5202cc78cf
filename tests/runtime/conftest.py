"""Fixtures for the V8 runtime tests: the sample projects under tests/fixtures/gas_* and emulators."""

from __future__ import annotations

from pathlib import Path

import pytest

from gas_emulator import Emulator
from gas_emulator.runtime import Project

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _load(name: str) -> Project:
    root = FIXTURES / name
    if (root / ".clasp.json").is_file():
        return Project.from_directory(root / "src", root / ".clasp.json")
    return Project.from_directory(root)


@pytest.fixture(scope="session")
def load():
    """``load(name)``: the sample project ``tests/fixtures/<name>``."""
    return _load


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def app() -> Project:
    return _load("gas_app")


@pytest.fixture
def emu() -> Emulator:
    return Emulator()
