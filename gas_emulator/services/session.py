"""Session: who runs the execution, under whose authority, in which time zone and locale.

API: developers.google.com/apps-script/reference/base/session (spec 4.3).

* ``getActiveUser()`` is the execution's user (``ex.user``). Its ``getEmail()`` is ``""`` when
  ``Settings.hide_active_user_email`` is set: real Apps Script hides it under some security policies
  (simple triggers, custom functions, web apps executing as the developer, users of other domains).
* ``getEffectiveUser()`` is ``Emulator(effective_user=...)`` (the developer of an "execute as me" web
  app, the creator of an installable trigger) or else the active user; its email is never hidden.
* ``getScriptTimeZone()`` is ``emulator.time_zone`` (the runtime sets it from appsscript.json).
* ``getActiveUserLocale()`` is ``Settings.active_user_locale`` ("en" by default).
* ``getTemporaryActiveUserKey()`` is unique per user and per script, reveals nothing about the user and
  rotates every 30 days (spec 4.3): an HMAC-SHA256 of (script id, user, 30-day period of the clock),
  keyed by the emulator's seed, in URL-safe base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..execution import Execution

#: spec 4.3 [DOC]: the temporary key "rotates every 30 days".
TEMPORARY_KEY_PERIOD_MS = 30 * 24 * 3600 * 1000


class User:
    """A user as Session returns it."""

    def __init__(self, email: str) -> None:
        self._email = email

    def getEmail(self) -> str:
        return self._email

    def getUserLoginId(self) -> str:
        """Deprecated in Apps Script; returns the email, as it did."""
        return self._email

    def toString(self) -> str:
        return self._email

    def __repr__(self) -> str:
        return f"User({self._email!r})"


class Session:
    def __init__(self, ex: Execution) -> None:
        self._ex = ex

    def getActiveUser(self) -> User:
        hidden = self._ex.emulator.settings.hide_active_user_email
        return User("" if hidden else self._ex.user)

    def getEffectiveUser(self) -> User:
        return User(self._ex.emulator.effective_user or self._ex.user)

    def getScriptTimeZone(self) -> str:
        return self._ex.emulator.time_zone

    def getActiveUserLocale(self) -> str:
        return self._ex.emulator.settings.active_user_locale

    def getTemporaryActiveUserKey(self) -> str:
        emu = self._ex.emulator
        period = int(self._ex.now_ms() // TEMPORARY_KEY_PERIOD_MS)
        secret = hashlib.sha256(f"gas-emulator-temporary-key:{emu.seed}".encode()).digest()
        message = f"{emu.script_id}\n{self._ex.user}\n{period}".encode()
        digest = hmac.new(secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")

    # Deprecated aliases (spec 4.3): getTimeZone() and getUser().
    def getTimeZone(self) -> str:
        return self.getScriptTimeZone()

    def getUser(self) -> User:
        return self.getActiveUser()
