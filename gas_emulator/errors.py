"""Every Apps Script error the emulator raises, with its exact ``e.message`` and its source.

``str(err) == err.message`` is exactly what Apps Script puts in ``e.message`` (no ``Exception: ``
prefix: the editor and logs add it, ``e.message`` does not; spec 5 "Prefix convention").
Services raise these; the V8 runtime turns them into JavaScript ``Error`` objects with this message.
"""

from __future__ import annotations


class GasError(Exception):
    """Base of every emulated Apps Script error."""

    #: Constant message of the subclass (None when built per instance).
    MESSAGE: str | None = None

    def __init__(self, message: str | None = None) -> None:
        self.message = message if message is not None else (self.MESSAGE or "")
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class LockTimeout(GasError):
    # spec 1.2: waitLock timeout text, matched by many production codebases; gas-fakes fakelock.js
    MESSAGE = "Lock timeout: another process was holding the lock for too long."


class TooManyLockOperations(GasError):
    # spec 1.2 / 5: seen under heavy lock traffic (RomainVialard ErrorHandler TOO_MANY_LOCK_OPERATIONS)
    MESSAGE = "There are too many LockService operations against the same script."


class ExceededMaximumExecutionTime(GasError):
    # spec 5 "Observed in the wild": the 6-minute cap
    MESSAGE = "Exceeded maximum execution time"


class TooManySimultaneousUser(GasError):
    # spec 5, quotas page: the 30-simultaneous-executions-per-user limit
    MESSAGE = "There are too many scripts running simultaneously for this Google user account."


class TooManySimultaneousScript(GasError):
    # spec 5 "Observed in the wild": per-script concurrency (1,000)
    MESSAGE = ("There are too many executions running simultaneously for this Apps Script project "
               "at this time.")


class ServiceInvokedTooManyTimes(GasError):
    """Daily quota exhausted: ``Service invoked too many times for one day: <svc>.``"""

    # spec 2.2: real text seen in googleworkspace/apps-script-oauth2 #217 ("graphite property writes.")
    def __init__(self, service: str) -> None:
        super().__init__(f"Service invoked too many times for one day: {service}.")


class PropertyStorageQuota(GasError):
    # spec 2.2: J. Poehnelt "Storage Wars" (2024, updated 2026-01), store full
    MESSAGE = "You have exceeded the property storage quota. Please remove some properties and try again."


class ArgumentTooLarge(GasError):
    """``Argument too large: value`` (measured for Cache, spec 3.2) / ``: key`` (community mocks)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Argument too large: {what}")


class InvalidArgument(GasError):
    """``Invalid argument: key`` for a null or empty cache key (spec 3.2, Poehnelt 2025-12-22)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"Invalid argument: {what}")


class ServerError(GasError):
    # spec 5 "Observed in the wild": the generic transient failure
    MESSAGE = "We're sorry, a server error occurred. Please wait a bit and try again."


class ParametersMismatch(GasError):
    """Wrong argument types for a service method (spec 4.1; exact suffix unverified)."""

    def __init__(self, types: list[str], method: str) -> None:
        # spec 4.1: believed real text "...don't match the method signature for Utilities.computeDigest."
        super().__init__(
            f"The parameters ({','.join(types)}) don't match the method signature for {method}."
        )


class NotEmulated(GasError):
    """A real Apps Script service that this emulator does not provide."""

    def __init__(self, service: str) -> None:
        super().__init__(f"{service} is not emulated here (gas_emulator provides LockService, "
                         "PropertiesService, CacheService, Utilities, Session, Logger, console, "
                         "ContentService, HtmlService, SpreadsheetApp, ScriptApp, UrlFetchApp).")


class ExecutionKilled(GasError):
    """Fault injection: the execution was killed at a service call (nothing after it happens)."""

    # Not an Apps Script message: an emulator fault site (ARCHITECTURE.md "an execution killed mid-way").
    MESSAGE = "Execution killed by injected fault"


class SleepTooLong(GasError):
    # spec 4.1: "The maximum allowed value is 300000"; the real error text is unknown, this is ours.
    MESSAGE = "Utilities.sleep: the maximum allowed value is 300000 milliseconds."


class InvalidDatePattern(GasError):
    """A bad SimpleDateFormat pattern: Java's IllegalArgumentException text (GAS wording unverified)."""

    # docs.oracle.com/javase/8/docs/api/java/text/SimpleDateFormat.html: "Illegal pattern character 'q'"
    def __init__(self, detail: str) -> None:
        super().__init__(detail)


class UnparseableDate(GasError):
    """parseDate could not read the text: Java's ParseException text (GAS wording unverified)."""

    # java.text.DateFormat.parse(String): 'Unparseable date: "<text>"'
    def __init__(self, text: str) -> None:
        super().__init__(f'Unparseable date: "{text}"')


class AlgorithmNotAvailable(GasError):
    """A documented algorithm this emulator cannot compute (MD2: not in Python's hashlib)."""

    # spec 4.1 lists MD2; gas-fakes also throws for it (spec 6.3). Not an Apps Script message.
    def __init__(self, name: str) -> None:
        super().__init__(f"Utilities.DigestAlgorithm.{name} is not emulated here (no MD2 in hashlib).")
