"""IdService reference: one behaviour per test, on a plain emulator (zero latency, no faults)."""

from __future__ import annotations

import json

import pytest
from idsvc_helpers import audit, stored_state

from gas_emulator.reference import IdService, IdServiceError
from gas_emulator.reference.entry import doGet, doPost, reconcileIds
from gas_emulator.reference.testing import seed_quota
from gas_emulator.services.properties import SCRIPT_NS


def test_first_id_is_start_zero_padded(emu):
    with emu.execution() as ex:
        assert IdService(ex).nextId("BDL") == "BDL-000001"


def test_ids_follow_the_counter_across_executions(emu):
    got = []
    for _ in range(3):
        with emu.execution() as ex:
            got.append(IdService(ex).nextId("ENG"))
    assert got == ["ENG-01000", "ENG-01001", "ENG-01002"]


def test_batch_is_one_read_and_one_write(emu):
    with emu.execution() as ex:
        ids = IdService(ex).nextIds("BDL", 3)
    assert ids == ["BDL-000001", "BDL-000002", "BDL-000003"]
    assert emu.quotas.usage("user@example.com") == 2


def test_every_issued_id_has_one_audit_line(emu):
    with emu.execution(user="ann@example.com") as ex:
        IdService(ex).nextIds("BDL", 2, {"requestKey": "r-1"})
        lines = audit(ex)
    assert [(a["id"], a["n"], a["user"], a["requestKey"], a["source"]) for a in lines] == [
        ("BDL-000001", 1, "ann@example.com", "r-1", "counter"),
        ("BDL-000002", 2, "ann@example.com", "r-1", "counter")]


def test_request_key_returns_the_same_ids(emu):
    with emu.execution() as ex:
        first = IdService(ex).nextIds("BDL", 2, {"requestKey": "order-7"})
    with emu.execution() as ex:
        again = IdService(ex).nextIds("BDL", 2, {"requestKey": "order-7"})
        assert audit(ex, "replayed")[0]["source"] == "cache"
    assert again == first
    assert stored_state(emu)["c"]["BDL"] == 2


def test_request_key_survives_a_cache_eviction(emu):
    with emu.execution() as ex:
        first = IdService(ex).nextId("BDL", {"requestKey": "k1"})
    emu.store.cache_remove_many("cache/script", ["idsvc.rk.BDL.k1"])
    with emu.execution() as ex:
        assert IdService(ex).nextId("BDL", {"requestKey": "k1"}) == first
        assert audit(ex, "replayed")[0]["source"] == "properties"


def test_request_key_expires_after_its_window(emu, cfg):
    with emu.execution() as ex:
        IdService(ex).nextId("BDL", {"requestKey": "k1"})
    emu.clock.advance(cfg.service.request_key_window_ms)
    with emu.execution() as ex:
        assert IdService(ex).nextId("BDL", {"requestKey": "k1"}) == "BDL-000002"


def test_unknown_type_is_refused_with_its_code(emu):
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).nextId("XYZ")
    assert str(err.value) == 'UNKNOWN_TYPE: unknown type "XYZ" (known: BDL, ENG, RET)'


@pytest.mark.parametrize("count", [0, 501, 2.5, "3", True])
def test_bad_count_is_refused(emu, count):
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).nextIds("BDL", count)
    assert str(err.value) == f"BAD_REQUEST: count must be an integer from 1 to 500, not {json.dumps(count)}"


def test_bad_priority_is_refused(emu):
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).nextId("BDL", {"priority": "urgent"})
    assert str(err.value) == 'BAD_REQUEST: priority must be high, normal or low, not "urgent"'


@pytest.mark.parametrize("key", ["", "a b", "x" * 101, 7])
def test_bad_request_key_is_refused_and_changes_nothing(emu, key):
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).nextId("BDL", {"requestKey": key})
    assert str(err.value) == "BAD_REQUEST: requestKey must be 1-100 characters of A-Z a-z 0-9 . _ : -"
    assert emu.store.props_all(SCRIPT_NS) == {}


def test_low_priority_refused_at_85_percent_quota(emu):
    seed_quota(emu, 0.86)
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).nextId("BDL", {"priority": "low"})
    assert err.value.code == "QUOTA_LOW_PRIORITY_REFUSED"
    assert str(err.value) == ("QUOTA_LOW_PRIORITY_REFUSED: property quota at 86% (43001/50000): "
                              "low priority refused")


def test_only_high_priority_served_at_95_percent_quota(emu):
    seed_quota(emu, 0.96)
    with emu.execution() as ex:
        svc = IdService(ex)
        with pytest.raises(IdServiceError) as err:
            svc.nextId("BDL")
        assert err.value.code == "QUOTA_HIGH_PRIORITY_ONLY"
        assert svc.nextId("BDL", {"priority": "high"}) == "BDL-000001"


def test_quota_warning_logged_once_per_threshold(emu):
    seed_quota(emu, 0.71)
    with emu.execution() as ex:
        svc = IdService(ex)
        svc.nextId("BDL")
        svc.nextId("BDL")
        warnings = [json.loads(r.text) for r in ex.logs if r.level == "warn"]
    assert [(w["event"], w["threshold"]) for w in warnings] == [("quota-warning", 70)]


def test_quota_count_is_folded_into_the_state_write(emu):
    with emu.execution() as ex:
        IdService(ex).nextId("BDL")
    with emu.execution() as ex:
        IdService(ex).nextId("BDL")
    assert stored_state(emu)["q"]["used"] == 4 == emu.quotas.usage("user@example.com")


def test_blocks_are_refused_for_an_ordered_type(emu):
    with emu.execution() as ex, pytest.raises(IdServiceError) as err:
        IdService(ex).cache.preGenerateIds("BDL")
    assert str(err.value) == ("BLOCKS_DISABLED: type BDL keeps cross-execution order: blocks are off "
                              "(blocks = true in its configuration)")


