"""The deterministic kernel's wake-up queue: actors by (wake-up time, seeded tie-break, push order).

``WakeHeap`` is the compiled one (``_wakeheap.c``, built by ``pip install``) when it is there, else
``PyWakeHeap`` below, the same queue on ``heapq``: both pop entries in exactly the same order (a
test runs the two side by side, and simulations give the same trace hash on either). Why compiled:
with ~1,000 waiting executions, heapq's sifts compare 5-tuples, ~4,500 instructions per hand-off,
8 % of a simulated call (valgrind, bench/instructions.py). ``GAS_EMU_PURE_PYTHON=1`` picks the
Python queue.

Entries are ``(wake_ms, tiebreak, seq, token, actor)``; ``seq`` is unique, so no two compare equal.
"""

from __future__ import annotations

import logging
import os
from heapq import heappop, heappush, heapreplace


class PyWakeHeap:
    __slots__ = ("_heap",)

    def __init__(self) -> None:
        self._heap: list[tuple] = []

    def __len__(self) -> int:
        return len(self._heap)

    def push(self, wake_ms: float, tiebreak: float, seq: int, token: int, actor: object) -> None:
        heappush(self._heap, (wake_ms, tiebreak, seq, token, actor))

    def pop(self) -> tuple[float, int, object] | None:
        """(wake_ms, token, actor) of the first entry, removed; None when empty."""
        if not self._heap:
            return None
        wake_ms, _, _, token, actor = heappop(self._heap)
        return wake_ms, token, actor

    def push_pop(self, wake_ms: float, tiebreak: float, seq: int, token: int,
                 actor: object) -> tuple[float, int, object] | None:
        """None if this entry would come first (nothing changes); else it goes in and the first
        entry comes out (one sift where a push and a pop take two)."""
        heap = self._heap
        entry = (wake_ms, tiebreak, seq, token, actor)
        if not heap or entry < heap[0]:
            return None
        wake_ms, _, _, token, actor = heapreplace(heap, entry)
        return wake_ms, token, actor

    def clear(self) -> None:
        self._heap.clear()


WakeHeap: type = PyWakeHeap
if os.environ.get("GAS_EMU_PURE_PYTHON", "0") != "1":
    try:
        from ._wakeheap import WakeHeap  # noqa: F401 - re-exported: the kernel's queue
    except ImportError:  # not compiled (no C compiler where it was installed): the Python queue
        logging.getLogger(__name__).debug("compiled wake-up queue not built: using the Python one")
