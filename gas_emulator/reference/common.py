"""What every part of the IdService reference shares: the per-execution context, errors, JSON, keys.

The reference is written only against the Apps Script facade (``ex.PropertiesService`` ...), one
Python line per JavaScript line where possible, so that ``gas_src/*.js`` (rendered from
``tools/codegen/templates``) can make the same service calls in the same order. Rules that keep
the two forms byte-identical:

* numbers written anywhere are integers (``Date.now()`` is an integer; Python's ``round`` is
  banker's rounding, so ``js_round`` mirrors ``Math.round``);
* JSON is ``json.dumps(separators=(",", ":"), ensure_ascii=False)`` = ``JSON.stringify``, objects
  built in the same key order, no integer-like keys;
* randomness comes from the execution token (``Utilities.getUuid()``) through xorshift32.
"""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from gas_codegen.config import IdServiceConfig, IdType

if TYPE_CHECKING:
    from ..execution import Execution

PRIORITIES = ("high", "normal", "low")


class IdServiceError(Exception):
    """An IdService refusal: ``code`` is stable (doPost's error.code), ``str()`` is JS ``e.message``."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.detail = message
        super().__init__(f"{code}: {message}")

    def __str__(self) -> str:
        return f"{self.code}: {self.detail}"


def dumps(value: Any) -> str:
    """``JSON.stringify(value)`` for the plain values IdService writes."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def js_round(x: float) -> int:
    """``Math.round``: halves go up (Python's ``round`` goes to even)."""
    return math.floor(x + 0.5)


def xorshift32(x: int) -> int:
    """One xorshift32 step; JS: ``x = (x ^ (x << 13)) >>> 0; x = (x ^ (x >>> 17)) >>> 0; ...``."""
    x = (x ^ (x << 13)) & 0xFFFFFFFF
    x ^= x >> 17
    return (x ^ (x << 5)) & 0xFFFFFFFF


def format_id(t: IdType, n: int) -> str:
    """``prefix + String(n).padStart(width, "0")`` (never truncates a longer number)."""
    return t.prefix + str(n).rjust(t.width, "0")


class Keys:
    """Script property and cache keys (all under the configured prefix)."""

    def __init__(self, prefix: str) -> None:
        self.state = prefix + "state"
        self.breaker = prefix + "breaker"
        self.quota = prefix + "quota"
        self._prefix = prefix

    def request(self, type_name: str, request_key: str) -> str:
        return self._prefix + "rk." + type_name + "." + request_key

    def void(self, type_name: str, first: int) -> str:
        return self._prefix + "void." + type_name + "." + str(first)

    def is_void(self, key: str) -> bool:
        return key.startswith(self._prefix + "void.")

    def is_request(self, key: str) -> bool:
        return key.startswith(self._prefix + "rk.")


class Context:
    """One execution's IdService globals (JS: the ``IDSVC_`` object made by ``idsvcContext_()``)."""

    def __init__(self, ex: Execution, cfg: IdServiceConfig) -> None:
        self.ex = ex
        self.cfg = cfg
        self.keys = Keys(cfg.service.key_prefix)
        self._props = None
        self._cache = None
        self._token: str | None = None
        self._user: str | None = None
        self._rng = 0
        self.write_seq = 0
        self.pools: dict[str, dict] = {}
        self.metrics = {"l1": 0, "l2": 0, "l3": 0, "lockWaitMs": 0, "lockFailures": 0}

    # -- Apps Script handles, opened on first use (same order in both forms) -------------------
    def props(self):
        if self._props is None:
            self._props = self.ex.PropertiesService.getScriptProperties()
        return self._props

    def cache(self):
        if self._cache is None:
            self._cache = self.ex.CacheService.getScriptCache()
        return self._cache

    def now(self) -> int:
        """``Date.now()``: integer milliseconds of the emulator's clock."""
        return math.floor(self.ex.now_ms())

    def token(self) -> str:
        """This execution's identity in audit lines and reservations (``Utilities.getUuid()``)."""
        if self._token is None:
            self._token = self.ex.Utilities.getUuid()
            self._rng = int(self._token[:8], 16) | 1
        return self._token

    def user(self) -> str:
        if self._user is None:
            session = self.ex.Session
            self._user = session.getActiveUser().getEmail() or session.getEffectiveUser().getEmail()
        return self._user

    def random_int(self, bound: int) -> int:
        """0..bound-1 from the token's xorshift32 stream (JS: ``idsvcRandomInt_``)."""
        self.token()
        self._rng = xorshift32(self._rng)
        return self._rng % bound

    def log(self, level: str, record: dict) -> None:
        """One structured console line (``console.log(JSON.stringify(record))``)."""
        getattr(self.ex.console, level)(dumps(record))


def new_state(cfg: IdServiceConfig) -> dict:
    """The state document before the first write: every counter just below its start."""
    return {"v": 1, "c": {name: t.start - 1 for name, t in cfg.types.items()}, "r": [],
            "q": {"start": 0, "used": 0}, "m": {"n": 0, "rt": [], "lw": [], "l1": 0, "l2": 0, "l3": 0,
                                               "lf": 0}, "w": ""}


def parse_state(cfg: IdServiceConfig, text: str | None) -> dict:
    state = new_state(cfg) if text is None else json.loads(text)
    for name, t in cfg.types.items():  # a type added to the configuration later starts fresh
        if name not in state["c"]:
            state["c"][name] = t.start - 1
    return state