def test_reserved_block_serves_ids_without_service_calls(emu):
    with emu.execution() as ex:
        svc = IdService(ex)
        assert svc.cache.preGenerateIds("RET", 5) == 5
        used = emu.quotas.usage("user@example.com")
        got = [svc.cache.getCachedId("RET") for _ in range(5)]
        assert emu.quotas.usage("user@example.com") == used
    assert got == ["RET-000001", "RET-000002", "RET-000003", "RET-000004", "RET-000005"]


def test_returned_block_rolls_back_when_nobody_advanced(emu):
    with emu.execution() as ex:
        svc = IdService(ex)
        svc.cache.preGenerateIds("RET", 10)
        svc.cache.getCachedId("RET")
        assert svc.finish() == 9
    state = stored_state(emu)
    assert (state["c"]["RET"], state["r"]) == (1, [])


def test_returned_block_is_voided_when_the_counter_moved_on(emu):
    with emu.execution() as ex:
        svc = IdService(ex)
        svc.cache.preGenerateIds("RET", 10)
        with emu.execution(user="other@example.com") as other:
            assert IdService(other).nextId("RET") == "RET-000011"
        svc.finish()
        voided = [a["n"] for a in audit(ex, "void")]
    assert voided == list(range(1, 11))
    record = json.loads(emu.store.props_all(SCRIPT_NS)["idsvc.void.RET.1"])
    assert (record["from"], record["to"], record["reason"]) == (1, 10, "unused block returned")


def test_reconcile_voids_a_block_whose_owner_died(emu, cfg):
    with emu.execution() as ex:
        IdService(ex).cache.preGenerateIds("RET", 4)  # never returned: the execution "dies" here
    emu.clock.advance(cfg.service.reservation_lease_ms)
    with emu.execution() as ex:
        assert reconcileIds(ex) == {"voided": 1, "pruned": 0}
        assert audit(ex, "void-block")[0]["reason"] == "reserved block expired unreturned"
    assert stored_state(emu)["r"] == []


def test_reconcile_drops_expired_request_keys(emu, cfg):
    with emu.execution() as ex:
        IdService(ex).nextId("BDL", {"requestKey": "a"})
    emu.clock.advance(cfg.service.request_key_window_ms)
    with emu.execution() as ex:
        assert reconcileIds(ex) == {"voided": 0, "pruned": 1}
    assert "idsvc.rk.BDL.a" not in emu.store.props_all(SCRIPT_NS)


def open_breaker(ex) -> None:
    entry = {"state": "open", "failures": 10, "since": int(ex.now_ms())}
    ex.CacheService.getScriptCache().put("idsvc.breaker", json.dumps(entry))


def test_open_breaker_fails_fast(emu):
    with emu.execution() as ex:
        open_breaker(ex)
        with pytest.raises(IdServiceError) as err:
            IdService(ex).nextId("BDL")
    assert err.value.code == "CIRCUIT_OPEN"
    assert emu.store.props_all(SCRIPT_NS) == {}


def test_breaker_lets_one_probe_through_after_recovery_and_closes(emu, cfg):
    with emu.execution() as ex:
        open_breaker(ex)
    emu.clock.advance(cfg.breaker.recovery_timeout_ms)
    with emu.execution() as ex:
        svc = IdService(ex)
        assert svc.nextId("BDL") == "BDL-000001"
        assert svc.locks.breaker["state"] == "closed"
        assert json.loads(ex.CacheService.getScriptCache().get("idsvc.breaker"))["state"] == "closed"


def test_lock_timeouts_are_retried_then_refused(emu, cfg):
    fast = cfg.with_(lock={"timeout_ms": 10, "max_attempts": 2})
    with emu.execution(user="holder@example.com") as holder:
        holder.LockService.getScriptLock().waitLock(1000)
        with emu.execution() as ex:
            svc = IdService(ex, fast)
            with pytest.raises(IdServiceError) as err:
                svc.nextId("BDL")
            failures = [json.loads(r.text) for r in ex.logs if r.level == "warn"]
    assert str(err.value) == "LOCK_TIMEOUT: no script lock after 2 attempts"
    assert [(f["event"], f["kind"]) for f in failures] == [("lock-failure", "timeout")] * 2


def test_retry_delay_grows_by_the_backoff(emu, cfg):
    with emu.execution() as ex:
        locks = IdService(ex).locks
        delays = [locks.retryDelay(a) for a in range(4)]
    bases = [250, 375, 562, 843]
    assert all(b <= d <= b + cfg.lock.jitter_ms for b, d in zip(bases, delays))


def test_do_post_returns_ids_as_json(emu):
    with emu.execution() as ex:
        body = doPost(ex, {"postData": {"contents": '{"type":"BDL","count":2}'}})
    assert json.loads(body) == {"ids": ["BDL-000001", "BDL-000002"]}


def test_do_post_error_has_a_stable_code(emu):
    with emu.execution() as ex:
        body = doPost(ex, {"postData": {"contents": "not json"}})
    assert json.loads(body) == {"error": {"code": "BAD_REQUEST", "message": "request body is not valid JSON"}}


def test_do_get_reports_counters_and_metrics(emu):
    with emu.execution() as ex:
        IdService(ex).nextIds("BDL", 2)
    with emu.execution() as ex:
        report = json.loads(doGet(ex, {"parameter": {}}))
    assert report["status"] == "ok"
    assert report["counters"]["BDL"] == {"last": 2, "lastId": "BDL-000002", "advanced": 2}
    assert report["metrics"]["requests"] == 1
    assert report["breaker"]["state"] == "closed"
