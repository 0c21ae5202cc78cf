"""Latency profiles: how long each service call takes in virtual time.

``zero`` (every call instant) is the default for unit tests and single executions. ``gas`` is
calibrated from the public measurements in ``spec/latency-model.md``: each operation is a shifted
log-normal (a floor plus a log-normal excess) fitted to the measured minimum, mean and standard
deviation, so draws have the measured right tail; a cap keeps a single draw finite. Every figure is
a knob: build ``GasLatency(table={...})`` with your own :class:`Dist` values.

Draws come from the random source the caller passes (the emulator's seeded RNG under the
simulator), so one seed fixes every latency. Unknown operations cost 0 ms.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from ..clock import round_us


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


@dataclass(frozen=True)
class Dist:
    """A shifted log-normal: ``floor + LogNormal`` with the given overall mean and sd, capped."""

    floor: float
    mean: float
    sd: float
    cap: float

    def __post_init__(self) -> None:
        if not 0 <= self.floor < self.mean <= self.cap or self.sd <= 0:
            raise ValueError(f"need 0 <= floor < mean <= cap and sd > 0: {self}")
        excess = self.mean - self.floor
        sigma2 = math.log1p((self.sd / excess) ** 2)  # moments of a log-normal
        object.__setattr__(self, "_mu", math.log(excess) - sigma2 / 2)
        object.__setattr__(self, "_sigma", math.sqrt(sigma2))

    def draw(self, rng: random.Random) -> float:
        value = self.floor + math.exp(self._mu + self._sigma * rng.gauss(0.0, 1.0))
        cap = self.cap
        return round_us(value if value < cap else cap)


@dataclass(frozen=True)
class Uniform:
    low: float
    high: float

    def draw(self, rng: random.Random) -> float:
        return round_us(rng.uniform(self.low, self.high))


@dataclass(frozen=True)
class Mixture:
    """``first`` with probability ``p_first``, else ``second`` (one draw decides which)."""

    p_first: float
    first: Dist
    second: Dist

    def draw(self, rng: random.Random) -> float:
        return (self.first if rng.random() < self.p_first else self.second).draw(rng)


# --- The calibrated table (spec/latency-model.md; every figure cites its source) ----------------
# ziritione.org/post/apps_script_performance (100 runs): getProperty median ~28, mean 30, sd 9,
# min 20, max ~85
PROPS_READ = Dist(floor=20, mean=30, sd=9, cap=170)
# same source: setProperty median ~55, mean 62, sd 37, min 43, max ~230 (heavy right tail)
PROPS_WRITE = Dist(floor=43, mean=62, sd=37, cap=460)
# qiita mitonattou919 + ziritione: Cache.put mean 56-93, min 52-73, max ~280 (middle of the ranges)
CACHE_PUT = Dist(floor=52, mean=75, sd=30, cap=560)
# ziritione: get of a key this execution wrote ~3 ms (likely an in-execution shadow)
CACHE_GET_OWN = Dist(floor=2, mean=3, sd=0.8, cap=20)
# qiita mitonattou919: get of another key ~20 (13-28)
CACHE_GET_OTHER = Dist(floor=13, mean=20, sd=4, cap=60)
#: Share of cache.get calls modeled as reads of this execution's own writes (no source: assumption;
#: the service does not tell the latency model whose key it reads).
CACHE_GET_OWN_SHARE = 0.25
# qiita mitonattou919: Cache.remove ~88 (51-145)
CACHE_REMOVE = Dist(floor=51, mean=88, sd=22, cap=290)
# qiita mitonattou919: CacheService.getScriptCache() 2-3
CACHE_OPEN = Uniform(2, 3)
# gassma PR #228 (2026), real Apps Script: a free lock is acquired in ~60 ms (spread: assumption)
LOCK_ACQUIRE = Dist(floor=40, mean=60, sd=12, cap=240)
# no source (assumption, spec/latency-model.md): a release is one call of ~30 ms
LOCK_RELEASE = Dist(floor=20, mean=30, sd=6, cap=120)
# gassma PR #228: a timed-out acquisition returns the whole timeout + 70-85 ms
LOCK_TIMEOUT_OVERSHOOT = Uniform(70, 85)

# Poehnelt "Storage Wars" (spec latency 2): a SpreadsheetApp write+read pair ~800+ ms; the split
# between a read (~300) and a write (~500), the spread and opening a file: assumptions (issue #18)
SHEET_READ = Dist(floor=100, mean=300, sd=120, cap=2_000)
SHEET_WRITE = Dist(floor=200, mean=500, sd=200, cap=3_000)
SHEET_OPEN = Dist(floor=50, mean=150, sd=60, cap=1_000)

GAS_TABLE: Mapping[str, object] = {
    "properties.get": PROPS_READ,
    "properties.get_all": PROPS_READ,  # no separate figure: a bulk read modeled as one read
    "properties.get_keys": PROPS_READ,
    "properties.set": PROPS_WRITE,
    "properties.set_all": PROPS_WRITE,  # payload size barely matters up to 100 KB (qiita)
    "properties.delete": PROPS_WRITE,
    "properties.delete_all": PROPS_WRITE,
    "cache.get": Mixture(CACHE_GET_OWN_SHARE, CACHE_GET_OWN, CACHE_GET_OTHER),
    "cache.get_all": CACHE_GET_OTHER,
    "cache.put": CACHE_PUT,
    "cache.put_all": CACHE_PUT,
    "cache.remove": CACHE_REMOVE,
    "cache.remove_all": CACHE_REMOVE,
    "cache.open": CACHE_OPEN,
    "lock.acquire": LOCK_ACQUIRE,
    "lock.release": LOCK_RELEASE,
    "lock.timeout_overshoot": LOCK_TIMEOUT_OVERSHOOT,
    "spreadsheet.open": SHEET_OPEN,
    "spreadsheet.read": SHEET_READ,
    "spreadsheet.write": SHEET_WRITE,
    "spreadsheet.flush": SHEET_READ,  # no figure: a round trip like a read (assumption)
}


class GasLatency:
    """The calibrated profile: ``table`` maps an operation name to a distribution."""

    name = "gas"

    def __init__(self, table: Mapping[str, object] | None = None) -> None:
        self.table = dict(GAS_TABLE if table is None else table)
        # op -> its distribution's bound draw: one lookup per service call
        self._draws = {op: dist.draw for op, dist in self.table.items()}

    def draw(self, op: str, rng: random.Random) -> float:
        draw = self._draws.get(op)
        return 0.0 if draw is None else draw(rng)


PROFILES = ("gas", "zero")


def make_latency(name: str) -> LatencyModel:
    """The profile called ``name`` (``gas`` or ``zero``)."""
    if name == "gas":
        return GasLatency()
    if name == "zero":
        return ZERO_LATENCY
    raise ValueError(f"unknown latency profile {name!r}: use one of {', '.join(PROFILES)}")
