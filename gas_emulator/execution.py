"""One execution: one run of one function by one user, with its deadline, locks and logs.

The object carries the Apps Script globals by their Apps Script names (``ex.LockService``,
``ex.PropertiesService`` ...), so Python code written against it reads like the JavaScript it
mirrors. Services call :meth:`Execution.service_call` at the start of every remote operation: that
is where the deadline is checked, faults fire, modeled latency passes and the trace is written, and
(under the deterministic kernel) where another execution may run.
"""

from __future__ import annotations

import importlib
import itertools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .clock import round_us
from .errors import ExceededMaximumExecutionTime
from .kernel import Actor, Terminated
from .sim.faults import NO_FAULTS
from .sim.latency import ZERO_LATENCY

if TYPE_CHECKING:
    from .emulator import Emulator
    from .services.lock import Lock

_ids = itertools.count(1)
#: Apps Script's notice before a log entry it cut (seen in the wild, e.g. a logged API response:
#: "Logging output too large. Truncating output. {"id":52,...}"; the size it cuts at is a setting).
LOG_TOO_LARGE = "Logging output too large. Truncating output."
#: Memory of one LogRecord besides its characters (measured: sys.getsizeof of record and float 80,
#: the str header ~50).
LOG_RECORD_BYTES = 130


@dataclass(frozen=True)
class LogRecord:
    level: str  # "info" (Logger.log, console.info), "debug" (console.log), "warn", "error" (logger.py)
    text: str
    time_ms: float


class Execution:
    def __init__(self, emulator: Emulator, user: str, document_id: str | None, actor: Actor,
                 name: str | None = None) -> None:
        self.emulator = emulator
        self.kernel = emulator.kernel
        if name is None and emulator.kernel.deterministic:
            name = emulator.name_for(actor)  # traces name executions by their actors
        self.id = next(_ids) if name is None else name
        self.user = user
        self.document_id = document_id
        self.actor = actor
        self.start_ms = emulator.clock.now_ms()
        self.deadline_ms = self.start_ms + emulator.settings.max_execution_ms
        self.end_ms: float | None = None
        self.logs: list[LogRecord] = []
        self._log_bytes = 0  # what ``logs`` holds, roughly (see log)
        self.held_locks: list[Lock] = []
        #: The JavaScript project this execution runs (set by the V8 runtime; HtmlService files).
        self.project = None
        # The seed is drawn now (so the emulator's stream advances the same way whatever the
        # execution does); the generator is built on first use (seeding one costs ~10 µs).
        self._rng_seed = emulator.rng.getrandbits(64)
        self._rng: random.Random | None = None
        self._trace_entry: list | None = None

    @property
    def rng(self) -> random.Random:
        """This execution's seeded random source (Math.random, Utilities.getUuid)."""
        if self._rng is None:
            self._rng = random.Random(self._rng_seed)
        return self._rng

    # ------------------------------------------------------------------ time
    def now_ms(self) -> float:
        return self.emulator.clock.now_ms()

    def remaining_ms(self) -> float:
        return self.deadline_ms - self.now_ms()

    def check_deadline(self) -> None:
        if self.now_ms() >= self.deadline_ms:
            raise Terminated(ExceededMaximumExecutionTime())

    def pause(self, ms: float) -> None:
        """Let ``ms`` of time pass for this execution (a sleep or a modeled latency)."""
        wake = self.now_ms() + ms
        if wake > self.deadline_ms:
            self.kernel.block(self.actor, self.deadline_ms, signalable=False)
            raise Terminated(ExceededMaximumExecutionTime())
        self.kernel.block(self.actor, wake, signalable=False)

    def yield_point(self) -> None:
        """Deterministic kernel: let another execution due now run before this one goes on."""
        if self.kernel.deterministic:
            self.kernel.block(self.actor, self.now_ms(), signalable=False)

    def wait_signal(self, timeout_ms: float) -> bool:
        """Wait for a hand-off (a lock grant) or the timeout; the deadline caps the wait."""
        wake = self.now_ms() + max(0.0, timeout_ms)
        capped = wake > self.deadline_ms
        got = self.kernel.block(self.actor, min(wake, self.deadline_ms), signalable=True)
        if not got and capped:
            raise Terminated(ExceededMaximumExecutionTime())
        return got

    # ------------------------------------------------------------------ service calls
    def service_call(self, op: str, key: str | None = None) -> None:
        """The start of one remote service operation (the only place executions interleave).

        The hot path of every simulation: kept flat on purpose (each call here is ~0.1 µs).
        """
        emu = self.emulator
        clock = emu.clock
        now = clock.now_ms()
        if now >= self.deadline_ms:
            raise Terminated(ExceededMaximumExecutionTime())
        faults = emu.faults
        if faults is not NO_FAULTS:
            faults.before_call(self, op, key)
        kernel = self.kernel
        if kernel.deterministic:
            latency = emu.latency.draw(op, emu.rng)
            wake = now + latency if latency > 0 else now
            if wake > self.deadline_ms:
                self.pause(latency)  # ends the execution at its deadline
            # zero latency still yields: another execution due now may run first
            kernel._block_deterministic(self.actor, wake, False)
        elif emu.latency is not ZERO_LATENCY:  # the zero profile needs no draw (nor this rng)
            latency = emu.latency.draw(op, self.rng)
            if latency > 0:
                self.pause(latency)
        if emu.trace is not None:
            at = round_us(clock.now_ms() - emu.start_ms)
            self._trace_entry = entry = [self.id, at, op, key, None]
            emu.trace.append(entry)
            if emu.call_starts is not None:  # the simulator's timeline: when each call began
                emu.call_starts.append(now)

    def outcome(self, value: object) -> None:
        """Record what the last service call returned (or raised) in the trace."""
        if self._trace_entry is not None:
            self._trace_entry[4] = value

    def log(self, level: str, text: str) -> str | None:
        """Keep one log line: the text kept (cut past the entry cap), None once the buffer is full."""
        settings = self.emulator.settings
        if len(text) > settings.logger_max_entry_chars:
            text = f"{LOG_TOO_LARGE} {text[:settings.logger_max_entry_chars]}"
        cost = len(text) + LOG_RECORD_BYTES
        if self._log_bytes + cost > settings.logger_max_buffer_bytes:
            return None  # a runaway log loop must not grow the host's memory without bound
        self._log_bytes += cost
        record = LogRecord(level, text, self.now_ms())
        self.logs.append(record)
        sink = self.emulator.log_sink
        if sink is not None:
            sink(record.level, record.text, record.time_ms)
        return text

    # The Apps Script globals (LockService, PropertiesService ...) are _Global descriptors, set on
    # the class below: no __getattr__ here, since a class with one has every attribute read of its
    # instances go through a slow generic path (valgrind: 5,300 instructions per simulated call,
    # 7 % of it, for reads of ordinary attributes such as self.emulator).

    def release_all_locks(self) -> None:
        for lock in list(self.held_locks):
            lock._release_at_end()


