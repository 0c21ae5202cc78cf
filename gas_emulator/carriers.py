"""What the deterministic kernel's actors run on (Loom calls these carriers).

* **OS threads** (JavaScript: V8 needs a real stack per execution). Exactly one runs at a time and
  a hand-off wakes exactly one: through a libc semaphore where there is one (the GIL is released
  around the wait and the wake), and with every actor thread of a run kept on one CPU.
* **greenlets** (Python workloads): worker greenlets that run actor after actor, kept per thread
  from run to run.

The kernel (``kernel.py``) decides who runs; this module only knows how to park and wake.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kernel import Actor, Kernel


# ---------------------------------------------------------------------- threads
# A hand-off between actor threads wakes exactly one thread. With a threading.Lock the woken thread
# usually wakes while the waker still holds the GIL, sleeps again on the GIL and is woken a second
# time when the waker blocks: measured ~3 context switches per hand-off (perf stat, bench/sim.py's
# call-heavy row). A libc semaphore called through ctypes (which releases the GIL around the call)
# measured ~1.4 per hand-off and ~20-30% less time per hand-off. Linux only; elsewhere, or if libc
# cannot be loaded, the kernel falls back to threading.Lock.
def _load_libc():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        for name in ("sem_init", "sem_post", "sem_wait"):
            getattr(libc, name).restype = ctypes.c_int
        libc.sem_init.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint]
        libc.sem_post.argtypes = libc.sem_wait.argtypes = [ctypes.c_void_p]
    except (OSError, AttributeError):
        return None
    return libc


_libc = _load_libc()
_SEM_BYTES = 64  # sizeof(sem_t) is 32 on 64-bit glibc (16 on 32-bit): room to spare
_EINTR = 4


class _LibcSemaphore:
    """A POSIX semaphore at 0: ``release()`` posts, ``acquire()`` waits (neither holds the GIL)."""

    __slots__ = ("_buf", "_addr", "_libc")

    def __init__(self) -> None:
        self._libc = _libc  # its own: a kept thread's semaphore outlives a change of the module's
        self._buf = ctypes.create_string_buffer(_SEM_BYTES)  # kept alive as long as its thread
        self._addr = ctypes.addressof(self._buf)
        if self._libc.sem_init(self._addr, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "sem_init failed")

    def release(self) -> None:
        self._libc.sem_post(self._addr)

    def acquire(self) -> None:
        while self._libc.sem_wait(self._addr) != 0:  # EINTR: a signal handler ran; wait again
            if ctypes.get_errno() != _EINTR:
                raise OSError(ctypes.get_errno(), "sem_wait failed")


def wake_primitive():
    """A fresh, not yet released wake-up for one actor thread (see above)."""
    if _libc is not None:
        try:
            return _LibcSemaphore()
        except OSError:
            pass
    lock = threading.Lock()
    lock.acquire()
    return lock


#: Whether a deterministic run's actor threads share one CPU (see pin_cpu); GAS_EMU_PIN_THREADS=0
#: turns it off (e.g. when that CPU is busy with other work).
PIN_ACTOR_THREADS = os.environ.get("GAS_EMU_PIN_THREADS", "1") != "0"


def pin_cpu() -> set[int] | None:
    """The one CPU to run every actor thread of a deterministic run on, or None.

    Only one actor runs at a time, so a second core buys nothing, while each hand-off to a thread
    on another core costs a cross-CPU wake-up (an IPI: slow on VMs). Measured: ~15-25% less wall
    time on both JavaScript rows of bench/sim.py with all actor threads on one CPU. The CPU the
    driver is on now is chosen (not always CPU 0: parallel test workers would pile up there).
    """
    if not PIN_ACTOR_THREADS or not hasattr(os, "sched_setaffinity"):
        return None
    try:
        allowed = os.sched_getaffinity(0)
        if len(allowed) < 2:
            return None
        cpu = _libc.sched_getcpu() if _libc is not None else -1
        return {cpu if cpu in allowed else min(allowed)}
    except (OSError, AttributeError):
        return None


#: Idle actor threads kept for the next actors, across runs (see carry); GAS_EMU_IDLE_CARRIERS sets it.
#: Why a bound: each keeps its stack's address space (8 MB by default), which the data cap of
#: ``gas-emu run`` counts (runtime/limits.py: RLIMIT_DATA); 300 idle threads (VmData +2.5 GB,
#: measured) made a later in-process ``gas-emu run`` fail to allocate. 32 keep at most ~256 MB.
MAX_IDLE_CARRIERS = int(os.environ.get("GAS_EMU_IDLE_CARRIERS", "32"))
_idle_carriers: list[Carrier] = []
_idle_lock = threading.Lock()
_ALL_CPUS = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
if hasattr(os, "register_at_fork"):  # a forked child has none of its parent's threads
    os.register_at_fork(after_in_child=_idle_carriers.clear)


class Carrier:
    """An OS thread that runs actor after actor (each to its end), kept between runs.

    Starting and joining a thread cost ~90 µs here (bench/js_handoff.py), as much as a JavaScript
    execution's prelude: an ``explore`` of 40 seeds x 50 executions started 2,000 of them.
    """

    __slots__ = ("sem", "thread", "job", "pin", "reusable")

    def __init__(self, reusable: bool) -> None:
        self.reusable = reusable  # a thread of the default stack size (see carry)
        self.sem = wake_primitive()
        self.thread: threading.Thread | None = None
        self.job: tuple[Kernel, Actor] | None = None
        self.pin: set[int] | None = None  # the CPUs this thread is held to now (None: any)


def carry(kernel: Kernel, actor: Actor) -> None:
    """Start ``actor`` on an idle carrier, or on a new one (called by the thread holding the baton)."""
    carrier = None
    reusable = kernel.thread_stack_size is None  # kept threads have the default stack size
    if reusable:
        with _idle_lock:
            carrier = _idle_carriers.pop() if _idle_carriers else None
    fresh = carrier is None
    if fresh:
        carrier = Carrier(reusable)
        carrier.thread = threading.Thread(target=_carrier_main, args=(carrier,), name="gas-actor",
                                          daemon=True)
    carrier.job = (kernel, actor)
    actor.sem, actor.thread = carrier.sem, carrier.thread
    if fresh:
        carrier.thread.start()
    else:
        carrier.sem.release()


def _carrier_main(carrier: Carrier) -> None:
    while True:
        kernel, actor = carrier.job
        carrier.job = None
        _hold_to(carrier, kernel._pin)
        nxt = kernel._carry(actor)  # the actor ran to its end; nxt holds the baton now
        with _idle_lock:
            keep = carrier.reusable and len(_idle_carriers) < MAX_IDLE_CARRIERS
            if keep:
                _idle_carriers.append(carrier)  # before nxt runs: it may hand this one a new actor
        kernel._resume_thread(nxt)
        if not keep:
            return
        kernel = actor = nxt = None  # an idle carrier keeps nothing of the run alive
        carrier.sem.acquire()


def _hold_to(carrier: Carrier, pin: set[int] | None) -> None:
    """Hold this thread to the run's CPU (pin_cpu), or free it again for a run that pins nothing."""
    if pin == carrier.pin or _ALL_CPUS is None:
        return
    try:
        os.sched_setaffinity(0, pin if pin is not None else _ALL_CPUS)  # this thread only
        carrier.pin = pin
    except OSError:
        pass  # e.g. the CPU went offline: run unpinned


#: Worker greenlets kept per thread for the next actors (see worker_main); at most this many.
MAX_IDLE_WORKERS = 2_048
_workers = threading.local()


def idle_workers() -> list:
    idle = getattr(_workers, "idle", None)
    if idle is None:
        idle = _workers.idle = []
    return idle


def worker_main(kernel: Kernel, actor: Actor) -> None:
    """A greenlet that runs actor after actor, across runs, until the pool is full.

    Starting and ending a greenlet cost ~20 µs here (CPython 3.11 maps and unmaps a frame stack
    for each), as much as three simulated service calls: 1,000-execution runs start 1,000 of them.
    """
    import greenlet

    me = greenlet.getcurrent()
    while True:
        kernel._run_actor(actor)
        if isinstance(actor.error, greenlet.GreenletExit):
            return  # the greenlet is being collected (a run abandoned mid-way): let it end
        actor.glet = None
        hub = kernel._hub
        kernel = actor = None  # an idle worker keeps nothing of the run alive
        idle = idle_workers()
        if len(idle) >= MAX_IDLE_WORKERS:
            return  # ends; control goes to the parent, the hub
        idle.append(me)
        kernel, actor = hub.switch()
