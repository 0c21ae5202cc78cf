"""Helpers that put IdService's stored state where a scenario needs it (tests, bench, demo)."""

from __future__ import annotations

import json

from gas_codegen.config import IdServiceConfig

from ..emulator import Emulator
from ..services.properties import SCRIPT_NS
from .common import Keys, dumps, new_state
from .config import default_config


def seed_quota(emu: Emulator, fraction: float, cfg: IdServiceConfig | None = None) -> None:
    """Store a state document whose quota count is ``fraction`` of the daily limit (quota pressure).

    The window starts at the emulator's current time, so it is open for the whole run.
    """
    cfg = cfg or default_config()
    keys = Keys(cfg.service.key_prefix)
    current = emu.store.props_all(SCRIPT_NS).get(keys.state)
    state = json.loads(current) if current else new_state(cfg)
    state["q"] = {"start": int(emu.clock.now_ms()), "used": int(cfg.quota.daily_limit * fraction)}
    emu.store.props_update(SCRIPT_NS, {keys.state: dumps(state)})
