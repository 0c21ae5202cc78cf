// GENERATED FILE - DO NOT EDIT. IdService.js is rendered by `gasctl generate`
// from tools/codegen/templates/IdService.js.j2 and tools/codegen/idservice.toml.
// Python reference: gas_emulator/reference/ (same calls, same order: proven by tests/reference).

/**
 * IdService: unique, gap-accounted, ordered identifiers under the script lock (spec/idservice.md).
 * One request: level 1 (this execution's reserved block), level 2 (one CacheService.getAll:
 * request-key answer, breaker, quota snapshot), breaker and quota policy, then the critical section:
 * one property read, one property write, and the audit lines at once - no service call between the
 * write returning and the audit, so an execution killed anywhere leaves each number unwritten or
 * audited as issued. Then release and one CacheService.putAll when something changed.
 * Mirrors gas_emulator/reference/idservice.py, state_store.py, common.py and entry.py.
 */

var IDSVC_CONFIG = {
  "service": {
    "keyPrefix": "idsvc.",
    "timeZone": "America/New_York",
    "requestKeyWindowMs": 3600000,
    "maxRequestKeyLength": 100,
    "maxBatch": 500,
    "reservationLeaseMs": 420000,
    "storageAttempts": 3,
    "metricsWindow": 50
  },
  "lock": {
    "timeoutMs": 30000,
    "maxAttempts": 5,
    "baseDelayMs": 250,
    "backoff": 1.5,
    "jitterMs": 250
  },
  "breaker": {
    "failureThreshold": 10,
    "recoveryTimeoutMs": 60000
  },
  "cache": {
    "ttlS": 600,
    "blockSize": 50,
    "quotaSnapshotEvery": 20
  },
  "quota": {
    "dailyLimit": 50000,
    "windowMs": 86400000,
    "preferBlocksPct": 70,
    "refuseLowPct": 85,
    "highOnlyPct": 95
  },
  "types": {
    "BDL": {
      "prefix": "BDL-",
      "width": 6,
      "start": 1,
      "blocks": false
    },
    "ENG": {
      "prefix": "ENG-",
      "width": 5,
      "start": 1000,
      "blocks": false
    },
    "RET": {
      "prefix": "RET-",
      "width": 6,
      "start": 1,
      "blocks": true
    }
  }
};

var IDSVC_PRIORITIES = ['high', 'normal', 'low'];
var IDSVC_REQUEST_KEY = /^[A-Za-z0-9._:-]+$/;
var IDSVC_ = null;  // this execution's service (a fresh V8 context per execution)

// ------------------------------------------------------------------ Apps Script entry points
function nextId(type, options) {
  return idsvc_().nextId(type, options);
}

function nextIds(type, count, options) {
  return idsvc_().nextIds(type, count, options);
}

function releaseReservedIds() {
  return idsvc_().finish();
}

function reconcileIds() {
  var svc = idsvc_();
  var lock = svc.locks.acquireLockWithRetry('script', {priority: 'high'});
  try {
    return idsvcReconcile_(svc);
  } finally {
    svc.locks.releaseLockSafely(lock);
  }
}

function doGet(e) {
  var params = (e && e.parameter) || {};
  var report = idsvcHealth_();
  var text = params.report === 'voids' ? JSON.stringify({voids: report.voids}) : JSON.stringify(report);
  return ContentService.createTextOutput(text).setMimeType(ContentService.MimeType.JSON);
}

function doPost(e) {
  return ContentService.createTextOutput(idsvcPost_(e)).setMimeType(ContentService.MimeType.JSON);
}

