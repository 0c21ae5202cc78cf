"""QuotaIntegration (reference): count this script's property reads and writes, throttle as they rise.

Source of the figures: developers.google.com/apps-script/guides/services/quotas (50,000 property
reads/writes a day on consumer accounts, 500,000 on Workspace, reset 24 h after the first request).
Bookkeeping costs no quota of its own: calls are counted in memory (``recordQuotaUsage``) and folded
into the state document that the critical section writes anyway; other executions see the level
through a CacheService snapshot published every ``quota_snapshot_every`` writes or on a level change.
Mirrors ``gas_src/QuotaIntegration.js``.
"""

from __future__ import annotations

import json

from .common import Context, IdServiceError

LEVELS = ("ok", "prefer-blocks", "refuse-low", "high-only", "exhausted")


class QuotaIntegration:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.q = ctx.cfg.quota
        self.pending = 0
        self.by_operation: dict[str, int] = {}
        self.snapshot = {"start": 0, "used": 0}
        self.warned: dict[str, bool] = {}

    # -- spec methods ----------------------------------------------------------------------
    def recordQuotaUsage(self, operation: str, cost: int) -> None:
        """Count ``cost`` quota units spent by ``operation`` (flushed with the next state write)."""
        self.pending += cost
        self.by_operation[operation] = self.by_operation.get(operation, 0) + cost

    def checkQuotaStatus(self) -> dict:
        """Usage as last known (snapshot or state) plus this execution's unflushed calls."""
        used = self.snapshot["used"] + self.pending
        pct = used * 100 // self.q.daily_limit
        level = self.adaptThrottling(pct)["level"]
        return {"used": used, "limit": self.q.daily_limit, "pct": pct, "level": level,
                "windowStart": self.snapshot["start"], "resetsAt": self.snapshot["start"] + self.q.window_ms}

    def handleQuotaWarning(self, threshold: int) -> bool:
        """Log one warning line per threshold per execution; True when it was logged now."""
        key = str(threshold)
        if self.warned.get(key):
            return False
        self.warned[key] = True
        status = self.checkQuotaStatus()
        self.ctx.log("warn", {"event": "quota-warning", "threshold": threshold, "used": status["used"],
                              "limit": status["limit"], "execution": self.ctx.token()})
        return True

    def adaptThrottling(self, usage: int) -> dict:
        """The policy for ``usage`` percent: prefer blocks, then refuse low, then all but high."""
        q = self.q
        if usage >= 100:
            return {"level": "exhausted", "preferBlocks": True, "refuse": ["high", "normal", "low"]}
        if usage >= q.high_only_pct:
            return {"level": "high-only", "preferBlocks": True, "refuse": ["normal", "low"]}
        if usage >= q.refuse_low_pct:
            return {"level": "refuse-low", "preferBlocks": True, "refuse": ["low"]}
        if usage >= q.prefer_blocks_pct:
            return {"level": "prefer-blocks", "preferBlocks": True, "refuse": []}
        return {"level": "ok", "preferBlocks": False, "refuse": []}

    # -- used by IdService -----------------------------------------------------------------
    def loadSnapshot(self, text: str | None, now: int) -> None:
        """Adopt the CacheService snapshot (absent: nothing known yet, counted as zero)."""
        if text is not None:
            self.adopt(json.loads(text), now)

    def adopt(self, q: dict, now: int) -> None:
        """Adopt a usage record ``{start, used}``; an expired window counts as a fresh one."""
        if q["start"] == 0 or now - q["start"] >= self.q.window_ms:
            self.snapshot = {"start": 0, "used": 0}
        else:
            self.snapshot = {"start": q["start"], "used": q["used"]}

    def admit(self, priority: str) -> dict:
        """Apply the policy to a request of ``priority``: raise its refusal, else return the policy."""
        status = self.checkQuotaStatus()
        for threshold in (self.q.prefer_blocks_pct, self.q.refuse_low_pct, self.q.high_only_pct):
            if status["pct"] >= threshold:
                self.handleQuotaWarning(threshold)
        policy = self.adaptThrottling(status["pct"])
        if priority in policy["refuse"]:
            raise IdServiceError(_refusal_code(policy["level"]),
                                 "property quota at " + str(status["pct"]) + "% (" + str(status["used"])
                                 + "/" + str(status["limit"]) + "): " + priority + " priority refused")
        return policy

    def fold(self, state: dict, now: int) -> int:
        """Add the unflushed calls, plus the write about to happen, to ``state.q``; return the old count."""
        q = state["q"]
        if q["start"] == 0 or now - q["start"] >= self.q.window_ms:
            q["start"] = now
            q["used"] = 0
        before = q["used"]
        q["used"] = before + self.pending + 1
        return before

    def committed(self, state: dict, before: int) -> bool:
        """The write returned: adopt ``state.q``; True when other executions should see it now."""
        after = state["q"]["used"]
        self.snapshot = {"start": state["q"]["start"], "used": after}
        self.pending = 0
        limit, every = self.q.daily_limit, self.ctx.cfg.cache.quota_snapshot_every
        changed = self.adaptThrottling(before * 100 // limit)["level"] != \
            self.adaptThrottling(after * 100 // limit)["level"]
        return changed or before // every != after // every


def _refusal_code(level: str) -> str:
    return {"refuse-low": "QUOTA_LOW_PRIORITY_REFUSED", "high-only": "QUOTA_HIGH_PRIORITY_ONLY",
            "exhausted": "QUOTA_EXHAUSTED"}[level]
