"""The scheduling kernel: who runs, who waits, and when virtual time moves.

Every execution is an *actor*. Actors block in exactly two ways: until a time (a sleep, a modeled
service latency, a lock timeout) or until another actor signals them (a lock hand-off). Services only
ever call :meth:`Kernel.block` and :meth:`Kernel.signal`; they never touch threads.

Two policies share those data structures:

* **free** (``deterministic=False``): actors run on their own threads at the same time. With a
  virtual clock, time moves only when every attached actor is blocked: the clock jumps to the
  earliest wake-up and exactly that actor resumes. With a real clock, blocks are real timed waits.
* **deterministic**: exactly one actor runs at a time. Every block hands the baton to the next actor,
  chosen by wake-up time and, among equal times, by a draw from the seeded RNG. The same seed gives
  the same interleaving, byte for byte. Actors are threads (JavaScript: V8 needs a real stack) or
  greenlets (Python workloads: a hand-off is a stack switch, not an OS context switch); how each is
  parked and woken is in ``carriers.py``.

Hand-offs wake exactly one actor (spec/v8-threads.md: notify_all over 1,000 threads took 251 s).
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable

from . import carriers, wakeups
from .clock import Clock

#: How often the driver of a threaded run wakes to let a pending Ctrl-C be handled (seconds).
DRIVER_POLL_S = 0.1


class Terminated(BaseException):  # noqa: N818 - unwinding signal, not an error class
    """Unwinds an execution that may not go on (6-minute cap, injected kill).

    A BaseException so that neither ``except Exception`` in Python nor a JavaScript ``catch``
    (the runtime terminates V8 instead) can swallow it: Apps Script ends such executions outright.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class SimulationDeadlock(RuntimeError):
    """Every live actor is blocked with no wake-up time: nothing can ever run again."""


class Actor:
    __slots__ = ("name", "fn", "blocked", "signaled", "pending", "token", "event", "sem",
                 "thread", "glet", "done", "error", "attach_depth", "park_hook")

    def __init__(self, name: str, fn: Callable[[], object] | None = None) -> None:
        self.name = name
        self.fn = fn
        self.blocked = False
        self.signaled = False
        self.pending = False  # a signal that arrived before the actor blocked
        self.token = 0  # bumps at every block/signal; stale heap entries carry an old token
        self.event: threading.Event | None = None
        self.sem = None  # threads: what wakes this actor's thread (carriers.wake_primitive)
        self.thread: threading.Thread | None = None
        self.glet = None
        self.done = False
        self.error: BaseException | None = None
        self.attach_depth = 0
        # Called around every real wait of this actor's thread: the V8 runtime releases the
        # isolate's lock while the actor is parked (hook.park()) and re-takes it (hook.resume()).
        self.park_hook = None

    def __repr__(self) -> str:
        return f"<Actor {self.name}>"


def _wait(actor: Actor, wait: Callable, *args) -> None:
    """A real wait of the actor's thread, bracketed by its park hook (the V8 lock hand-back)."""
    hook = actor.park_hook
    if hook is None:
        wait(*args)
        return
    hook.park()
    try:
        wait(*args)
    finally:
        hook.resume()


