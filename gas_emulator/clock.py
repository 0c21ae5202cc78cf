"""The emulator's one source of time.

``VirtualClock`` (the default) only moves when the kernel moves it: sleeps, lock waits and modeled
service latency advance it, and nothing ever sleeps on the wall clock. ``RealClock`` reads
``time.time()`` on every call, so freezegun and time-machine steer it, and waits really wait.
Times are milliseconds since the Unix epoch, as JavaScript's ``Date.now()``.
"""

from __future__ import annotations

import time
from math import floor as _floor
from typing import Protocol

#: 2026-01-01T00:00:00Z: a fixed start so that virtual runs are reproducible byte for byte.
DEFAULT_EPOCH_MS = 1_767_225_600_000


class Clock(Protocol):
    is_virtual: bool

    def now_ms(self) -> float: ...


class VirtualClock:
    """Integer-nanosecond virtual time; moved forward only, by the kernel."""

    is_virtual = True
    # _ms is _ns / 1e6, kept beside it: time is read ~3x as often as it moves, and dividing an
    # epoch-sized int costs ~0.1 µs (2 % of a simulated call's instructions, measured by callgrind)
    __slots__ = ("_ns", "_ms")

    def __init__(self, start_ms: float = DEFAULT_EPOCH_MS) -> None:
        self._set(_ms_to_ns(start_ms))

    def _set(self, ns: int) -> None:
        self._ns = ns
        self._ms = ns / 1_000_000

    def now_ms(self) -> float:
        return self._ms

    def advance(self, ms: float) -> None:
        if ms < 0:
            raise ValueError("the virtual clock only moves forward")
        self._set(self._ns + _ms_to_ns(ms))

    def advance_to(self, ms: float) -> None:
        if ms < self._ms - 0.001:  # clearly not later (_ms is within ~122 ns of _ns); the exact
            return  # test is below, on integers
        whole = int(ms)  # _ms_to_ns inlined: the simulator moves the clock at every hand-off
        target = whole * 1_000_000 + round((ms - whole) * 1_000_000)
        if target > self._ns:
            self._ns = target
            self._ms = target / 1_000_000

    def move_to(self, ms: float) -> None:
        """Set the time (tests and the simulator's start); may go backwards only before any run."""
        self._set(_ms_to_ns(ms))


def round_us(ms: float) -> float:
    """``round(ms, 3)``, the same value always, without its round trip through a decimal string
    (0.38 µs a call here; the simulator rounds twice per service call)."""
    scaled = ms * 1000.0
    nearest = _floor(scaled + 0.5)
    if -_SAFE < scaled < _SAFE and -0.4999 < scaled - nearest < 0.4999:
        # not near a half: the float product's error (< 1e-4 below _SAFE) cannot change the result
        return nearest / 1000.0
    return round(ms, 3)  # a half (half-to-even on the exact binary value) or a huge value


_SAFE = 1e11


def _ms_to_ns(ms: float) -> int:
    """Exact for whole milliseconds: ``ms * 1e6`` as a float has a 256 ns step near today's epoch
    values, which turned ``now + 250`` into ``...249.9998`` (a JS Date one millisecond early)."""
    whole = int(ms)
    return whole * 1_000_000 + round((ms - whole) * 1_000_000)


class RealClock:
    """Wall-clock time, read on every call (freezegun / time-machine patch ``time.time``)."""

    is_virtual = False

    def now_ms(self) -> float:
        return time.time() * 1000.0


def make_clock(spec: str | Clock | None) -> Clock:
    if spec is None or spec == "virtual":
        return VirtualClock()
    if spec == "real":
        return RealClock()
    if isinstance(spec, str):
        raise ValueError(f"unknown clock {spec!r}: use 'virtual' or 'real'")
    return spec
