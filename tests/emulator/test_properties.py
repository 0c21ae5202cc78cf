"""PropertiesService on both stores: API, coercion, limits, exact messages, quotas, atomicity."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator, GasError, Settings
from gas_emulator.services.properties import Properties
from gas_emulator.settings import ACCOUNT_WORKSPACE

DAY_MS = 24 * 3600 * 1000
WRITE_QUOTA_MSG = "Service invoked too many times for one day: graphite property writes."
READ_QUOTA_MSG = "Service invoked too many times for one day: graphite property reads."
STORE_FULL_MSG = "You have exceeded the property storage quota. Please remove some properties and try again."


@pytest.fixture
def props(ex) -> Properties:
    return ex.PropertiesService.getScriptProperties()


# ---------------------------------------------------------------------- API
def test_set_then_get_returns_value(props):
    props.setProperty("k", "v")
    assert props.getProperty("k") == "v"


def test_get_missing_returns_none(props):
    assert props.getProperty("missing") is None


def test_get_none_key_returns_none(props):
    assert props.getProperty(None) is None


def test_setters_return_the_properties_object(props):
    assert props.setProperty("a", "1") is props
    assert props.setProperties({"b": "2"}) is props
    assert props.deleteProperty("a") is props
    assert props.deleteAllProperties() is props


def test_calls_chain(props):
    props.setProperty("a", "1").setProperty("b", "2").deleteProperty("a")
    assert props.getProperties() == {"b": "2"}


def test_get_properties_is_a_copy(props):
    props.setProperty("a", "1")
    copy = props.getProperties()
    copy["a"] = "changed"
    copy["new"] = "x"
    assert props.getProperties() == {"a": "1"}


def test_get_properties_of_empty_store_is_empty_dict(props):
    assert props.getProperties() == {}


def test_get_keys(props):
    props.setProperties({"a": "1", "b": "2"})
    assert sorted(props.getKeys()) == ["a", "b"]


def test_set_properties_merges(props):
    props.setProperty("a", "1")
    props.setProperties({"b": "2", "a": "3"})
    assert props.getProperties() == {"a": "3", "b": "2"}


def test_set_properties_delete_all_others(props):
    props.setProperties({"a": "1", "b": "2"})
    props.setProperties({"c": "3"}, True)
    assert props.getProperties() == {"c": "3"}


def test_set_properties_refuses_non_object(props):
    with pytest.raises(GasError) as err:
        props.setProperties(None)
    assert err.value.message == ("The parameters (null) don't match the method signature for "
                                 "PropertiesService.Properties.setProperties.")


@pytest.mark.parametrize(("value", "shown"), [(["a"], "String[]"), ([1, "a"], "Object[]"),
                                               (7, "number"), (True, "Boolean")])
def test_set_properties_mismatch_names_javascript_types(props, value, shown):
    with pytest.raises(GasError) as err:
        props.setProperties(value)
    assert err.value.message.startswith(f"The parameters ({shown}) don't match")


def test_delete_property(props):
    props.setProperties({"a": "1", "b": "2"})
    props.deleteProperty("a")
    assert props.getProperties() == {"b": "2"}


def test_delete_none_key_changes_nothing(props):
    props.setProperty("a", "1")
    assert props.deleteProperty(None) is props
    assert props.getProperties() == {"a": "1"}


def test_delete_all_properties(props):
    props.setProperties({"a": "1", "b": "2"})
    props.deleteAllProperties()
    assert props.getProperties() == {}


@pytest.mark.parametrize("key", [None, ""])
def test_set_with_null_or_empty_key_is_invalid(props, key):
    with pytest.raises(GasError) as err:
        props.setProperty(key, "v")
    assert err.value.message == "Invalid argument: key"
    assert props.getProperties() == {}


# ---------------------------------------------------------------------- coercion
@pytest.mark.parametrize(("value", "stored"), [
    (1, "1"), (1.5, "1.5"), (1.0, "1"), (True, "true"), (False, "false"), (None, "null"),
    ({"a": 1}, "[object Object]"), ([1, None, "x"], "1,,x"), (1e21, "1e+21"), (1e-7, "1e-7"),
    (float("nan"), "NaN"), ("s", "s"),
])
def test_values_are_stored_as_javascript_strings(props, value, stored):
    props.setProperty("k", value)
    assert props.getProperty("k") == stored


def test_number_key_is_stringified(props):
    props.setProperty(7, "v")
    assert props.getProperty("7") == "v"


def test_set_properties_coerces_values(props):
    props.setProperties({"n": 2, "b": False, "o": {}})
    assert props.getProperties() == {"n": "2", "b": "false", "o": "[object Object]"}


# ---------------------------------------------------------------------- stores
def test_script_properties_are_shared_between_users(emu):
    with emu.execution(user="a@example.com") as ex:
        ex.PropertiesService.getScriptProperties().setProperty("k", "a")
    with emu.execution(user="b@example.com") as ex:
        assert ex.PropertiesService.getScriptProperties().getProperty("k") == "a"


def test_user_properties_are_per_user(emu):
    with emu.execution(user="a@example.com") as ex:
        ex.PropertiesService.getUserProperties().setProperty("k", "a")
    with emu.execution(user="b@example.com") as ex:
        assert ex.PropertiesService.getUserProperties().getProperty("k") is None
    with emu.execution(user="a@example.com") as ex:
        assert ex.PropertiesService.getUserProperties().getProperty("k") == "a"


def test_user_and_script_stores_are_separate(ex):
    ex.PropertiesService.getUserProperties().setProperty("k", "user")
    assert ex.PropertiesService.getScriptProperties().getProperty("k") is None


def test_document_properties_are_none_without_document(ex):
    assert ex.PropertiesService.getDocumentProperties() is None


def test_document_properties_are_per_document(emu):
    with emu.execution(document_id="doc1") as ex:
        ex.PropertiesService.getDocumentProperties().setProperty("k", "1")
    with emu.execution(document_id="doc2") as ex:
        assert ex.PropertiesService.getDocumentProperties().getProperty("k") is None
    with emu.execution(user="other@example.com", document_id="doc1") as ex:
        assert ex.PropertiesService.getDocumentProperties().getProperty("k") == "1"


def test_values_persist_across_executions(emu):
    with emu.execution() as ex:
        ex.PropertiesService.getScriptProperties().setProperty("n", 41)
    with emu.execution() as ex:
        assert ex.PropertiesService.getScriptProperties().getProperty("n") == "41"


# ---------------------------------------------------------------------- size limits
def test_value_at_per_value_limit_is_accepted(props):
    props.setProperty("k", "x" * (9 * 1024))
    assert len(props.getProperty("k")) == 9 * 1024


def test_value_over_per_value_limit_is_refused(props):
    props.setProperty("k", "old")
    with pytest.raises(GasError) as err:
        props.setProperty("k", "x" * (9 * 1024 + 1))
    assert err.value.message == "Argument too large: value"
    assert props.getProperty("k") == "old"


def test_per_value_limit_counts_utf8_bytes(props):
    with pytest.raises(GasError) as err:
        props.setProperty("k", "é" * (9 * 1024 // 2 + 1))  # 2 bytes each
    assert err.value.message == "Argument too large: value"


def test_measured_settings_have_no_per_value_limit(store):
    emu = Emulator(store=store, settings=Settings.measured())
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("k", "x" * 524_287)
        assert len(props.getProperty("k")) == 524_287


def test_measured_store_limit_counts_keys_and_values(store):
    emu = Emulator(store=store, settings=Settings.measured())
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        with pytest.raises(GasError) as err:
            props.setProperty("kk", "x" * 524_287)  # 2 + 524,287 > 524,288
        assert err.value.message == STORE_FULL_MSG


def test_store_full_is_refused_and_changes_nothing(props):
    for i in range(60):  # 57 * (3 + 9,000) bytes > 500 KB
        try:
            props.setProperty(f"k{i:02d}", "x" * 9_000)
        except GasError as err:
            assert err.message == STORE_FULL_MSG
            break
    else:
        pytest.fail("the store never filled up")
    assert i == 56
    assert len(props.getKeys()) == 56
    total = sum(len(k) + len(v) for k, v in props.getProperties().items())
    assert total <= 500 * 1024


def test_failing_set_properties_leaves_store_unchanged(props):
    props.setProperties({"a": "1", "b": "2"})
    with pytest.raises(GasError) as err:
        props.setProperties({"c": "3", "d": "x" * 10_000}, True)
    assert err.value.message == "Argument too large: value"
    assert props.getProperties() == {"a": "1", "b": "2"}


def test_failing_set_properties_on_full_store_leaves_store_unchanged(props):
    props.setProperties({"a": "1", "b": "2"})
    big = {f"k{i:03d}": "y" * 9_000 for i in range(60)}
    with pytest.raises(GasError) as err:
        props.setProperties(big)
    assert err.value.message == STORE_FULL_MSG
    assert props.getProperties() == {"a": "1", "b": "2"}


def test_delete_frees_room(props):
    props.setProperties({f"k{i:02d}": "x" * 9_000 for i in range(56)})
    with pytest.raises(GasError):
        props.setProperty("more", "x" * 9_000)
    props.deleteProperty("k00")
    props.setProperty("more", "x" * 9_000)
    assert props.getProperty("more") == "x" * 9_000


# ---------------------------------------------------------------------- daily quota
def _fill_quota(emu: Emulator, user: str, leave: int) -> None:
    """Charge the user's properties quota up to ``limit - leave`` straight in the store."""
    limit = emu.settings.properties_daily_quota
    cost = limit - leave - emu.quotas.usage(user)
    used = emu.store.quota_charge(user, "properties", cost, limit, emu.clock.now_ms(),
                                  emu.settings.quota_window_ms)
    assert used == limit - leave


