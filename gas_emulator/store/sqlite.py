"""SQLite store: one file, persistent between runs, shared by several processes on one machine.

The same semantics as ``MemoryStore`` (the ``Store`` protocol in ``base.py``), on one SQLite file in
WAL mode. Every call is one transaction: writers take ``BEGIN IMMEDIATE`` (so a read-modify-write
never races another process), wait up to the busy timeout for the write lock, and roll back
completely when anything raises. Each thread gets its own connection (and a forked child opens new
ones). Cross-process locks (LockService, on either clock) are rows with a lease renewed by their
holder and a liveness lock the kernel frees when the holder dies: ``sqlite_locks.py``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .sqlite_locks import DEFAULT_LOCK_LEASE_MS, DEFAULT_LOCK_MAX_HOLD_MS, SqliteLocks
from .sqlite_locks import SCHEMA as _LOCK_SCHEMA
from .sqlite_locks import TABLES as _LOCK_TABLES

DEFAULT_BUSY_TIMEOUT_MS = 30_000
_CHUNK = 500  # keys per IN (...) query: well under SQLite's variable limit

_SCHEMA = """
CREATE TABLE IF NOT EXISTS props (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                                  PRIMARY KEY (ns, key));
CREATE TABLE IF NOT EXISTS cache (id INTEGER PRIMARY KEY, ns TEXT NOT NULL, key TEXT NOT NULL,
                                  value TEXT NOT NULL, expires_at_ms REAL NOT NULL, UNIQUE (ns, key));
