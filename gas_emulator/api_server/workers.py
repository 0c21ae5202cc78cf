"""Executions of the fake API in worker processes, so that no script can take the server down.

``ProcessEngine`` is the ``V8Engine`` of ``gas-emu serve-api``: ``scripts.run`` and web-app
executions run in a small pool of worker processes (spawned, never forked: V8 has threads), each
capping its data (``runtime.limits``) and answering V8's fatal out-of-memory before it dies. When a
worker dies or overruns the execution cap (plus ``HARD_STOP_GRACE_S``), the parent answers the
request as Apps Script answers a failed execution and starts a fresh worker for the next one. The
pool grows up to ``max_workers`` when every worker is busy, so a few runaway scripts do not hold up
the other requests. Syntax checks stay in the server process (they compile, they run nothing).

State: the workers' service state (PropertiesService, CacheService, LockService) lives in one
SQLite file shared by the server and every worker: the ``--state`` file, else a private temporary
file removed when the engine closes. The control-plane documents stay in the server's store.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from gas_emulator.api_server.engine import LOGS_KEY, V8Engine, WebResult, operation_json
from gas_emulator.errors import ServerError
from gas_emulator.settings import Settings

#: Real seconds past the execution cap before the parent kills a worker that has not answered
#: (the worker's own watchdog ends scripts at the cap; this is for a worker stuck inside V8).
HARD_STOP_GRACE_S = 10.0
#: Worker processes at most (each ~60 MB idle, measured); GAS_EMU_API_WORKERS overrides it.
DEFAULT_MAX_WORKERS = int(os.environ.get("GAS_EMU_API_WORKERS", "4"))
TIMEOUT_MESSAGE = "Exceeded maximum execution time"  # errors.ExceededMaximumExecutionTime (spec 5)
#: A worker whose resident memory passed this share of its data cap retires after its answer.
RETIRE_AT_DATA_SHARE = 0.25
#: The tag of a log line a worker sends while its execution runs (before the answer).
LOG_LINE = "log"


@dataclass(frozen=True)
class WorkerConfig:
    state_path: str
    settings: Settings


class Worker:
    """One worker process and the parent's end of its pipe."""

    def __init__(self, config: WorkerConfig) -> None:
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child_end, config), daemon=True,
                                       name="gas-emu-api-worker")
        self.process.start()
        child_end.close()

    def call(self, job: tuple, limit_s: float) -> tuple[str, Any, list]:
        """Send ``job``; the answer, or ("failed", message) if the worker died or overran, and the
        log lines the worker sent while it ran (all of them: a failed execution keeps its logs)."""
        lines: list = []
        deadline = time.monotonic() + limit_s
        try:
            self.conn.send(job)
            while True:
                if not self.conn.poll(max(0.0, deadline - time.monotonic())):
                    self.kill()  # stuck past the cap (its own watchdog did not end the script)
                    return ("failed", TIMEOUT_MESSAGE, lines)
                answer = self.conn.recv()
                if answer[0] != LOG_LINE:
                    break
                lines.append(answer[1])
        except (EOFError, OSError):  # it died without a word (a crash)
            self.kill()
            return ("failed", ServerError.MESSAGE, lines)
        if answer[0] != "ok" or answer[2]:
            self.kill()  # it is ending: V8 out of memory for good, or it retires (worker_main)
        return answer[0], answer[1], lines

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    @property
    def usable(self) -> bool:
        return self.process.is_alive() and not self.conn.closed


