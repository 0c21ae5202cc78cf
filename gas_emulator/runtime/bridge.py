"""The one adapter between JavaScript and the Python services: calls, values and errors.

Any Python object handed to JavaScript becomes a *handle*: JavaScript gets a wrapper whose class is
built from the Python class itself (public camelCase methods become methods, enums and constants
become properties), so a method added to a service appears in JavaScript with no glue. Every method
call arrives here as ``call(handle, name, mask, *args)``.

Values cross as primitives when they are primitives (the fast path: a string, a number, null).
Anything else crosses as one JSON *typed tree*, where every non-primitive is a list tagged by its
first element: ``["a", [...]]`` array, ``["o", {...}]`` object, ``["d", ms, text]`` Date,
``["h", id, ...]`` handle, ``["n", "NaN"]`` non-finite number, ``["u"]`` undefined, ``["f", src]``
function. Python results that are not primitives come back as ``MARK + json`` (``MARK + "h" + id`` for a
service object JavaScript already wraps: the common ``getScriptProperties()`` chain); so do a service
error (``["e", message, name]``, thrown in JavaScript as an ``Error``) and a termination (``["t"]``).

Only primitives ever reach Python from V8 here: no V8 object outlives the V8 lock in Python
(STPyV8 frees V8 handles from Python destructors, which must not run while the lock is released).
"""

from __future__ import annotations

import inspect
import json
import math
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import GasError, ParametersMismatch
from ..kernel import Terminated
from ..services.jstypes import epoch_ms, from_epoch_ms, to_signed, type_name
from .text import v8_string

if TYPE_CHECKING:
    from ..execution import Execution

#: Marks a non-primitive result; random per process so that no stored string can pass for one.
MARK = "\x00gas" + secrets.token_hex(8) + "\x00"
_PRIMITIVES = (str, int, float, bool)
#: A Date the services cannot take (an emulator limit; Apps Script's Java dates reach further).
DATE_OUT_OF_RANGE = "gas_emulator: the Date {} is outside years 1-9999, which the emulated services support"
_class_specs: dict[type, dict] = {}


class JsDate(datetime):
    """A JavaScript Date as a Python service sees it: the UTC instant; ``str()`` is JS ``String(d)``."""

    js_string = ""

    def __str__(self) -> str:
        return self.js_string or datetime.__str__(self)


class JsFunctionSource(str):
    """A JavaScript function passed as a value: its ``String(fn)``, the text Apps Script would store."""


def class_spec(cls: type) -> dict:
    """The JavaScript view of a Python service class: methods and constants (cached per class)."""
    spec = _class_specs.get(cls)
    if spec is None:
        methods, constants = [], {}
        for name in sorted(dir(cls)):
            if name.startswith("_") or (("_" in name) and not name.isupper()):
                continue  # private, or Python-side snake_case helpers (Apps Script names are camelCase)
            value = inspect.getattr_static(cls, name)
            if inspect.isfunction(value):
                methods.append(name)
            else:
                constant = _constant(value)
                if constant is not None:
                    constants[name] = constant
        spec = _class_specs[cls] = {"m": methods, "c": constants}
        if getattr(cls, "JS_METHODS", None):  # methods written in JavaScript (services/html.py)
            spec["j"] = dict(cls.JS_METHODS)
    return spec


def _constant(value: object) -> object | None:
    if isinstance(value, _PRIMITIVES):
        return value
    members = getattr(value, "_members", None)  # an Apps Script enum: members named after themselves
    if isinstance(members, tuple) and all(isinstance(m, str) for m in members):
        return ["o", {m: getattr(value, m, m) for m in members}]
    return None


