"""IdService (reference): unique, gap-accounted, ordered identifiers under the script lock.

The executable specification of ``gas_src/IdService.js`` (spec/idservice.md). One request:

1. level 1: a number from this execution's reserved block (block-enabled types only), no service call;
2. level 2: one ``CacheService.getAll``: request-key answer, breaker, quota snapshot (no quota used);
3. breaker and quota policy may refuse before any lock is taken;
4. the critical section: one property read, one property write (counter, reservation, request-key
   answer, voids, quota count and metrics all in that write), then the audit lines at once: no
   service call happens between the write returning and the audit lines, so an execution killed at
   any service call leaves each number either unwritten or audited as issued;
5. release, then one ``CacheService.putAll`` when something changed (request-key answer, snapshot).

Reserved blocks carry their owner and a lease; reconciliation turns an expired block into a void
record ("reserved block expired unreturned"): its numbers that the owner's audit lines do not show
as issued are void. Returned blocks roll the counter back when nobody advanced it, else are voided.
"""

from __future__ import annotations

import json
import math
import re

from gas_codegen.config import IdServiceConfig

from ..execution import Execution
from .cache_manager import CacheManager
from .common import PRIORITIES, Context, IdServiceError, dumps, format_id, js_round, parse_state
from .config import default_config
from .lock_manager import LockManager
from .quota import QuotaIntegration
from .state_store import StateStore

_REQUEST_KEY = re.compile(r"^[A-Za-z0-9._:-]+$")


