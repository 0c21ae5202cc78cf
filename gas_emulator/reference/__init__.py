"""IdService's Python reference: the executable specification of ``gas_src/`` (spec/idservice.md).

    from gas_emulator.reference import IdService, simRequest, check_ids
    with Emulator().execution() as ex:
        IdService(ex).nextId("BDL")                     # 'BDL-000001'

Modules: ``idservice`` (IdService), ``lock_manager``, ``cache_manager``, ``quota``, ``state_store``,
``entry`` (the Apps Script entry points: nextId, nextIds, doGet, doPost, reconcileIds, simRequest),
``variants`` (baseline and known-bad), ``invariants`` (check_ids), ``harness`` (run under the
simulator with the audit captured), ``conformance`` (reference vs rendered JavaScript).
"""

from .common import IdServiceError
from .config import default_config
from .entry import doGet, doPost, nextId, nextIds, reconcileIds, releaseReservedIds, simRequest
from .idservice import IdService
from .invariants import IdCheck, check_ids

__all__ = ["IdCheck", "IdService", "IdServiceError", "check_ids", "default_config", "doGet", "doPost",
           "nextId", "nextIds", "reconcileIds", "releaseReservedIds", "simRequest"]