class Kernel:
    def __init__(
        self,
        clock: Clock,
        *,
        deterministic: bool = False,
        rng: random.Random | None = None,
        use_greenlets: bool = False,
        thread_stack_size: int | None = None,
    ) -> None:
        if deterministic and not clock.is_virtual:
            raise ValueError("the deterministic kernel needs a virtual clock")
        self.clock = clock
        self.deterministic = deterministic
        self.rng = rng or random.Random(0)
        self.use_greenlets = use_greenlets
        self.thread_stack_size = thread_stack_size
        self.mutex = threading.Lock()
        self._wakeups = wakeups.WakeHeap()
        self._seq = itertools.count()
        self._running = 0  # free/virtual: attached actors not blocked
        self._local = threading.local()
        self._current: Actor | None = None  # deterministic: the actor holding the baton
        self._live = 0
        self._driver_sem: threading.Lock | None = None
        self._spawned: list[Actor] = []  # deterministic: every actor of the current run()
        self._hub_next: Actor | None = None  # greenlets: the next actor the hub must start
        # greenlets: an interrupt (Ctrl-C) or exit raised inside an actor; the run stops there
        self._abort: BaseException | None = None
        self._pin: set[int] | None = None  # threads: the CPU of every actor thread (carriers.pin_cpu)

    # ------------------------------------------------------------------ who is running
    def current(self) -> Actor | None:
        if self.deterministic:
            return self._current
        stack = getattr(self._local, "stack", None)
        return stack[-1] if stack else None

    def attach(self, name: str) -> Actor:
        """Free mode: make the calling thread an actor (nested attaches suspend the outer one)."""
        if self.deterministic:
            actor = self._current
            if actor is None:
                raise RuntimeError("deterministic kernel: executions must run inside spawn()")
            actor.attach_depth += 1
            return actor
        actor = Actor(name)  # its Event is made when it first blocks (most never do)
        stack = self._local.__dict__.setdefault("stack", [])
        with self.mutex:
            if not stack:
                self._running += 1
            stack.append(actor)
        return actor

    def detach(self, actor: Actor) -> None:
        if self.deterministic:
            actor.attach_depth -= 1
            return
        stack = self._local.stack
        with self.mutex:
            stack.remove(actor)
            if not stack:
                self._running -= 1
                if self._running == 0 and self.clock.is_virtual:
                    self._wake_earliest_locked()

    # ------------------------------------------------------------------ blocking primitives
    def block(self, actor: Actor, wake_ms: float | None, signalable: bool) -> bool:
        """Block ``actor`` (the caller) until ``wake_ms`` or, if ``signalable``, a signal.

        Returns True when woken by a signal, False when the time came.
        """
        if self.deterministic:
            return self._block_deterministic(actor, wake_ms, signalable)
        if self.clock.is_virtual:
            return self._block_free_virtual(actor, wake_ms, signalable)
        return self._block_free_real(actor, wake_ms, signalable)

    def signal(self, actor: Actor) -> None:
        with self.mutex:
            self.signal_locked(actor)

    def signal_locked(self, actor: Actor) -> None:
        """Wake a blocked actor (caller holds ``mutex``); remember it if not yet blocked."""
        if not actor.blocked:
            actor.pending = True
            return
        actor.signaled = True
        actor.token += 1
        if self.deterministic:
            self._push(self.clock.now_ms(), actor)
        elif self.clock.is_virtual:
            actor.blocked = False
            self._running += 1
            actor.event.set()
        else:
            actor.event.set()

    # ------------------------------------------------------------------ free mode
    def _block_free_virtual(self, actor: Actor, wake_ms: float | None, signalable: bool) -> bool:
        if actor.event is None:
            actor.event = threading.Event()
        with self.mutex:
            if signalable and actor.pending:
                actor.pending = False
                return True
            self._park_locked(actor, wake_ms)
            self._running -= 1
            if self._running == 0:
                self._wake_earliest_locked()
        _wait(actor, actor.event.wait)
        actor.event.clear()
        return actor.signaled

    def _wake_earliest_locked(self) -> None:
        nxt = self._pop_locked()
        if nxt is None:
            return
        self._running += 1
        nxt.event.set()

    def _block_free_real(self, actor: Actor, wake_ms: float | None, signalable: bool) -> bool:
        if actor.event is None:
            actor.event = threading.Event()
        with self.mutex:
            if signalable and actor.pending:
                actor.pending = False
                return True
            actor.blocked, actor.signaled = True, False
        timeout = None if wake_ms is None else max(0.0, (wake_ms - self.clock.now_ms()) / 1000.0)
        _wait(actor, actor.event.wait, timeout)
        with self.mutex:
            actor.blocked = False
            actor.event.clear()
            return actor.signaled

    # ------------------------------------------------------------------ shared heap
    def _park_locked(self, actor: Actor, wake_ms: float | None) -> None:
        actor.blocked, actor.signaled = True, False
        actor.token += 1
        if wake_ms is not None:
            self._push(wake_ms, actor)

    def _push(self, wake_ms: float, actor: Actor) -> None:
        tiebreak = self.rng.random() if self.deterministic else 0.0
        self._wakeups.push(wake_ms, tiebreak, next(self._seq), actor.token, actor)

    def _pop_locked(self) -> Actor | None:
        pop = self._wakeups.pop
        while (first := pop()) is not None:
            wake_ms, token, actor = first
            if token != actor.token or actor.done:
                continue  # stale: signaled or re-blocked since this entry was pushed
            self.clock.advance_to(wake_ms)
            actor.blocked = False
            return actor
        return None

    # ------------------------------------------------------------------ deterministic mode
    def spawn(self, name: str, fn: Callable[[], object], start_ms: float) -> Actor:
        """Deterministic mode: an actor that will first run at ``start_ms``."""
        if not self.deterministic:
            raise RuntimeError("spawn() is for the deterministic kernel")
        actor = Actor(name, fn)
        actor.blocked = True
        self._live += 1
        self._spawned.append(actor)
        self._push(start_ms, actor)
        return actor

    def run(self) -> None:
        """Run every spawned actor to completion (the caller is the driver)."""
        if self.use_greenlets:
            self._run_greenlets()
            abort, self._abort = self._abort, None
            if abort is not None:
                # The other actors stay suspended where they were; their greenlets are collected
                # with the run (each gets GreenletExit and ends).
                self._spawned = []
                self._wakeups.clear()
                raise abort
        else:
            self._run_threads()
        # Whoever has not finished when nobody can run is stuck (an actor blocked with no wake-up
        # time has no heap entry, so the heap alone cannot name it).
        stuck = [a for a in self._spawned if not a.done]
        self._spawned = [a for a in self._spawned if not a.done]
        if stuck:
            names = ", ".join(a.name for a in stuck[:5])
            raise SimulationDeadlock(f"{len(stuck)} executions blocked forever: {names}")

    def _block_deterministic(self, actor: Actor, wake_ms: float | None, signalable: bool) -> bool:
        # The simulator's hot path (every service call): _park_locked/_push/_pop_locked inlined.
        if signalable and actor.pending:
            actor.pending = False
            return True
        actor.signaled = False
        token = actor.token = actor.token + 1
        if wake_ms is None:
            actor.blocked = True
            nxt = self._pop_locked()
        else:
            # The earliest entry leaves as this one goes in (one sift instead of a push and a pop),
            # unless this one is due first: then it goes on without touching the queue.
            first = self._wakeups.push_pop(wake_ms, self.rng.random(), next(self._seq), token, actor)
            if first is None:
                self.clock.advance_to(wake_ms)
                return False
            actor.blocked = True
            wake, top_token, nxt = first
            if top_token != nxt.token or nxt.done:
                nxt = self._pop_locked()  # a stale entry: the next live one
            else:
                self.clock.advance_to(wake)
                nxt.blocked = False
        if nxt is not actor:
            self._transfer(actor, nxt)
        return actor.signaled

    def _transfer(self, actor: Actor, nxt: Actor | None) -> None:
        self._current = nxt
        if self.use_greenlets:
            if nxt is None or nxt.glet is None:
                # Start new greenlets from the hub: a greenlet started inside another inherits its
                # recursion depth (greenlet 3), so ~1,000 chained starts raised RecursionError.
                self._hub_next = nxt
                self._hub.switch()
            else:
                nxt.glet.switch()
        else:
            hook = actor.park_hook
            if hook is not None:
                hook.park()
            self._resume_thread(nxt)
            actor.sem.acquire()
            if hook is not None:
                hook.resume()
        self._current = actor

    # threads
    def _run_threads(self) -> None:
        self._driver_sem = threading.Lock()
        self._driver_sem.acquire()
        if self.thread_stack_size:
            threading.stack_size(self.thread_stack_size)
        self._pin = carriers.pin_cpu()
        try:
            nxt = self._pop_locked()
            if nxt is None:
                return
            self._current = nxt
            self._resume_thread(nxt)
            # In slices: Ctrl-C must reach the driver even when SIGINT is delivered to an actor
            # thread (POSIX lets the kernel pick any thread; one running JavaScript on a CPU, say).
            # Python then runs the handler only when the main thread next runs Python code, which
            # a wait with no end never does (measured: 1 JavaScript simulate in ~5 under load did
            # not exit on Ctrl-C; a thread dump showed the driver still waiting here).
            while not self._driver_sem.acquire(timeout=DRIVER_POLL_S):
                pass
        finally:
            if self.thread_stack_size:
                threading.stack_size(0)

    def _resume_thread(self, nxt: Actor | None) -> None:
        if nxt is None:
            self._driver_sem.release()
        elif nxt.thread is None:
            carriers.carry(self, nxt)  # a kept thread, or a new one
        else:
            nxt.sem.release()

    def _carry(self, actor: Actor) -> Actor | None:
        """On the actor's thread: run it to its end; the next actor to run holds the baton then."""
        self._run_actor(actor)
        nxt = self._pop_locked()
        self._current = nxt
        return nxt

    def _run_actor(self, actor: Actor) -> None:
        try:
            actor.fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the driver, never lost
            actor.error = exc
            if self.use_greenlets and isinstance(exc, KeyboardInterrupt | SystemExit):
                # Python delivers Ctrl-C to whichever greenlet runs on the main thread: stop the
                # whole run (on threads the driver itself is interrupted), not just this actor.
                self._abort = exc
        finally:
            actor.done = True
            self._live -= 1

    # greenlets
    def _run_greenlets(self) -> None:
        import greenlet

        self._hub = hub = greenlet.getcurrent()
        idle = carriers.idle_workers()
        while self._abort is None:
            nxt, self._hub_next = self._hub_next or self._pop_locked(), None
            if nxt is None:
                break
            self._current = nxt
            if nxt.glet is not None:
                nxt.glet.switch()
                continue
            # A new actor runs on an idle worker greenlet of this thread, or a new one.
            worker = idle.pop() if idle else greenlet.greenlet(carriers.worker_main)
            worker.parent = hub
            nxt.glet = worker
            worker.switch(self, nxt)

