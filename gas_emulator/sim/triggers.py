"""The simulator's trigger host: time-driven triggers fire on the virtual clock.

Installed as ``emulator.trigger_host`` when a run has a horizon (``Workload.until_ms``, the CLI's
``--until 24h``). Every trigger a script creates (``services/script_app.py``) is scheduled here as a
kernel actor at its due time, so trigger executions interleave with the workload's executions and
with each other by the same seeded scheduler; a recurring trigger schedules its next run when it
fires, until the horizon. Each firing is an execution record (``t0001``, ``t0002`` ...) in the
report, and its runtime is charged to the owner's daily trigger runtime quota (spec 5: 90 min
consumer, 6 h Workspace); once that is spent, a firing fails with Apps Script's text.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..clock import round_us
from ..services.script_app import NS, all_triggers, event_object
from .report import ExecutionRecord

if TYPE_CHECKING:
    from ..emulator import Emulator
    from .workload import Workload

TRIGGER_RUNTIME = "trigger_runtime"
# spec 5 quotas page, official exception text for the runtime quotas
TOO_MUCH_TIME = "Service using too much computer time for one day."


class TriggerHost:
    def __init__(self, emu: Emulator, workload: Workload, records: list[ExecutionRecord],
                 until_ms: float) -> None:
        self.emu = emu
        self.workload = workload
        self.records = records
        self.horizon = emu.start_ms + until_ms
        self.fired = 0
        self._project = workload.load_project() if workload.is_javascript else None

    def start(self) -> None:
        """Schedule the triggers already installed (by ``setup``, or a shared store)."""
        for doc in all_triggers(self.emu):
            self.schedule(doc)

    def schedule(self, doc: dict) -> None:
        """Run the trigger ``doc`` at its due time (if before the horizon)."""
        due = max(doc["due"], self.emu.clock.now_ms())
        if due <= self.horizon:
            self.fired += 1
            name = f"t{self.fired:04d}"
            self.emu.kernel.spawn(name, lambda: self._fire(doc["uid"], name, due), due)

    def _fire(self, uid: str, name: str, due: float) -> None:
        emu = self.emu
        text = emu.store.doc_get(NS, uid)
        if text is None:
            return  # deleted before it was due
        doc = json.loads(text)
        if doc["every"] is not None:
            self.schedule({**doc, "due": due + doc["every"]})
        elif not emu.settings.trigger_keep_fired_one_shot:
            emu.store.doc_delete(NS, uid)
        origin = emu.start_ms
        rec = ExecutionRecord(len(self.records), name, doc["user"], round_us(due - origin))
        self.records.append(rec)
        rec.start_ms = round_us(emu.clock.now_ms() - origin)
        try:
            self._run(doc, rec)
        finally:
            rec.end_ms = round_us(emu.clock.now_ms() - origin)

    def _run(self, doc: dict, rec: ExecutionRecord) -> None:
        from .runner import run_one

        emu, user = self.emu, doc["user"]
        limit = emu.settings.trigger_runtime_daily_ms
        window = emu.settings.quota_window_ms
        used = emu.store.quota_usage(user, TRIGGER_RUNTIME, emu.clock.now_ms(), window)
        if used >= limit:
            rec.error, rec.error_type = TOO_MUCH_TIME, "Exception"
            return
        workload = self.workload.with_(function=doc["handler"],
                                       args=(event_object(doc, emu.clock.now_ms()),))
        target = self._project if workload.is_javascript else python_handler(workload, doc["handler"])
        started = emu.clock.now_ms()
        run_one(emu, workload, target, rec)
        spent = max(1, int(emu.clock.now_ms() - started))
        emu.store.quota_charge(user, TRIGGER_RUNTIME, min(spent, limit - used), limit,
                               emu.clock.now_ms(), window)


def python_handler(workload: Workload, name: str):
    """The Python function ``name`` from the workload's module (a trigger's handler)."""
    import sys

    from .workload import WorkloadError, _import

    if workload.callable is not None:
        module = sys.modules[workload.callable.__module__]
    else:
        module = _import(workload.python.partition(":")[0])
    fn = getattr(module, name, None)
    if not callable(fn):
        raise WorkloadError(f"trigger handler {name!r} is not a function of {module.__name__}")
    return fn
