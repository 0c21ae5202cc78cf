"""Latency profiles: how long each service call takes in virtual time.

``zero`` (every call instant) is the default for unit tests and single executions. The calibrated
``gas`` profile (spec/latency-model.md) lives beside it.
"""

from __future__ import annotations

import random
from typing import Protocol


class LatencyModel(Protocol):
    name: str

    def draw(self, op: str, rng: random.Random) -> float:
        """Milliseconds that ``op`` takes, drawn from ``rng`` (the seed fixes every draw)."""
        ...


class ZeroLatency:
    name = "zero"

    def draw(self, op: str, rng: random.Random) -> float:
        return 0.0


ZERO_LATENCY = ZeroLatency()
