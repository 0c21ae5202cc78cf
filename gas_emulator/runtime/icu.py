"""ICU for the embedded V8: its data file, its default locale, and each isolate's local time zone.

Importing this module starts V8 (it imports ``STPyV8``) with ICU data in effect: import it, never
``STPyV8`` directly, wherever V8 is used (``engine`` does).

* **Data.** STPyV8 13.1 asks V8 to load ``~/.local/share/stpyv8/icudtl.dat`` through a pointer into
  a ``std::string`` that has already been freed (``CPlatform::GetICUDataFile``, src/Platform.cpp of
  cloudflare/stpyv8; strace shows V8 opening a garbage path), so V8 runs without ICU data: Intl
  throws "Internal error. Icu error." and ``toLocaleString`` on a Date aborts the process. The wheel
  ships the file (``stpyv8-icu/icudtl.dat`` in site-packages), so it is loaded here through V8's
  own exported ``v8::V8::InitializeICU`` before STPyV8 starts V8; V8 then keeps it and ignores the
  bad path (``InitializeICU`` returns early once data is loaded).
* **Locale.** ICU takes its default locale from the environment (``LC_ALL``, ``LANG``) at first use;
  Apps Script's default is en-US whatever the machine's locale, so it is fixed to ``en_US`` here.
* **Time zone.** V8 computes Date's local time (``getHours``, ``getTimezoneOffset``, ``toString``)
  with one ICU time zone per isolate, copied from ICU's process-wide default zone when the isolate
  first needs it. ``set_isolate_zone`` sets that default from ``TZ`` (``DateTimeConfigurationChange
  Notification(kRedetect)`` re-reads it) and makes the isolate copy it at once, all under one lock, so
  isolates of different zones coexist in one process (the engine keeps one pool per zone). Intl's
  default zone is read from the process default at each call, so the prelude passes the script's
  zone to Intl explicitly.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta, timezone
from importlib.resources import files

import _STPyV8

from ..services.timezones import resolve_zone
from . import limits  # noqa: F401 - sets V8's heap flag, which must precede V8's start below

_v8 = ctypes.CDLL(_STPyV8.__file__)
_initialize_icu = _v8._ZN2v82V813InitializeICUEPKc
_initialize_icu.argtypes = [ctypes.c_char_p]
_initialize_icu.restype = ctypes.c_bool
_zone_changed = _v8._ZN2v87Isolate39DateTimeConfigurationChangeNotificationENS0_17TimeZoneDetectionE
_zone_changed.argtypes = [ctypes.c_void_p, ctypes.c_int]
_REDETECT = 1  # v8::Isolate::TimeZoneDetection::kRedetect (include/v8-isolate.h)

#: Apps Script's default locale for Intl and toLocaleString: en-US, as issue #12 states for Apps Script
#: (one ICU default per process, so not a per-emulator Setting).
DEFAULT_LOCALE = "en_US"
_zone_lock = threading.Lock()


def icu_data_file() -> str:
    """The ``icudtl.dat`` that the STPyV8 wheel installs beside itself (site-packages/stpyv8-icu)."""
    return str(files("stpyv8-icu") / "icudtl.dat")


def load_icu_data() -> bool:
    """Give V8 the wheel's ICU data (idempotent); True when V8 has ICU data."""
    return bool(_initialize_icu(icu_data_file().encode()))


@contextlib.contextmanager
def default_locale_from_environment() -> Iterator[None]:
    """Inside: ICU's first look at the environment finds ``LC_ALL=en_US`` (Apps Script's locale).

    ICU reads ``LC_ALL`` (before ``LANG``) the first time anything asks for the default locale
    (measured: already while STPyV8 starts V8) and keeps the answer for the life of the process.
    """
    saved = os.environ.get("LC_ALL")
    os.environ["LC_ALL"] = DEFAULT_LOCALE
    try:
        yield
    finally:
        if saved is None:
            del os.environ["LC_ALL"]
        else:
            os.environ["LC_ALL"] = saved


def icu_zone_id(zone: object) -> str:
    """The IANA id ICU should use for the script time zone ``zone`` (Java's reading of it).

    A Java custom id (``GMT+4``) becomes ``Etc/GMT-4`` (the Etc zones' signs are inverted, POSIX
    style); ICU cannot read a fixed offset with minutes from ``TZ``, so ``GMT+05:30`` is read as
    UTC for Date's local time (Utilities.formatDate still uses the exact offset).
    """
    return _icu_zone_id(zone) if isinstance(zone, str) else "UTC"  # not a zone id at all: Java's GMT


@functools.cache
def _icu_zone_id(zone: str) -> str:
    java = resolve_zone(zone)
    key = getattr(java.tz, "key", None)
    if key is not None:
        return key
    offset = java.tz.utcoffset(None) if isinstance(java.tz, timezone) else timedelta(0)
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest or hours == 0:
        return "UTC"
    return f"Etc/GMT{-hours:+d}"


def set_isolate_zone(isolate_ptr: int, zone_id: str, evaluate: Callable[[str], object]) -> None:
    """Give the entered isolate ``isolate_ptr`` the local time zone ``zone_id`` (an ICU zone id).

    ``evaluate(js)`` runs JavaScript in a context of that isolate: it makes V8 copy the default
    zone now, while the lock keeps every other isolate from changing it.
    """
    with _zone_lock:
        saved = os.environ.get("TZ")
        os.environ["TZ"] = zone_id
        try:
            _zone_changed(isolate_ptr, _REDETECT)
            evaluate("new Date(0).getTimezoneOffset()")
        finally:
            # ICU's detection called tzset(): give the host process its own zone back at once
            if saved is None:
                del os.environ["TZ"]
            else:
                os.environ["TZ"] = saved
            time.tzset()


def _start_v8() -> None:
    load_icu_data()
    with default_locale_from_environment():
        import STPyV8  # importing it starts V8 (platform; its own ICU path is the broken one above)

        with STPyV8.JSContext() as ctx:  # STPyV8's default isolate, entered by its import
            ctx.eval("new Intl.NumberFormat().resolvedOptions().locale")  # ICU's default is read now


_start_v8()
