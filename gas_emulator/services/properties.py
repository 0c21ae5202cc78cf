"""PropertiesService: script, user and document key-value stores of strings.

Source for the API: developers.google.com/apps-script/reference/properties (spec 2.1). State lives
in the emulator's store under ``props/script``, ``props/user/<email>`` and ``props/document/<id>``;
a ``Properties`` object is only a handle. Every call starts with ``ex.service_call`` (deadline,
latency, faults, trace), is charged to the user's daily read/write quota (spec 2.2 / 5), and either
applies completely or changes nothing (the size limits are checked inside the store's transaction).
A write is visible to every execution as soon as it returns (spec 2.3: no staleness by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import ArgumentTooLarge, GasError, InvalidArgument, ParametersMismatch, PropertyStorageQuota
from ..quotas import PROPERTIES
from .coerce import to_js_string
from .jstypes import type_name

if TYPE_CHECKING:
    from ..execution import Execution

SCRIPT_NS = "props/script"


class PropertiesService:
    """``PropertiesService`` global of one execution."""

    __slots__ = ("_ex", "_script")

    def __init__(self, ex: Execution) -> None:
        self._ex = ex
        self._script: Properties | None = None

    def getScriptProperties(self) -> Properties:
        # spec 2.1: shared by every user of this script
        if self._script is None:
            self._script = Properties(self._ex, SCRIPT_NS)
        return self._script

    def getUserProperties(self) -> Properties:
        # spec 2.1: per user, per script
        return Properties(self._ex, f"props/user/{self._ex.user}")

    def getDocumentProperties(self) -> Properties | None:
        # spec 2.1: null unless the script is bound to a document (or runs as an add-on)
        if self._ex.document_id is None:
            return None
        return Properties(self._ex, f"props/document/{self._ex.document_id}")


class Properties:
    """One property store (a handle; the data lives in the emulator's store)."""

    __slots__ = ("_ex", "_ns", "_emu", "_store")

    def __init__(self, ex: Execution, ns: str) -> None:
        self._ex = ex
        self._ns = ns
        self._emu = ex.emulator
        self._store = ex.emulator.store

    def __repr__(self) -> str:
        return f"<Properties {self._ns}>"

    # ------------------------------------------------------------------ reads
    def getProperty(self, key) -> str | None:
        ex = self._ex
        key = None if key is None else _key_str(key)
        ex.service_call("properties.get", key)
        try:
            emu = self._emu
            emu.quotas.charge(ex, PROPERTIES, 1, emu.settings.properties_quota_service_read)
            # spec 2.2 [CLAIM gas-flex-cache]: getProperty(null) returns null rather than throwing
            value = None if key is None else self._store.props_get(self._ns, key)
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome(_short(value))
        return value

    def getProperties(self) -> dict[str, str]:
        """A copy of every pair (spec 2.1: not a live view)."""
        props = self._read_all("properties.get_all")
        self._ex.outcome(len(props))
        return props

    def getKeys(self) -> list[str]:
        keys = list(self._read_all("properties.get_keys"))
        self._ex.outcome(len(keys))
        return keys

    def _read_all(self, op: str) -> dict[str, str]:
        ex = self._ex
        ex.service_call(op, None)
        try:
            once = self._emu.settings.properties_bulk_read_counts_once
            if once:
                self._charge_read(1)
            props = self._store.props_all(self._ns)
            if not once:  # spec 2.2 knob: one read per key returned
                self._charge_read(max(1, len(props)))
        except GasError as err:
            ex.outcome(err.message)
            raise
        return props

    # ------------------------------------------------------------------ writes
    def setProperty(self, key, value) -> Properties:
        ex = self._ex
        if type(key) is not str:
            key = None if key is None else to_js_string(key)
        ex.service_call("properties.set", key)
        if type(value) is not str:
            value = to_js_string(value)
        self._write({key: value}, (), pair=(key, value))
        return self

    def setProperties(self, properties, deleteAllOthers: bool = False) -> Properties:
        ex = self._ex
        ex.service_call("properties.set_all", None)
        if not _is_mapping(properties):  # Apps Script's type-mismatch text pattern (spec 4.1)
            err = ParametersMismatch([type_name(properties)], "PropertiesService.Properties.setProperties")
            ex.outcome(err.message)
            raise err
        updates = {_key_str(k) if k is not None else None: to_js_string(properties[k])
                   for k in properties.keys()}  # noqa: SIM118 - V8 objects iterate by keys() only
        self._write(updates, (), delete_all_others=bool(deleteAllOthers))
        return self

    def deleteProperty(self, key) -> Properties:
        ex = self._ex
        key = None if key is None else _key_str(key)
        ex.service_call("properties.delete", key)
        # spec 2.2 [CLAIM gas-flex-cache]: deleteProperty(null) does not throw; nothing to delete
        self._write({}, () if key is None else (key,))
        return self

    def deleteAllProperties(self) -> Properties:
        self._ex.service_call("properties.delete_all", None)
        self._write({}, (), delete_all_others=True)
        return self

    def _write(self, updates: dict, deletes: tuple, *, delete_all_others: bool = False,
               pair: tuple[str, str] | None = None) -> None:
        """Apply ``updates`` and ``deletes`` in one store transaction (``pair``: the one update of
        a setProperty, checked without walking the dict: this is every write's hot path)."""
        ex = self._ex
        try:
            emu = self._emu
            settings = emu.settings
            if pair is not None:
                _check_pair(pair[0], pair[1], settings.properties_max_value_bytes)
            elif updates:
                _check_updates(updates, settings.properties_max_value_bytes)
            # spec 2.2: "graphite property writes." is the real text seen for writes
            emu.quotas.charge(ex, PROPERTIES, 1, settings.properties_quota_service_write)
            # the size check runs inside the store's transaction; a pure delete cannot overflow
            self._store.props_update(self._ns, updates, deletes, delete_all_others=delete_all_others,
                                     validate=self._check_store_size if updates else None)
        except GasError as err:
            ex.outcome(err.message)
            raise
        ex.outcome("ok")

    def _check_store_size(self, size: int) -> None:
        # spec 2.2 [MEAS tanaikech 2023]: the store limit counts keys and values together
        if size > self._emu.settings.properties_max_store_bytes:
            raise PropertyStorageQuota()

    def _charge_read(self, cost: int) -> None:
        emu = self._emu
        # spec 2.2: the read-side text is unknown; the settings name the guess
        emu.quotas.charge(self._ex, PROPERTIES, cost, emu.settings.properties_quota_service_read)


# ---------------------------------------------------------------------- checks
def _key_str(key) -> str:
    return key if type(key) is str else to_js_string(key)


def utf8_len(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-8"))


def _check_updates(updates: dict, max_value_bytes: int | None) -> None:
    for key, value in updates.items():
        _check_pair(key, value, max_value_bytes)


def _check_pair(key: str | None, value: str, max_value_bytes: int | None) -> None:
    if not key:
        # Not documented for Properties; the same text as CacheService's null/empty key (spec 3.2).
        raise InvalidArgument("key")
    # spec 2.2 [DOC quotas] 9 KB per value; the message is the community mocks' text [CLAIM]
    if max_value_bytes is not None and len(value) * 4 > max_value_bytes \
            and utf8_len(value) > max_value_bytes:
        raise ArgumentTooLarge("value")


def _is_mapping(value) -> bool:
    # a Python dict, or a V8 object handed over by the runtime (STPyV8 JSObject has keys())
    return isinstance(value, Mapping) or (
        value is not None and not isinstance(value, str | list | tuple) and hasattr(value, "keys"))


def _short(value: str | None, limit: int = 80) -> str | None:
    """Trace outcomes stay short: long values are cut (the trace records behaviour, not data)."""
    if value is None or len(value) <= limit:
        return value
    return f"{value[:limit]}...({len(value)})"
