"""Named settings for every limit and every behaviour the real service leaves unknown.

Defaults are the documented values; where a measurement disagrees with the documentation, the
measured alternative is named beside it (``Settings.measured()`` picks those). Each field cites its
source in one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

ACCOUNT_CONSUMER = "consumer"
ACCOUNT_WORKSPACE = "workspace"

# developers.google.com/apps-script/guides/services/quotas (spec 5): properties read/write per day
PROPERTIES_DAILY_QUOTA = {ACCOUNT_CONSUMER: 50_000, ACCOUNT_WORKSPACE: 500_000}
# same page (spec 5): triggers total runtime 90 min / 6 h per day; URL Fetch calls 20,000 / 100,000
TRIGGER_RUNTIME_DAILY_MS = {ACCOUNT_CONSUMER: 90 * 60_000, ACCOUNT_WORKSPACE: 6 * 3_600_000}
URLFETCH_DAILY_QUOTA = {ACCOUNT_CONSUMER: 20_000, ACCOUNT_WORKSPACE: 100_000}


@dataclass(frozen=True)
class Settings:
    #: consumer (gmail.com) or workspace: picks the daily quotas (spec 5).
    account: str = ACCOUNT_CONSUMER

    # -- Executions -------------------------------------------------------------------------
    #: spec 5 quotas page: script runtime 6 min / execution.
    max_execution_ms: float = 360_000
    #: V8 runtime: real time a JavaScript execution may spend running (holding V8, not parked in a
    #: kernel wait) before it ends with "Exceeded maximum execution time". Running time also counts
    #: toward max_execution_ms with the virtual time that passed (the virtual clock alone cannot see
    #: work); this is a separate, usually smaller cap on it. None = max_execution_ms alone.
    js_cpu_limit_ms: float | None = None
    #: V8 runtime: the error an execution ends with when its isolate's heap is full (V8 heap cap:
    #: GAS_EMU_V8_HEAP_MB). Apps Script's own text for this is undocumented (none found): a guess.
    out_of_memory_message: str = "Exceeded memory limit"
    #: spec 5 quotas page: simultaneous executions 30 per user.
    max_simultaneous_per_user: int = 30
    #: spec 5 quotas page: simultaneous executions 1,000 per script.
    max_simultaneous_per_script: int = 1_000
    #: spec 5: quotas "reset 24 hours after the first request".
    quota_window_ms: float = 24 * 3600 * 1000

    # -- PropertiesService ------------------------------------------------------------------
    #: spec 2.2 [DOC] 9 KB per value; tanaikech 2023 measured no per-value cap (None).
    properties_max_value_bytes: int | None = 9 * 1024
    #: spec 2.2 [DOC] 500 KB per store; tanaikech 2023 measured 524,288 bytes of keys+values.
    properties_max_store_bytes: int = 500 * 1024
    #: spec 2.2: whether getProperties()/getKeys() count as one read (True) or one per key (False).
    properties_bulk_read_counts_once: bool = True
    #: spec 2.2: the write-side daily quota text seen in the wild; the read side is a guess.
    properties_quota_service_write: str = "graphite property writes"
    #: spec 2.2: the read-side counterpart is unknown; this guess mirrors the write text.
    properties_quota_service_read: str = "graphite property reads"

    # -- CacheService -----------------------------------------------------------------------
    #: spec 3.1 [DOC]: default expiry 600 s, max 21,600 s.
    cache_default_ttl_s: int = 600
    #: spec 3.1 [DOC]: expiry range 1 s to 21,600 s (6 h); longer is clamped (gas-fakes comment).
    cache_max_ttl_s: int = 21_600
    #: spec 3.1 [DOC]/3.2 [MEAS]: key at most 250 characters, value at most 102,400 bytes.
    cache_max_key_chars: int = 250
    #: spec 3.2 [MEAS] Poehnelt 2025-12-22: 102,400 bytes accepted, 102,401 throws.
    cache_max_value_bytes: int = 102_400
    #: spec 3.1 [DOC] "more than 1,000 items ... stores the 900 farthest from expiration" (3.2 measured FIFO).
    cache_max_items: int = 1_000
    #: spec 3.2 [MEAS]: eviction drops to a low-water mark near 900 (about 10 % at once).
    cache_keep_after_evict: int = 900

    # -- LockService ------------------------------------------------------------------------
    #: spec 1.4 best estimate (medium confidence): a second Lock object does not share ownership.
    lock_reentrant_across_objects: bool = False
    #: spec 1.5: the 2011 launch post suggests FIFO ("line at the checkout counter"); "random" to stress.
    lock_fairness: str = "fifo"
    #: spec 1.3: no documented maximum timeout; None = only the execution's remaining time caps it.
    lock_max_timeout_ms: float | None = None

    # -- Utilities --------------------------------------------------------------------------
    #: spec 4.1 [DOC]: "The maximum allowed value is 300000 (or 5 minutes)."
    sleep_max_ms: int = 300_000
    #: Charset of computeDigest(alg, String) and computeHmac*(String, String) without one: undocumented.
    #: US_ASCII ("?" per unmappable character) is what gas-fakes' test/testutilities.js expects ("default
    #: charset with special text is US_ASCII"; that file also runs on Apps Script); "UTF_8" is the other.
    utilities_digest_default_charset: str = "US_ASCII"

    # -- Logger / Session -------------------------------------------------------------------
    #: getLog() line shape is undocumented; community parsers split on " INFO: " after a Java
    #: Date.toString() stamp and drop a trailing "\n" (see services/logger.py). False = bare messages.
    logger_getlog_timestamps: bool = True
    #: A log entry longer than this many characters is cut, after Apps Script's "Logging output
    #: too large. Truncating output." (seen in the wild); the length it cuts at is unknown: a guess.
    logger_max_entry_chars: int = 8_192
    #: Logger/console memory per execution (bytes, roughly); later lines are dropped. Apps Script
    #: keeps logs in Cloud Logging, with no documented per-execution total: this only guards the host.
    logger_max_buffer_bytes: int = 16 * 1024 * 1024
    #: spec 4.3 [DOC]: getActiveUser().getEmail() is "" when policy hides the user (web apps as developer...).
    hide_active_user_email: bool = False
    #: spec 4.3 [DOC]: getActiveUserLocale() returns a String such as "en".
    active_user_locale: str = "en"

    # -- SpreadsheetApp (issue #18) ------------------------------------------------------------
    #: A new Sheets tab has 1,000 rows (the Sheets UI default; insertSheet and workbooks.create).
    sheet_default_rows: int = 1000
    #: A new Sheets tab has 26 columns, A to Z (the Sheets UI default).
    sheet_default_columns: int = 26
    #: setValue/setValues/appendRow read text as typed into the UI ("42" a number, "TRUE" a
    #: boolean, "'42" text): community reports say so; unverified for every format, so a knob.
    spreadsheet_parse_entered_text: bool = True

    # -- ScriptApp triggers and UrlFetchApp (issue #18) ---------------------------------------
    #: spec 5 quotas page limits: triggers, 20 per user per script.
    max_triggers_per_user: int = 20
    #: A fired after()/at() trigger stays in getProjectTriggers until deleted (community reports:
    #: the continuation pattern must delete its own); False drops it once it has fired.
    trigger_keep_fired_one_shot: bool = True
    #: UrlFetchApp fault drawn by the seed: probability that a fetch times out (a simulator knob, 0 = never).
    urlfetch_timeout_p: float = 0.0
    #: UrlFetchApp fault drawn by the seed: probability of a 429 answer (a simulator knob).
    urlfetch_429_p: float = 0.0
    #: UrlFetchApp fault drawn by the seed: probability of a 503 answer (a simulator knob).
    urlfetch_5xx_p: float = 0.0

    #: Per-call extra knobs keep the dataclass open to later fields without breaking callers.
    extra: dict = field(default_factory=dict)

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    @property
    def properties_daily_quota(self) -> int:
        return PROPERTIES_DAILY_QUOTA[self.account]

    @property
    def trigger_runtime_daily_ms(self) -> int:
        return TRIGGER_RUNTIME_DAILY_MS[self.account]

    @property
    def urlfetch_daily_quota(self) -> int:
        return URLFETCH_DAILY_QUOTA[self.account]

    @classmethod
    def measured(cls, **changes) -> Settings:
        """The measured alternatives where they differ from the documentation (spec 2.2)."""
        base = cls(properties_max_value_bytes=None, properties_max_store_bytes=524_288)
        return replace(base, **changes)

    def __post_init__(self) -> None:
        if self.account not in PROPERTIES_DAILY_QUOTA:
            raise ValueError(f"account must be 'consumer' or 'workspace', not {self.account!r}")
        if self.lock_fairness not in ("fifo", "random"):
            raise ValueError(f"lock_fairness must be 'fifo' or 'random', not {self.lock_fairness!r}")
