"""ScriptApp: installable time-driven triggers, the script's id and URL, a fake OAuth token.

Sources: developers.google.com/apps-script/reference/script/script-app, .../trigger-builder,
.../clock-trigger-builder, .../trigger, .../service; guides/triggers/installable (limits) and
guides/services/quotas (20 triggers per user per script). Triggers are store documents (namespace
``triggers``), so they outlive the execution that made them; they *fire* only where something
drives the clock: the simulator (``sim/triggers.py``, ``--until``) registers itself as
``emulator.trigger_host`` and is told of every trigger created. Without it (``gas-emu run``) a
trigger is created, listed and deleted, and never runs.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from ..errors import GasError, InvalidArgument, NotEmulated
from .coerce import to_js_string
from .content import GasEnum
from .jstypes import epoch_ms, from_epoch_ms

if TYPE_CHECKING:
    from ..execution import Execution

NS = "triggers"
MINUTE_MS, HOUR_MS, DAY_MS = 60_000, 3_600_000, 86_400_000
#: clock-trigger-builder everyMinutes: "n must be 1, 5, 10, 15 or 30"
EVERY_MINUTES = (1, 5, 10, 15, 30)


class TooManyTriggers(GasError):
    # the text Apps Script gives at the 20-per-user-per-script cap (quotas page limit; text as
    # reported on Stack Overflow and the issue tracker)
    MESSAGE = ("This script has too many triggers. Triggers must be deleted from the script before "
               "more can be added.")


class ScriptApp:
    """``ScriptApp`` global of one execution."""

    # script-app: the enums a trigger reports
    EventType = GasEnum({n: n for n in ("CLOCK", "ON_OPEN", "ON_EDIT", "ON_FORM_SUBMIT", "ON_CHANGE",
                                        "ON_EVENT_UPDATED")})
    TriggerSource = GasEnum({n: n for n in ("SPREADSHEETS", "CLOCK", "FORMS", "DOCUMENTS",
                                            "CALENDAR")})
    AuthMode = GasEnum({n: n for n in ("NONE", "CUSTOM_FUNCTION", "LIMITED", "FULL")})

    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def newTrigger(self, functionName) -> TriggerBuilder:
        return TriggerBuilder(self._ex, to_js_string(functionName))

    def getProjectTriggers(self) -> list[Trigger]:
        # script-app: "all installable triggers associated with the current project and current user"
        ex = self._ex
        ex.service_call("script.triggers", None)
        docs = [d for d in all_triggers(ex.emulator) if d["user"] == ex.user]
        return [Trigger(d) for d in sorted(docs, key=lambda d: d["seq"])]

    def deleteTrigger(self, trigger) -> None:
        ex = self._ex
        uid = trigger.getUniqueId() if isinstance(trigger, Trigger) else to_js_string(trigger)
        ex.service_call("script.trigger_delete", uid)
        ex.emulator.store.doc_delete(NS, uid)

    def getScriptId(self) -> str:
        return self._ex.emulator.script_id

    def getOAuthToken(self) -> str:
        # a fake: stable per user and script, shaped like an access token, never a real credential
        ex = self._ex
        digest = hashlib.sha256(f"{ex.emulator.script_id}/{ex.user}".encode()).hexdigest()
        return f"ya29.emulated-{digest[:40]}"

    def getService(self) -> Service:
        return Service(self._ex)


class Service:
    """reference/script/service: the web app deployment of this script."""

    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def getUrl(self) -> str:
        # service: "the URL of the web app"; /macros/s/<id>/exec is the deployed form
        return f"https://script.google.com/macros/s/{self._ex.emulator.script_id}/exec"

    def isEnabled(self) -> bool:
        return True


class TriggerBuilder:
    """reference/script/trigger-builder (only time-driven triggers are emulated)."""

    def __init__(self, ex: Execution, handler: str) -> None:
        self._ex = ex
        self._handler = handler

    def timeBased(self) -> ClockTriggerBuilder:
        return ClockTriggerBuilder(self._ex, self._handler)

    def forSpreadsheet(self, key):
        raise NotEmulated("TriggerBuilder.forSpreadsheet")

    def forForm(self, key):
        raise NotEmulated("TriggerBuilder.forForm")

    def forDocument(self, key):
        raise NotEmulated("TriggerBuilder.forDocument")

    def forUserCalendar(self, emailId):
        raise NotEmulated("TriggerBuilder.forUserCalendar")

    for _stub in (forSpreadsheet, forForm, forDocument, forUserCalendar):
        _stub.not_emulated = True  # coverage table: present only to name itself in its error
    del _stub


class ClockTriggerBuilder:
    """reference/script/clock-trigger-builder."""

    def __init__(self, ex: Execution, handler: str) -> None:
        self._ex = ex
        self._handler = handler
        self._first: float | None = None  # absolute virtual ms of the first run
        self._every: float | None = None
        self._at_hour: int | None = None
        self._near_minute = 0
        self._zone: str | None = None  # inTimezone: the zone of atHour/atDate

    def after(self, durationMilliseconds) -> ClockTriggerBuilder:
        # clock-trigger-builder: "minimum duration ... after the current time"
        self._first = self._ex.now_ms() + max(0.0, float(durationMilliseconds))
        return self

    def at(self, date) -> ClockTriggerBuilder:
        self._first = float(epoch_ms(date) if isinstance(date, datetime) else date)
        return self

    def everyMinutes(self, n) -> ClockTriggerBuilder:
        if int(n) not in EVERY_MINUTES:
            raise InvalidArgument("minutes")  # the doc's rule; Apps Script's exact text unverified
        self._every = int(n) * MINUTE_MS
        return self

    def everyHours(self, n) -> ClockTriggerBuilder:
        if int(n) < 1:
            raise InvalidArgument("hours")
        self._every = int(n) * HOUR_MS
        return self

    def everyDays(self, n) -> ClockTriggerBuilder:
        if int(n) < 1:
            raise InvalidArgument("days")
        self._every = int(n) * DAY_MS
        return self

    def everyWeeks(self, n) -> ClockTriggerBuilder:
        return self.everyDays(7 * int(n))

    def atHour(self, hour) -> ClockTriggerBuilder:
        self._at_hour = int(hour) % 24
        return self

    def nearMinute(self, minute) -> ClockTriggerBuilder:
        self._near_minute = int(minute) % 60
        return self

    def atDate(self, year, month, day) -> ClockTriggerBuilder:
        # clock-trigger-builder: "fires on the given date, by default near midnight" (here: at it)
        zone = ZoneInfo(self._zone or self._ex.emulator.time_zone)
        local = datetime(int(year), int(month), int(day), tzinfo=zone)
        self._first = float(epoch_ms(local.astimezone(UTC)))
        return self

    def inTimezone(self, timezone) -> ClockTriggerBuilder:
        self._zone = to_js_string(timezone)
        return self

    def onWeekDay(self, day):
        raise NotEmulated("ClockTriggerBuilder.onWeekDay")

    def onMonthDay(self, day):
        raise NotEmulated("ClockTriggerBuilder.onMonthDay")

    onWeekDay.not_emulated = True  # coverage table: present only to name itself in its error
    onMonthDay.not_emulated = True

    def create(self) -> Trigger:
        ex = self._ex
        ex.service_call("script.trigger_create", self._handler)
        doc = {"handler": self._handler, "user": ex.user, "due": self._first_run(), "every": self._every}
        return Trigger(create_trigger(ex, doc))

    def _first_run(self) -> float:
        now = self._ex.now_ms()
        if self._every is None:
            if self._first is None:  # Apps Script refuses a clock trigger with no schedule
                raise InvalidArgument("schedule")
            return self._first
        if self._at_hour is None:
            return now + self._every  # the first run one interval from now
        zone = ZoneInfo(self._zone or self._ex.emulator.time_zone)
        local = from_epoch_ms(now).astimezone(zone)
        first = local.replace(hour=self._at_hour, minute=self._near_minute, second=0, microsecond=0)
        if first.timestamp() * 1000 <= now:
            first += timedelta(days=1)
        return float(epoch_ms(first.astimezone(UTC)))


def all_triggers(emu) -> list[dict]:
    store = emu.store
    return [json.loads(t) for k in store.doc_keys(NS) if (t := store.doc_get(NS, k)) is not None]


def create_trigger(ex: Execution, doc: dict) -> dict:
    """Store a new trigger (the per-user cap checked in the same transaction); tell the host."""
    emu = ex.emulator
    cap = emu.settings.max_triggers_per_user

    def add(txn) -> dict:
        mine = [json.loads(txn.get(NS, k)) for k in txn.keys(NS)]
        if sum(1 for d in mine if d["user"] == doc["user"]) >= cap:
            raise TooManyTriggers()
        seq = max((d["seq"] for d in mine), default=0) + 1
        made = {**doc, "seq": seq, "uid": str(10_000_000 + seq)}  # uids: digits, as Apps Script's
        txn.put(NS, made["uid"], json.dumps(made))
        return made

    made = emu.store.doc_transaction(add)
    if emu.trigger_host is not None:
        emu.trigger_host.schedule(made)
    return made


class Trigger:
    """reference/script/trigger (a snapshot of a stored trigger)."""

    def __init__(self, doc: dict) -> None:
        self._doc = doc

    def getUniqueId(self) -> str:
        return self._doc["uid"]

    def getHandlerFunction(self) -> str:
        return self._doc["handler"]

    def getEventType(self) -> str:
        return "CLOCK"

    def getTriggerSource(self) -> str:
        return "CLOCK"

    def getTriggerSourceId(self) -> None:
        return None  # trigger: null for time-driven triggers


def event_object(doc: dict, now_ms: float) -> dict:
    """The ``e`` a time-driven trigger passes (guides/triggers/events "Time-driven events")."""
    at = from_epoch_ms(now_ms)
    return {"authMode": "FULL", "triggerUid": doc["uid"], "year": at.year, "month": at.month,
            "day-of-month": at.day, "day-of-week": at.isoweekday(), "hour": at.hour,
            "minute": at.minute, "second": at.second, "week-of-year": at.isocalendar()[1],
            "timezone": "UTC"}
