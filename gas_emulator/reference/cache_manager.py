"""CacheManager (reference): the three levels, and what may and may not live in each.

1. In-execution memory: blocks of numbers this execution reserved (``preGenerateIds``), served with
   no service call at all; only for types with ``blocks = true`` (they give up cross-execution order).
2. CacheService: request-key answers, the breaker and the quota snapshot - things that may vanish
   (CacheService evicts early and in bulk, spec 3.2) without duplicating or losing a number. Never a
   counter and never an unissued number (spec "Caching": the cache is not the source of truth).
3. PropertiesService: the state document, the only source of truth (read under the script lock).

Mirrors ``gas_src/CacheManager.js``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import GasError
from .common import Context, IdServiceError, dumps, format_id

if TYPE_CHECKING:
    from .idservice import IdService

STRATEGIES = ("time", "usage", "quota")


class CacheManager:
    def __init__(self, ctx: Context, service: IdService) -> None:
        self.ctx = ctx
        self.service = service

    # -- spec methods ----------------------------------------------------------------------
    def initializeCache(self) -> dict:
        """Open the script cache and start with empty in-execution blocks."""
        self.ctx.cache()
        self.ctx.pools = {}
        return {"levels": ["memory", "CacheService", "PropertiesService"]}

    def warmCache(self) -> dict:
        """On service start: publish the quota snapshot and a closed breaker from the state."""
        ctx = self.ctx
        state = self.service.store.read()
        now = ctx.now()
        self.service.quota.adopt(state["q"], now)
        entries = {ctx.keys.quota: dumps(self.service.quota.snapshot)}
        entries[ctx.keys.breaker] = dumps(self.service.locks.breaker)
        self.publish(entries)
        return {"warmed": len(entries)}

    def getCachedId(self, type: str, priority: str = "normal") -> str | None:
        """An identifier from this execution's reserved block, reserving one if the type allows."""
        found = self.takeFromPool(type)
        if found is not None:
            return found
        t = self.ctx.cfg.types.get(type)
        if t is None or not t.blocks:
            return None
        self.preGenerateIds(type, self.ctx.cfg.cache.block_size, priority)
        return self.takeFromPool(type)

    def preGenerateIds(self, type: str, count: int | None = None, priority: str = "normal") -> int:
        """Reserve a block of ``count`` (default ``block_size``) under one lock acquisition."""
        size = self.ctx.cfg.cache.block_size if count is None else count
        pool = self.ctx.pools.get(type)
        if pool is not None and pool["next"] <= pool["to"]:
            return pool["to"] - pool["next"] + 1
        return self.service.reserveBlock(type, size, priority)

    def invalidateCache(self, strategy: str, criteria: dict | None = None) -> int:
        """Drop cached entries by ``time`` (block age), ``usage`` (blocks nearly used) or ``quota``."""
        criteria = criteria or {}
        now = self.ctx.now()
        if strategy == "time":
            stale = [t for t, p in self.ctx.pools.items() if now - p["at"] >= criteria.get("maxAgeMs", 0)]
        elif strategy == "usage":
            stale = [t for t, p in self.ctx.pools.items()
                     if p["to"] - p["next"] + 1 < criteria.get("minRemaining", 1)]
        elif strategy == "quota":
            if self.service.quota.checkQuotaStatus()["pct"] < criteria.get("pct", 0):
                return 0
            self._remove([self.ctx.keys.quota])
            return 1
        else:
            raise IdServiceError("BAD_REQUEST", "unknown invalidation strategy " + dumps(strategy)
                                 + " (time, usage, quota)")
        return self.service.returnBlocks(stale)

    # -- used by IdService -----------------------------------------------------------------
    def takeFromPool(self, type: str) -> str | None:
        """Level 1: the next number of this execution's block, issued with no service call."""
        pool = self.ctx.pools.get(type)
        if pool is None or pool["next"] > pool["to"]:
            return None
        n = pool["next"]
        pool["next"] = n + 1
        self.ctx.metrics["l1"] += 1
        self.service.auditIssued(type, n, None, "block")
        return format_id(self.ctx.cfg.types[type], n)

    def readShared(self, type: str, requestKey: str | None) -> dict:
        """Level 2 in one round trip: breaker, quota snapshot and the request key's answer."""
        keys = [self.ctx.keys.breaker, self.ctx.keys.quota]
        if requestKey is not None:
            keys.append(self.ctx.keys.request(type, requestKey))
        try:
            return self.ctx.cache().getAll(keys)
        except GasError:
            return {}  # level 2 is optional: carry on from level 3

    def publish(self, entries: dict) -> None:
        """Put level-2 entries in one round trip; a failure only costs a later cache miss."""
        if not entries:
            return
        try:
            self.ctx.cache().putAll(entries, self.ctx.cfg.cache.ttl_s)
        except GasError:
            pass

    def _remove(self, keys: list) -> None:
        try:
            self.ctx.cache().removeAll(keys)
        except GasError:
            pass
