"""The baseline IdService and the known-bad variants (spec "The baseline to beat", "Known-bad variants").

* ``baseline``: the brief's current implementation - ``waitLock(30000)``, the type's settings cached
  in PropertiesService and read on every call, read counter, write counter, release, then log. Three
  quota calls per identifier, one lock acquisition per identifier, no retries, no idempotency; its
  audit line comes after the release, so an execution killed at the release leaves a written,
  unaudited number (an unexplained gap the harness shows).
* ``no-lock``: the reference without the lock (lost updates: duplicates).
* ``trylock-ignored``: ``tryLock(100)`` whose result is not checked (duplicates under contention).
* ``cached-counter``: the counter read from CacheService first and written to properties only every
  5th number (evictions bring back a stale counter: duplicates).
* ``unlocked-pool``: a pre-generated pool in script properties popped without the lock (duplicates).

Each is a Python workload ``fn(ex, scenario)`` with the same scenario format as ``entry.simRequest``.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from ..execution import Execution
from .common import Context, dumps, format_id
from .config import default_config
from .entry import pick_request, use_service
from .idservice import IdService
from .lock_manager import LockManager

#: trylock-ignored: the short timeout of the broken code (any value shows the bug under contention).
IGNORED_TRY_MS = 100
#: cached-counter: properties get the counter only every N numbers ("to save quota").
WRITE_BEHIND_EVERY = 5
#: cached-counter: CacheService's maximum expiry (spec 3.1), as such code would use.
COUNTER_TTL_S = 21_600


class _NoLock:
    def releaseLock(self) -> None:
        return None


class _NoLockManager(LockManager):
    def acquireLockWithRetry(self, lockKey: str, options: dict | None = None):
        return _NoLock()


class _IgnoredTryLockManager(LockManager):
    def acquireLockWithRetry(self, lockKey: str, options: dict | None = None):
        lock = self._lock(lockKey)
        lock.tryLock(IGNORED_TRY_MS)  # the bug: the result is not checked
        return lock


class NoLockIdService(IdService):
    def __init__(self, ex: Execution, cfg=None) -> None:
        super().__init__(ex, cfg)
        self.locks = _NoLockManager(self.ctx)


class TryLockIgnoredIdService(IdService):
    def __init__(self, ex: Execution, cfg=None) -> None:
        super().__init__(ex, cfg)
        self.locks = _IgnoredTryLockManager(self.ctx)


class CachedCounterIdService(IdService):
    def _advance(self, state: dict, plan: dict, now: int, extra: dict, result: dict) -> None:
        t = plan["type"]
        key = self.ctx.cfg.service.key_prefix + "ctr." + t
        stored = state["c"][t]
        cached = self.ctx.cache().get(key)  # the bug: the cache is the counter's source of truth
        if cached is not None:
            state["c"][t] = int(cached)
        super()._advance(state, plan, now, extra, result)
        self.ctx.cache().put(key, str(state["c"][t]), COUNTER_TTL_S)
        if state["c"][t] % WRITE_BEHIND_EVERY != 0:
            state["c"][t] = stored


class UnlockedPoolIdService(IdService):
    def nextIds(self, type: str, count: int, options: dict | None = None) -> list[str]:
        req = self.request(type, count, options)
        return [self._pop(req["type"]) for _ in range(req["count"])]

    def _pop(self, type_name: str) -> str:
        ctx = self.ctx
        key = ctx.cfg.service.key_prefix + "pool." + type_name
        text = ctx.props().getProperty(key)  # the bug: read-pop-write of a shared pool with no lock
        pool = json.loads(text) if text else None
        if pool and pool[0] <= pool[1]:
            ctx.props().setProperty(key, dumps([pool[0] + 1, pool[1]]))
            self.auditIssued(type_name, pool[0], None, "block")
            return format_id(ctx.cfg.types[type_name], pool[0])
        lock = self.locks.acquireLockWithRetry("script")
        try:
            state = self.store.read()
            n = state["c"][type_name]
            state["c"][type_name] = n + ctx.cfg.cache.block_size
            self.store.write(state, {key: [n + 2, n + ctx.cfg.cache.block_size]})
            self.auditIssued(type_name, n + 1, None, "counter")
        finally:
            self.locks.releaseLockSafely(lock)
        return format_id(ctx.cfg.types[type_name], n + 1)


def _workload(cls: type[IdService]) -> Callable:
    def request(ex: Execution, scenario: dict) -> list:
        from .entry import simRequest

        use_service(ex, cls(ex))
        return simRequest(ex, scenario)

    request.__name__ = request.__qualname__ = f"{cls.__name__}_request"
    return request


# ---------------------------------------------------------------------- the baseline
def baselineNextId(ex: Execution, type_name: str) -> str:
    """The current implementation as the brief describes it (module docstring)."""
    cfg = default_config()
    t = cfg.types[type_name]
    lock = ex.LockService.getScriptLock()
    lock.waitLock(cfg.lock.timeout_ms)
    try:
        props = ex.PropertiesService.getScriptProperties()
        settings = props.getProperty("baseline.type." + type_name)  # "PropertiesService caching"
        if settings is None:
            props.setProperty("baseline.type." + type_name, dumps({"prefix": t.prefix, "width": t.width,
                                                                   "start": t.start}))
        last = props.getProperty("baseline.counter." + type_name)
        n = t.start if last is None else int(last) + 1
        props.setProperty("baseline.counter." + type_name, str(n))
    finally:
        lock.releaseLock()
    ctx = Context(ex, cfg)
    ident = format_id(t, n)
    ctx.log("log", {"event": "issued", "type": type_name, "id": ident, "n": n, "user": ex.user,
                    "time": ctx.now(), "requestKey": None, "execution": str(ex.id), "source": "counter"})
    return ident


def baselineRequest(ex: Execution, scenario: dict) -> list:
    """``simRequest``'s caller on the baseline: same picks, one ``baselineNextId`` per identifier."""
    # the baseline has no priorities nor request keys; drawing them keeps the picks aligned
    type_name, count, _, _ = pick_request(Context(ex, default_config()), scenario)
    return [baselineNextId(ex, type_name) for _ in range(count)]


def baseline_counters(cfg, props: dict) -> dict[str, int]:
    out = {}
    for name, t in cfg.types.items():
        text = props.get("baseline.counter." + name)
        out[name] = t.start - 1 if text is None else int(text)
    return out


VARIANTS: dict[str, Callable] = {
    "no-lock": _workload(NoLockIdService),
    "trylock-ignored": _workload(TryLockIgnoredIdService),
    "cached-counter": _workload(CachedCounterIdService),
    "unlocked-pool": _workload(UnlockedPoolIdService),
}
