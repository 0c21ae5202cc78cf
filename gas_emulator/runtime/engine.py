"""V8 for executions on any thread: a small pool of shared isolates, one fresh context each.

Measured (spec/v8-threads.md, and again for this module): an isolate costs ~5 ms and ~1 MB, a
context ~0.7 ms; a context must be made under ``JSLocker(isolate)`` on its own thread, and a thread
that waits must hand the lock back. So an execution runs on the thread that calls it (a kernel
actor, a server thread, the main thread), takes the lock of one pooled isolate, enters it, makes its
own context, and releases the lock only while its actor is *parked* in the kernel (``Actor.park_hook``:
``park()`` / ``resume()`` around every real wait), so a service call that does not wait costs no
lock traffic. 1,000 live executions parked on one isolate measured fine here (2,000 too: 0.3 GB).

Termination: V8's ``TerminateExecution`` and ``RequestInterrupt`` are thread-safe but STPyV8 does
not expose them for an isolate, so they are called through ctypes on the exported V8 symbols. A
termination cannot be caught by JavaScript (``catch`` and ``finally`` do not run), which is what
``kernel.Terminated`` needs. A watchdog thread ends an execution whose time is up: the real time it
spent running (holding V8, not parked in the kernel: a busy loop, a loop of cheap service calls,
``Atomics.wait``, which V8 wakes for an interrupt) counts toward its cap together with the virtual
time that passed for it (sleeps, modeled latency), since the virtual clock alone cannot see work.
Memory: ``limits`` (heap cap, near-limit termination, fatal out-of-memory hook).
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from typing import TYPE_CHECKING

import _STPyV8

from ..errors import ExceededMaximumExecutionTime, GasError
from ..kernel import Terminated
from . import icu, limits  # icu starts V8 with ICU data (Intl), after limits set its heap flag

if TYPE_CHECKING:
    from ..execution import Execution

_v8 = ctypes.CDLL(_STPyV8.__file__)
_get_current = _v8._ZN2v87Isolate10GetCurrentEv
_get_current.restype = ctypes.c_void_p
_terminate = _v8._ZN2v87Isolate18TerminateExecutionEv
_terminate.argtypes = [ctypes.c_void_p]
_cancel_terminate = _v8._ZN2v87Isolate24CancelTerminateExecutionEv
_cancel_terminate.argtypes = [ctypes.c_void_p]
_INTERRUPT = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_request_interrupt = _v8._ZN2v87Isolate16RequestInterruptEPFvPS0_PvES2_
_request_interrupt.argtypes = [ctypes.c_void_p, _INTERRUPT, ctypes.c_void_p]

#: Isolates in the pool. Executions on one isolate take turns at parks; more isolates let free-mode
#: threads compute in parallel (2 cores here). GAS_EMU_V8_ISOLATES overrides it.
DEFAULT_ISOLATES = int(os.environ.get("GAS_EMU_V8_ISOLATES", "2"))
#: Executions an isolate serves before it is retired and disposed (see Isolate). Measured here:
#: a finished context keeps ~165 KB, so 256 executions keep ~40 MB per isolate at most.
RETIRE_AFTER = int(os.environ.get("GAS_EMU_V8_RETIRE_AFTER", "256"))
#: An isolate whose heap is this full when an execution ends is retired: finished contexts are kept
#: (see Isolate), so what they hold counts against later executions (bench/soak.py, 64 MB heaps
#: and 50 MB web-app responses: 1 normal execution in 10,000 ended with out_of_memory_message).
RETIRE_AT_HEAP_SHARE = 0.5
#: How often the watchdog looks at each running execution's time (real seconds).
WATCHDOG_POLL_S = 0.05


class Isolate:
    """One V8 isolate, used until it has served RETIRE_AFTER executions, then disposed.

    Why: STPyV8 13.1 attaches a tracer to every context that has called Python, and when V8
    garbage-collects such a context the tracer's weak callback reads the already-cleared context
    handle and crashes the process (measured: 5,000 short-lived contexts segfault in
    ContextTracer::~ContextTracer -> v8::Context::Global). So a finished context is never let go:
    its Python handle is made immortal, the isolate keeps it, and the whole isolate is disposed once
    its last execution ends (disposal runs no weak callbacks; measured: RSS returns to baseline).
    """

    __slots__ = ("js", "ptr", "live", "served", "retired", "zone", "zone_set", "poisoned")

    def __init__(self, zone: str) -> None:
        self.js = _STPyV8.JSIsolate(True)  # owner: disposed when the last reference goes
        self.ptr: int | None = None  # the v8::Isolate*, read on the first thread that enters it
        self.live = 0
        self.served = 0
        self.retired = False
        self.zone = zone  # the ICU id of Date's local time zone here (icu.set_isolate_zone)
        self.zone_set = False
        self.poisoned = False  # an execution filled its heap: retire it when that execution ends


class IsolatePool:
    """A few isolates per time zone shared by every execution; each takes the least busy one.

    Per zone because Date's local time zone belongs to the isolate (see icu.py): one process may
    run projects of different zones at once (the fake API server beside a simulation).
    """

    def __init__(self, size: int = DEFAULT_ISOLATES, retire_after: int = RETIRE_AFTER) -> None:
        self.size = max(1, size)
        self.retire_after = max(1, retire_after)
        self._active: dict[str, list[Isolate]] = {}
        self._lock = threading.Lock()
        self.created = 0
        self.poisoned = 0  # isolates retired because an execution filled their heap

    def acquire(self, zone: str = "UTC") -> Isolate:
        with self._lock:
            active = self._active.setdefault(zone, [])
            if not active or (len(active) < self.size and all(i.live for i in active)):
                active.append(self._idle_of_another_zone(zone) or self._new(zone))
            iso = min(active, key=lambda i: i.live)
            iso.live += 1
            iso.served += 1
            if iso.served >= self.retire_after:
                iso.retired = True
                active.remove(iso)
            return iso

    def _new(self, zone: str) -> Isolate:
        self.created += 1
        return Isolate(zone)

    def _idle_of_another_zone(self, zone: str) -> Isolate | None:
        """An isolate no execution uses, moved to ``zone``: every isolate reserves ~0.5 GB of address
        space (measured: VmData +525 MB each), which a process's data cap (limits.py) counts, so a
        process serving projects of several zones one after another must not keep one per zone."""
        for other, isolates in self._active.items():
            for iso in isolates:
                if other != zone and iso.live == 0:
                    isolates.remove(iso)
                    iso.zone, iso.zone_set = zone, False  # set on entry by the next Session
                    return iso
        return None

    def release(self, iso: Isolate) -> None:
        """Called after the execution left and unlocked the isolate."""
        with self._lock:
            iso.live -= 1
            if iso.poisoned and not iso.retired:  # its heap is full of immortal contexts' data
                iso.retired = True
                self._active[iso.zone].remove(iso)
                self.poisoned += 1
            if iso.retired and iso.live == 0:
                iso.js = None  # the last reference: V8 disposes the isolate here


def immortal(obj: object) -> None:
    """Never run ``obj``'s destructor, not even at interpreter exit (see Isolate)."""
    ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))


