"""Session: active and effective user, script time zone, locale, temporary user key (spec 4.3)."""

from __future__ import annotations

import hashlib

from gas_emulator import Emulator, Settings
from gas_emulator.services.session import TEMPORARY_KEY_PERIOD_MS


def test_active_user_is_the_executing_user():
    emu = Emulator()
    with emu.execution(user="ann@example.com") as ex:
        assert ex.Session.getActiveUser().getEmail() == "ann@example.com"
        assert ex.Session.getActiveUser().getUserLoginId() == "ann@example.com"


def test_active_user_email_is_empty_when_hidden():
    emu = Emulator(settings=Settings(hide_active_user_email=True))
    with emu.execution(user="ann@example.com") as ex:
        assert ex.Session.getActiveUser().getEmail() == ""  # spec 4.3: "" under security policy


def test_effective_user_defaults_to_the_active_user():
    emu = Emulator()
    with emu.execution(user="ann@example.com") as ex:
        assert ex.Session.getEffectiveUser().getEmail() == "ann@example.com"


def test_effective_user_is_the_developer_and_never_hidden():
    emu = Emulator(effective_user="dev@example.com", settings=Settings(hide_active_user_email=True))
    with emu.execution(user="ann@example.com") as ex:
        assert ex.Session.getEffectiveUser().getEmail() == "dev@example.com"
        assert ex.Session.getActiveUser().getEmail() == ""


def test_script_time_zone_comes_from_the_emulator():
    with Emulator().execution() as ex:
        assert ex.Session.getScriptTimeZone() == "America/New_York"
    with Emulator(time_zone="GMT+4:00").execution() as ex:
        assert ex.Session.getScriptTimeZone() == "GMT+4:00"
        assert ex.Session.getTimeZone() == "GMT+4:00"  # deprecated alias


def test_active_user_locale_default_and_setting():
    with Emulator().execution() as ex:
        assert ex.Session.getActiveUserLocale() == "en"
    with Emulator(settings=Settings(active_user_locale="fr")).execution() as ex:
        assert ex.Session.getActiveUserLocale() == "fr"


def test_deprecated_getUser_is_the_active_user():
    with Emulator().execution(user="ann@example.com") as ex:
        assert ex.Session.getUser().getEmail() == "ann@example.com"


# ---------------------------------------------------------------------------- getTemporaryActiveUserKey
def _key(emu: Emulator, user: str) -> str:
    with emu.execution(user=user) as ex:
        return ex.Session.getTemporaryActiveUserKey()


def test_temporary_key_is_stable_for_a_user_within_a_period():
    emu = Emulator()
    first = _key(emu, "ann@example.com")
    emu.clock.advance(1000)
    assert _key(emu, "ann@example.com") == first


def test_temporary_key_differs_between_users():
    emu = Emulator()
    assert _key(emu, "ann@example.com") != _key(emu, "bob@example.com")


def test_temporary_key_differs_between_scripts():
    assert _key(Emulator(script_id="s1"), "ann@example.com") != _key(Emulator(script_id="s2"),
                                                                    "ann@example.com")


def test_temporary_key_rotates_after_30_days():
    emu = Emulator()
    before = _key(emu, "ann@example.com")
    emu.clock.advance(TEMPORARY_KEY_PERIOD_MS)  # spec 4.3: "rotates every 30 days"
    assert _key(emu, "ann@example.com") != before
    assert TEMPORARY_KEY_PERIOD_MS == 30 * 24 * 3600 * 1000


def test_temporary_key_reveals_nothing_about_the_user():
    key = _key(Emulator(), "ann@example.com")
    assert "ann" not in key.lower()
    assert key != hashlib.sha256(b"ann@example.com").hexdigest()
    assert len(key) == 43  # 256-bit HMAC in unpadded URL-safe base64
