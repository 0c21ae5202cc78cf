"""engine.stop_all (Ctrl-C) reaches an execution that was starting V8 at that very moment: it must
not go on to run JavaScript that nothing would ever end (seen: a Ctrl-C'd simulate that never
exited, 1 full test run in 4 under load)."""

from __future__ import annotations

import pytest

pytest.importorskip("gas_emulator.runtime")

from gas_emulator import Emulator, Settings  # noqa: E402
from gas_emulator.errors import GasError  # noqa: E402
from gas_emulator.runtime import engine, run_function  # noqa: E402
from gas_emulator.runtime.project import Project  # noqa: E402

SPIN = {"appsscript.json": "{}",
        "Code.js": "function spin() { while (true) {} }\nfunction ok() { return 1; }"}


def _project(tmp_path) -> Project:
    for name, text in SPIN.items():
        (tmp_path / name).write_text(text)
    return Project.from_directory(tmp_path)


def test_a_stop_between_an_executions_start_and_its_registration_ends_it(tmp_path, monkeypatch):
    project = _project(tmp_path)
    register = engine.WATCHDOG.register

    def stop_then_register(session):  # Ctrl-C lands after the first check, before the watchdog knows
        engine.stop_all(GasError("Interrupted (Ctrl-C)"))
        register(session)

    monkeypatch.setattr(engine.WATCHDOG, "register", stop_then_register)
    try:
        # without the fix it spins until the cap: 5 s here, so a regression fails rather than hangs
        outcome = run_function(Emulator(settings=Settings(js_cpu_limit_ms=5000)), project, "spin")
    finally:
        engine.clear_stop()
        monkeypatch.undo()
    assert outcome.error.message == "Interrupted (Ctrl-C)"
    assert engine.WATCHDOG.count() == 0
    assert run_function(Emulator(), project, "ok").result == 1  # the isolate was given back, unlocked