function simRequest(scenario) {
  var svc = idsvc_();
  var ctx = svc.ctx;
  var types = scenario.types;
  var counts = idsvcField_(scenario, 'counts', [1]);
  var priorities = idsvcField_(scenario, 'priorities', ['normal']);
  var keys = idsvcField_(scenario, 'keys', 0);
  var typeName = types[ctx.randomInt(types.length)];
  var count = counts[ctx.randomInt(counts.length)];
  var priority = priorities[ctx.randomInt(priorities.length)];
  var key = keys > 0 ? 'k' + String(ctx.randomInt(keys)) : null;
  var ids;
  try {
    if (idsvcField_(scenario, 'mode', 'nextIds') === 'pool') {
      ids = [];
      for (var i = 0; i < count; i++) ids.push(svc.cache.getCachedId(typeName, priority));
    } else {
      ids = svc.nextIds(typeName, count, {requestKey: key, priority: priority});
    }
  } finally {
    svc.finish();
  }
  return ids;
}

function idsvc_() {
  if (IDSVC_ === null) IDSVC_ = new IdService(IDSVC_CONFIG);
  return IDSVC_;
}

// ------------------------------------------------------------------ IdService
class IdService {
  constructor(cfg) {
    this.ctx = new IdContext_(cfg);
    this.quota = new QuotaIntegration(this.ctx);
    this.locks = new LockManager(this.ctx);
    this.cache = new CacheManager(this.ctx, this);
    this.store = new StateStore_(this.ctx, this.quota);
  }

  nextId(type, options) {
    return this.nextIds(type, 1, options)[0];
  }

  nextIds(type, count, options) {
    var ctx = this.ctx;
    var started = ctx.now();
    var req = this.request(type, count, options);
    if (req.count === 1 && req.requestKey === null) {
      var found = this.cache.takeFromPool(req.type);
      if (found !== null) return [found];
    }
    var shared = this.cache.readShared(req.type, req.requestKey);
    if (req.requestKey !== null) {
      var answer = shared[ctx.keys.request(req.type, req.requestKey)];
      if (idsvcPresent_(answer) && JSON.parse(answer).expires > ctx.now()) {
        ctx.metrics.l2 += 1;
        this.auditReplayed(req.type, JSON.parse(answer).ids, req.requestKey, 'cache');
        return JSON.parse(answer).ids;
      }
    }
    var policy = this.admit_(shared, req.priority);
    var reserve = 0;
    if (req.count === 1 && req.requestKey === null && policy.preferBlocks && ctx.cfg.types[req.type].blocks) {
      reserve = ctx.cfg.cache.blockSize - 1;
    }
    var plan = {type: req.type, count: req.count, reserve: reserve, requestKey: req.requestKey,
                priority: req.priority, started: started};
    var result = this.locked_(plan);
    this.publish_(plan, result);
    return result.ids;
  }

  reserveBlock(type, count, priority) {
    if (priority === undefined) priority = 'normal';
    var req = this.request(type, count, {priority: priority});
    if (!this.ctx.cfg.types[req.type].blocks) {
      throw idsvcError_('BLOCKS_DISABLED', 'type ' + req.type + ' keeps cross-execution order: ' +
                        'blocks are off (blocks = true in its configuration)');
    }
    var shared = this.cache.readShared(req.type, null);
    this.admit_(shared, req.priority);
    var plan = {type: req.type, count: 0, reserve: req.count, requestKey: null, priority: req.priority,
                started: this.ctx.now()};
    var result = this.locked_(plan);
    this.publish_(plan, result);
    return req.count;
  }

  returnBlocks(types) {
    var ctx = this.ctx;
    var held = types.filter(function (t) { return idsvcOwn_(ctx.pools, t); });
    if (held.length === 0) return 0;
    var lock = this.locks.acquireLockWithRetry('script', {priority: 'high'});
    try {
      return this.commitReturn_(held);
    } finally {
      this.locks.releaseLockSafely(lock);
    }
  }

  finish() {
    return this.returnBlocks(Object.keys(this.ctx.pools));
  }

