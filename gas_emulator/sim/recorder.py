"""Watching a simulated run: every service call's span, every lock hand-off, every execution.

Spans come from the trace plus the start time the execution saves for each traced call
(``emu.call_starts``); :class:`RecordingLockTable` notes the virtual time at which a released
lock is handed to a waiter. Only the simulator's
deterministic runs use these (one actor at a time, so no locking is needed here).
"""

from __future__ import annotations

from collections import defaultdict

from ..services.lock import LockTable


def call_spans(starts: tuple[float, list[float] | None], trace: list[list]) -> dict[str, list[tuple]]:
    """Each execution's service calls as ``(op, key, start_ms, end_ms)`` in absolute virtual ms.

    ``starts`` is the emulator's ``(start_ms, call_starts)``. A call ends when its trace entry is
    written (after its modeled latency); it began at the time ``Execution.service_call`` saved in
    ``emu.call_starts``, one per trace entry.
    """
    spans: dict[str, list[tuple]] = defaultdict(list)
    origin, call_starts = starts
    for entry, start in zip(trace, call_starts or ()):
        spans[entry[0]].append((entry[2], entry[3], start, origin + entry[1]))
    return spans


class RecordingLockTable(LockTable):
    """A LockTable that remembers each hand-off: ``handoffs[name] = [(lock, virtual ms), ...]``."""

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self.handoffs: dict[str, list[tuple[str, float]]] = defaultdict(list)
        #: execution id -> virtual ms spent waiting for locks, timed-out waits until they return
        #: (the same spans the timeline draws as waits, without building the timeline)
        self.wait_by_execution: dict[str, float] = defaultdict(float)

    def note_wait(self, ex, ms: float) -> None:
        if ms > 0:
            self.wait_by_execution[ex.id] += ms

    def hand_off_locked(self, st) -> None:
        super().hand_off_locked(st)
        owner = st.owner
        if owner is not None:
            self.handoffs[owner.ex.actor.name].append((owner.name, self.emulator.clock.now_ms()))
