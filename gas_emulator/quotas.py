"""Daily quotas, charged to the execution's user in the store.

Source: developers.google.com/apps-script/guides/services/quotas (spec 5): quotas are per user and
"reset 24 hours after the first request". Only the Properties read/write quota is charged today
(the only daily quota of the emulated services; CacheService and LockService have none, spec 3.3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import ServiceInvokedTooManyTimes

if TYPE_CHECKING:
    from .emulator import Emulator
    from .execution import Execution

PROPERTIES = "properties"


class Quotas:
    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def limit(self, quota: str) -> int:
        if quota == PROPERTIES:
            return self.emulator.settings.properties_daily_quota
        raise KeyError(quota)

    def charge(self, ex: Execution, quota: str, cost: int, service_text: str) -> int:
        """Charge ``cost`` to ``ex.user``; raise the exact daily-quota error when exhausted."""
        emu = self.emulator
        used = emu.store.quota_charge(ex.user, quota, cost, self.limit(quota), emu.clock.now_ms(),
                                      emu.settings.quota_window_ms)
        if used is None:
            raise ServiceInvokedTooManyTimes(service_text)
        return used

    def usage(self, user: str, quota: str = PROPERTIES) -> int:
        emu = self.emulator
        return emu.store.quota_usage(user, quota, emu.clock.now_ms(), emu.settings.quota_window_ms)
