"""Watching a simulated run: every service call's span, every lock hand-off, every execution.

The :class:`Recorder` sits where the emulator expects its fault plan and its latency model (it is
both, delegating to the real ones), so it sees each service call start (``before_call``) and its
modeled duration (``draw``) without any change to the services. :class:`RecordingLockTable`
notes the virtual time at which a released lock is handed to a waiter. Only the simulator's
deterministic runs use these (one actor at a time, so no locking is needed here).
"""

from __future__ import annotations

import random
from collections import defaultdict
from typing import TYPE_CHECKING

from ..services.lock import LockTable

if TYPE_CHECKING:
    from ..clock import Clock
    from ..execution import Execution
    from .faults import Faults
    from .latency import LatencyModel


class Recorder:
    """Fault plan + latency model proxy that records spans ``(op, key, start_ms, end_ms)``."""

    def __init__(self, clock: Clock, faults: Faults, latency: LatencyModel) -> None:
        self.clock = clock
        self.faults = faults
        self.latency = latency
        self.name = latency.name
        self.names: dict[object, str] = {}  # execution id -> actor (workload) name
        self.spans: dict[str, list[tuple]] = defaultdict(list)
        self._pending: tuple | None = None
        self._faults_before_call = faults.before_call
        self._draw = latency.draw

    def __getattr__(self, attr: str):
        # e.g. the cache service reads faults.cache_evict_fraction
        return getattr(self.faults, attr)

    def before_call(self, ex: Execution, op: str, key: str | None) -> None:
        names = self.names
        name = names.get(ex.id)
        if name is None:
            name = names[ex.id] = ex.actor.name
        self._pending = (name, op, key, self.clock.now_ms())
        self._faults_before_call(ex, op, key)

    def fires(self, site: str, ex: Execution) -> bool:
        return self.faults.fires(site, ex)

    def draw(self, op: str, rng: random.Random) -> float:
        ms = self._draw(op, rng)
        pending = self._pending
        if pending is not None and pending[1] == op:
            self._pending = None
            self.spans[pending[0]].append((op, pending[2], pending[3], self.clock.now_ms() + ms))
        return ms


class RecordingLockTable(LockTable):
    """A LockTable that remembers each hand-off: ``handoffs[name] = [(lock, virtual ms), ...]``."""

    def __init__(self, emulator) -> None:
        super().__init__(emulator)
        self.handoffs: dict[str, list[tuple[str, float]]] = defaultdict(list)

    def hand_off_locked(self, st) -> None:
        super().hand_off_locked(st)
        owner = st.owner
        if owner is not None:
            self.handoffs[owner.ex.actor.name].append((owner.name, self.emulator.clock.now_ms()))
