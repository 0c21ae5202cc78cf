"""Memory limits for V8: the heap cap, what happens near it and past it, and the process data cap.

Measured here with stpyv8 13.1 (no STPyV8 API for any of this, so the exported V8 symbols are
called through ctypes, as ``engine`` does for termination):

* ``--max-old-space-size`` set with ``JSEngine.setFlags`` *before* ``import STPyV8`` (which starts
  V8) caps every isolate's heap; after that V8's flags are frozen and setting one is fatal.
* A near-heap-limit callback (``Isolate::AddNearHeapLimitCallback``) runs on the JavaScript thread
  when the heap nears its cap: terminating the execution there and granting some headroom lets
  ordinary JavaScript (a growing array, an object per loop) end cleanly, the process intact.
* A builtin that allocates in one C++ loop (``new Array(1e9).fill(0)``) never checks for
  termination: V8 then reaches the cap and calls its fatal out-of-memory handler
  (``Isolate::SetOOMErrorHandler``), which must not return. Only the process can end there, so
  ``on_fatal_oom`` lets the owner of the process (``gas-emu run``, the fake API's worker) answer
  first; with no owner, V8 aborts as before.
* ArrayBuffer memory lies outside the heap cap (measured: 2.4 GB of Uint8Arrays with a 256 MB
  heap cap). Under ``RLIMIT_DATA`` their allocation fails and JavaScript sees V8's own
  ``RangeError: Array buffer allocation failed``, which it can catch: ``limit_process_data``.
"""

from __future__ import annotations

import ctypes
import os
import resource
import sys
from collections.abc import Callable

import _STPyV8

#: Heap cap of every isolate, MB (V8 --max-old-space-size). Process-wide and fixed when V8 starts,
#: so an environment variable rather than a Settings field; GAS_EMU_V8_HEAP_MB overrides it.
HEAP_LIMIT_MB = int(os.environ.get("GAS_EMU_V8_HEAP_MB", "512"))
#: Process data cap (RLIMIT_DATA, MB) set by the commands that own their process (``gas-emu run``,
#: the fake API's worker). It must leave room for the heap above and Python (measured: a 256 MB
#: heap cap and 1,500 MB data cap end a 2.4 GB ArrayBuffer loop at 434 MB RSS). GAS_EMU_DATA_MB.
DATA_LIMIT_MB = int(os.environ.get("GAS_EMU_DATA_MB", "3072"))

#: Young generation semi-space, MB (V8 --min/--max-semi-space-size), with the default heap cap
#: or larger; 0: V8's own size (~4 MB for a 512 MB cap). Every execution's context lives on
#: (engine.Isolate), so each scavenge walks more roots as a run goes on: fewer, larger ones made
#: 1,000 simultaneous sixCalls 5-18% faster, 200 hundredCalls 0-9% (4 A/B runs, loaded machine;
#: bench/RESULTS.md, js-ab). Small caps (containment tests, bench/soak.py) keep V8's size.
#: GAS_EMU_V8_SEMI_SPACE_MB overrides it.
SEMI_SPACE_MB = int(os.environ.get("GAS_EMU_V8_SEMI_SPACE_MB", "32" if HEAP_LIMIT_MB >= 256 else "0"))


def _v8_flags() -> str:
    flags = f"--max-old-space-size={HEAP_LIMIT_MB}"
    if SEMI_SPACE_MB > 0:
        flags += f" --min-semi-space-size={SEMI_SPACE_MB} --max-semi-space-size={SEMI_SPACE_MB}"
    return flags


if "STPyV8" not in sys.modules:  # V8 not started yet: its flags can still be set
    _STPyV8.JSEngine.setFlags(_v8_flags())

_v8 = ctypes.CDLL(_STPyV8.__file__)
_NEAR_LIMIT = ctypes.CFUNCTYPE(ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
_add_near_limit = _v8._ZN2v87Isolate24AddNearHeapLimitCallbackEPFmPvmmES1_
_add_near_limit.argtypes = [ctypes.c_void_p, _NEAR_LIMIT, ctypes.c_void_p]
_restore_limit = _v8._ZN2v87Isolate36AutomaticallyRestoreInitialHeapLimitEd
_restore_limit.argtypes = [ctypes.c_void_p, ctypes.c_double]
_OOM = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_void_p)
_set_oom_handler = _v8._ZN2v87Isolate18SetOOMErrorHandlerEPFvPKcRKNS_10OOMDetailsEE
_set_oom_handler.argtypes = [ctypes.c_void_p, _OOM]



def _no_session() -> bool:
    return True