POOL = IsolatePool()


class Session:
    """One execution's hold on V8: lock, entered isolate, a fresh context, the park hook.

    Use as a context manager on the execution's own thread; everything V8 happens inside it.
    ``bridge`` is set by the runner; ``dispatch`` and ``now`` reach it through the thread.
    """

    def __init__(self, ex: Execution, pool: IsolatePool = POOL) -> None:
        self.ex = ex
        self.pool = pool
        self.ctx = None
        self.bridge = None
        self.stopped: Terminated | None = None  # set when V8 was told to terminate this execution
        self.parked = False  # the watchdog skips parked executions: they use no time of their own
        self._pending: Terminated | None = None
        self._unlocker = None
        self._parks = 0
        self.zone = icu.icu_zone_id(ex.emulator.time_zone)  # Date's local time (see icu.py)
        settings = ex.emulator.settings
        limit = settings.js_cpu_limit_ms
        self.run_limit_s = (settings.max_execution_ms if limit is None else limit) / 1000.0
        self.ran_s = 0.0  # real time spent running (holding V8) before the current stretch
        self._running_since = 0.0

    def __enter__(self) -> Session:
        if STOP_ALL.stop is not None:
            raise STOP_ALL.stop
        self.iso = self.pool.acquire(self.zone)
        self._locker = _STPyV8.JSLocker(self.iso.js)
        self._locker.enter()
        self.iso.js.enter()
        if self.iso.ptr is None:
            self.iso.ptr = _get_current()
            limits.watch_isolate(self.iso.ptr)
        self.ctx = _STPyV8.JSContext(None)
        self.ctx.enter()
        if not self.iso.zone_set:
            icu.set_isolate_zone(self.iso.ptr, self.iso.zone, self.ctx.eval)
            self.iso.zone_set = True
        setattr(self.ctx.locals, "__gasZone", self.zone)  # for Intl (icu.py); setattr: no name mangling
        self.thread_id = threading.get_ident()
        self._outer, _current.session = getattr(_current, "session", None), self
        self._previous_hook, self.ex.actor.park_hook = self.ex.actor.park_hook, self
        self._running_since = time.monotonic()
        WATCHDOG.register(self)
        if STOP_ALL.stop is not None:  # stop_all ran since the check above, before this was registered
            self.__exit__(None, None, None)
            raise STOP_ALL.stop
        return self

    def __exit__(self, *exc: object) -> None:
        WATCHDOG.unregister(self)
        self.ex.actor.park_hook = self._previous_hook
        _current.session = self._outer
        _cancel_terminate(self.iso.ptr)  # nothing of this execution may reach the next one
        if limits.heap_used_share(self.iso.ptr) > RETIRE_AT_HEAP_SHARE:
            self.iso.poisoned = True  # what finished contexts keep would end the next executions
        self.ctx.leave()
        immortal(self.ctx)  # see Isolate: a context that called Python must never be collected
        self.ctx = None
        self.iso.js.leave()
        self._locker.leave()
        self._locker = None
        self.pool.release(self.iso)

    def calls(self) -> int:
        return self.bridge.calls if self.bridge is not None else 0

    # ------------------------------------------------------------------ kernel park hook
    def park(self) -> None:
        self._parks += 1
        if self._parks == 1:  # nested: a kernel wait inside a call that already released V8
            self.ran_s += time.monotonic() - self._running_since
            self.parked = True
            self._unlocker = _STPyV8.JSUnlocker()
            self._unlocker.enter()

    def resume(self) -> None:
        self._parks -= 1
        if self._parks == 0:
            self._unlocker.leave()
            self._unlocker = None
            self._running_since = time.monotonic()
            self.parked = False
            if STOP_ALL.stop is not None:
                self.terminate(STOP_ALL.stop)
            elif self._pending is not None and self.stopped is None:
                # the watchdog's interrupt request ran on whichever thread ran JavaScript in this
                # isolate next: another execution's, while this one was parked
                self.terminate(self._pending)

    # ------------------------------------------------------------------ termination
    def terminate(self, stop: Terminated) -> None:
        """End the JavaScript of this execution (called on its thread, holding the lock)."""
        if self.stopped is None:
            self.stopped = stop
        _terminate(self.iso.ptr)

    def raise_if_stopped(self) -> None:
        if self.stopped is not None:
            _cancel_terminate(self.iso.ptr)
            raise self.stopped

    def used_s(self) -> float:
        """Time this execution has used: real time running, plus virtual time passed (seconds)."""
        ex = self.ex
        running = 0.0 if self.parked else time.monotonic() - self._running_since
        if ex.emulator.clock.is_virtual:
            return self.ran_s + running + (ex.now_ms() - ex.start_ms) / 1000.0
        return (ex.now_ms() - ex.start_ms) / 1000.0  # real clock: every wait is real time already

    def _watch(self) -> None:
        """Watchdog thread (holding its lock): end an execution whose time is up."""
        if self.stopped is not None or self._pending is not None:
            return
        cap_s = self.ex.emulator.settings.max_execution_ms / 1000.0
        running = self.ran_s + time.monotonic() - self._running_since
        if self.used_s() >= cap_s or running >= self.run_limit_s:
            self.stop_soon(Terminated(ExceededMaximumExecutionTime()))

    def stop_soon(self, stop: Terminated) -> None:
        """Any thread: have this execution terminated on its own thread at V8's next interrupt check."""
        self._pending = stop
        _request_interrupt(self.iso.ptr, _ON_INTERRUPT, None)

    def _interrupted(self) -> None:
        """On the JavaScript thread, inside V8: terminate if the watchdog asked for it."""
        if self._pending is not None and self.stopped is None:
            self.terminate(self._pending)

    def out_of_memory(self) -> bool:
        """Near the heap cap (on this thread, in V8): end this execution; False if already ending."""
        self.iso.poisoned = True
        if self.stopped is not None:
            return False
        message = self.ex.emulator.settings.out_of_memory_message
        self.terminate(Terminated(GasError(message)))
        return True


