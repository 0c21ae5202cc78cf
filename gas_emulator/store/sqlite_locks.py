"""Cross-process locks and the shared clock of a ``SqliteStore``.

A held lock is one row of ``lock_leases``: its name, its owner (an execution's lock handle, as
``services/lock.py`` names it), the *holder* (the process, ``liveness.Holder``) and a lease. Another
owner may take the row over only when it is stale:

- its holder is dead: its liveness file is no longer locked (the kernel frees that lock when the
  process ends, reaped or zombie), so a killed holder is taken over at the next poll;
- or its lease ran out. A live holder renews the leases of the locks it holds every third of
  ``lease_ms`` from a heartbeat thread, but never past ``max_hold_ms`` after it took the lock (an
  execution lasts at most 6 minutes, spec 5, so no living execution holds a lock longer). Where
  holders cannot be probed (not POSIX), the lease is what frees a dead holder's locks.

``clock`` keeps the latest emulator time a lock release published: with virtual clocks, a process
that takes a lock first moves its clock forward to it (``services/lock.py``), so time never runs
backwards along the chain of lock holders.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING

from .liveness import Holder, holder_alive

if TYPE_CHECKING:
    from .sqlite import SqliteStore

#: How long a lock outlives its holder's last heartbeat when the holder cannot be probed.
DEFAULT_LOCK_LEASE_MS = 30_000
#: A lock is never held longer than one execution (6-minute cap, spec 5) plus a margin.
DEFAULT_LOCK_MAX_HOLD_MS = 390_000

SCHEMA = """
DROP TABLE IF EXISTS locks;
CREATE TABLE IF NOT EXISTS lock_leases (name TEXT PRIMARY KEY, owner TEXT NOT NULL,
                                        holder TEXT NOT NULL, pid INTEGER NOT NULL,
                                        acquired_at REAL NOT NULL, lease_until REAL NOT NULL)
                                        WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS clock (id INTEGER PRIMARY KEY CHECK (id = 0), now_ms REAL NOT NULL);
"""
TABLES = ("lock_leases", "clock")

_SELECT = "SELECT owner, holder, lease_until FROM lock_leases WHERE name=?"


class SqliteLocks:
    """The lock and clock methods of one ``SqliteStore`` (it delegates to this object)."""

    def __init__(self, store: SqliteStore, lease_ms: float, max_hold_ms: float) -> None:
        self._store = store
        self.lease_ms = lease_ms
        self.max_hold_ms = max_hold_ms
        self.holders_dir = Path(store.path + "-holders")
        self._holder: Holder | None = None
        self._held: set[tuple[str, str]] = set()  # (name, owner) rows this process holds
        self._mutex = threading.Lock()
        self._stop = threading.Event()
        self._heartbeat: threading.Thread | None = None

    # ------------------------------------------------------------------ who this process is
    def _me(self) -> Holder:
        holder = self._holder
        if holder is not None and holder.pid == os.getpid():
            return holder
        with self._mutex:
            if self._holder is None or self._holder.pid != os.getpid():  # first use, or forked
                self._holder, self._held = Holder(self.holders_dir), set()
                self._stop = threading.Event()
                self._heartbeat = threading.Thread(target=_renew_forever,
                                                   args=(weakref.ref(self), self._stop),
                                                   name="gas-emu-lock-heartbeat", daemon=True)
                self._heartbeat.start()
            return self._holder

    def close(self) -> None:
        """Stop the heartbeat and give up this process's liveness: its rows then read as dead."""
        with self._mutex:
            self._stop.set()
            holder, self._holder = self._holder, None
            self._held = set()
        if holder is not None and holder.pid == os.getpid():
            holder.close()

    # ------------------------------------------------------------------ locks
    def try_acquire(self, name: str, owner: str) -> bool:
        holder = self._me()
        now = time.time()
        row = self._store._conn().execute(_SELECT, (name,)).fetchone()
        if row is not None and not self._mine(row, holder, owner) and not self._stale(row, now):
            return False  # cheap refusal without taking the write lock (waiters poll this)
        with self._store._txn() as db:
            row = db.execute(_SELECT, (name,)).fetchone()
            if row is not None and self._mine(row, holder, owner):
                return True  # already held by this owner (spec 1.1: no effect)
            if row is not None and not self._stale(row, now):
                return False
            lease_until = now + min(self.lease_ms, self.max_hold_ms) / 1000.0
            db.execute("INSERT OR REPLACE INTO lock_leases (name, owner, holder, pid, acquired_at, "
                       "lease_until) VALUES (?, ?, ?, ?, ?, ?)",
                       (name, owner, holder.id, holder.pid, now, lease_until))
        self._held.add((name, owner))
        return True

    def release(self, name: str, owner: str, clock_ms: float | None = None) -> None:
        holder = self._me()
        with self._store._txn() as db:
            cur = db.execute("DELETE FROM lock_leases WHERE name=? AND owner=? AND holder=?",
                             (name, owner, holder.id))
            if cur.rowcount and clock_ms is not None:
                db.execute("INSERT INTO clock (id, now_ms) VALUES (0, ?) ON CONFLICT (id) "
                           "DO UPDATE SET now_ms=MAX(now_ms, excluded.now_ms)", (clock_ms,))
        self._held.discard((name, owner))

    def release_all(self, owner: str) -> None:
        holder = self._me()
        with self._store._txn() as db:
            db.execute("DELETE FROM lock_leases WHERE owner=? AND holder=?", (owner, holder.id))
        self._held = {(n, o) for n, o in self._held if o != owner}

    def clock_read(self) -> float | None:
        row = self._store._conn().execute("SELECT now_ms FROM clock WHERE id=0").fetchone()
        return None if row is None else row[0]

    @staticmethod
    def _mine(row: tuple, holder: Holder, owner: str) -> bool:
        return row[0] == owner and row[1] == holder.id

    def _stale(self, row: tuple, now: float) -> bool:
        _, holder_id, lease_until = row
        if lease_until <= now:
            return True
        return holder_alive(self.holders_dir, holder_id) is False

    # ------------------------------------------------------------------ heartbeat
    def renew(self) -> int:
        """Extend the leases of every lock this process holds (capped at max hold); how many."""
        holder = self._holder
        if holder is None or holder.pid != os.getpid() or not self._held:
            return 0
        now = time.time()
        with self._store._txn() as db:
            cur = db.execute("UPDATE lock_leases SET lease_until=MIN(?, acquired_at + ?) WHERE holder=?",
                             (now + self.lease_ms / 1000.0, self.max_hold_ms / 1000.0, holder.id))
            return cur.rowcount


def _renew_forever(ref: weakref.ref[SqliteLocks], stop: threading.Event) -> None:
    """The heartbeat: holds its store weakly, so a store dropped without close() ends it too."""
    locks = ref()
    interval_s = 1.0 if locks is None else locks.lease_ms / 3000.0
    del locks
    while not stop.wait(interval_s):
        locks = ref()
        if locks is None:
            return
        try:
            locks.renew()
        except Exception:  # noqa: BLE001, S112 - a busy or closed file: the next beat tries again
            continue
        finally:
            del locks
