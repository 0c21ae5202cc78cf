"""Fault injection: sites that fire per seed with a probability (FoundationDB's BUGGIFY).

``NO_FAULTS`` is the default. A fault plan is consulted at every service call
(:meth:`Faults.before_call`) and by the services at their own sites (``fires``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..execution import Execution


class Faults(Protocol):
    def before_call(self, ex: Execution, op: str, key: str | None) -> None:
        """May raise a GasError (transient, too many lock operations) or Terminated (kill)."""
        ...

    def fires(self, site: str, ex: Execution) -> bool:
        """Whether the fault ``site`` (e.g. ``cache_evict``, ``lock_slow``) fires now."""
        ...


class NoFaults:
    def before_call(self, ex: Execution, op: str, key: str | None) -> None:
        return None

    def fires(self, site: str, ex: Execution) -> bool:
        return False


NO_FAULTS = NoFaults()
