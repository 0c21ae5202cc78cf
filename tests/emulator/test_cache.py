"""CacheService on both stores: API, TTL on the virtual clock, limits, eviction, exact messages."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator, GasError
from gas_emulator.services.cache import Cache

SECOND = 1000


@pytest.fixture
def cache(ex) -> Cache:
    return ex.CacheService.getScriptCache()


class _EvictOnce:
    """A fault plan whose ``cache_evict`` site fires at the first put only."""

    def __init__(self) -> None:
        self.armed = False

    def before_call(self, ex, op, key) -> None:
        return None

    def fires(self, site, ex) -> bool:
        if site == "cache_evict" and self.armed:
            self.armed = False
            return True
        return False


# ---------------------------------------------------------------------- API
def test_put_then_get(cache):
    cache.put("k", "v")
    assert cache.get("k") == "v"


def test_get_missing_returns_none(cache):
    assert cache.get("missing") is None


def test_void_methods_return_none(cache):
    assert cache.put("k", "v") is None
    assert cache.putAll({"a": "1"}) is None
    assert cache.remove("k") is None
    assert cache.removeAll(["a"]) is None


def test_get_all_returns_only_keys_found(cache):
    cache.putAll({"a": "1", "b": "2"})
    assert cache.getAll(["a", "b", "missing"]) == {"a": "1", "b": "2"}


def test_remove(cache):
    cache.putAll({"a": "1", "b": "2"})
    cache.remove("a")
    assert cache.getAll(["a", "b"]) == {"b": "2"}


def test_remove_all(cache):
    cache.putAll({"a": "1", "b": "2", "c": "3"})
    cache.removeAll(["a", "c", "missing"])
    assert cache.getAll(["a", "b", "c"]) == {"b": "2"}


def test_put_replaces_value(cache):
    cache.put("k", "1")
    cache.put("k", "2")
    assert cache.get("k") == "2"


# ---------------------------------------------------------------------- coercion
@pytest.mark.parametrize(("value", "stored"), [
    ({"a": 1}, "[object Object]"), (None, "null"), (3, "3"), (2.5, "2.5"), (True, "true"), ([1, 2], "1,2"),
])
def test_values_are_stored_as_javascript_strings(cache, value, stored):
    cache.put("k", value)
    assert cache.get("k") == stored


def test_number_key_is_stringified(cache):
    cache.put(42, "v")
    assert cache.get("42") == "v"


# ---------------------------------------------------------------------- caches
def test_script_cache_is_shared_between_users(emu):
    with emu.execution(user="a@example.com") as ex:
        ex.CacheService.getScriptCache().put("k", "a")
    with emu.execution(user="b@example.com") as ex:
        assert ex.CacheService.getScriptCache().get("k") == "a"


def test_user_cache_is_per_user(emu):
    with emu.execution(user="a@example.com") as ex:
        ex.CacheService.getUserCache().put("k", "a")
    with emu.execution(user="b@example.com") as ex:
        assert ex.CacheService.getUserCache().get("k") is None


def test_document_cache_is_none_without_document(ex):
    assert ex.CacheService.getDocumentCache() is None


def test_document_cache_is_per_document(emu):
    with emu.execution(document_id="d1") as ex:
        ex.CacheService.getDocumentCache().put("k", "1")
    with emu.execution(document_id="d2") as ex:
        assert ex.CacheService.getDocumentCache().get("k") is None
    with emu.execution(document_id="d1") as ex:
        assert ex.CacheService.getDocumentCache().get("k") == "1"


# ---------------------------------------------------------------------- expiry
# Each step is its own execution: one execution may not outlive its 6-minute cap.
def _put(emu: Emulator, key: str, value: str, *ttl) -> None:
    with emu.execution() as ex:
        ex.CacheService.getScriptCache().put(key, value, *ttl)


def _get(emu: Emulator, key: str) -> str | None:
    with emu.execution() as ex:
        return ex.CacheService.getScriptCache().get(key)


def test_default_ttl_is_600_seconds(emu):
    _put(emu, "k", "v")
    emu.clock.advance(600 * SECOND - 1)
    assert _get(emu, "k") == "v"
    emu.clock.advance(1)
    assert _get(emu, "k") is None


def test_explicit_ttl(emu, cache):
    cache.put("k", "v", 5)
    emu.clock.advance(5 * SECOND - 1)
    assert cache.get("k") == "v"
    emu.clock.advance(1)
    assert cache.get("k") is None


def test_ttl_above_maximum_is_clamped_to_21600_seconds(emu):
    _put(emu, "k", "v", 100_000)
    emu.clock.advance(21_600 * SECOND - 1)
    assert _get(emu, "k") == "v"
    emu.clock.advance(1)
    assert _get(emu, "k") is None


def test_negative_ttl_is_accepted_and_persists_with_default_ttl(emu):
    _put(emu, "k", "v", -5)
    emu.clock.advance(599 * SECOND)
    assert _get(emu, "k") == "v"
    emu.clock.advance(SECOND)
    assert _get(emu, "k") is None


def test_put_all_ttl_applies_to_every_item(emu, cache):
    cache.putAll({"a": "1", "b": "2"}, 10)
    emu.clock.advance(10 * SECOND)
    assert cache.getAll(["a", "b"]) == {}


def test_expired_entries_do_not_count(emu, store, cache):
    cache.putAll({f"k{i}": "v" for i in range(5)}, 1)
    emu.clock.advance(SECOND)
    assert store.cache_size("cache/script", emu.clock.now_ms()) == 0


def test_ttl_must_be_a_number(cache):
    with pytest.raises(GasError) as err:
        cache.put("k", "v", "60")
    assert err.value.message == ("The parameters (String,String,String) don't match the method "
                                 "signature for Cache.put.")


# ---------------------------------------------------------------------- limits
def test_key_of_250_characters_is_accepted(cache):
    cache.put("k" * 250, "v")
    assert cache.get("k" * 250) == "v"


def test_key_of_251_characters_is_refused(cache):
    with pytest.raises(GasError) as err:
        cache.put("k" * 251, "v")
    assert err.value.message == "Argument too large: key"


def test_key_length_counts_javascript_code_units(cache):
    with pytest.raises(GasError) as err:
        cache.put("\U0001F600" * 126, "v")  # 126 emoji = 252 UTF-16 code units
    assert err.value.message == "Argument too large: key"


@pytest.mark.parametrize("key", [None, ""])
def test_null_or_empty_key_is_invalid(cache, key):
    with pytest.raises(GasError) as err:
        cache.put(key, "v")
    assert err.value.message == "Invalid argument: key"


@pytest.mark.parametrize("key", [None, ""])
def test_get_with_null_or_empty_key_is_invalid(cache, key):
    with pytest.raises(GasError) as err:
        cache.get(key)
    assert err.value.message == "Invalid argument: key"


def test_value_of_102400_bytes_is_accepted(cache):
    cache.put("k", "x" * 102_400)
    assert len(cache.get("k")) == 102_400


def test_value_of_102401_bytes_is_refused(cache):
    with pytest.raises(GasError) as err:
        cache.put("k", "x" * 102_401)
    assert err.value.message == "Argument too large: value"
    assert cache.get("k") is None


def test_value_size_counts_utf8_bytes(cache):
    with pytest.raises(GasError) as err:
        cache.put("k", "é" * 51_201)  # 102,402 bytes
    assert err.value.message == "Argument too large: value"


def test_failing_put_all_stores_nothing(cache):
    with pytest.raises(GasError) as err:
        cache.putAll({"a": "1", "b": "x" * 102_401})
    assert err.value.message == "Argument too large: value"
    assert cache.getAll(["a", "b"]) == {}


def test_put_all_refuses_non_object(cache):
    with pytest.raises(GasError) as err:
        cache.putAll(["a"])
    assert err.value.message == "The parameters (String[]) don't match the method signature for Cache.putAll."


def test_get_all_refuses_invalid_key(cache):
    with pytest.raises(GasError) as err:
        cache.getAll(["a", ""])
    assert err.value.message == "Invalid argument: key"


# ---------------------------------------------------------------------- eviction
def test_1001st_item_evicts_down_to_900_oldest_first(emu, store, cache):
    cache.putAll({f"k{i:04d}": "v" for i in range(1000)})
    cache.put("new", "v")
    now = emu.clock.now_ms()
    assert store.cache_size("cache/script", now) == 900
    assert cache.get("new") == "v"
    assert cache.getAll([f"k{i:04d}" for i in range(101)]) == {}
    assert cache.get("k0101") == "v"


def test_eviction_is_fifo_not_lru(emu, store, cache):
    for i in range(1000):
        cache.put(f"k{i:04d}", "v")
    cache.getAll([f"k{i:04d}" for i in range(100)])  # reading does not refresh (spec 3.2)
    cache.put("new", "v")
    assert cache.getAll([f"k{i:04d}" for i in range(100)]) == {}


def test_replacing_a_key_makes_it_newest(cache):
    cache.putAll({f"k{i:04d}": "v" for i in range(1000)})
    cache.put("k0000", "again")
    cache.put("new", "v")
    assert cache.get("k0000") == "again"
    assert cache.get("k0001") is None


def test_expired_items_go_before_live_ones(emu, store, cache):
    cache.putAll({f"old{i}": "v" for i in range(200)}, 1)
    cache.putAll({f"k{i:04d}": "v" for i in range(800)})
    emu.clock.advance(SECOND)
    cache.put("new", "v")
    assert store.cache_size("cache/script", emu.clock.now_ms()) == 801


def test_item_cap_is_per_cache(emu, store):
    with emu.execution(user="a@example.com") as ex:
        ex.CacheService.getScriptCache().putAll({f"s{i}": "v" for i in range(1000)})
        ex.CacheService.getUserCache().putAll({f"u{i}": "v" for i in range(1000)})
    now = emu.clock.now_ms()
    assert store.cache_size("cache/script", now) == 1000
    assert store.cache_size("cache/user/a@example.com", now) == 1000


def test_fault_site_evicts_about_ten_percent_early(store):
    faults = _EvictOnce()
    emu = Emulator(store=store, faults=faults)
    with emu.execution() as ex:
        cache = ex.CacheService.getScriptCache()
        cache.putAll({f"k{i:03d}": "v" for i in range(500)})
        faults.armed = True
        cache.put("new", "v")
        assert store.cache_size("cache/script", emu.clock.now_ms()) == 451
        assert cache.getAll([f"k{i:03d}" for i in range(50)]) == {}
        assert cache.get("k050") == "v"


def test_calls_are_traced_with_op_names(store):
    emu = Emulator(store=store, trace=True)
    with emu.execution() as ex:
        cache = ex.CacheService.getScriptCache()
        cache.put("k", "v")
        cache.get("k")
        cache.putAll({"a": "1"})
        cache.getAll(["a", "b"])
        cache.remove("k")
        cache.removeAll(["a"])
        with pytest.raises(GasError):
            cache.put("", "v")
    assert [(e[2], e[3], e[4]) for e in emu.trace] == [
        ("cache.put", "k", "ok"), ("cache.get", "k", "v"), ("cache.put_all", None, "ok"),
        ("cache.get_all", None, 1), ("cache.remove", "k", "ok"), ("cache.remove_all", None, "ok"),
        ("cache.put", "", "Invalid argument: key"),
    ]