class _StopAll:
    """Set by ``stop_all`` (Ctrl-C): every running execution ends and no new one starts V8."""

    stop: Terminated | None = None


STOP_ALL = _StopAll()


def stop_all(error: Exception) -> None:
    """End every JavaScript execution of the process now (any thread), e.g. on Ctrl-C."""
    STOP_ALL.stop = Terminated(error)
    WATCHDOG.stop_running(STOP_ALL.stop)


def clear_stop() -> None:
    """After ``stop_all``, once its executions ended: executions may start again."""
    STOP_ALL.stop = None


_current = threading.local()


def dispatch(*args: object) -> object:
    """The one Python function every context calls (module-level: see Isolate on what leaks)."""
    return _current.session.bridge.call(*args)


def now() -> float:
    return _current.session.ex.now_ms()


class Watchdog:
    def __init__(self) -> None:
        self._sessions: dict[int, Session] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def register(self, session: Session) -> None:
        with self._lock:
            self._sessions[session.thread_id] = session
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="gas-v8-watchdog", daemon=True)
                self._thread.start()

    def unregister(self, session: Session) -> None:
        with self._lock:  # after this, the watchdog never touches the session (or its isolate)
            if self._sessions.get(session.thread_id) is session:
                del self._sessions[session.thread_id]

    def session_on(self, thread_id: int) -> Session | None:
        return self._sessions.get(thread_id)

    def count(self) -> int:
        """Executions holding a V8 session now."""
        return len(self._sessions)

    def stop_running(self, stop: Terminated) -> None:
        with self._lock:  # a registered session's isolate is alive (unregister takes this lock)
            for session in self._sessions.values():
                if not session.parked:
                    session.stop_soon(stop)

    def _loop(self) -> None:
        while True:
            time.sleep(WATCHDOG_POLL_S)  # a background sampler: no test waits on it
            with self._lock:
                for session in self._sessions.values():
                    if not session.parked:
                        session._watch()


WATCHDOG = Watchdog()


def _interrupt(isolate_ptr: int, data: int) -> None:
    session = WATCHDOG.session_on(threading.get_ident())
    if session is not None:
        session._interrupted()


_ON_INTERRUPT = _INTERRUPT(_interrupt)  # kept alive for the life of the process


def _near_heap_limit() -> bool:
    session = WATCHDOG.session_on(threading.get_ident())
    return session.out_of_memory() if session is not None else True


limits.near_limit_hook = _near_heap_limit


def current_session() -> Session | None:
    """The execution running JavaScript on this thread (for the fatal out-of-memory hook)."""
    return WATCHDOG.session_on(threading.get_ident())
