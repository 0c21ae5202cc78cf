"""The latency profiles: zero, and gas calibrated from spec/latency-model.md."""

from __future__ import annotations

import random
import statistics

import pytest

from gas_emulator.sim.latency import GAS_TABLE, Dist, GasLatency, ZeroLatency, make_latency


def _draws(op: str, n: int = 20_000, seed: int = 1) -> list[float]:
    model, rng = GasLatency(), random.Random(seed)
    return [model.draw(op, rng) for _ in range(n)]


def test_property_read_matches_the_measured_median_mean_and_floor():
    # spec: getProperty median ~28, mean 30, min 20
    draws = _draws("properties.get")
    assert 26 <= statistics.median(draws) <= 30
    assert 28.5 <= statistics.fmean(draws) <= 31.5
    assert min(draws) >= 20


def test_property_write_has_the_measured_heavy_right_tail():
    # spec: setProperty median ~55, mean 62, sd 37, min 43, max ~230
    draws = sorted(_draws("properties.set"))
    assert 48 <= statistics.median(draws) <= 58
    assert 57 <= statistics.fmean(draws) <= 66
    assert draws[0] >= 43
    assert draws[int(len(draws) * 0.99)] > 150


def test_lock_acquire_is_about_60_ms_and_release_about_30():
    assert 55 <= statistics.median(_draws("lock.acquire")) <= 62
    assert 27 <= statistics.median(_draws("lock.release")) <= 31


def test_timeout_overshoot_is_between_70_and_85_ms():
    draws = _draws("lock.timeout_overshoot", 2_000)
    assert min(draws) >= 70 and max(draws) <= 85


def test_cache_get_mixes_own_writes_3ms_and_other_keys_20ms():
    draws = _draws("cache.get")
    fast = [d for d in draws if d < 10]
    assert 0.2 <= len(fast) / len(draws) <= 0.3
    assert 2 <= statistics.median(fast) <= 4
    assert 17 <= statistics.median([d for d in draws if d >= 10]) <= 22


def test_unknown_operations_cost_nothing():
    assert GasLatency().draw("utilities.sleep_is_not_a_call", random.Random(0)) == 0.0


def test_same_rng_seed_gives_the_same_draws():
    assert _draws("cache.put", 50, seed=4) == _draws("cache.put", 50, seed=4)


def test_every_figure_is_a_knob():
    model = GasLatency(table={**GAS_TABLE, "properties.get": Dist(floor=1, mean=2, sd=0.5, cap=3)})
    assert all(1 <= model.draw("properties.get", random.Random(i)) <= 3 for i in range(100))


def test_zero_profile_and_profile_names():
    assert isinstance(make_latency("zero"), ZeroLatency)
    assert make_latency("gas").name == "gas"
    with pytest.raises(ValueError, match="unknown latency profile 'slow': use one of gas, zero"):
        make_latency("slow")


def test_a_distribution_with_impossible_figures_is_refused():
    with pytest.raises(ValueError, match="need 0 <= floor < mean <= cap and sd > 0"):
        Dist(floor=50, mean=40, sd=1, cap=100)
