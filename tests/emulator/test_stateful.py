"""Hypothesis stateful tests: Properties and Cache against plain-dict models, on both stores.

The models are written from the spec, not from the implementation: Properties is a dict of strings
with a per-value and a per-store byte limit (spec 2.2); Cache is a dict of (value, expiry, creation
order) with TTL on the virtual clock, the TTL clamp (spec 3.1/3.2) and FIFO eviction past the item
cap down to the low-water mark (spec 3.2). Small limits make the edges reachable in a short run.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path

import hypothesis.strategies as st
from hypothesis import settings as hsettings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from gas_emulator import Emulator, GasError, Settings
from gas_emulator.store.memory import MemoryStore
from gas_emulator.store.sqlite import SqliteStore

KEYS = st.sampled_from(["a", "b", "c", "dd", "é", "key-5"])
# sizes around the small limits below (20 bytes per value, 60 per store) make the edges likely
EDGE_VALUES = st.sampled_from(["", "x" * 5, "x" * 9, "x" * 19, "x" * 20, "x" * 21, "é" * 10, "€" * 7, "é€x"])
TEXT_VALUES = st.one_of(EDGE_VALUES, st.text(alphabet="xyzé€", max_size=30))
VALUES = st.one_of(TEXT_VALUES, st.integers(-1000, 1000))
# derandomize: the same examples every run (tests are deterministic); no example database on disk
RUN = hsettings(max_examples=40, stateful_step_count=30, deadline=None, derandomize=True, database=None)


def _js(value) -> str:
    return value if isinstance(value, str) else str(value)  # ints print the same in Python and JS


def _bytes(text: str) -> int:
    return len(text.encode("utf-8"))


class _StoreMachine(RuleBasedStateMachine):
    store_kind = "memory"
    emulator_settings = Settings()

    def __init__(self) -> None:
        super().__init__()
        self._dir = None
        if self.store_kind == "sqlite":
            self._dir = tempfile.mkdtemp(prefix="gas-stateful-")
            store = SqliteStore(Path(self._dir) / "s.sqlite")
        else:
            store = MemoryStore()
        self.store = store
        self.emu = Emulator(store=store, settings=self.emulator_settings)

    def teardown(self) -> None:
        if self._dir is not None:
            self.store.close()
            shutil.rmtree(self._dir, ignore_errors=True)


# ---------------------------------------------------------------------- Properties
MAX_VALUE = 20
MAX_STORE = 60
STORE_FULL = "You have exceeded the property storage quota. Please remove some properties and try again."


class PropertiesMachine(_StoreMachine):
    emulator_settings = Settings(properties_max_value_bytes=MAX_VALUE, properties_max_store_bytes=MAX_STORE)

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, str] = {}

    def _call(self, method: str, *args):
        with self.emu.execution() as ex:
            return getattr(ex.PropertiesService.getScriptProperties(), method)(*args)

    def _expect_write(self, new: dict[str, str], written: dict[str, str], method: str, *args) -> None:
        if any(_bytes(v) > MAX_VALUE for v in written.values()):
            expected = "Argument too large: value"
        elif sum(_bytes(k) + _bytes(v) for k, v in new.items()) > MAX_STORE:
            expected = STORE_FULL
        else:
            self._call(method, *args)
            self.model = new
            return
        try:
            self._call(method, *args)
        except GasError as err:
            assert err.message == expected
        else:
            raise AssertionError(f"{method}{args} should have raised {expected!r}")

    @rule(key=KEYS, value=VALUES)
    def set_property(self, key, value):
        self._expect_write({**self.model, key: _js(value)}, {key: _js(value)}, "setProperty", key, value)

    @rule(props=st.dictionaries(KEYS, VALUES, max_size=4), delete_others=st.booleans())
    def set_properties(self, props, delete_others):
        written = {k: _js(v) for k, v in props.items()}
        new = dict(written) if delete_others else {**self.model, **written}
        self._expect_write(new, written, "setProperties", props, delete_others)

    @rule(key=KEYS)
    def delete_property(self, key):
        self._call("deleteProperty", key)
        self.model.pop(key, None)

    @rule()
    def delete_all(self):
        self._call("deleteAllProperties")
        self.model = {}

    @rule(key=KEYS)
    def get_property(self, key):
        assert self._call("getProperty", key) == self.model.get(key)

    @invariant()
    def same_contents(self):
        assert self._call("getProperties") == self.model
        assert sorted(self._call("getKeys")) == sorted(self.model)


# ---------------------------------------------------------------------- Cache
MAX_ITEMS, KEEP = 4, 3  # fewer than the 6 keys, so eviction happens
DEFAULT_TTL_S, MAX_TTL_S = 600, 21_600
TTLS = st.sampled_from([None, -5, 0, 1, 2, 30, 600, 21_600, 50_000])


class CacheMachine(_StoreMachine):
    emulator_settings = Settings(cache_max_items=MAX_ITEMS, cache_keep_after_evict=KEEP)

    def __init__(self) -> None:
        super().__init__()
        self.model: dict[str, tuple[str, float, int]] = {}  # key -> (value, expires_at_ms, creation)
        self.order = itertools.count()

    def _call(self, method: str, *args):
        with self.emu.execution() as ex:
            return getattr(ex.CacheService.getScriptCache(), method)(*args)

    def _now(self) -> float:
        return self.emu.clock.now_ms()

    def _live(self) -> dict[str, tuple[str, float, int]]:
        now = self._now()
        return {k: e for k, e in self.model.items() if e[1] > now}

    def _model_put(self, items: dict[str, str], ttl) -> None:
        # spec 3.1: default 600 s, clamp to 21,600 s; spec 3.2 [MEAS]: negative persists (default TTL)
        seconds = DEFAULT_TTL_S if ttl is None or ttl < 1 else min(ttl, MAX_TTL_S)
        expires = self._now() + seconds * 1000
        live = self._live()
        for key, value in items.items():
            live.pop(key, None)
            live[key] = (value, expires, next(self.order))
        if len(live) > MAX_ITEMS:  # spec 3.2: FIFO by creation down to the low-water mark
            oldest = sorted(live, key=lambda k: live[k][2])[: len(live) - KEEP]
            for key in oldest:
                del live[key]
        self.model = live

    @rule(key=KEYS, value=TEXT_VALUES, ttl=TTLS)
    def put(self, key, value, ttl):
        self._call("put", key, value, *(() if ttl is None else (ttl,)))
        self._model_put({key: value}, ttl)

    @rule(items=st.dictionaries(KEYS, TEXT_VALUES, min_size=1, max_size=5), ttl=TTLS)
    def put_all(self, items, ttl):
        self._call("putAll", items, *(() if ttl is None else (ttl,)))
        self._model_put(items, ttl)

    @rule(key=KEYS)
    def get(self, key):
        entry = self._live().get(key)
        assert self._call("get", key) == (entry[0] if entry else None)

    @rule(keys=st.lists(KEYS, max_size=4))
    def get_all(self, keys):
        live = self._live()
        assert self._call("getAll", keys) == {k: live[k][0] for k in keys if k in live}

    @rule(key=KEYS)
    def remove(self, key):
        self._call("remove", key)
        self.model.pop(key, None)

    @rule(keys=st.lists(KEYS, max_size=4))
    def remove_all(self, keys):
        self._call("removeAll", keys)
        for key in keys:
            self.model.pop(key, None)

    @rule(ms=st.sampled_from([0, 1, 999, 1000, 30_000, 600_000, 21_600_000]))
    def advance_clock(self, ms):
        self.emu.clock.advance(ms)

    @invariant()
    def same_live_entries(self):
        live = self._live()
        keys = ["a", "b", "c", "dd", "é", "key-5"]
        assert self._call("getAll", keys) == {k: e[0] for k, e in live.items()}
        assert self.store.cache_size("cache/script", self._now()) == len(live)


class PropertiesOnSqlite(PropertiesMachine):
    store_kind = "sqlite"


class CacheOnSqlite(CacheMachine):
    store_kind = "sqlite"


TestPropertiesMemory = PropertiesMachine.TestCase
TestPropertiesMemory.settings = RUN
TestPropertiesSqlite = PropertiesOnSqlite.TestCase
TestPropertiesSqlite.settings = RUN
TestCacheMemory = CacheMachine.TestCase
TestCacheMemory.settings = RUN
TestCacheSqlite = CacheOnSqlite.TestCase
TestCacheSqlite.settings = RUN