class WorkerPool:
    """Idle workers reused; a new one when all are busy, up to ``max_workers``; dead ones replaced."""

    def __init__(self, config: WorkerConfig, max_workers: int = DEFAULT_MAX_WORKERS) -> None:
        self.config = config
        self.max_workers = max(1, max_workers)
        self._idle: list[Worker] = []
        self._busy = 0
        self._cond = threading.Condition()
        self.started = 0  # workers ever started (a restart after a failure counts)

    def call(self, job: tuple, limit_s: float) -> tuple[str, Any, list]:
        worker = self._take()
        try:
            answer = worker.call(job, limit_s)
        finally:
            self._give_back(worker)
        return answer

    def _take(self) -> Worker:
        with self._cond:
            while not self._idle and self._busy >= self.max_workers:
                self._cond.wait()
            self._busy += 1
            worker = self._idle.pop() if self._idle else None
        if worker is None or not worker.usable:
            try:
                worker = Worker(self.config)
            except BaseException:
                self._give_back(None)
                raise
            self.started += 1
        return worker

    def _give_back(self, worker: Worker | None) -> None:
        with self._cond:
            self._busy -= 1
            if worker is not None and worker.usable:
                self._idle.append(worker)
            self._cond.notify()

    def idle_workers(self) -> list[Worker]:
        with self._cond:
            return list(self._idle)

    def close(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()


class ProcessEngine(V8Engine):
    """``V8Engine`` whose executions run in worker processes (see the module docstring)."""

    def __init__(self, store: Any, clock: Any, *, state_path: str | os.PathLike | None = None,
                 settings: Settings | None = None, max_workers: int = DEFAULT_MAX_WORKERS) -> None:
        super().__init__(store, clock)
        self._temp_dir = None
        if state_path is None:
            self._temp_dir = tempfile.TemporaryDirectory(prefix="gas-emu-api-")
            state_path = Path(self._temp_dir.name) / "executions.sqlite"
        self.settings = settings or Settings()
        self.pool = WorkerPool(WorkerConfig(str(state_path), self.settings), max_workers)

    def _limit_s(self) -> float:
        return self.settings.max_execution_ms / 1000.0 + HARD_STOP_GRACE_S

    def run(self, script_id: str, files: Sequence[dict[str, Any]], function: str,
            parameters: Sequence[Any], user: str) -> dict[str, Any]:
        kind, value, lines = self.pool.call(
            ("run", script_id, list(files), function, list(parameters), user), self._limit_s())
        if kind == "ok":
            return value
        from gas_emulator.runtime import RunOutcome, ScriptError

        operation = operation_json(RunOutcome(None, ScriptError(value, "Exception")))
        operation[LOGS_KEY] = lines  # what it logged before it died
        return operation

    def web(self, script_id: str, files: Sequence[dict[str, Any]], method: str, *, path_info: str,
            query: str, body: bytes, content_type: str, user: str) -> WebResult:
        job = ("web", script_id, list(files), method,
               {"path_info": path_info, "query": query, "body": body, "content_type": content_type,
                "user": user})
        kind, value, lines = self.pool.call(job, self._limit_s())
        if kind == "ok":
            return value  # the worker's WebResult, its execution's log lines included
        from gas_emulator.runtime.webapp import response_for

        page = response_for(None, value, "doPost" if method.upper() == "POST" else "doGet")
        return WebResult(page.status, page.mime_type, page.body, tuple(map(tuple, lines)))

    def reset(self) -> None:
        """Forget every script's state: the workers (and their emulators) go, the state file empties."""
        self.pool.close()
        from gas_emulator.store.sqlite import SqliteStore

        state = SqliteStore(self.pool.config.state_path)
        try:
            state.reset()
        finally:
            state.close()

    def close(self) -> None:
        self.pool.close()
        if self._temp_dir is not None:
            self._temp_dir.cleanup()


# ---------------------------------------------------------------------- the worker process
def worker_main(conn: Connection, config: WorkerConfig) -> None:
    """A worker: one job at a time from ``conn`` until the parent goes."""
    from gas_emulator.clock import RealClock
    from gas_emulator.runtime import limits
    from gas_emulator.store.sqlite import SqliteStore

    limits.limit_process_data()
    limits.on_fatal_oom = lambda: _answer_out_of_memory(conn, config.settings)
    store = SqliteStore(config.state_path)
    engine = V8Engine(store, RealClock(), emulator_factory=lambda script_id: _emulator(
        store, script_id, config.settings, lambda *line: conn.send((LOG_LINE, line))))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        answer = _do(engine, job)
        retire = _should_retire()
        conn.send(("ok", answer, retire))
        if retire:
            return


def _should_retire() -> bool:
    """After an execution filled a heap, or with memory high, a fresh worker serves the next job
    (measured: a worker whose data was near its cap died making its next isolate, "Failed to
    reserve virtual memory for CodeRange", taking a normal request with it)."""
    from gas_emulator.runtime import engine, limits

    resident = _resident_mb()
    return engine.POOL.poisoned > 0 or resident > limits.DATA_LIMIT_MB * RETIRE_AT_DATA_SHARE


def _resident_mb() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except (OSError, ValueError, IndexError):
        return 0.0


def _emulator(store: Any, script_id: str, settings: Settings, log_sink: Any) -> Any:
    from gas_emulator import Emulator
    from gas_emulator.clock import RealClock

    emulator = Emulator(store=store, clock=RealClock(), script_id=script_id, settings=settings)
    emulator.log_sink = log_sink  # each line to the server as it is written (see Worker.call)
    return emulator


def _do(engine: V8Engine, job: tuple) -> Any:
    kind, script_id, files, *rest = job
    if kind == "run":
        function, parameters, user = rest
        return engine.run(script_id, files, function, parameters, user)
    method, options = rest
    return engine.web(script_id, files, method, **options)


def _answer_out_of_memory(conn: Connection, settings: Settings) -> None:
    """V8 is out of memory for good: the request fails with the out-of-memory error; the worker ends."""
    try:
        conn.send(("failed", settings.out_of_memory_message, True))
    finally:
        os._exit(1)
