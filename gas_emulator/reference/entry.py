"""The Apps Script entry points of the reference: what ``gas_src/IdService.js`` declares at top level.

Each function takes the execution first (``fn(ex, *args)``, the simulator's Python workload form)
and then exactly the JavaScript function's arguments. One :class:`IdService` per execution holds the
execution's globals (level-1 blocks, breaker, metrics), as a fresh V8 context does for the script.
"""

from __future__ import annotations

import json

from ..errors import GasError
from ..execution import Execution
from .common import IdServiceError, dumps, format_id, parse_state
from .idservice import IdService, summarize_metrics

_SERVICE_ATTR = "_idservice"  # the attribute of the execution that holds it


def service_for(ex: Execution) -> IdService:
    """This execution's IdService (JS: the ``IDSVC_`` global, made on first use).

    Kept on the execution itself, so it goes with it. (A WeakKeyDictionary keyed by the execution
    never let go: the IdService refers to its execution, so every entry kept its own key alive, and
    with it each execution's emulator and store: 15,000 of them after a 300-seed explore, the
    process growing with every seed and its exit taking ~1 s per 300 seeds.)
    """
    svc = ex.__dict__.get(_SERVICE_ATTR)
    if svc is None:
        svc = ex.__dict__[_SERVICE_ATTR] = IdService(ex)
    return svc


def use_service(ex: Execution, svc: IdService) -> None:
    """Make ``svc`` this execution's IdService (a variant of the reference, bench/idservice)."""
    ex.__dict__[_SERVICE_ATTR] = svc


def nextId(ex: Execution, type: str, options: dict | None = None) -> str:
    return service_for(ex).nextId(type, options)


def nextIds(ex: Execution, type: str, count: int, options: dict | None = None) -> list[str]:
    return service_for(ex).nextIds(type, count, options)


def releaseReservedIds(ex: Execution) -> int:
    """Call at the end of an execution that used blocks (unused numbers go back or are voided)."""
    return service_for(ex).finish()


def reconcileIds(ex: Execution) -> dict:
    """Maintenance (an hourly trigger): void expired reservations, drop expired request keys."""
    svc = service_for(ex)
    lock = svc.locks.acquireLockWithRetry("script", {"priority": "high"})
    try:
        return _reconcile(svc)
    finally:
        svc.locks.releaseLockSafely(lock)


def _reconcile(svc: IdService) -> dict:
    ctx = svc.ctx
    props = svc.store.readAll()
    state = parse_state(ctx.cfg, props.get(ctx.keys.state))
    now = ctx.now()
    extra: dict = {}
    voids = svc.reconcileState(state, now, extra)
    keep, pruned = {}, 0
    for key in props:
        if key == ctx.keys.state or key in extra:
            continue
        if ctx.keys.is_request(key) and json.loads(props[key])["expires"] <= now:
            pruned += 1
            continue
        keep[key] = props[key]
    if voids or pruned:
        before = svc.quota.fold(state, now)
        svc.store.write(state, extra, keep if pruned else None)
        svc.auditVoids(voids)
        svc.quota.committed(state, before)
    return {"voided": len(voids), "pruned": pruned}


def health(ex: Execution) -> dict:
    """Health and metrics (doGet): state, breaker, quota, figures, void records."""
    svc = service_for(ex)
    ctx = svc.ctx
    props = svc.store.readAll()
    state = parse_state(ctx.cfg, props.get(ctx.keys.state))
    now = ctx.now()
    shared = svc.cache.readShared("", None)
    svc.locks.loadBreaker(shared.get(ctx.keys.breaker))
    svc.quota.adopt(state["q"], now)
    quota = svc.quota.checkQuotaStatus()
    voids = [json.loads(props[k]) for k in sorted(props) if ctx.keys.is_void(k)]
    counters = {}
    for name, t in ctx.cfg.types.items():
        last = state["c"][name]
        counters[name] = {"last": last, "lastId": format_id(t, last) if last >= t.start else None,
                          "advanced": last - t.start + 1}
    healthy = svc.locks.breaker["state"] == "closed" and quota["level"] in ("ok", "prefer-blocks")
    return {"status": "ok" if healthy else "degraded", "time": now, "breaker": svc.locks.breaker,
            "quota": quota, "metrics": summarize_metrics(state["m"]), "counters": counters,
            "openReservations": len(state["r"]), "voids": voids}


def doGet(ex: Execution, e: dict | None = None) -> str:
    """``GET``: health and metrics as JSON (``?report=voids`` lists the void records only)."""
    params = (e or {}).get("parameter") or {}
    report = health(ex)
    if params.get("report") == "voids":
        return dumps({"voids": report["voids"]})
    return dumps(report)


def doPost(ex: Execution, e: dict | None = None) -> str:
    """``POST`` JSON ``{type, count, requestKey, priority}`` -> ``{ids}`` or ``{error: {code, message}}``."""
    svc = service_for(ex)
    try:
        try:
            body = _body(e)
            count = body.get("count")
            ids = svc.nextIds(body.get("type"), 1 if count is None else count,
                              {"requestKey": body.get("requestKey"), "priority": body.get("priority")})
        finally:
            svc.finish()
        return dumps({"ids": ids})
    except IdServiceError as err:
        return dumps({"error": {"code": err.code, "message": err.detail}})
    except GasError as err:
        return dumps({"error": {"code": "SERVICE_ERROR", "message": err.message}})


def _body(e: dict | None) -> dict:
    post = (e or {}).get("postData")
    if post is None or post.get("contents") is None:
        raise IdServiceError("BAD_REQUEST", "no request body")
    try:
        body = json.loads(post["contents"])
    except ValueError:
        raise IdServiceError("BAD_REQUEST", "request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise IdServiceError("BAD_REQUEST", "request body must be a JSON object")
    return body


def pick_request(ctx, scenario: dict) -> tuple[str, int, str, str | None]:
    """``(type, count, priority, request key)`` drawn from the execution's own random stream, in
    this order (the baseline draws the same, so both variants see the same requests)."""
    types = scenario["types"]
    counts = scenario.get("counts", [1])
    priorities = scenario.get("priorities", ["normal"])
    keys = scenario.get("keys", 0)
    type_name = types[ctx.random_int(len(types))]
    count = counts[ctx.random_int(len(counts))]
    priority = priorities[ctx.random_int(len(priorities))]
    key = "k" + str(ctx.random_int(keys)) if keys > 0 else None
    return type_name, count, priority, key


def simRequest(ex: Execution, scenario: dict) -> list:
    """One simulated caller: picks its request from ``scenario`` with the execution's own random stream.

    scenario: ``types`` (list), ``counts`` (list, default [1]), ``priorities`` (default ["normal"]),
    ``keys`` (request keys drawn from k0..k{keys-1}; 0 = none), ``mode`` ("nextIds" or "pool").
    """
    svc = service_for(ex)
    type_name, count, priority, key = pick_request(svc.ctx, scenario)
    try:
        if scenario.get("mode", "nextIds") == "pool":
            ids = [svc.cache.getCachedId(type_name, priority) for _ in range(count)]
        else:
            ids = svc.nextIds(type_name, count, {"requestKey": key, "priority": priority})
    finally:
        svc.finish()
    return ids
