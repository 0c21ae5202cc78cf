"""The pytest plugin's fixtures: configured by the gas_emulator marker, or built by the factory."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.errors import TooManySimultaneousUser


def test_unmarked_fixtures_are_the_defaults(gas_emulator, gas):
    assert (gas_emulator.seed, gas_emulator.clock.is_virtual) == (0, True)
    assert gas.Session.getActiveUser().getEmail() == "user@example.com"


@pytest.mark.gas_emulator(seed=7, user="alice@example.com", time_zone="Europe/Paris")
def test_the_marker_sets_seed_user_and_time_zone(gas_emulator, gas):
    assert gas_emulator.seed == 7
    assert gas.Session.getActiveUser().getEmail() == "alice@example.com"
    assert gas.Session.getScriptTimeZone() == "Europe/Paris"


@pytest.mark.gas_emulator(clock="real")
def test_the_marker_sets_the_clock(gas_emulator):
    assert gas_emulator.clock.is_virtual is False


@pytest.mark.gas_emulator(settings=Settings(max_simultaneous_per_user=1))
def test_the_marker_sets_settings(gas_emulator, gas):
    with pytest.raises(TooManySimultaneousUser):
        with gas_emulator.execution():
            pass


@pytest.mark.gas_emulator(seed=1)
class TestMarkedClass:
    @pytest.mark.gas_emulator(seed=2)
    def test_the_closest_marker_wins(self, gas_emulator):
        assert gas_emulator.seed == 2

    def test_the_class_marker_applies(self, gas_emulator):
        assert gas_emulator.seed == 1


def test_the_factory_builds_independent_emulators(gas_emulator_factory):
    first, second = gas_emulator_factory(seed=1), gas_emulator_factory(seed=1)
    assert isinstance(first, Emulator) and first is not second
    with first.execution() as a, second.execution() as b:
        assert a.Utilities.getUuid() == b.Utilities.getUuid()  # same seed, same draws


def test_the_factory_names_unknown_options(gas_emulator_factory):
    with pytest.raises(pytest.UsageError, match=r"^unknown emulator options colour \(known: clock, "):
        gas_emulator_factory(colour="blue")