  request(type, count, options) {
    var cfg = this.ctx.cfg;
    if (typeof type !== 'string' || !idsvcOwn_(cfg.types, type)) {
      throw idsvcError_('UNKNOWN_TYPE', 'unknown type ' + JSON.stringify(type) + ' (known: ' +
                        Object.keys(cfg.types).join(', ') + ')');
    }
    var whole = typeof count === 'number' && Math.floor(count) === count;
    if (!whole || count < 1 || count > cfg.service.maxBatch) {
      throw idsvcError_('BAD_REQUEST', 'count must be an integer from 1 to ' + String(cfg.service.maxBatch) +
                        ', not ' + JSON.stringify(count));
    }
    if (options === undefined || options === null) options = {};
    if (typeof options !== 'object' || Array.isArray(options)) {
      throw idsvcError_('BAD_REQUEST', 'options must be an object');
    }
    var priority = idsvcField_(options, 'priority', null);
    if (priority === null) priority = 'normal';
    if (IDSVC_PRIORITIES.indexOf(priority) < 0) {
      throw idsvcError_('BAD_REQUEST', 'priority must be high, normal or low, not ' + JSON.stringify(priority));
    }
    var key = idsvcField_(options, 'requestKey', null);
    if (key !== null && (typeof key !== 'string' || key.length > cfg.service.maxRequestKeyLength ||
                         !IDSVC_REQUEST_KEY.test(key))) {
      throw idsvcError_('BAD_REQUEST', 'requestKey must be 1-' + String(cfg.service.maxRequestKeyLength) +
                        ' characters of A-Z a-z 0-9 . _ : -');
    }
    return {type: type, count: count, priority: priority, requestKey: key};
  }

  admit_(shared, priority) {
    var ctx = this.ctx;
    this.locks.loadBreaker(shared[ctx.keys.breaker]);
    this.quota.loadSnapshot(shared[ctx.keys.quota], ctx.now());
    this.locks.checkCircuitBreakerStatus();
    return this.quota.admit(priority);
  }

  locked_(plan) {
    var lock = this.locks.acquireLockWithRetry('script', {priority: plan.priority});
    try {
      return this.commit_(plan);
    } finally {
      this.locks.releaseLockSafely(lock);
    }
  }

  commit_(plan) {
    var ctx = this.ctx, keys = ctx.keys;
    var answer = null;
    var state;
    if (plan.requestKey !== null) {
      var props = this.store.readAll();
      state = idsvcParseState_(ctx.cfg, props[keys.state]);
      answer = idsvcField_(props, keys.request(plan.type, plan.requestKey), null);
    } else {
      state = this.store.read();
    }
    var now = ctx.now();
    var extra = {};
    var voids = this.reconcileState(state, now, extra);
    this.quota.adopt(state.q, now);
    var result = {ids: null, first: 0, expires: 0, quota: false};
    if (answer !== null && JSON.parse(answer).expires > now) {
      result.ids = JSON.parse(answer).ids;
      result.expires = JSON.parse(answer).expires;
      if (voids.length === 0) {
        this.auditReplayed(plan.type, result.ids, plan.requestKey, 'properties');
        return result;
      }
    } else {
      this.quota.admit(plan.priority);
      this.advance_(state, plan, now, extra, result);
    }
    var before = this.quota.fold(state, now);
    this.foldMetrics_(state, plan.started, now);
    this.store.write(state, extra);
    // committed: audit at once, before any other service call
    this.auditVoids(voids);
    if (result.first === 0) this.auditReplayed(plan.type, result.ids, plan.requestKey, 'properties');
    var issued = result.first > 0 ? result.ids.length : 0;
    for (var i = 0; i < issued; i++) this.auditIssued(plan.type, result.first + i, plan.requestKey, 'counter');
    if (plan.reserve > 0) {
      var lo = result.first + plan.count;
      ctx.pools[plan.type] = {from: lo, next: lo, to: lo + plan.reserve - 1, at: now};
    }
    this.resetMetrics_();
    result.quota = this.quota.committed(state, before);
    return result;
  }