_heap_statistics_init = _v8._ZN2v814HeapStatisticsC1Ev
_heap_statistics_init.argtypes = [ctypes.c_void_p]
_get_heap_statistics = _v8._ZN2v87Isolate17GetHeapStatisticsEPNS_14HeapStatisticsE
_get_heap_statistics.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
# v8::HeapStatistics is all size_t at first: total, executable, physical, available, used, limit
# (measured: a 1e6-object array moved field 4 by 53 MB; field 5 is the cap plus the young space).
_USED, _LIMIT = 4, 5
_HEAP_STATISTICS_WORDS = 32  # the struct has 14 fields: room to spare
_number_of_heap_spaces = _v8._ZN2v87Isolate18NumberOfHeapSpacesEv
_number_of_heap_spaces.argtypes = [ctypes.c_void_p]
_number_of_heap_spaces.restype = ctypes.c_size_t
_get_heap_space_statistics = _v8._ZN2v87Isolate22GetHeapSpaceStatisticsEPNS_19HeapSpaceStatisticsEm
_get_heap_space_statistics.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t]
# v8::HeapSpaceStatistics: name (a pointer), then size_t size, used, available, physical
_SPACE_USED = 2
_HEAP_SPACE_STATISTICS_WORDS = 8  # the struct has 5 fields: room to spare
#: Each isolate's heap cap in bytes, read once (the limit V8 reports never falls below its start).
_caps: dict[int, int] = {}

#: Called on the JavaScript thread when the heap nears its cap; returns whether this is the first
#: time for the execution there (the engine terminates it and the heap gets headroom to unwind).
near_limit_hook: Callable[[], bool] = _no_session
#: Called on the JavaScript thread when V8 is out of memory for good; must end the process (V8
#: aborts when it returns). None: nobody owns the process, V8 aborts.
on_fatal_oom: Callable[[], None] | None = None
#: Share of the initial cap below which V8 restores it after headroom was granted (its API).
RESTORE_BELOW = 0.5


def _near_limit(data: int, current: int, initial: int) -> int:
    if near_limit_hook():
        return current + initial // 2  # room for the terminated script to unwind
    return current  # terminated already and still growing (a C++ builtin): let V8 give up


def _fatal_oom(location: bytes, details: int) -> None:
    if on_fatal_oom is not None:
        on_fatal_oom()


_ON_NEAR_LIMIT = _NEAR_LIMIT(_near_limit)  # kept alive for the life of the process
_ON_FATAL_OOM = _OOM(_fatal_oom)


def watch_isolate(isolate_ptr: int) -> None:
    """Install the heap callbacks on an isolate (once, on the first thread that enters it)."""
    _add_near_limit(isolate_ptr, _ON_NEAR_LIMIT, None)
    _restore_limit(isolate_ptr, RESTORE_BELOW)
    _set_oom_handler(isolate_ptr, _ON_FATAL_OOM)


def heap_used_share(isolate_ptr: int) -> float:
    """Used share of an isolate's old-space cap (on a thread that holds that isolate's lock).

    The used size is summed over the heap's spaces: ``GetHeapStatistics`` gives the same number
    (measured equal, byte for byte, from 200 to 1,200 contexts) but also counts the isolate's
    contexts by walking them all, which cost up to ~90 µs per execution's end with 1,000 contexts
    kept (bench/js_handoff.py); the spaces cost ~10 µs whatever the count.
    """
    cap = _caps.get(isolate_ptr)
    if cap is None:  # the limit only moves above its initial value (headroom), which min() ignores
        stats = (ctypes.c_size_t * _HEAP_STATISTICS_WORDS)()
        _heap_statistics_init(stats)
        _get_heap_statistics(isolate_ptr, stats)
        # the limit field adds the young generation to the cap
        cap = _caps[isolate_ptr] = min(stats[_LIMIT], HEAP_LIMIT_MB << 20)
    space = (ctypes.c_size_t * _HEAP_SPACE_STATISTICS_WORDS)()
    used = 0
    for index in range(_number_of_heap_spaces(isolate_ptr)):
        _get_heap_space_statistics(isolate_ptr, space, index)
        used += space[_SPACE_USED]
    return used / cap if cap else 0.0


def limit_process_data(megabytes: int = DATA_LIMIT_MB) -> tuple[int, int]:
    """Cap this process's data (RLIMIT_DATA) so ArrayBuffer allocations past it fail in JavaScript.

    Returns the limits before, for ``restore_process_data`` (an in-process caller, e.g. a test).
    """
    before = soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = megabytes << 20
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or soft > wanted:
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))
    return before


def restore_process_data(before: tuple[int, int]) -> None:
    resource.setrlimit(resource.RLIMIT_DATA, before)