def test_every_call_is_charged_to_the_user(emu):
    with emu.execution(user="a@example.com") as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("a", "1")
        props.getProperty("a")
        props.getProperties()
        props.getKeys()
        props.deleteProperty("a")
    assert emu.quotas.usage("a@example.com") == 5
    assert emu.quotas.usage("b@example.com") == 0


def test_bulk_reads_count_per_key_with_the_knob(store):
    emu = Emulator(store=store, settings=Settings(properties_bulk_read_counts_once=False))
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperties({"a": "1", "b": "2", "c": "3"})
        props.getProperties()
    assert emu.quotas.usage("user@example.com") == 4


def test_write_over_daily_quota_raises_exact_message(emu):
    _fill_quota(emu, "user@example.com", leave=1)
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("a", "1")
        with pytest.raises(GasError) as err:
            props.setProperty("b", "2")
        assert err.value.message == WRITE_QUOTA_MSG
    assert emu.store.props_all("props/script") == {"a": "1"}


def test_read_over_daily_quota_raises_read_message(emu):
    _fill_quota(emu, "user@example.com", leave=0)
    with emu.execution() as ex:
        with pytest.raises(GasError) as err:
            ex.PropertiesService.getScriptProperties().getProperty("a")
    assert err.value.message == READ_QUOTA_MSG


