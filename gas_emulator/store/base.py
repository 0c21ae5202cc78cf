"""The one interface behind which every piece of emulated service state lives.

Services never keep state of their own: Properties, Cache, quotas, cross-process locks and the fake
REST API's projects all go through a ``Store``. Two implementations exist: ``MemoryStore`` (the
default, one process) and ``SqliteStore`` (a file shared by processes on one machine, transactional).

Every mutating method is atomic: it either applies completely or, when it raises, changes nothing.
Namespaces (``ns``) are opaque strings built by the services, e.g. ``"props/script"`` or
``"props/user/a@example.com"``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

#: One cache entry: ``(value, expires_at_ms, created_seq)``, a plain tuple because one is built on
#: every put (a NamedTuple's constructor took 0.4 µs, a tenth of the call); ``created_seq`` is the
#: insertion order, since eviction is FIFO by creation (spec 3.2).
CacheEntry = tuple[str, float, int]
VALUE, EXPIRES_AT_MS, CREATED_SEQ = 0, 1, 2


class Store(Protocol):
    """State behind the emulated services. All times are the emulator clock's milliseconds."""

    #: True when several processes may share this store (SQLite): locks then live in the store too.
    shared_between_processes: bool

    # -- PropertiesService -------------------------------------------------------------------
    def props_get(self, ns: str, key: str) -> str | None: ...

    def props_all(self, ns: str) -> dict[str, str]: ...

    def props_update(
        self,
        ns: str,
        updates: Mapping[str, str],
        deletes: Iterable[str] = (),
        *,
        delete_all_others: bool = False,
        validate: Callable[[int], None] | None = None,
    ) -> None:
        """Apply ``deletes`` then ``updates`` atomically (``delete_all_others`` keeps only ``updates``).

        ``validate`` receives the would-be size of the store (UTF-8 bytes of every key and value)
        and may raise; then nothing changes.
        """
        ...

    # -- CacheService ------------------------------------------------------------------------
    def cache_get_many(self, ns: str, keys: Iterable[str], now_ms: float) -> dict[str, str]:
        """Values of the keys present and not expired at ``now_ms`` (expired ones are dropped)."""
        ...

    def cache_put_many(
        self, ns: str, items: Mapping[str, str], expires_at_ms: float, now_ms: float,
        *, max_items: int, keep_after_evict: int,
    ) -> int:
        """Insert or replace; when the live count exceeds ``max_items`` evict FIFO down to
        ``keep_after_evict``. Returns how many entries were evicted."""
        ...

    def cache_remove_many(self, ns: str, keys: Iterable[str]) -> None: ...

    def cache_evict_oldest(self, ns: str, fraction: float, now_ms: float) -> int:
        """Fault site: drop the oldest ``fraction`` of live entries at once. Returns the count."""
        ...

    def cache_size(self, ns: str, now_ms: float) -> int: ...

    # -- Quotas ------------------------------------------------------------------------------
    def quota_charge(
        self, user: str, quota: str, cost: int, limit: int, now_ms: float, window_ms: float,
    ) -> int | None:
        """Charge ``cost`` to ``user``'s ``quota``. The window starts at the first charge and
        resets ``window_ms`` after it. Returns the new usage, or None (and charges nothing) when
        the charge would exceed ``limit``."""
        ...

    def quota_usage(self, user: str, quota: str, now_ms: float, window_ms: float) -> int: ...

    # -- Cross-process locks (used only when shared_between_processes) ------------------------
    def lock_try_acquire(self, name: str, owner: str) -> bool:
        """Take ``name`` for ``owner`` unless another live owner holds it (True if held now)."""
        ...

    def lock_release(self, name: str, owner: str, clock_ms: float | None = None) -> None:
        """Free ``name`` if ``owner`` holds it, and publish ``clock_ms`` as the store's time
        (kept as the maximum ever published: ``clock_read``)."""
        ...

    def lock_release_all(self, owner: str) -> None: ...

    def clock_read(self) -> float | None:
        """The latest emulator time a lock release published, or None."""
        ...

    # -- Generic JSON documents (the fake REST API's projects, versions, deployments) ---------
    def doc_get(self, ns: str, key: str) -> str | None: ...

    def doc_put(self, ns: str, key: str, value: str) -> None: ...

    def doc_delete(self, ns: str, key: str) -> None: ...

    def doc_keys(self, ns: str) -> list[str]: ...

    def doc_transaction(self, fn: Callable[[DocTxn], object]) -> object:
        """Run ``fn`` with a transaction view; everything it writes applies atomically, or
        nothing does when it raises."""
        ...

    def reset(self) -> None:
        """Forget everything: a reset store equals a fresh one."""
        ...


class DocTxn(Protocol):
    def get(self, ns: str, key: str) -> str | None: ...

    def put(self, ns: str, key: str, value: str) -> None: ...

    def delete(self, ns: str, key: str) -> None: ...

    def keys(self, ns: str) -> list[str]: ...