  advance_(state, plan, now, extra, result) {
    var ctx = this.ctx, t = plan.type;
    var n = state.c[t];
    state.c[t] = n + plan.count + plan.reserve;
    if (plan.reserve > 0) {
      var lo = n + plan.count + 1;
      state.r.push([t, lo, lo + plan.reserve - 1, ctx.token(), now + ctx.cfg.service.reservationLeaseMs]);
    }
    result.first = n + 1;
    result.ids = [];
    for (var i = 0; i < plan.count; i++) result.ids.push(idsvcFormatId_(ctx.cfg.types[t], n + 1 + i));
    if (plan.requestKey !== null) {
      result.expires = now + ctx.cfg.service.requestKeyWindowMs;
      extra[ctx.keys.request(t, plan.requestKey)] = {ids: result.ids, expires: result.expires};
    }
  }

  commitReturn_(types) {
    var ctx = this.ctx;
    var state = this.store.read();
    var now = ctx.now();
    var extra = {};
    var voids = this.reconcileState(state, now, extra);
    var returned = [];
    var count = 0;
    for (var i = 0; i < types.length; i++) {
      var t = types[i];
      var pool = ctx.pools[t];
      var kept = state.r.filter(function (r) { return !(r[0] === t && r[1] === pool.from && r[3] === ctx.token()); });
      if (kept.length < state.r.length && pool.next <= pool.to) {
        count += pool.to - pool.next + 1;
        if (state.c[t] === pool.to) {
          state.c[t] = pool.next - 1;  // nobody advanced since: the numbers never existed
        } else {
          var record = {type: t, from: pool.next, to: pool.to, reason: 'unused block returned',
                        owner: ctx.token(), time: now};
          extra[ctx.keys.void(t, pool.next)] = record;
          returned.push(record);
        }
      }
      state.r = kept;
    }
    var before = this.quota.fold(state, now);
    this.store.write(state, extra);
    this.auditVoids(voids);
    this.auditVoids(returned);
    for (var j = 0; j < types.length; j++) delete ctx.pools[types[j]];
    this.quota.committed(state, before);
    return count;
  }

  reconcileState(state, now, extra) {
    var ctx = this.ctx;
    var kept = [], voids = [];
    for (var i = 0; i < state.r.length; i++) {
      var r = state.r[i];
      if (r[4] <= now) {
        var record = {type: r[0], from: r[1], to: r[2], reason: 'reserved block expired unreturned',
                      owner: r[3], time: now};
        extra[ctx.keys.void(r[0], r[1])] = record;
        voids.push(record);
      } else {
        kept.push(r);
      }
    }
    state.r = kept;
    return voids;
  }

  auditIssued(type, n, requestKey, source) {
    var ctx = this.ctx;
    ctx.log('log', {event: 'issued', type: type, id: idsvcFormatId_(ctx.cfg.types[type], n), n: n,
                    user: ctx.user(), time: ctx.now(), requestKey: requestKey,
                    execution: ctx.token(), source: source});
  }

  auditReplayed(type, ids, requestKey, source) {
    var ctx = this.ctx;
    ctx.log('log', {event: 'replayed', type: type, ids: ids, user: ctx.user(), time: ctx.now(),
                    requestKey: requestKey, execution: ctx.token(), source: source});
  }

  auditVoids(records) {
    var ctx = this.ctx;
    for (var i = 0; i < records.length; i++) {
      var rec = records[i];
      if (rec.reason !== 'unused block returned') {
        ctx.log('log', {event: 'void-block', type: rec.type, from: rec.from, to: rec.to, reason: rec.reason,
                        owner: rec.owner, user: ctx.user(), time: rec.time, execution: ctx.token()});
        continue;
      }
      for (var n = rec.from; n <= rec.to; n++) {
        ctx.log('log', {event: 'void', type: rec.type, id: idsvcFormatId_(ctx.cfg.types[rec.type], n), n: n,
                        reason: rec.reason, owner: rec.owner, user: ctx.user(), time: rec.time,
                        execution: ctx.token()});
      }
    }
  }

