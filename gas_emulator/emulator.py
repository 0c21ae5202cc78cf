"""The emulator: one clock, one store, one kernel, and executions that share them.

``Emulator().execution(user=...)`` is a context manager for one execution: admission against the
simultaneous-execution limits, a 6-minute deadline, its own locks (released however it ends) and
its own log buffer. State lives in the store, time in the clock; nothing else is global, so two
emulators never see each other, and a reset emulator equals a fresh one.
"""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter
from typing import TYPE_CHECKING

from .clock import Clock, make_clock
from .errors import TooManySimultaneousScript, TooManySimultaneousUser
from .execution import Execution
from .kernel import Kernel, Terminated
from .quotas import Quotas
from .services.lock import LockTable
from .settings import Settings
from .sim.faults import NO_FAULTS, Faults
from .sim.latency import ZERO_LATENCY, LatencyModel
from .store.base import Store
from .store.memory import MemoryStore

if TYPE_CHECKING:
    from collections.abc import Callable

    from .services.urlfetch import Stub
    from .sim.triggers import TriggerHost

DEFAULT_USER = "user@example.com"


class Emulator:
    """A local Apps Script project's world: services, state, clock and the executions that share them.

    ::

        emu = Emulator()                                  # virtual clock, in-memory store
        with emu.execution(user="alice@example.com") as ex:
            ex.PropertiesService.getScriptProperties().setProperty("n", "1")

    Keyword arguments (all optional):

    * ``store``: where properties and caches live; a fresh ``MemoryStore`` by default,
      ``gas_emulator.store.sqlite.SqliteStore(path)`` to persist and share between processes.
    * ``clock``: ``"virtual"`` (default: time moves only when every execution waits, and never sleeps
      on the wall clock), ``"real"`` (the wall clock; freezegun and time-machine steer it) or a
      ``Clock`` object.
    * ``settings``: limits and unknown behaviours (:class:`~gas_emulator.settings.Settings`).
    * ``seed``: seeds ``getUuid()``, ``Math.random`` and the scheduler's choices (same seed, same run).
      Without one: 0 on a store of this process alone (runs stay reproducible); a freshly drawn seed
      on a store shared between processes (a ``SqliteStore``), so that processes sharing it never
      produce the same ``getUuid()`` values. Either way ``emulator.seed`` says which was used.
    * ``time_zone``: the script's time zone (``Session.getScriptTimeZone()``, ``Utilities.formatDate``).
    * ``latency`` / ``faults``: modelled service latency and injected faults (the simulator sets them).
    * ``deterministic`` / ``use_greenlets`` / ``trace``: the simulator's kernel mode, actor kind and
      call trace; leave them to ``gas_emulator.sim``.
    * ``script_id`` / ``effective_user``: what ``ScriptApp`` and web apps running as their deployer see.

    Executions are context managers (:meth:`execution`); each one's object carries the Apps Script
    globals by their Apps Script names. Errors raised are :class:`~gas_emulator.errors.GasError`
    subclasses whose ``str()`` is Apps Script's exact message.
    """

    def __init__(
        self,
        *,
        store: Store | None = None,
        clock: str | Clock | None = None,
        settings: Settings | None = None,
        seed: int | None = None,
        time_zone: str = "America/New_York",
        latency: LatencyModel | None = None,
        faults: Faults | None = None,
        deterministic: bool = False,
        use_greenlets: bool = False,
        trace: bool = False,
        script_id: str = "local-script",
        effective_user: str | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.clock = make_clock(clock)
        self.store = store if store is not None else MemoryStore()
        seed = default_seed(self.store) if seed is None else seed
        #: The seed in use: the one given, else ``default_seed(store)`` (see ``seed`` above).
        self.seed = seed
        self.rng = random.Random(seed)
        self.kernel = Kernel(self.clock, deterministic=deterministic,
                             rng=random.Random(scheduler_seed(seed)), use_greenlets=use_greenlets)
        self.time_zone = time_zone
        self.latency = latency or ZERO_LATENCY
        self.faults = faults or NO_FAULTS
        self.script_id = script_id
        self.effective_user = effective_user
        self.locks = LockTable(self)
        self.quotas = Quotas(self)
        self.trace: list[list] | None = [] if trace else None
        #: UrlFetchApp's answers, first match wins (``services.urlfetch.install``); empty: every
        #: fetch fails as an unknown host does.
        self.url_stubs: list[Stub] = []
        #: What fires time-driven triggers on the clock: the simulator's ``sim.triggers.TriggerHost``
        #: when a run has a horizon; None (``gas-emu run``): triggers are stored but never fire.
        self.trigger_host: TriggerHost | None = None
        #: With a trace, the simulator sets this to a list: the start time of each traced call.
        self.call_starts: list[float] | None = None
        #: Called with ``(level, text, time_ms)`` for every log line kept, as it is written: the
        #: fake API's worker processes send each line to the server at once, so a worker that
        #: dies mid-execution (fatal out of memory, a crash) loses none (api_server.workers).
        self.log_sink: Callable[[str, str, float], None] | None = None
        self._actor_names: Counter[str] = Counter()
        self.start_ms = self.clock.now_ms()
        self._admission = threading.Lock()
        self._running_by_user: dict[str, int] = {}
        self._running_total = 0

    # ------------------------------------------------------------------ executions
    def execution(self, user: str = DEFAULT_USER, document_id: str | None = None,
                  name: str | None = None) -> ExecutionScope:
        """One execution by ``user`` (a context manager); raises the exact Apps Script error when
        refused."""
        return ExecutionScope(self, user, document_id, name)

    def _admit(self, user: str) -> None:
        settings = self.settings
        with self._admission:
            running = self._running_by_user.get(user, 0)
            if running >= settings.max_simultaneous_per_user:
                raise TooManySimultaneousUser()
            if self._running_total >= settings.max_simultaneous_per_script:
                raise TooManySimultaneousScript()
            self._running_by_user[user] = running + 1
            self._running_total += 1

    def _leave(self, user: str) -> None:
        with self._admission:
            running = self._running_by_user[user] - 1
            if running:
                self._running_by_user[user] = running
            else:
                del self._running_by_user[user]
            self._running_total -= 1

    def name_for(self, actor) -> str:
        """Deterministic kernel: an execution's id is its actor's name (``e0001``, then ``e0001#2``)."""
        self._actor_names[actor.name] += 1
        count = self._actor_names[actor.name]
        return actor.name if count == 1 else f"{actor.name}#{count}"

    def running(self, user: str | None = None) -> int:
        """How many executions are running now (for one user, or for the script)."""
        with self._admission:
            return self._running_total if user is None else self._running_by_user.get(user, 0)

    def reset(self) -> None:
        """Forget all service state (store, quotas, locks, URL stubs, trigger host) and restart the
        random sequences from the seed (the services' and the scheduler's), as a fresh emulator has
        them; the clock keeps its time."""
        self.store.reset()
        self.locks = LockTable(self)
        self.rng.seed(self.seed)
        self.kernel.rng.seed(scheduler_seed(self.seed))  # ties between actors woken at once
        self.url_stubs = []
        self.trigger_host = None
        self._actor_names.clear()
        if self.trace is not None:
            self.trace = []
            if self.call_starts is not None:
                self.call_starts = []


def scheduler_seed(seed: int) -> str:
    """The seed of the kernel's tie-breaks, apart from the services' random sequence."""
    return f"kernel-{seed}"


def default_seed(store: Store) -> int:
    """0 for a store of this process alone; a fresh random seed for one shared between processes
    (with one fixed default, every process on a shared store drew the same ``getUuid()`` values)."""
    return secrets.randbits(64) if getattr(store, "shared_between_processes", False) else 0


class ExecutionScope:
    """``with emulator.execution(...) as ex``: admission on entry; on exit, however the body ended,
    its locks are released and its slot is given back. A class rather than a generator-based
    context manager: the simulator opens one per execution, and this is ~2 µs cheaper."""

    __slots__ = ("emulator", "user", "document_id", "name", "ex")

    def __init__(self, emulator: Emulator, user: str, document_id: str | None,
                 name: str | None) -> None:
        self.emulator = emulator
        self.user = user
        self.document_id = document_id
        self.name = name
        self.ex: Execution | None = None

    def __enter__(self) -> Execution:
        emu, user = self.emulator, self.user
        emu._admit(user)
        try:
            actor = emu.kernel.attach(self.name or user)
        except BaseException:
            emu._leave(user)  # refused by the kernel: give the admission slot back
            raise
        self.ex = Execution(emu, user, self.document_id, actor, name=self.name)
        return self.ex

    def __exit__(self, exc_type, exc, tb) -> bool:
        ex, emu = self.ex, self.emulator
        try:
            ex.release_all_locks()
        finally:
            ex.end_ms = emu.clock.now_ms()
            emu.kernel.detach(ex.actor)
            emu._leave(self.user)
        if exc_type is not None and issubclass(exc_type, Terminated):
            raise exc.error from None  # the Apps Script error that ended it
        return False
