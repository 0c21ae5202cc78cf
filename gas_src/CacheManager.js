// GENERATED FILE - DO NOT EDIT. CacheManager.js is rendered by `gasctl generate`
// from tools/codegen/templates/CacheManager.js.j2 and tools/codegen/idservice.toml.
// Python reference: gas_emulator/reference/ (same calls, same order: proven by tests/reference).

/**
 * CacheManager: three levels. 1. in-execution memory: blocks this execution reserved (types with
 * blocks = true only). 2. CacheService: request-key answers, breaker, quota snapshot - never a
 * counter, never an unissued number (CacheService evicts early and in bulk). 3. PropertiesService:
 * the state document, the only source of truth. Mirrors gas_emulator/reference/cache_manager.py.
 */
class CacheManager {
  constructor(ctx, service) {
    this.ctx = ctx;
    this.service = service;
  }

  initializeCache() {
    this.ctx.cache();
    this.ctx.pools = {};
    return {levels: ['memory', 'CacheService', 'PropertiesService']};
  }

  warmCache() {
    var ctx = this.ctx;
    var state = this.service.store.read();
    var now = ctx.now();
    this.service.quota.adopt(state.q, now);
    var entries = {};
    entries[ctx.keys.quota] = JSON.stringify(this.service.quota.snapshot);
    entries[ctx.keys.breaker] = JSON.stringify(this.service.locks.breaker);
    this.publish(entries);
    return {warmed: Object.keys(entries).length};
  }

  getCachedId(type, priority) {
    if (priority === undefined) priority = 'normal';
    var found = this.takeFromPool(type);
    if (found !== null) return found;
    var t = idsvcOwn_(this.ctx.cfg.types, type) ? this.ctx.cfg.types[type] : null;
    if (t === null || !t.blocks) return null;
    this.preGenerateIds(type, this.ctx.cfg.cache.blockSize, priority);
    return this.takeFromPool(type);
  }

  preGenerateIds(type, count, priority) {
    if (priority === undefined) priority = 'normal';
    var size = count === undefined || count === null ? this.ctx.cfg.cache.blockSize : count;
    var pool = idsvcOwn_(this.ctx.pools, type) ? this.ctx.pools[type] : null;
    if (pool !== null && pool.next <= pool.to) return pool.to - pool.next + 1;
    return this.service.reserveBlock(type, size, priority);
  }

  invalidateCache(strategy, criteria) {
    if (criteria === undefined || criteria === null) criteria = {};
    var now = this.ctx.now();
    var pools = this.ctx.pools;
    var stale = [];
    var t;
    if (strategy === 'time') {
      var maxAge = criteria.maxAgeMs === undefined ? 0 : criteria.maxAgeMs;
      for (t in pools) if (now - pools[t].at >= maxAge) stale.push(t);
    } else if (strategy === 'usage') {
      var minRemaining = criteria.minRemaining === undefined ? 1 : criteria.minRemaining;
      for (t in pools) if (pools[t].to - pools[t].next + 1 < minRemaining) stale.push(t);
    } else if (strategy === 'quota') {
      var pct = criteria.pct === undefined ? 0 : criteria.pct;
      if (this.service.quota.checkQuotaStatus().pct < pct) return 0;
      this.remove_([this.ctx.keys.quota]);
      return 1;
    } else {
      throw idsvcError_('BAD_REQUEST', 'unknown invalidation strategy ' + JSON.stringify(strategy) +
                        ' (time, usage, quota)');
    }
    return this.service.returnBlocks(stale);
  }

  takeFromPool(type) {
    var pool = idsvcOwn_(this.ctx.pools, type) ? this.ctx.pools[type] : null;
    if (pool === null || pool.next > pool.to) return null;
    var n = pool.next;
    pool.next = n + 1;
    this.ctx.metrics.l1 += 1;
    this.service.auditIssued(type, n, null, 'block');
    return idsvcFormatId_(this.ctx.cfg.types[type], n);
  }

  readShared(type, requestKey) {
    var keys = [this.ctx.keys.breaker, this.ctx.keys.quota];
    if (requestKey !== null) keys.push(this.ctx.keys.request(type, requestKey));
    try {
      return this.ctx.cache().getAll(keys);
    } catch (err) {
      return {};  // level 2 is optional: carry on from level 3
    }
  }

  publish(entries) {
    if (Object.keys(entries).length === 0) return;
    try {
      this.ctx.cache().putAll(entries, this.ctx.cfg.cache.ttlS);
    } catch (err) {
      // a failed put only costs a later cache miss
    }
  }

  remove_(keys) {
    try {
      this.ctx.cache().removeAll(keys);
    } catch (err) {
      // nothing to undo
    }
  }
}
