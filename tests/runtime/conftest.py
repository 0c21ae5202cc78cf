"""Fixtures for the V8 runtime tests: the sample projects under tests/fixtures/gas_* and emulators."""

from __future__ import annotations

import json
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


def one_file(source: str, zone: str | None = "America/New_York") -> Project:
    """A project of one file ``Code`` and a manifest naming ``zone`` (no timeZone key when None)."""
    manifest = "{}" if zone is None else json.dumps({"timeZone": zone, "runtimeVersion": "V8"})
    return Project.from_files([{"name": "appsscript", "type": "JSON", "source": manifest},
                               {"name": "Code", "type": "SERVER_JS", "source": source}])


@pytest.fixture(scope="session")
def one_file_project():
    """``one_file_project(source, zone)``: see one_file."""
    return one_file


@pytest.fixture
def js():
    """``js(expression, zone)``: the value of a JavaScript expression in a project of that zone."""
    from gas_emulator.runtime import run_function

    def evaluate(expression: str, zone: str = "America/New_York") -> object:
        project = one_file(f"function f() {{ return {expression}; }}", zone)
        return run_function(Emulator(), project, "f").unwrap()
    return evaluate
