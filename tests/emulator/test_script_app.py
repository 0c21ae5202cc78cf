"""ScriptApp: time-driven triggers (create, list, delete, the 20 cap), ids, URL, token."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from gas_emulator import Emulator
from gas_emulator.errors import GasError


def _every_hour(ex, handler="tick"):
    return ex.ScriptApp.newTrigger(handler).timeBased().everyHours(1).create()


def test_a_created_trigger_is_listed_with_its_handler(ex):
    made = _every_hour(ex)
    listed = ex.ScriptApp.getProjectTriggers()
    assert [(t.getUniqueId(), t.getHandlerFunction(), t.getEventType()) for t in listed] == [
        (made.getUniqueId(), "tick", "CLOCK")]


def test_delete_trigger_removes_it(ex):
    made = _every_hour(ex)
    ex.ScriptApp.deleteTrigger(made)
    assert ex.ScriptApp.getProjectTriggers() == []


def test_triggers_are_listed_per_user(emu, ex):
    _every_hour(ex)
    with emu.execution(user="other@example.com") as other:
        assert other.ScriptApp.getProjectTriggers() == []


def test_the_21st_trigger_of_a_user_is_refused(ex):
    for _ in range(20):
        _every_hour(ex)
    with pytest.raises(GasError) as err:
        _every_hour(ex)
    assert str(err.value) == ("This script has too many triggers. Triggers must be deleted from the "
                              "script before more can be added.")
    assert len(ex.ScriptApp.getProjectTriggers()) == 20


def test_every_minutes_accepts_only_the_documented_intervals(ex):
    with pytest.raises(GasError) as err:
        ex.ScriptApp.newTrigger("tick").timeBased().everyMinutes(7)
    assert str(err.value) == "Invalid argument: minutes"


def test_script_id_and_service_url():
    emu = Emulator(script_id="abc123")
    with emu.execution() as ex:
        assert ex.ScriptApp.getScriptId() == "abc123"
        assert ex.ScriptApp.getService().getUrl() == "https://script.google.com/macros/s/abc123/exec"


def test_oauth_token_is_a_stable_fake_per_user(emu):
    with emu.execution() as a, emu.execution() as b, emu.execution(user="z@example.com") as c:
        tokens = [x.ScriptApp.getOAuthToken() for x in (a, b, c)]
    assert tokens[0] == tokens[1] != tokens[2] and tokens[0].startswith("ya29.emulated-")


def test_at_a_date_is_accepted(ex):
    made = ex.ScriptApp.newTrigger("tick").timeBased().at(datetime(2030, 1, 1, tzinfo=UTC)).create()
    assert made.getTriggerSourceId() is None