class Bridge:
    """One execution's side of the bridge: its handles, its classes, its call counter."""

    def __init__(self, ex: Execution, host: Any) -> None:
        self.ex = ex
        self.host = host  # the V8 session: terminate() and the busy-loop counter
        self.handles: list[object] = []
        self._ids: dict[int, int] = {}
        self._classes: dict[type, int] = {}
        self.calls = 0
        # The execution's globals by name: an object, or None for the execution's own service
        # of that name (``getattr(ex, name)``), made when JavaScript first reads the global.
        self.globals: dict[str, object] = {}
        # With a real clock a service may wait outside the kernel (a cross-process lock polls the
        # store, SQLite waits for its file lock), so V8 is released around every call; with the
        # virtual clock every wait is a kernel park, which releases it only when it happens.
        self.unlock_calls = not ex.emulator.clock.is_virtual

    # ------------------------------------------------------------------ the one entry point
    def call(self, handle: int, name: str, mask: int, *args: object) -> object:
        if handle < 0:  # the prelude resolving a global (see globals)
            return self.global_value(name)
        self.calls += 1
        target = self.handles[handle]
        if mask:
            args = tuple(self.decode(json.loads(a)) if mask >> i & 1 else a for i, a in enumerate(args))
        try:
            if self.unlock_calls:  # real time: a call may wait outside the kernel (see __init__)
                self.host.park()
                try:
                    result = getattr(target, name)(*args)
                finally:
                    self.host.resume()
            else:
                result = getattr(target, name)(*args)
        except GasError as err:
            return self._throw(err.message, "Exception")
        except Terminated as stop:
            self.host.terminate(stop)
            return MARK + '["t"]'
        except TypeError as err:
            if err.__traceback__ is not None and err.__traceback__.tb_next is None:
                # the arguments did not bind: Apps Script's overload error (spec 4.1)
                method = f"{_service_name(type(target))}.{name}"
                return self._throw(ParametersMismatch([type_name(a) for a in args], method).message,
                                   "Exception")
            return self._internal(target, name, err)
        except Exception as err:  # noqa: BLE001 - an emulator bug surfaces as a JS Error, visibly
            return self._internal(target, name, err)
        if type(result) is str:
            return v8_string(result)  # emoji survive (see runtime/text.py)
        if (result is None or type(result) in _PRIMITIVES) and (
                type(result) is not float or math.isfinite(result)):
            return result
        known = self._ids.get(id(result))
        if known is not None:  # fast path: a service object JavaScript already wraps
            return f"{MARK}h{known}"
        return MARK + json.dumps(self.encode(result), separators=(",", ":"))

    def global_value(self, name: str) -> str:
        """The typed tree (JSON) of the global ``name``, read for the first time in JavaScript."""
        value = self.globals[name]
        if value is None:
            value = getattr(self.ex, name)
        return json.dumps(self.encode(value), separators=(",", ":"))

    def _throw(self, message: str, name: str) -> str:
        return MARK + json.dumps(["e", message, name])

    def _internal(self, target: object, name: str, err: Exception) -> str:
        text = f"gas_emulator internal error in {_service_name(type(target))}.{name}: " \
               f"{type(err).__name__}: {err}"
        return self._throw(text, "Error")

    # ------------------------------------------------------------------ Python -> JavaScript
    def encode(self, value: object) -> object:
        if value is None or type(value) in (str, bool, int):
            return value
        if isinstance(value, float):
            return value if math.isfinite(value) else ["n", "NaN" if value != value else
                                                           ("Infinity" if value > 0 else "-Infinity")]
        if isinstance(value, str):
            return str(value)
        if isinstance(value, datetime):
            instant = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
            return ["d", epoch_ms(instant)]
        if isinstance(value, Mapping):
            return ["o", {str(k): self.encode(v) for k, v in value.items()}]
        if isinstance(value, list | tuple):
            return ["a", [self.encode(v) for v in value]]
        if isinstance(value, bytes | bytearray):
            return ["a", to_signed(bytes(value))]
        return self.handle(value)

    def handle(self, obj: object) -> list:
        """A handle for ``obj`` (the same object always gets the same handle in one execution)."""
        index = self._ids.get(id(obj))
        if index is None:
            index = self._ids[id(obj)] = len(self.handles)
            self.handles.append(obj)
        cls = type(obj)
        class_index = self._classes.get(cls)
        if class_index is None:
            class_index = self._classes[cls] = len(self._classes)
            return ["h", index, class_index, _service_name(cls), class_spec(cls)]
        return ["h", index, class_index]

    # ------------------------------------------------------------------ JavaScript -> Python
    def decode(self, value: object) -> object:
        if type(value) is not list:
            return value
        tag = value[0]
        if tag == "a":
            return [self.decode(v) for v in value[1]]
        if tag == "o":
            return {k: self.decode(v) for k, v in value[1].items()}
        if tag == "d":
            return _js_date(value[1], value[2])
        if tag == "h":
            return self.handles[value[1]]
        if tag == "n":
            return float(value[1])
        if tag == "f":
            return JsFunctionSource(value[1])
        return None  # "u": undefined


def _js_date(ms: float, text: str) -> object:
    if not math.isfinite(ms):  # an Invalid Date has no instant
        return JsFunctionSource(text)
    try:
        base = from_epoch_ms(ms)
    except OverflowError:  # Python's datetime stops at years 1 and 9999; JavaScript's does not
        raise ValueError(DATE_OUT_OF_RANGE.format(text)) from None
    date = JsDate(base.year, base.month, base.day, base.hour, base.minute, base.second,
                  base.microsecond, tzinfo=UTC)
    date.js_string = text
    return date


def _service_name(cls: type) -> str:
    return getattr(cls, "GAS_NAME", cls.__name__)
