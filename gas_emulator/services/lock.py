"""LockService: script, user and document locks that really exclude and really block.

Source for the API: developers.google.com/apps-script/reference/lock/lock (spec 1.1). A ``Lock``
object is a handle; ownership lives in the emulator's ``LockTable``. A release hands the lock
straight to one waiter (first come, first served by default: spec 1.5), which is woken alone.
Every lock an execution holds is released when it ends (spec 1.1, "automatically released when the
script terminates").

When the store is shared between processes (``SqliteStore``: ``gas-emu run --state``, the stress
mode's processes, ``Emulator(store=SqliteStore(...))``) a lock excludes across processes on either
clock. Taking it has two steps: the emulator's own table first (executions of this process queue
there, in this emulator's time), then the store's row for the lock (``store/sqlite_locks.py``),
which only the table's owner asks for. What time means then:

- a wait for another process is a real wait: the owner polls the store every
  ``CROSS_PROCESS_POLL_S``, up to what is left of its timeout; on the virtual clock each poll also
  moves this execution's time forward by the real time it took (other executions of this process
  go on meanwhile), so timeouts and the 6-minute cap count the same way as any other wait;
- a release publishes the releasing execution's time in the store, and with the virtual clock a
  process starts at, and on every lock taken moves forward to, the latest time published: time
  never runs backwards along the chain of lock holders (what one holder wrote, the next one reads
  at a later time, as in Apps Script).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import LockTimeout, ParametersMismatch
from .jstypes import type_name

if TYPE_CHECKING:
    from ..emulator import Emulator
    from ..execution import Execution

#: Real-time poll interval of a wait for a lock another process holds (a shared store); not an
#: Apps Script figure: takeover after a release or a holder's death is within one poll.
CROSS_PROCESS_POLL_S = 0.002


@dataclass
class _LockState:
    owner: Lock | None = None
    waiters: deque = field(default_factory=deque)  # of Lock handles, in arrival order
    sharers: list = field(default_factory=list)  # other handles of the owner's execution (knob)


class LockTable:
    """Who holds which lock, and who waits for it (one per emulator)."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        self.kernel = emulator.kernel
        self._locks: dict[str, _LockState] = {}
        self.stats = {"acquired": 0, "timeouts": 0, "waited": 0, "wait_ms": 0.0}
        #: Processes share the store: the table's owner also holds the lock in the store (any clock).
        self.shared = getattr(emulator.store, "shared_between_processes", False)
        if self.shared and emulator.clock.is_virtual:
            _catch_up_with_store(emulator)  # a process starts no earlier than the store's time

    def note_wait(self, ex: Execution, ms: float) -> None:
        """``ex`` spent ``ms`` waiting for a lock (or timing out); the simulator's table keeps it."""

    def state(self, name: str) -> _LockState:
        st = self._locks.get(name)
        if st is None:
            st = self._locks[name] = _LockState()
        return st

    def owner_execution(self, name: str) -> Execution | None:
        st = self._locks.get(name)
        return st.owner.ex if st and st.owner else None

    def hand_off_locked(self, st: _LockState) -> None:
        """Give a free lock to the next live waiter (caller holds the kernel mutex)."""
        st.owner = None
        waiters = st.waiters
        random_order = self.emulator.settings.lock_fairness == "random"
        while waiters:
            if random_order and len(waiters) > 1:
                waiters.rotate(-self.emulator.rng.randrange(len(waiters)))
            nxt = waiters.popleft()
            # A queued waiter gets the lock even if its thread has not blocked yet (free kernel: it
            # queued, dropped the mutex, and is on its way to wait_signal); the signal is then kept
            # as pending. Skipping it lost the hand-off: the waiter slept out its whole timeout.
            if not nxt.ex.actor.done:
                st.owner = nxt
                nxt._held = True
                nxt.ex.held_locks.append(nxt)
                self.kernel.signal_locked(nxt.ex.actor)
                return


class LockService:
    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def getScriptLock(self) -> Lock:
        return Lock(self._ex, "script")

    def getUserLock(self) -> Lock:
        return Lock(self._ex, f"user/{self._ex.user}")

    def getDocumentLock(self) -> Lock | None:
        # spec 1.1: null outside a container-bound context
        if self._ex.document_id is None:
            return None
        return Lock(self._ex, f"document/{self._ex.document_id}")


