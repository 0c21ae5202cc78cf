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

    __slots__ = ("_buf", "_addr")

    def __init__(self) -> None:
        self._buf = ctypes.create_string_buffer(_SEM_BYTES)  # kept alive as long as the actor
        self._addr = ctypes.addressof(self._buf)
        if _libc.sem_init(self._addr, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "sem_init failed")

    def release(self) -> None:
        _libc.sem_post(self._addr)

    def acquire(self) -> None:
        while _libc.sem_wait(self._addr) != 0:  # EINTR: a signal handler ran; wait again
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
