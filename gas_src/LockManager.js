// GENERATED FILE - DO NOT EDIT. LockManager.js is rendered by `gasctl generate`
// from tools/codegen/templates/LockManager.js.j2 and tools/codegen/idservice.toml.
// Python reference: gas_emulator/reference/ (same calls, same order: proven by tests/reference).

/**
 * LockManager: the script lock with retries, safe release, and a circuit breaker shared through
 * CacheService. spec "Concurrency control": 30 s timeout, up to 5 attempts, baseDelay * 1.5^attempt
 * plus jitter; releaseLockSafely never throws; the breaker opens after 10 consecutive failures,
 * fails fast while open, lets one probe through after the recovery timeout, closes on success.
 * Mirrors gas_emulator/reference/lock_manager.py.
 */
class LockManager {
  constructor(ctx) {
    this.ctx = ctx;
    this.cfg = ctx.cfg;
    this.breaker = {state: 'closed', failures: 0, since: 0};
    this.probe = false;
    this.dirty = false;
    this.stats = {attempts: 0, timeouts: 0, errors: 0, waitMs: 0};
  }

  acquireLockWithRetry(lockKey, options) {
    var lockCfg = this.cfg.lock;
    for (var attempt = 0; attempt < lockCfg.maxAttempts; attempt++) {
      if (attempt > 0) this.checkCircuitBreakerStatus();
      var lock = this.lock_(lockKey);
      var started = this.ctx.now();
      var error = null;
      var got;
      try {
        got = lock.tryLock(lockCfg.timeoutMs);
      } catch (err) {
        got = false;
        error = err.message;
      }
      var waited = this.ctx.now() - started;
      this.stats.attempts += 1;
      this.stats.waitMs += waited;
      this.ctx.metrics.lockWaitMs += waited;
      if (got) {
        this.succeeded_();
        return lock;
      }
      this.handleLockTimeout(lockKey, waited, error);
      if (attempt + 1 < lockCfg.maxAttempts) Utilities.sleep(this.retryDelay(attempt));
    }
    throw idsvcError_('LOCK_TIMEOUT', 'no ' + lockKey + ' lock after ' + String(lockCfg.maxAttempts) +
                      ' attempts');
  }

  releaseLockSafely(lock) {
    try {
      lock.releaseLock();
      return true;
    } catch (err) {
      this.ctx.log('warn', {event: 'lock-release-failed', error: err.message, execution: this.ctx.token()});
      return false;
    }
  }

  handleLockTimeout(lockKey, waitedMs, error) {
    if (waitedMs === undefined) waitedMs = 0;
    if (error === undefined) error = null;
    var kind = error === null ? 'timeout' : 'error';
    this.stats[error === null ? 'timeouts' : 'errors'] += 1;
    this.ctx.metrics.lockFailures += 1;
    var record = {event: 'lock-failure', lock: lockKey, kind: kind, waitedMs: waitedMs, error: error,
                  execution: this.ctx.token()};
    this.ctx.log('warn', record);
    this.countFailure_();
    return record;
  }

  checkCircuitBreakerStatus() {
    var b = this.breaker;
    if (b.state === 'closed' || this.probe) return b.state;
    var now = this.ctx.now();
    if (now - b.since < this.cfg.breaker.recoveryTimeoutMs) {
      throw idsvcError_('CIRCUIT_OPEN', 'lock circuit breaker ' + b.state + ' after ' + String(b.failures) +
                        ' consecutive lock failures; retry after ' +
                        String(b.since + this.cfg.breaker.recoveryTimeoutMs) + ' ms');
    }
    this.breaker = {state: 'half-open', failures: b.failures, since: now};
    this.probe = true;
    this.publish_();
    return 'half-open';
  }

  loadBreaker(text) {
    if (idsvcPresent_(text)) this.breaker = JSON.parse(text);
  }

  retryDelay(attempt) {
    var lockCfg = this.cfg.lock;
    return Math.floor(lockCfg.baseDelayMs * Math.pow(lockCfg.backoff, attempt)) +
        this.ctx.randomInt(lockCfg.jitterMs + 1);
  }

  closedEntry() {
    return this.dirty ? this.breaker : null;
  }

  lock_(lockKey) {
    if (lockKey === 'user') return LockService.getUserLock();
    return LockService.getScriptLock();
  }

  succeeded_() {
    var b = this.breaker;
    if (b.state !== 'closed' || b.failures > 0) {
      this.breaker = {state: 'closed', failures: 0, since: this.ctx.now()};
      this.dirty = true;
    }
    this.probe = false;
  }

  countFailure_() {
    var text;
    try {
      text = this.ctx.cache().get(this.ctx.keys.breaker);
    } catch (err) {
      text = null;
    }
    if (idsvcPresent_(text)) this.breaker = JSON.parse(text);
    var b = this.breaker;
    var failures = b.failures + 1;
    if (this.probe || failures >= this.cfg.breaker.failureThreshold) {
      this.breaker = {state: 'open', failures: failures, since: this.ctx.now()};
      this.probe = false;
    } else {
      this.breaker = {state: b.state, failures: failures, since: b.since};
    }
    this.publish_();
  }

  publish_() {
    try {
      this.ctx.cache().put(this.ctx.keys.breaker, JSON.stringify(this.breaker), this.cfg.cache.ttlS);
    } catch (err) {
      // the breaker is advisory: a lost update only delays opening or closing it
    }
  }
}