class Lock:
    __slots__ = ("ex", "name", "_held", "_table")

    def __init__(self, ex: Execution, name: str) -> None:
        self.ex = ex
        self.name = name
        self._held = False
        self._table = ex.emulator.locks

    def hasLock(self) -> bool:
        # spec 1.5: modeled as local (no RPC, 0 ms)
        return self._held

    def tryLock(self, timeoutInMillis) -> bool:
        return self._acquire(_timeout_arg(timeoutInMillis, "Lock.tryLock"))

    def waitLock(self, timeoutInMillis) -> None:
        if not self._acquire(_timeout_arg(timeoutInMillis, "Lock.waitLock")):
            self.ex.outcome("timeout")
            raise LockTimeout()
        return None

    def releaseLock(self) -> None:
        ex = self.ex
        ex.service_call("lock.release", self.name)
        if not self._held:  # spec 1.1: no effect if this lock is not held
            ex.outcome("not-held")
            return None
        self._release()
        ex.outcome("released")
        return None

    # ------------------------------------------------------------------ internals
    def _acquire(self, timeout_ms: float) -> bool:
        ex = self.ex
        ex.service_call("lock.acquire", self.name)
        if self._held:  # spec 1.1: "no effect if the lock has already been acquired"
            ex.outcome("held")
            return True
        max_timeout = ex.emulator.settings.lock_max_timeout_ms
        if max_timeout is not None:
            timeout_ms = min(timeout_ms, max_timeout)
        started = ex.now_ms()
        got = self._acquire_local(timeout_ms)
        if got and self._table.shared and self._owns():
            got = self._acquire_in_store(timeout_ms - (ex.now_ms() - started))
        if not got:
            # spec 1.5 [MEAS gassma #228]: a timed-out acquisition overshoots by ~70-85 ms
            overshoot = ex.emulator.latency.draw("lock.timeout_overshoot", ex.emulator.rng)
            if overshoot:
                ex.pause(overshoot)
                self._table.note_wait(ex, overshoot)  # a timed-out wait lasts until it returns
            self._table.stats["timeouts"] += 1
        ex.outcome("acquired" if got else "timeout")
        return got

    def _acquire_local(self, timeout_ms: float) -> bool:
        ex, table = self.ex, self._table
        kernel = ex.kernel
        st = table.state(self.name)
        with kernel.mutex:
            if st.owner is None:
                return self._take(st)
            if ex.emulator.settings.lock_reentrant_across_objects and st.owner.ex is ex:
                self._held = True  # spec 1.4 knob: a second object shares the owner's hold
                st.sharers.append(self)
                return True
            if timeout_ms <= 0:
                return False
            st.waiters.append(self)
        table.stats["waited"] += 1
        started = ex.now_ms()
        try:
            ex.wait_signal(timeout_ms)
        finally:
            with kernel.mutex:
                granted = st.owner is self
                if not granted and self in st.waiters:
                    st.waiters.remove(self)
                ex.actor.pending = False  # a grant that landed after the wake-up is read above
            waited = ex.now_ms() - started
            table.stats["wait_ms"] += waited
            table.note_wait(ex, waited)
        if granted:
            table.stats["acquired"] += 1
        return granted

    def _take(self, st: _LockState) -> bool:
        st.owner = self
        self._held = True
        self.ex.held_locks.append(self)
        self._table.stats["acquired"] += 1
        return True

    def _owns(self) -> bool:
        """This handle owns the table's entry (rather than sharing its execution's hold, spec 1.4)."""
        return self._table.state(self.name).owner is self

    def _acquire_in_store(self, timeout_ms: float) -> bool:
        """The table's owner takes the store's row too, waiting for other processes in real time;
        when it cannot within ``timeout_ms``, the table's entry goes to the next waiter."""
        ex, table = self.ex, self._table
        emu = ex.emulator
        token = self._token()
        started = ex.now_ms()
        deadline = started + max(0.0, timeout_ms)
        polls = 0
        try:
            while not emu.store.lock_try_acquire(self.name, token):
                now = ex.now_ms()
                if now >= deadline:
                    self._release_locally()
                    table.stats["acquired"] -= 1  # counted when the table's entry was granted
                    return False
                polls += 1
                _wait_for_another_process(ex, deadline - now)
        except BaseException:
            if self._held:  # ended (6-minute cap, kill) while waiting: nobody else may stay queued
                self._release_locally()
            raise
        finally:
            if polls:
                waited = ex.now_ms() - started
                table.stats["waited"] += 1
                table.stats["wait_ms"] += waited
                table.note_wait(ex, waited)
        if emu.clock.is_virtual:
            _catch_up_with_store(emu)  # what the last holder wrote, this one reads at a later time
        return True

    def _token(self) -> str:
        """This handle's name in the store (the store adds which process holds it)."""
        return f"{id(self._table)}:{self.ex.id}:{id(self)}"

    def _release(self) -> None:
        table = self._table
        try:
            if table.shared and table.state(self.name).owner is self:
                ex = self.ex
                ex.emulator.store.lock_release(self.name, self._token(), ex.now_ms())
        finally:  # a store error must not strand this process's waiters too
            self._release_locally()

    def _release_locally(self) -> None:
        self._held = False
        if self in self.ex.held_locks:
            self.ex.held_locks.remove(self)
        st = self._table.state(self.name)
        with self.ex.kernel.mutex:
            if st.owner is self:
                for sharer in st.sharers:  # the shared hold ends with the owner's
                    sharer._held = False
                st.sharers.clear()
                self._table.hand_off_locked(st)
            elif self in st.sharers:
                st.sharers.remove(self)

    def _release_at_end(self) -> None:
        """Execution ended (however it ended): free the lock with no service call."""
        if self._held:
            self._release()


def _wait_for_another_process(ex: Execution, remaining_ms: float) -> None:
    """One poll interval of real waiting (V8 handed back meanwhile); on the virtual clock the
    execution's time then moves by the real time that passed, never past ``remaining_ms``."""
    hook = ex.actor.park_hook
    started = time.monotonic()
    if hook is not None:
        hook.park()
    try:
        time.sleep(min(CROSS_PROCESS_POLL_S, max(0.0, remaining_ms) / 1000.0))
    finally:
        if hook is not None:
            hook.resume()
    if ex.emulator.clock.is_virtual:
        ex.pause(min((time.monotonic() - started) * 1000.0, remaining_ms))  # raises at the deadline
    else:
        ex.check_deadline()


def _catch_up_with_store(emulator: Emulator) -> None:
    """Virtual clock: move forward to the latest time a lock release published in the store."""
    published = emulator.store.clock_read()
    if published is not None:
        with emulator.kernel.mutex:
            emulator.clock.advance_to(published)


def _timeout_arg(value, method: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParametersMismatch([type_name(value)], method)
    return float(value)