class IdService:
    def __init__(self, ex: Execution, cfg: IdServiceConfig | None = None) -> None:
        self.ctx = Context(ex, cfg if cfg is not None else default_config())
        self.quota = QuotaIntegration(self.ctx)
        self.locks = LockManager(self.ctx)
        self.cache = CacheManager(self.ctx, self)
        self.store = StateStore(self.ctx, self.quota)

    # -- public API (spec "Interface") ----------------------------------------------------------
    def nextId(self, type: str, options: dict | None = None) -> str:
        return self.nextIds(type, 1, options)[0]

    def nextIds(self, type: str, count: int, options: dict | None = None) -> list[str]:
        """``count`` identifiers of ``type`` under one lock acquisition (or replayed for a request key)."""
        ctx = self.ctx
        started = ctx.now()
        req = self.request(type, count, options)
        if req["count"] == 1 and req["requestKey"] is None:
            found = self.cache.takeFromPool(req["type"])
            if found is not None:
                return [found]
        shared = self.cache.readShared(req["type"], req["requestKey"])
        if req["requestKey"] is not None:
            answer = shared.get(ctx.keys.request(req["type"], req["requestKey"]))
            if answer is not None and json.loads(answer)["expires"] > ctx.now():
                ctx.metrics["l2"] += 1
                self.auditReplayed(req["type"], json.loads(answer)["ids"], req["requestKey"], "cache")
                return json.loads(answer)["ids"]
        policy = self._admit(shared, req["priority"])
        reserve = 0
        if req["count"] == 1 and req["requestKey"] is None and policy["preferBlocks"] \
                and ctx.cfg.types[req["type"]].blocks:
            reserve = ctx.cfg.cache.block_size - 1
        plan = {"type": req["type"], "count": req["count"], "reserve": reserve,
                "requestKey": req["requestKey"], "priority": req["priority"], "started": started}
        result = self._locked(plan)
        self._publish(plan, result)
        return result["ids"]

    def reserveBlock(self, type: str, count: int, priority: str = "normal") -> int:
        """CacheManager.preGenerateIds: reserve ``count`` numbers for this execution's level 1."""
        req = self.request(type, count, {"priority": priority})
        if not self.ctx.cfg.types[req["type"]].blocks:
            raise IdServiceError("BLOCKS_DISABLED", "type " + req["type"] + " keeps cross-execution order: "
                                 "blocks are off (blocks = true in its configuration)")
        shared = self.cache.readShared(req["type"], None)
        self._admit(shared, req["priority"])
        plan = {"type": req["type"], "count": 0, "reserve": req["count"], "requestKey": None,
                "priority": req["priority"], "started": self.ctx.now()}
        result = self._locked(plan)
        self._publish(plan, result)
        return req["count"]

    def returnBlocks(self, types: list[str]) -> int:
        """Give back the unused part of this execution's blocks of ``types``; returns how many numbers."""
        held = [t for t in types if t in self.ctx.pools]
        if not held:
            return 0
        lock = self.locks.acquireLockWithRetry("script", {"priority": "high"})
        try:
            return self._commitReturn(held)
        finally:
            self.locks.releaseLockSafely(lock)

    def finish(self) -> int:
        """End of an execution that may hold blocks: return them all (no service call if none)."""
        return self.returnBlocks(list(self.ctx.pools))

    # -- request validation -------------------------------------------------------------------
    def request(self, type, count, options) -> dict:
        cfg = self.ctx.cfg
        if not isinstance(type, str) or type not in cfg.types:
            raise IdServiceError("UNKNOWN_TYPE", "unknown type " + dumps(type) + " (known: "
                                 + ", ".join(cfg.types) + ")")
        whole = isinstance(count, int) and not isinstance(count, bool) or \
            isinstance(count, float) and count.is_integer()
        if not whole or count < 1 or count > cfg.service.max_batch:
            raise IdServiceError("BAD_REQUEST", "count must be an integer from 1 to "
                                 + str(cfg.service.max_batch) + ", not " + dumps(count))
        if options is None:
            options = {}
        if not isinstance(options, dict):
            raise IdServiceError("BAD_REQUEST", "options must be an object")
        priority = options.get("priority")
        if priority is None:
            priority = "normal"
        if priority not in PRIORITIES:
            raise IdServiceError("BAD_REQUEST",
                                 "priority must be high, normal or low, not " + dumps(priority))
        key = options.get("requestKey")
        if key is not None and (not isinstance(key, str) or len(key) > cfg.service.max_request_key_length
                                or not _REQUEST_KEY.match(key)):
            longest = cfg.service.max_request_key_length
            raise IdServiceError("BAD_REQUEST", "requestKey must be 1-" + str(longest)
                                 + " characters of A-Z a-z 0-9 . _ : -")
        return {"type": type, "count": int(count), "priority": priority, "requestKey": key}

    # -- the critical section ------------------------------------------------------------------
    def _admit(self, shared: dict, priority: str) -> dict:
        ctx = self.ctx
        self.locks.loadBreaker(shared.get(ctx.keys.breaker))
        self.quota.loadSnapshot(shared.get(ctx.keys.quota), ctx.now())
        self.locks.checkCircuitBreakerStatus()
        return self.quota.admit(priority)

    def _locked(self, plan: dict) -> dict:
        lock = self.locks.acquireLockWithRetry("script", {"priority": plan["priority"]})
        try:
            return self._commit(plan)
        finally:
            self.locks.releaseLockSafely(lock)

    def _commit(self, plan: dict) -> dict:
        ctx, keys = self.ctx, self.ctx.keys
        answer = None
        if plan["requestKey"] is not None:
            props = self.store.readAll()
            state = parse_state(ctx.cfg, props.get(keys.state))
            answer = props.get(keys.request(plan["type"], plan["requestKey"]))
        else:
            state = self.store.read()
        now = ctx.now()
        extra: dict = {}
        voids = self.reconcileState(state, now, extra)
        self.quota.adopt(state["q"], now)
        result = {"ids": None, "first": 0, "expires": 0, "quota": False}
        if answer is not None and json.loads(answer)["expires"] > now:
            result["ids"] = json.loads(answer)["ids"]
            result["expires"] = json.loads(answer)["expires"]
            if not voids:
                self.auditReplayed(plan["type"], result["ids"], plan["requestKey"], "properties")
                return result
        else:
            self.quota.admit(plan["priority"])
            self._advance(state, plan, now, extra, result)
        before = self.quota.fold(state, now)
        self._foldMetrics(state, plan["started"], now)
        self.store.write(state, extra)
        # committed: audit at once, before any other service call (module docstring, step 4)
        self.auditVoids(voids)
        if result["first"] == 0:
            self.auditReplayed(plan["type"], result["ids"], plan["requestKey"], "properties")
        for i in range(len(result["ids"]) if result["first"] > 0 else 0):
            self.auditIssued(plan["type"], result["first"] + i, plan["requestKey"], "counter")
        if plan["reserve"] > 0:
            lo = result["first"] + plan["count"]
            ctx.pools[plan["type"]] = {"from": lo, "next": lo, "to": lo + plan["reserve"] - 1, "at": now}
        self._resetMetrics()
        result["quota"] = self.quota.committed(state, before)
        return result

    def _advance(self, state: dict, plan: dict, now: int, extra: dict, result: dict) -> None:
        ctx, t = self.ctx, plan["type"]
        n = state["c"][t]
        state["c"][t] = n + plan["count"] + plan["reserve"]
        if plan["reserve"] > 0:
            lo = n + plan["count"] + 1
            state["r"].append([t, lo, lo + plan["reserve"] - 1, ctx.token(),
                               now + ctx.cfg.service.reservation_lease_ms])
        result["first"] = n + 1
        result["ids"] = [format_id(ctx.cfg.types[t], n + 1 + i) for i in range(plan["count"])]
        if plan["requestKey"] is not None:
            result["expires"] = now + ctx.cfg.service.request_key_window_ms
            extra[ctx.keys.request(t, plan["requestKey"])] = {"ids": result["ids"],
                                                               "expires": result["expires"]}

    def _commitReturn(self, types: list[str]) -> int:
        ctx = self.ctx
        state = self.store.read()
        now = ctx.now()
        extra: dict = {}
        voids = self.reconcileState(state, now, extra)
        returned = []
        count = 0
        for t in types:
            pool = ctx.pools[t]
            kept = [r for r in state["r"] if not (r[0] == t and r[1] == pool["from"] and r[3] == ctx.token())]
            if len(kept) < len(state["r"]) and pool["next"] <= pool["to"]:
                count += pool["to"] - pool["next"] + 1
                if state["c"][t] == pool["to"]:
                    state["c"][t] = pool["next"] - 1  # nobody advanced since: the numbers never existed
                else:
                    record = {"type": t, "from": pool["next"], "to": pool["to"],
                              "reason": "unused block returned", "owner": ctx.token(), "time": now}
                    extra[ctx.keys.void(t, pool["next"])] = record
                    returned.append(record)
            state["r"] = kept
        before = self.quota.fold(state, now)
        self.store.write(state, extra)
        self.auditVoids(voids)
        self.auditVoids(returned)
        for t in types:
            del ctx.pools[t]
        self.quota.committed(state, before)
        return count

    def reconcileState(self, state: dict, now: int, extra: dict) -> list[dict]:
        """Expired reservations become void records (written by the caller's write)."""
        ctx = self.ctx
        kept, voids = [], []
        for r in state["r"]:
            if r[4] <= now:
                record = {"type": r[0], "from": r[1], "to": r[2],
                          "reason": "reserved block expired unreturned", "owner": r[3], "time": now}
                extra[ctx.keys.void(r[0], r[1])] = record
                voids.append(record)
            else:
                kept.append(r)
        state["r"] = kept
        return voids

    # -- audit, metrics, level-2 publishing -----------------------------------------------------
    def auditIssued(self, type: str, n: int, requestKey: str | None, source: str) -> None:
        ctx = self.ctx
        ctx.log("log", {"event": "issued", "type": type, "id": format_id(ctx.cfg.types[type], n), "n": n,
                        "user": ctx.user(), "time": ctx.now(), "requestKey": requestKey,
                        "execution": ctx.token(), "source": source})

    def auditReplayed(self, type: str, ids: list, requestKey: str, source: str) -> None:
        ctx = self.ctx
        ctx.log("log", {"event": "replayed", "type": type, "ids": ids, "user": ctx.user(), "time": ctx.now(),
                        "requestKey": requestKey, "execution": ctx.token(), "source": source})

    def auditVoids(self, records: list[dict]) -> None:
        """One line per voided number; an expired block is one ``void-block`` line (module docstring)."""
        ctx = self.ctx
        for rec in records:
            if rec["reason"] != "unused block returned":
                ctx.log("log", {"event": "void-block", "type": rec["type"], "from": rec["from"],
                                "to": rec["to"], "reason": rec["reason"], "owner": rec["owner"],
                                "user": ctx.user(), "time": rec["time"], "execution": ctx.token()})
                continue
            for n in range(rec["from"], rec["to"] + 1):
                ident = format_id(ctx.cfg.types[rec["type"]], n)
                ctx.log("log", {"event": "void", "type": rec["type"], "id": ident, "n": n,
                                "reason": rec["reason"], "owner": rec["owner"], "user": ctx.user(),
                                "time": rec["time"], "execution": ctx.token()})

    def _foldMetrics(self, state: dict, started: int, now: int) -> None:
        m, local, window = state["m"], self.ctx.metrics, self.ctx.cfg.service.metrics_window
        m["n"] += 1
        _push(m["rt"], now - started, window)
        _push(m["lw"], local["lockWaitMs"], window)
        m["l1"] += local["l1"]
        m["l2"] += local["l2"]
        m["l3"] += 1
        m["lf"] += local["lockFailures"]

    def _resetMetrics(self) -> None:
        local = self.ctx.metrics
        local["l1"] = 0
        local["l2"] = 0
        local["lockWaitMs"] = 0
        local["lockFailures"] = 0

    def _publish(self, plan: dict, result: dict) -> None:
        ctx, entries = self.ctx, {}
        if result["quota"]:
            entries[ctx.keys.quota] = dumps(self.quota.snapshot)
        breaker = self.locks.closedEntry()
        if breaker is not None:
            entries[ctx.keys.breaker] = dumps(breaker)
            self.locks.dirty = False
        if plan["requestKey"] is not None:
            entries[ctx.keys.request(plan["type"], plan["requestKey"])] = dumps(
                {"ids": result["ids"], "expires": result["expires"]})
        self.cache.publish(entries)


def _push(ring: list, value: int, window: int) -> None:
    ring.append(value)
    if len(ring) > window:
        ring.pop(0)


def summarize_metrics(m: dict) -> dict:
    """doGet's figures from the state's metrics (integers only, as the JavaScript computes them)."""
    rt = sorted(m["rt"])
    hits = m["l1"] + m["l2"]
    total = hits + m["l3"]
    return {"requests": m["n"], "avgMs": _avg(rt), "p95Ms": _pct(rt, 95), "p99Ms": _pct(rt, 99),
            "lockWaitAvgMs": _avg(m["lw"]), "cacheHitPermille": js_round(1000 * hits / total) if total else 0,
            "lockFailures": m["lf"]}


def _avg(values: list) -> int:
    return js_round(sum(values) / len(values)) if values else 0


def _pct(sorted_values: list, p: int) -> int:
    if not sorted_values:
        return 0
    return sorted_values[max(1, math.ceil(p * len(sorted_values) / 100)) - 1]