  foldMetrics_(state, started, now) {
    var m = state.m, local = this.ctx.metrics, window = this.ctx.cfg.service.metricsWindow;
    m.n += 1;
    idsvcPush_(m.rt, now - started, window);
    idsvcPush_(m.lw, local.lockWaitMs, window);
    m.l1 += local.l1;
    m.l2 += local.l2;
    m.l3 += 1;
    m.lf += local.lockFailures;
  }

  resetMetrics_() {
    var local = this.ctx.metrics;
    local.l1 = 0;
    local.l2 = 0;
    local.lockWaitMs = 0;
    local.lockFailures = 0;
  }

  publish_(plan, result) {
    var ctx = this.ctx, entries = {};
    if (result.quota) entries[ctx.keys.quota] = JSON.stringify(this.quota.snapshot);
    var breaker = this.locks.closedEntry();
    if (breaker !== null) {
      entries[ctx.keys.breaker] = JSON.stringify(breaker);
      this.locks.dirty = false;
    }
    if (plan.requestKey !== null) {
      entries[ctx.keys.request(plan.type, plan.requestKey)] = JSON.stringify(
          {ids: result.ids, expires: result.expires});
    }
    this.cache.publish(entries);
  }
}

// ------------------------------------------------------------------ the state document (state_store.py)
class StateStore_ {
  constructor(ctx, quota) {
    this.ctx = ctx;
    this.quota = quota;
  }

  read() {
    var ctx = this.ctx;
    return idsvcParseState_(ctx.cfg, this.attempts_('read', function () {
      return ctx.props().getProperty(ctx.keys.state);
    }));
  }

  readAll() {
    var ctx = this.ctx;
    return this.attempts_('read', function () { return ctx.props().getProperties(); });
  }

  write(state, extra, replace) {
    if (replace === undefined) replace = null;
    var ctx = this.ctx;
    ctx.writeSeq += 1;
    state.w = ctx.token() + '.' + String(ctx.writeSeq);
    var text = JSON.stringify(state);
    var last = '';
    for (var attempt = 0; attempt < ctx.cfg.service.storageAttempts; attempt++) {
      try {
        this.put_(text, extra, replace);
        this.quota.recordQuotaUsage('write', 1);
        return;
      } catch (err) {
        last = err.message;
        if (this.landed_(state.w)) return;
      }
    }
    throw idsvcError_('STORAGE_ERROR', 'state write failed: ' + last);
  }

  put_(text, extra, replace) {
    var props = this.ctx.props();
    var key;
    if (Object.keys(extra).length === 0 && replace === null) {
      props.setProperty(this.ctx.keys.state, text);
      return;
    }
    var values = {};
    values[this.ctx.keys.state] = text;
    for (key in extra) values[key] = JSON.stringify(extra[key]);
    if (replace === null) {
      props.setProperties(values);
      return;
    }
    for (key in replace) values[key] = replace[key];
    props.setProperties(values, true);
  }

  landed_(writeToken) {
    var text;
    try {
      text = this.ctx.props().getProperty(this.ctx.keys.state);
      this.quota.recordQuotaUsage('read', 1);
    } catch (err) {
      return false;
    }
    return text !== null && idsvcParseState_(this.ctx.cfg, text).w === writeToken;
  }

  attempts_(what, call) {
    var last = '';
    for (var attempt = 0; attempt < this.ctx.cfg.service.storageAttempts; attempt++) {
      try {
        var value = call();
        this.quota.recordQuotaUsage(what, 1);
        return value;
      } catch (err) {
        last = err.message;
      }
    }
    throw idsvcError_('STORAGE_ERROR', 'state ' + what + ' failed: ' + last);
  }
}

