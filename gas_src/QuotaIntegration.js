// GENERATED FILE - DO NOT EDIT. QuotaIntegration.js is rendered by `gasctl generate`
// from tools/codegen/templates/QuotaIntegration.js.j2 and tools/codegen/idservice.toml.
// Python reference: gas_emulator/reference/ (same calls, same order: proven by tests/reference).

/**
 * QuotaIntegration: count this script's property reads and writes, throttle as they rise.
 * Daily property quota: 50,000 consumer / 500,000 Workspace, reset 24 h after the first request
 * (developers.google.com/apps-script/guides/services/quotas). Bookkeeping costs no quota: calls are
 * counted in memory and folded into the state write the critical section makes anyway.
 * Mirrors gas_emulator/reference/quota.py.
 */
class QuotaIntegration {
  constructor(ctx) {
    this.ctx = ctx;
    this.q = ctx.cfg.quota;
    this.pending = 0;
    this.byOperation = {};
    this.snapshot = {start: 0, used: 0};
    this.warned = {};
  }

  recordQuotaUsage(operation, cost) {
    this.pending += cost;
    this.byOperation[operation] = (this.byOperation[operation] || 0) + cost;
  }

  checkQuotaStatus() {
    var used = this.snapshot.used + this.pending;
    var pct = Math.floor(used * 100 / this.q.dailyLimit);
    var level = this.adaptThrottling(pct).level;
    return {used: used, limit: this.q.dailyLimit, pct: pct, level: level,
            windowStart: this.snapshot.start, resetsAt: this.snapshot.start + this.q.windowMs};
  }

  handleQuotaWarning(threshold) {
    var key = String(threshold);
    if (this.warned[key]) return false;
    this.warned[key] = true;
    var status = this.checkQuotaStatus();
    this.ctx.log('warn', {event: 'quota-warning', threshold: threshold, used: status.used,
                          limit: status.limit, execution: this.ctx.token()});
    return true;
  }

  adaptThrottling(usage) {
    var q = this.q;
    if (usage >= 100) return {level: 'exhausted', preferBlocks: true, refuse: ['high', 'normal', 'low']};
    if (usage >= q.highOnlyPct) return {level: 'high-only', preferBlocks: true, refuse: ['normal', 'low']};
    if (usage >= q.refuseLowPct) return {level: 'refuse-low', preferBlocks: true, refuse: ['low']};
    if (usage >= q.preferBlocksPct) return {level: 'prefer-blocks', preferBlocks: true, refuse: []};
    return {level: 'ok', preferBlocks: false, refuse: []};
  }

  loadSnapshot(text, now) {
    if (idsvcPresent_(text)) this.adopt(JSON.parse(text), now);
  }

  adopt(q, now) {
    if (q.start === 0 || now - q.start >= this.q.windowMs) {
      this.snapshot = {start: 0, used: 0};
    } else {
      this.snapshot = {start: q.start, used: q.used};
    }
  }

  admit(priority) {
    var status = this.checkQuotaStatus();
    var thresholds = [this.q.preferBlocksPct, this.q.refuseLowPct, this.q.highOnlyPct];
    for (var i = 0; i < thresholds.length; i++) {
      if (status.pct >= thresholds[i]) this.handleQuotaWarning(thresholds[i]);
    }
    var policy = this.adaptThrottling(status.pct);
    if (policy.refuse.indexOf(priority) >= 0) {
      throw idsvcError_(quotaRefusalCode_(policy.level),
                        'property quota at ' + String(status.pct) + '% (' + String(status.used) +
                        '/' + String(status.limit) + '): ' + priority + ' priority refused');
    }
    return policy;
  }

  fold(state, now) {
    var q = state.q;
    if (q.start === 0 || now - q.start >= this.q.windowMs) {
      q.start = now;
      q.used = 0;
    }
    var before = q.used;
    q.used = before + this.pending + 1;
    return before;
  }

  committed(state, before) {
    var after = state.q.used;
    this.snapshot = {start: state.q.start, used: after};
    this.pending = 0;
    var limit = this.q.dailyLimit, every = this.ctx.cfg.cache.quotaSnapshotEvery;
    var changed = this.adaptThrottling(Math.floor(before * 100 / limit)).level !==
        this.adaptThrottling(Math.floor(after * 100 / limit)).level;
    return changed || Math.floor(before / every) !== Math.floor(after / every);
  }
}

function quotaRefusalCode_(level) {
  return {'refuse-low': 'QUOTA_LOW_PRIORITY_REFUSED', 'high-only': 'QUOTA_HIGH_PRIORITY_ONLY',
          'exhausted': 'QUOTA_EXHAUSTED'}[level];
}