#: Apps Script global name -> (module, class) of the service object built for each execution.
_GLOBALS = {
    "LockService": (".services.lock", "LockService"),
    "PropertiesService": (".services.properties", "PropertiesService"),
    "CacheService": (".services.cache", "CacheService"),
    "Utilities": (".services.utilities", "Utilities"),
    "Session": (".services.session", "Session"),
    "Logger": (".services.logger", "Logger"),
    "console": (".services.logger", "Console"),
    # globals of every execution, not only of doGet/doPost (reference/content, reference/html)
    "ContentService": (".services.content", "ContentService"),
    "HtmlService": (".services.html", "HtmlService"),
    "SpreadsheetApp": (".services.spreadsheet", "SpreadsheetApp"),
    "ScriptApp": (".services.script_app", "ScriptApp"),
    "UrlFetchApp": (".services.urlfetch", "UrlFetchApp"),
}

#: The Apps Script globals every execution carries (the V8 runtime exposes the same objects).
GLOBAL_NAMES = tuple(_GLOBALS)


class _Global:
    """``ex.LockService`` and the like: built on first read, then kept in the instance's dict
    (which, this being a non-data descriptor, later reads find first)."""

    __slots__ = ("name", "factory")

    def __init__(self, name: str) -> None:
        self.name = name
        self.factory: type | None = None

    def __get__(self, ex: Execution | None, owner: type | None = None):
        if ex is None:
            return self
        factory = self.factory
        if factory is None:
            # imported on first use (services import this module), then kept: an import_module
            # call per execution and global cost ~5 µs, a third of a simulated call
            module, name = _GLOBALS[self.name]
            factory = self.factory = getattr(importlib.import_module(module, __package__), name)
        value = ex.__dict__[self.name] = factory(ex)
        return value


for _name in GLOBAL_NAMES:
    setattr(Execution, _name, _Global(_name))
del _name