// ------------------------------------------------------------------ per-execution context (common.py)
class IdContext_ {
  constructor(cfg) {
    this.cfg = cfg;
    this.keys = new IdKeys_(cfg.service.keyPrefix);
    this.props_ = null;
    this.cache_ = null;
    this.token_ = null;
    this.user_ = null;
    this.rng_ = 0;
    this.writeSeq = 0;
    this.pools = {};
    this.metrics = {l1: 0, l2: 0, l3: 0, lockWaitMs: 0, lockFailures: 0};
  }

  props() {
    if (this.props_ === null) this.props_ = PropertiesService.getScriptProperties();
    return this.props_;
  }

  cache() {
    if (this.cache_ === null) this.cache_ = CacheService.getScriptCache();
    return this.cache_;
  }

  now() {
    return Date.now();
  }

  token() {
    if (this.token_ === null) {
      this.token_ = Utilities.getUuid();
      this.rng_ = (parseInt(this.token_.slice(0, 8), 16) | 1) >>> 0;
    }
    return this.token_;
  }

  user() {
    if (this.user_ === null) {
      this.user_ = Session.getActiveUser().getEmail() || Session.getEffectiveUser().getEmail();
    }
    return this.user_;
  }

  randomInt(bound) {
    this.token();
    var x = this.rng_;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.rng_ = x;
    return x % bound;
  }

  log(level, record) {
    console[level](JSON.stringify(record));
  }
}

class IdKeys_ {
  constructor(prefix) {
    this.state = prefix + 'state';
    this.breaker = prefix + 'breaker';
    this.quota = prefix + 'quota';
    this.prefix_ = prefix;
  }

  request(typeName, requestKey) {
    return this.prefix_ + 'rk.' + typeName + '.' + requestKey;
  }

  void(typeName, first) {
    return this.prefix_ + 'void.' + typeName + '.' + String(first);
  }

  isVoid(key) {
    return key.indexOf(this.prefix_ + 'void.') === 0;
  }

  isRequest(key) {
    return key.indexOf(this.prefix_ + 'rk.') === 0;
  }
}

function idsvcError_(code, message) {
  var err = new Error(code + ': ' + message);
  err.idsvcCode = code;
  err.idsvcDetail = message;
  return err;
}

function idsvcFormatId_(t, n) {
  return t.prefix + String(n).padStart(t.width, '0');
}

function idsvcNewState_(cfg) {
  var c = {};
  for (var name in cfg.types) c[name] = cfg.types[name].start - 1;
  return {v: 1, c: c, r: [], q: {start: 0, used: 0},
          m: {n: 0, rt: [], lw: [], l1: 0, l2: 0, l3: 0, lf: 0}, w: ''};
}

function idsvcParseState_(cfg, text) {
  var state = idsvcPresent_(text) ? JSON.parse(text) : idsvcNewState_(cfg);
  for (var name in cfg.types) {
    if (!idsvcOwn_(state.c, name)) state.c[name] = cfg.types[name].start - 1;
  }
  return state;
}

function idsvcPresent_(value) {
  return value !== undefined && value !== null;
}