CREATE INDEX IF NOT EXISTS cache_by_age ON cache (ns, id);
CREATE TABLE IF NOT EXISTS quota (user TEXT NOT NULL, quota TEXT NOT NULL, start_ms REAL NOT NULL,
                                  used INTEGER NOT NULL, PRIMARY KEY (user, quota)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS docs (ns TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
                                 PRIMARY KEY (ns, key)) WITHOUT ROWID;
"""
_TABLES = ("props", "cache", "quota", "docs", *_LOCK_TABLES)


class _Connection(sqlite3.Connection):
    """A connection that can be weakly referenced (the built-in class cannot)."""


class SqliteStore:
    shared_between_processes = True

    def __init__(self, path: str | os.PathLike, *, busy_timeout_ms: float = DEFAULT_BUSY_TIMEOUT_MS,
                 lock_lease_ms: float = DEFAULT_LOCK_LEASE_MS,
                 lock_max_hold_ms: float = DEFAULT_LOCK_MAX_HOLD_MS) -> None:
        self.path = str(Path(path))
        self.busy_timeout_ms = busy_timeout_ms
        self.lock_lease_ms = lock_lease_ms
        self.lock_max_hold_ms = lock_max_hold_ms
        self._locks = SqliteLocks(self, lock_lease_ms, lock_max_hold_ms)
        self._local = threading.local()
        # Held weakly: a thread's connection closes when the thread ends (its threading.local goes),
        # so a server that starts a thread per client does not pile up connections.
        self._all_conns: weakref.WeakSet[_Connection] = weakref.WeakSet()
        self._conns_mutex = threading.Lock()
        self._init_schema()

    def __getstate__(self) -> dict:  # picklable: a child process opens its own connections
        return {"path": self.path, "busy_timeout_ms": self.busy_timeout_ms,
                "lock_lease_ms": self.lock_lease_ms, "lock_max_hold_ms": self.lock_max_hold_ms}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["path"], busy_timeout_ms=state["busy_timeout_ms"],
                      lock_lease_ms=state["lock_lease_ms"], lock_max_hold_ms=state["lock_max_hold_ms"])

    def __repr__(self) -> str:
        return f"SqliteStore({self.path!r})"

    # ------------------------------------------------------------------ connections
    def _init_schema(self) -> None:
        conn = self._conn()
        deadline = time.monotonic() + self.busy_timeout_ms / 1000.0
        while True:  # switching to WAL can report "locked" while another process creates the file
            try:
                if conn.execute("PRAGMA journal_mode=WAL").fetchone()[0].lower() != "wal":
                    raise sqlite3.OperationalError(f"{self.path}: WAL mode unavailable")
                conn.executescript(_SCHEMA + _LOCK_SCHEMA)
                return
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def _conn(self) -> sqlite3.Connection:
        local = self._local
        conn = getattr(local, "conn", None)
        if conn is not None and local.pid == os.getpid():
            return conn
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000.0, isolation_level=None,
                               check_same_thread=False, factory=_Connection)
        conn.execute(f"PRAGMA busy_timeout={int(self.busy_timeout_ms)}")
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never corrupt
        local.conn, local.pid, local.depth = conn, os.getpid(), 0
        with self._conns_mutex:
            self._all_conns.add(conn)
        return conn

    def close(self) -> None:
        """Close every connection this object opened (later calls reopen them) and stop holding
        cross-process locks (any still held are then free for others)."""
        self._locks.close()
        with self._conns_mutex:
            conns, self._all_conns = list(self._all_conns), weakref.WeakSet()
        for conn in conns:
            conn.close()
        self._local = threading.local()

    @contextmanager
    def _txn(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """One transaction (nested calls join the outer one); rolled back when anything raises."""
        conn = self._conn()
        local = self._local
        if local.depth:
            local.depth += 1
            try:
                yield conn
            finally:
                local.depth -= 1
            return
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        local.depth = 1
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            local.depth = 0

    def reset(self) -> None:
        with self._txn() as db:
            for table in _TABLES:
                db.execute(f"DELETE FROM {table}")

    # ------------------------------------------------------------------ properties
    def props_get(self, ns: str, key: str) -> str | None:
        row = self._conn().execute("SELECT value FROM props WHERE ns=? AND key=?", (ns, key)).fetchone()
        return None if row is None else row[0]

    def props_all(self, ns: str) -> dict[str, str]:
        rows = self._conn().execute("SELECT key, value FROM props WHERE ns=? ORDER BY rowid", (ns,))
        return dict(rows.fetchall())

    def props_update(self, ns: str, updates: Mapping[str, str], deletes: Iterable[str] = (), *,
                     delete_all_others: bool = False,
                     validate: Callable[[int], None] | None = None) -> None:
        deletes = tuple(deletes)
        with self._txn() as db:
            if delete_all_others:
                db.execute("DELETE FROM props WHERE ns=?", (ns,))
            else:
                db.executemany("DELETE FROM props WHERE ns=? AND key=?", [(ns, k) for k in deletes])
            db.executemany(
                "INSERT INTO props (ns, key, value) VALUES (?, ?, ?) "
                "ON CONFLICT (ns, key) DO UPDATE SET value=excluded.value",
                [(ns, k, v) for k, v in updates.items()])
            if validate is not None:
                # Measured inside the transaction, after the writes: raising rolls them back.
                (size,) = db.execute(
                    "SELECT COALESCE(SUM(LENGTH(CAST(key AS BLOB)) + LENGTH(CAST(value AS BLOB))), 0) "
                    "FROM props WHERE ns=?", (ns,)).fetchone()
                validate(size)

    # ------------------------------------------------------------------ cache
    def cache_get_many(self, ns: str, keys: Iterable[str], now_ms: float) -> dict[str, str]:
        keys = list(dict.fromkeys(keys))
        found: dict[str, str] = {}
        expired: list[str] = []
        with self._txn(write=False) as db:  # one snapshot for every key
            for start in range(0, len(keys), _CHUNK):
                chunk = keys[start:start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = db.execute("SELECT key, value, expires_at_ms FROM cache "
                                  f"WHERE ns=? AND key IN ({marks})", (ns, *chunk))
                for key, value, expires in rows:
                    if expires <= now_ms:
                        expired.append(key)
                    else:
                        found[key] = value
        if expired:  # conditional: a key put again meanwhile has a later expiry and stays
            with self._txn() as db:
                db.executemany("DELETE FROM cache WHERE ns=? AND key=? AND expires_at_ms<=?",
                               [(ns, k, now_ms) for k in expired])
        return {k: found[k] for k in keys if k in found}

    def cache_put_many(self, ns: str, items: Mapping[str, str], expires_at_ms: float, now_ms: float,
                       *, max_items: int, keep_after_evict: int) -> int:
        with self._txn() as db:
            for key, value in items.items():
                # delete then insert: a replaced key counts as newly created (FIFO by creation, spec 3.2)
                db.execute("DELETE FROM cache WHERE ns=? AND key=?", (ns, key))
                db.execute("INSERT INTO cache (ns, key, value, expires_at_ms) VALUES (?, ?, ?, ?)",
                           (ns, key, value, expires_at_ms))
            if self._cache_count(db, ns) <= max_items:
                return 0
            self._drop_expired(db, ns, now_ms)
            count = self._cache_count(db, ns)
            if count <= max_items:
                return 0
            return self._evict_oldest(db, ns, count - keep_after_evict)

    def cache_remove_many(self, ns: str, keys: Iterable[str]) -> None:
        with self._txn() as db:
            db.executemany("DELETE FROM cache WHERE ns=? AND key=?", [(ns, k) for k in keys])

    def cache_evict_oldest(self, ns: str, fraction: float, now_ms: float) -> int:
        with self._txn() as db:
            self._drop_expired(db, ns, now_ms)
            return self._evict_oldest(db, ns, int(self._cache_count(db, ns) * fraction))

    def cache_size(self, ns: str, now_ms: float) -> int:
        with self._txn() as db:
            self._drop_expired(db, ns, now_ms)
            return self._cache_count(db, ns)

    @staticmethod
    def _cache_count(db: sqlite3.Connection, ns: str) -> int:
        return db.execute("SELECT COUNT(*) FROM cache WHERE ns=?", (ns,)).fetchone()[0]

    @staticmethod
    def _drop_expired(db: sqlite3.Connection, ns: str, now_ms: float) -> None:
        db.execute("DELETE FROM cache WHERE ns=? AND expires_at_ms<=?", (ns, now_ms))

    @staticmethod
    def _evict_oldest(db: sqlite3.Connection, ns: str, count: int) -> int:
        if count <= 0:
            return 0
        cur = db.execute("DELETE FROM cache WHERE id IN "
                         "(SELECT id FROM cache WHERE ns=? ORDER BY id LIMIT ?)", (ns, count))
        return cur.rowcount

    # ------------------------------------------------------------------ quotas
    def quota_charge(self, user: str, quota: str, cost: int, limit: int, now_ms: float,
                     window_ms: float) -> int | None:
        with self._txn() as db:
            row = db.execute("SELECT start_ms, used FROM quota WHERE user=? AND quota=?",
                             (user, quota)).fetchone()
            start, used = row if row is not None else (now_ms, 0)
            if now_ms - start >= window_ms:  # spec 5: resets 24 h after the first request
                start, used = now_ms, 0
            if used + cost > limit:
                return None
            db.execute("INSERT INTO quota (user, quota, start_ms, used) VALUES (?, ?, ?, ?) ON CONFLICT "
                       "(user, quota) DO UPDATE SET start_ms=excluded.start_ms, used=excluded.used",
                       (user, quota, start, used + cost))
            return used + cost

    def quota_usage(self, user: str, quota: str, now_ms: float, window_ms: float) -> int:
        row = self._conn().execute("SELECT start_ms, used FROM quota WHERE user=? AND quota=?",
                                   (user, quota)).fetchone()
        if row is None or now_ms - row[0] >= window_ms:
            return 0
        return row[1]

    # ------------------------------------------------------------------ cross-process locks
    def lock_try_acquire(self, name: str, owner: str) -> bool:
        return self._locks.try_acquire(name, owner)

    def lock_release(self, name: str, owner: str, clock_ms: float | None = None) -> None:
        self._locks.release(name, owner, clock_ms)

    def lock_release_all(self, owner: str) -> None:
        self._locks.release_all(owner)

    def clock_read(self) -> float | None:
        return self._locks.clock_read()

    # ------------------------------------------------------------------ documents
    def doc_get(self, ns: str, key: str) -> str | None:
        return _SqliteTxn(self._conn()).get(ns, key)

    def doc_put(self, ns: str, key: str, value: str) -> None:
        with self._txn() as db:
            _SqliteTxn(db).put(ns, key, value)

    def doc_delete(self, ns: str, key: str) -> None:
        with self._txn() as db:
            _SqliteTxn(db).delete(ns, key)

    def doc_keys(self, ns: str) -> list[str]:
        return _SqliteTxn(self._conn()).keys(ns)

    def doc_transaction(self, fn: Callable[[_SqliteTxn], object]) -> object:
        with self._txn() as db:
            return fn(_SqliteTxn(db))  # raises -> rolled back


class _SqliteTxn:
    """The DocTxn view: statements on the connection inside the caller's transaction."""

    __slots__ = ("_db",)

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def get(self, ns: str, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM docs WHERE ns=? AND key=?", (ns, key)).fetchone()
        return None if row is None else row[0]

    def put(self, ns: str, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO docs (ns, key, value) VALUES (?, ?, ?)", (ns, key, value))

    def delete(self, ns: str, key: str) -> None:
        self._db.execute("DELETE FROM docs WHERE ns=? AND key=?", (ns, key))

    def keys(self, ns: str) -> list[str]:
        # BINARY collation orders UTF-8 bytes, which is code-point order: the same as sorted()
        return [k for (k,) in self._db.execute("SELECT key FROM docs WHERE ns=? ORDER BY key", (ns,))]