def test_quota_is_per_user(emu):
    _fill_quota(emu, "a@example.com", leave=0)
    with emu.execution(user="b@example.com") as ex:
        ex.PropertiesService.getScriptProperties().setProperty("k", "v")
    assert emu.quotas.usage("b@example.com") == 1


def test_quota_resets_24_hours_after_first_request(emu):
    with emu.execution() as ex:
        ex.PropertiesService.getScriptProperties().setProperty("first", "1")
    emu.clock.advance(DAY_MS - 1)
    _fill_quota(emu, "user@example.com", leave=0)
    with emu.execution() as ex:
        with pytest.raises(GasError):
            ex.PropertiesService.getScriptProperties().setProperty("k", "v")
    emu.clock.advance(1)
    with emu.execution() as ex:
        ex.PropertiesService.getScriptProperties().setProperty("k", "v")
    assert emu.quotas.usage("user@example.com") == 1


def test_workspace_account_has_the_larger_quota(store):
    emu = Emulator(store=store, settings=Settings(account=ACCOUNT_WORKSPACE))
    _fill_quota(emu, "user@example.com", leave=1)
    assert emu.quotas.usage("user@example.com") == 499_999


def test_consumer_quota_is_exhausted_after_50000_calls():
    emu = Emulator()  # memory store: 50,000 real calls stay fast
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        for i in range(50_000):
            props.setProperty("n", i)
        with pytest.raises(GasError) as err:
            props.setProperty("n", "over")
    assert err.value.message == WRITE_QUOTA_MSG
    assert emu.store.props_get("props/script", "n") == "49999"


