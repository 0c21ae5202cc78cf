"""CacheService: script, user and document caches of strings with a time to live.

Source for the API: developers.google.com/apps-script/reference/cache (spec 3.1); behaviour at the
limits from J. Poehnelt's measurements on real Apps Script (spec 3.2, 2025-12-22). Entries live in
the emulator's store under ``cache/script``, ``cache/user/<email>`` and ``cache/document/<id>`` and
expire by the emulator's clock. Past 1,000 items a cache keeps the 900 newest (FIFO by creation,
done by the store), and a fault site can evict about 10 % early, as the doc allows ("the expiration
is only a suggestion"). CacheService has no daily quota (spec 3.3).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ..errors import ArgumentTooLarge, GasError, InvalidArgument, ParametersMismatch
from ..sim.faults import NO_FAULTS
from .coerce import to_js_string
from .jstypes import type_name

if TYPE_CHECKING:
    from ..execution import Execution

#: spec 3.2 [MEAS]: early bulk eviction takes about 10 % of the items at once.
EARLY_EVICTION_FRACTION = 0.10


class CacheService:
    """``CacheService`` global of one execution."""

    __slots__ = ("_ex", "_script")

    def __init__(self, ex: Execution) -> None:
        self._ex = ex
        self._script: Cache | None = None

    def getScriptCache(self) -> Cache:
        # spec 3.1: shared by every user of the script
        if self._script is None:
            self._script = Cache(self._ex, "cache/script")
        return self._script

    def getUserCache(self) -> Cache:
        # spec 3.1: per user, per script
        return Cache(self._ex, f"cache/user/{self._ex.user}")

    def getDocumentCache(self) -> Cache | None:
        # spec 3.1: null with no containing document
        if self._ex.document_id is None:
            return None
        return Cache(self._ex, f"cache/document/{self._ex.document_id}")


class Cache:
    """One cache (a handle; the entries live in the emulator's store)."""

    __slots__ = ("_ex", "_ns", "_emu", "_store")

    def __init__(self, ex: Execution, ns: str) -> None:
        self._ex = ex
        self._ns = ns
        self._emu = ex.emulator
        self._store = ex.emulator.store

    def __repr__(self) -> str:
        return f"<Cache {self._ns}>"

    # ------------------------------------------------------------------ reads
    def get(self, key) -> str | None:
        ex = self._ex
        if type(key) is not str:
            key = _as_str(key)
        ex.service_call("cache.get", key)
        try:
            self._check_key(key)
            value = self._store.cache_get_many(self._ns, (key,), ex.now_ms()).get(key)
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome(_short(value))
        return value

    def getAll(self, keys: Iterable) -> dict[str, str]:
        """Only the keys found (spec 3.1: missing keys are absent, not null)."""
        ex = self._ex
        ex.service_call("cache.get_all", None)
        try:
            wanted = self._keys(keys, "Cache.getAll")
            found = self._store.cache_get_many(self._ns, wanted, ex.now_ms())
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome(len(found))
        return found

    # ------------------------------------------------------------------ writes
    def put(self, key, value, expirationInSeconds: float | None = None) -> None:
        ex = self._ex
        if type(key) is not str:
            key = _as_str(key)
        ex.service_call("cache.put", key)
        try:
            self._check_key(key)
            self._put({key: self._check_value(value)}, expirationInSeconds, "Cache.put",
                      (key, value, expirationInSeconds))
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome("ok")
        return None

    def putAll(self, values: Mapping, expirationInSeconds: float | None = None) -> None:
        """All pairs in one round trip (spec 3.1)."""
        ex = self._ex
        ex.service_call("cache.put_all", None)
        try:
            if values is None or isinstance(values, str | list | tuple) or not hasattr(values, "keys"):
                raise ParametersMismatch([type_name(values)], "Cache.putAll")
            items = {}
            for raw_key in values.keys():  # noqa: SIM118 - a V8 object has keys(), not dict iteration
                key = _as_str(raw_key)
                self._check_key(key)
                items[key] = self._check_value(values[raw_key])
            self._put(items, expirationInSeconds, "Cache.putAll", (values, expirationInSeconds))
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome("ok")
        return None

    def remove(self, key) -> None:
        ex = self._ex
        key = _as_str(key)
        ex.service_call("cache.remove", key)
        try:
            self._check_key(key)
            self._store.cache_remove_many(self._ns, (key,))
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome("ok")
        return None

    def removeAll(self, keys: Iterable) -> None:
        ex = self._ex
        ex.service_call("cache.remove_all", None)
        try:
            self._store.cache_remove_many(self._ns, self._keys(keys, "Cache.removeAll"))
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome("ok")
        return None

    # ------------------------------------------------------------------ internals
    def _put(self, items: dict[str, str], seconds, method: str, args: tuple) -> None:
        ex, emu, store = self._ex, self._emu, self._store
        ttl_ms = self._ttl_ms(seconds, method, args)
        now = ex.now_ms()
        faults = emu.faults
        if faults is not NO_FAULTS and faults.fires("cache_evict", ex):
            fraction = getattr(faults, "cache_evict_fraction", EARLY_EVICTION_FRACTION)
            store.cache_evict_oldest(self._ns, fraction, now)
        settings = emu.settings
        store.cache_put_many(self._ns, items, now + ttl_ms, now, max_items=settings.cache_max_items,
                             keep_after_evict=settings.cache_keep_after_evict)

    def _ttl_ms(self, seconds, method: str, args: tuple) -> float:
        settings = self._emu.settings
        if seconds is None:
            return settings.cache_default_ttl_s * 1000.0  # spec 3.1 [DOC]: default 600 s
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            # spec 4.1: the overload error names the JavaScript type of every argument passed
            raise ParametersMismatch([type_name(a) for a in args], method)
        if math.isnan(seconds) or seconds < 1:
            # spec 3.2 [MEAS]: a negative expiration is accepted and the item persists (default TTL)
            return settings.cache_default_ttl_s * 1000.0
        return min(float(seconds), settings.cache_max_ttl_s) * 1000.0  # spec 3.1: max 21,600 s, clamped

    def _check_key(self, key: str | None) -> None:
        if not key:
            raise InvalidArgument("key")  # spec 3.2 [MEAS]: null or empty key
        limit = self._emu.settings.cache_max_key_chars
        # spec 3.2 [MEAS]: 250 characters accepted, 251 throw (JavaScript length: UTF-16 code units);
        # the text for keys is the community mocks' [CLAIM]
        if len(key) > limit or (2 * len(key) > limit and len(key.encode("utf-16-le")) // 2 > limit):
            raise ArgumentTooLarge("key")

    def _check_value(self, value) -> str:
        value = value if type(value) is str else to_js_string(value)  # spec 3.2: null -> "null"
        limit = self._emu.settings.cache_max_value_bytes
        # spec 3.2 [MEAS]: 102,400 bytes accepted, 102,401 throw "Argument too large: value"
        if 4 * len(value) > limit and len(value.encode("utf-8")) > limit:
            raise ArgumentTooLarge("value")
        return value

    def _keys(self, keys: Iterable, method: str) -> list[str]:
        if keys is None or isinstance(keys, str | Mapping) or not hasattr(keys, "__iter__"):
            raise ParametersMismatch([type_name(keys)], method)
        checked = []
        for raw in keys:
            key = _as_str(raw)
            self._check_key(key)
            checked.append(key)
        return checked


def _as_str(key) -> str | None:
    # spec 3.2 [MEAS]: a number key is stringified; null stays null (and is refused)
    return key if type(key) is str or key is None else to_js_string(key)


def _short(value: str | None, limit: int = 80) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return f"{value[:limit]}...({len(value)})"
