"""The state document in script properties: read, write, and survive transient errors (reference).

One property (``idsvc.state``) holds every counter, the open block reservations, the quota count
and the metrics, so a critical section is one read and one write. Request-key answers and void
records are separate properties written in the same ``setProperties`` call (one atomic write).
A failed write is checked by reading the state back: the write token ``w`` says whether it landed.
Mirrors the ``idsvcRead*_`` / ``idsvcWrite_`` functions of ``gas_src/IdService.js``.
"""

from __future__ import annotations

from ..errors import GasError
from .common import Context, IdServiceError, dumps, parse_state
from .quota import QuotaIntegration


class StateStore:
    def __init__(self, ctx: Context, quota: QuotaIntegration) -> None:
        self.ctx = ctx
        self.quota = quota

    def read(self) -> dict:
        """The state document alone (``getProperty``)."""
        return parse_state(self.ctx.cfg, self._attempts("read", self._get_state))

    def readAll(self) -> dict:
        """Every script property (``getProperties``: one read, state and request keys together)."""
        return self._attempts("read", self._get_all)

    def write(self, state: dict, extra: dict, replace: dict | None = None) -> None:
        """Write ``state`` (and ``extra`` properties in the same call); raise STORAGE_ERROR if it never lands.

        With ``replace`` (raw strings), the store is rewritten to exactly state + extra + replace
        (``setProperties(values, true)``: how reconciliation drops expired request keys in one write).
        """
        ctx = self.ctx
        ctx.write_seq += 1
        state["w"] = ctx.token() + "." + str(ctx.write_seq)
        text = dumps(state)
        last = ""
        for _attempt in range(ctx.cfg.service.storage_attempts):
            try:
                self._put(text, extra, replace)
                self.quota.recordQuotaUsage("write", 1)
                return
            except GasError as err:
                last = err.message
                if self._landed(state["w"]):
                    return
        raise IdServiceError("STORAGE_ERROR", "state write failed: " + last)

    # -- internals ---------------------------------------------------------------------------
    def _get_state(self):
        return self.ctx.props().getProperty(self.ctx.keys.state)

    def _get_all(self):
        return self.ctx.props().getProperties()

    def _put(self, text: str, extra: dict, replace: dict | None) -> None:
        props = self.ctx.props()
        if not extra and replace is None:
            props.setProperty(self.ctx.keys.state, text)
            return
        values = {self.ctx.keys.state: text}
        for key in extra:
            values[key] = dumps(extra[key])
        if replace is None:
            props.setProperties(values)
            return
        for key in replace:
            values[key] = replace[key]
        props.setProperties(values, True)

    def _landed(self, write_token: str) -> bool:
        """After a failed write: read the state back; did our write land anyway?"""
        try:
            text = self._get_state()
            self.quota.recordQuotaUsage("read", 1)
        except GasError:
            return False
        return text is not None and parse_state(self.ctx.cfg, text)["w"] == write_token

    def _attempts(self, what: str, call):
        last = ""
        for _attempt in range(self.ctx.cfg.service.storage_attempts):
            try:
                value = call()
                self.quota.recordQuotaUsage(what, 1)
                return value
            except GasError as err:
                last = err.message
        raise IdServiceError("STORAGE_ERROR", "state " + what + " failed: " + last)