function idsvcOwn_(obj, key) {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

function idsvcField_(obj, key, fallback) {
  return obj[key] === undefined ? fallback : obj[key];
}

function idsvcPush_(ring, value, window) {
  ring.push(value);
  if (ring.length > window) ring.shift();
}

// ------------------------------------------------------------------ maintenance, health, web (entry.py)
function idsvcReconcile_(svc) {
  var ctx = svc.ctx;
  var props = svc.store.readAll();
  var state = idsvcParseState_(ctx.cfg, props[ctx.keys.state]);
  var now = ctx.now();
  var extra = {};
  var voids = svc.reconcileState(state, now, extra);
  var keep = {}, pruned = 0;
  for (var key in props) {
    if (key === ctx.keys.state || idsvcOwn_(extra, key)) continue;
    if (ctx.keys.isRequest(key) && JSON.parse(props[key]).expires <= now) {
      pruned += 1;
      continue;
    }
    keep[key] = props[key];
  }
  if (voids.length > 0 || pruned > 0) {
    var before = svc.quota.fold(state, now);
    svc.store.write(state, extra, pruned > 0 ? keep : null);
    svc.auditVoids(voids);
    svc.quota.committed(state, before);
  }
  return {voided: voids.length, pruned: pruned};
}

function idsvcHealth_() {
  var svc = idsvc_();
  var ctx = svc.ctx;
  var props = svc.store.readAll();
  var state = idsvcParseState_(ctx.cfg, props[ctx.keys.state]);
  var now = ctx.now();
  var shared = svc.cache.readShared('', null);
  svc.locks.loadBreaker(shared[ctx.keys.breaker]);
  svc.quota.adopt(state.q, now);
  var quota = svc.quota.checkQuotaStatus();
  var voids = Object.keys(props).sort().filter(function (k) { return ctx.keys.isVoid(k); })
      .map(function (k) { return JSON.parse(props[k]); });
  var counters = {};
  for (var name in ctx.cfg.types) {
    var t = ctx.cfg.types[name], last = state.c[name];
    counters[name] = {last: last, lastId: last >= t.start ? idsvcFormatId_(t, last) : null,
                      advanced: last - t.start + 1};
  }
  var healthy = svc.locks.breaker.state === 'closed' && (quota.level === 'ok' || quota.level === 'prefer-blocks');
  return {status: healthy ? 'ok' : 'degraded', time: now, breaker: svc.locks.breaker, quota: quota,
          metrics: idsvcSummarize_(state.m), counters: counters, openReservations: state.r.length, voids: voids};
}

function idsvcSummarize_(m) {
  var rt = m.rt.slice().sort(function (a, b) { return a - b; });
  var hits = m.l1 + m.l2;
  var total = hits + m.l3;
  return {requests: m.n, avgMs: idsvcAvg_(rt), p95Ms: idsvcPct_(rt, 95), p99Ms: idsvcPct_(rt, 99),
          lockWaitAvgMs: idsvcAvg_(m.lw), cacheHitPermille: total ? Math.round(1000 * hits / total) : 0,
          lockFailures: m.lf};
}

function idsvcAvg_(values) {
  if (values.length === 0) return 0;
  var sum = 0;
  for (var i = 0; i < values.length; i++) sum += values[i];
  return Math.round(sum / values.length);
}

function idsvcPct_(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(1, Math.ceil(p * sorted.length / 100)) - 1];
}

function idsvcPost_(e) {
  var svc = idsvc_();
  try {
    var ids;
    try {
      var body = idsvcBody_(e);
      var count = idsvcField_(body, 'count', null);
      ids = svc.nextIds(idsvcField_(body, 'type', null), count === null ? 1 : count,
                        {requestKey: idsvcField_(body, 'requestKey', null),
                         priority: idsvcField_(body, 'priority', null)});
    } finally {
      svc.finish();
    }
    return JSON.stringify({ids: ids});
  } catch (err) {
    if (err && err.idsvcCode) return JSON.stringify({error: {code: err.idsvcCode, message: err.idsvcDetail}});
    return JSON.stringify({error: {code: 'SERVICE_ERROR', message: err.message}});
  }
}

function idsvcBody_(e) {
  var post = e ? idsvcField_(e, 'postData', null) : null;
  if (post === null || !idsvcPresent_(post.contents)) throw idsvcError_('BAD_REQUEST', 'no request body');
  var body;
  try {
    body = JSON.parse(post.contents);
  } catch (err) {
    throw idsvcError_('BAD_REQUEST', 'request body is not valid JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw idsvcError_('BAD_REQUEST', 'request body must be a JSON object');
  }
  return body;
}
