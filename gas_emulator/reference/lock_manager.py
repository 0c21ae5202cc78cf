"""LockManager (reference): the script lock with retries, safe release, and a circuit breaker.

spec "Concurrency control": 30 s timeout, up to 5 attempts, delay ``baseDelay * 1.5^attempt`` plus
jitter, ``releaseLockSafely`` never throws, the breaker opens after 10 consecutive failures, fails
fast while open, lets one probe through after the recovery timeout (half-open) and closes on success.
The breaker is shared through CacheService (``idsvc.breaker``): approximate under races, which is
acceptable for a breaker and costs no quota. Mirrors ``gas_src/LockManager.js``.
"""

from __future__ import annotations

import json
import math

from ..errors import GasError
from .common import Context, IdServiceError, dumps


class LockManager:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.cfg = ctx.cfg
        self.breaker = {"state": "closed", "failures": 0, "since": 0}
        self.probe = False
        self.dirty = False
        self.stats = {"attempts": 0, "timeouts": 0, "errors": 0, "waitMs": 0}

    # -- spec methods ----------------------------------------------------------------------
    def acquireLockWithRetry(self, lockKey: str, options: dict | None = None):
        """The lock named ``lockKey`` ("script" or "user"), retried with backoff; LOCK_TIMEOUT at the end."""
        lock_cfg = self.cfg.lock
        for attempt in range(lock_cfg.max_attempts):
            if attempt > 0:
                self.checkCircuitBreakerStatus()
            lock = self._lock(lockKey)
            started = self.ctx.now()
            error = None
            try:
                got = lock.tryLock(lock_cfg.timeout_ms)
            except GasError as err:
                got = False
                error = err.message
            waited = self.ctx.now() - started
            self.stats["attempts"] += 1
            self.stats["waitMs"] += waited
            self.ctx.metrics["lockWaitMs"] += waited
            if got:
                self._succeeded()
                return lock
            self.handleLockTimeout(lockKey, waited, error)
            if attempt + 1 < lock_cfg.max_attempts:
                self.ctx.ex.Utilities.sleep(self.retryDelay(attempt))
        raise IdServiceError("LOCK_TIMEOUT", "no " + lockKey + " lock after " + str(lock_cfg.max_attempts)
                             + " attempts")

    def releaseLockSafely(self, lock) -> bool:
        """Release ``lock``; never throws (a failed release ends with the execution anyway)."""
        try:
            lock.releaseLock()
            return True
        except GasError as err:
            self.ctx.log("warn", {"event": "lock-release-failed", "error": err.message,
                                  "execution": self.ctx.token()})
            return False

    def handleLockTimeout(self, lockKey: str, waitedMs: int = 0, error: str | None = None) -> dict:
        """Record one failed attempt, classify it, and move the shared breaker."""
        kind = "timeout" if error is None else "error"
        self.stats["timeouts" if error is None else "errors"] += 1
        self.ctx.metrics["lockFailures"] += 1
        record = {"event": "lock-failure", "lock": lockKey, "kind": kind, "waitedMs": waitedMs,
                  "error": error, "execution": self.ctx.token()}
        self.ctx.log("warn", record)
        self._count_failure()
        return record

    def checkCircuitBreakerStatus(self) -> str:
        """The breaker's state; CIRCUIT_OPEN while open, or half-open with a probe in flight."""
        b = self.breaker
        if b["state"] == "closed" or self.probe:
            return b["state"]
        now = self.ctx.now()
        if now - b["since"] < self.cfg.breaker.recovery_timeout_ms:
            raise IdServiceError("CIRCUIT_OPEN", "lock circuit breaker " + b["state"] + " after "
                                 + str(b["failures"]) + " consecutive lock failures; retry after "
                                 + str(b["since"] + self.cfg.breaker.recovery_timeout_ms) + " ms")
        # recovery timeout passed (or the last probe died): this execution is the probe
        self.breaker = {"state": "half-open", "failures": b["failures"], "since": now}
        self.probe = True
        self._publish()
        return "half-open"

    # -- used by IdService -----------------------------------------------------------------
    def loadBreaker(self, text: str | None) -> None:
        if text is not None:
            self.breaker = json.loads(text)

    def retryDelay(self, attempt: int) -> int:
        """``baseDelay * 1.5^attempt`` plus 0..jitter ms (the jitter from this execution's token)."""
        lock_cfg = self.cfg.lock
        return math.floor(lock_cfg.base_delay_ms * math.pow(lock_cfg.backoff, attempt)) + \
            self.ctx.random_int(lock_cfg.jitter_ms + 1)

    def closedEntry(self) -> dict | None:
        """The breaker entry to publish after a success (None when nothing changed)."""
        return self.breaker if self.dirty else None

    # -- internals ---------------------------------------------------------------------------
    def _lock(self, lockKey: str):
        if lockKey == "user":
            return self.ctx.ex.LockService.getUserLock()
        return self.ctx.ex.LockService.getScriptLock()

    def _succeeded(self) -> None:
        b = self.breaker
        if b["state"] != "closed" or b["failures"] > 0:
            self.breaker = {"state": "closed", "failures": 0, "since": self.ctx.now()}
            self.dirty = True
        self.probe = False

    def _count_failure(self) -> None:
        """Read the shared breaker, add this failure, open it at the threshold (or on a failed probe)."""
        try:
            text = self.ctx.cache().get(self.ctx.keys.breaker)
        except GasError:
            text = None
        if text is not None:
            self.breaker = json.loads(text)
        b = self.breaker
        failures = b["failures"] + 1
        if self.probe or failures >= self.cfg.breaker.failure_threshold:
            self.breaker = {"state": "open", "failures": failures, "since": self.ctx.now()}
            self.probe = False
        else:
            self.breaker = {"state": b["state"], "failures": failures, "since": b["since"]}
        self._publish()

    def _publish(self) -> None:
        try:
            self.ctx.cache().put(self.ctx.keys.breaker, dumps(self.breaker), self.cfg.cache.ttl_s)
        except GasError:
            pass  # the breaker is advisory: a lost update only delays opening or closing it
