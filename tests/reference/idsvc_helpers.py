"""Helpers shared by the reference tests (state and audit lines of an emulator)."""

from __future__ import annotations

import json

from gas_emulator import Emulator
from gas_emulator.services.properties import SCRIPT_NS


def stored_state(emu: Emulator) -> dict:
    return json.loads(emu.store.props_all(SCRIPT_NS)["idsvc.state"])


def audit(ex, event: str = "issued") -> list[dict]:
    out = []
    for rec in ex.logs:
        if rec.text.startswith("{"):
            record = json.loads(rec.text)
            if record.get("event") == event:
                out.append(record)
    return out
