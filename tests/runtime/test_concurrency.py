"""JavaScript executions on several threads: the script lock excludes, V8 is shared safely."""

from __future__ import annotations

import threading

from gas_emulator import Emulator
from gas_emulator.runtime import run_function


def _spawn(emu, app, name, outcomes, hold_ms, start_ms):
    def body():
        outcomes[name] = run_function(emu, app, "nextTicket", [hold_ms], user=f"{name}@example.com")
    emu.kernel.spawn(name, body, start_ms)


def test_two_executions_on_two_threads_take_turns_at_the_script_lock(app):
    emu = Emulator(deterministic=True, seed=3)
    start = emu.clock.now_ms()
    outcomes: dict = {}
    _spawn(emu, app, "first", outcomes, 1_000, start)
    _spawn(emu, app, "second", outcomes, 1_000, start + 10)  # arrives while "first" holds the lock
    emu.kernel.run()
    first, second = outcomes["first"].result, outcomes["second"].result
    assert (first["ticket"], second["ticket"]) == (1, 2)
    assert first["lockedAt"] == start and first["releasedAt"] == start + 1_000
    assert second["lockedAt"] == first["releasedAt"]  # it waited in waitLock for the release
    assert outcomes["second"].elapsed_ms == 1_990


def test_free_threads_never_hold_the_script_lock_together(app):
    emu = Emulator()
    outcomes: dict = {}
    threads = [threading.Thread(target=lambda n=n: outcomes.__setitem__(
        n, run_function(emu, app, "nextTicket", [500], user=f"{n}@example.com"))) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    spans = sorted((o.result["lockedAt"], o.result["releasedAt"]) for o in outcomes.values())
    assert sorted(o.result["ticket"] for o in outcomes.values()) == [1, 2, 3, 4]
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))


def test_many_simultaneous_executions_share_the_isolates(app):
    emu = Emulator(deterministic=True, seed=1)
    outcomes: dict = {}
    for i in range(120):  # every one is alive at once: they all queue on the script lock
        _spawn(emu, app, f"e{i}", outcomes, 1, emu.clock.now_ms())
    emu.kernel.run()
    assert sorted(o.result["ticket"] for o in outcomes.values()) == list(range(1, 121))