# ---------------------------------------------------------------------- trace
def test_calls_are_traced_with_op_names_and_outcomes(store):
    emu = Emulator(store=store, trace=True)
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("k", "v").getProperty("k")
        props.setProperties({"a": "1"})
        props.getProperties()
        props.getKeys()
        props.deleteProperty("k")
        props.deleteAllProperties()
        with pytest.raises(GasError):
            props.setProperty("big", "x" * 10_000)
    assert [(e[2], e[3], e[4]) for e in emu.trace] == [
        ("properties.set", "k", "ok"), ("properties.get", "k", "v"),
        ("properties.set_all", None, "ok"), ("properties.get_all", None, 2),
        ("properties.get_keys", None, 2), ("properties.delete", "k", "ok"),
        ("properties.delete_all", None, "ok"),
        ("properties.set", "big", "Argument too large: value"),
    ]


# ---------------------------------------------------------------------- coercion against real V8
V8_NUMBERS = [0.1 + 0.2, 1e21, 1e20, 123456789012345680000.0, 1.5e-7, 1e-6, 0.000001234, -2.5e-10,
              1.7976931348623157e308, 5e-324, 2**53 + 2, 100.0, -0.0, 12345.678]


@pytest.mark.parametrize("number", V8_NUMBERS)
def test_number_coercion_matches_v8(number):
    from STPyV8 import JSContext

    from gas_emulator.services.coerce import to_js_string

    with JSContext() as ctx:
        expected = ctx.eval(f"String({number!r})")
    assert to_js_string(number) == expected


def test_large_python_int_rounds_like_a_javascript_number():
    from gas_emulator.services.coerce import to_js_string

    assert to_js_string(2**53 + 1) == "9007199254740992"
    assert to_js_string(10**21) == "1e+21"


def test_set_after_delete_all_is_visible(emu):
    # regression: an emptied store must keep receiving writes (MemoryStore kept a detached dict)
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("a", "1").deleteAllProperties().setProperty("b", "2")
        assert props.getProperties() == {"b": "2"}


def test_store_size_is_tracked_across_replacements_and_deletes(emu):
    from gas_emulator.errors import PropertyStorageQuota

    emu.settings = emu.settings.with_(properties_max_store_bytes=10, properties_max_value_bytes=None)
    with emu.execution() as ex:
        props = ex.PropertiesService.getScriptProperties()
        props.setProperty("k", "123456789")          # 1 + 9 = 10 bytes: at the limit
        props.setProperty("k", "12345678")           # replacing shrinks it to 9
        props.deleteProperty("k").setProperty("j", "123456789")
        with pytest.raises(PropertyStorageQuota):
            props.setProperty("x", "")               # 11 bytes: refused, nothing changed
        assert props.getProperties() == {"j": "123456789"}
