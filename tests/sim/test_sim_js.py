"""JavaScript workloads under the simulator (V8 on threads, one execution at a time)."""

from __future__ import annotations

import pytest
from sim_helpers import JS_LOCKED, JS_NO_LOCK

runtime = pytest.importorskip("gas_emulator.runtime")
if not hasattr(runtime, "run_function"):  # the V8 runtime lands separately
    pytest.skip("gas_emulator.runtime.run_function is not available yet", allow_module_level=True)

from gas_emulator.sim.explore import explore  # noqa: E402
from gas_emulator.sim.gate import run_gate  # noqa: E402
from gas_emulator.sim.runner import simulate  # noqa: E402
from gas_emulator.sim.workload import Workload  # noqa: E402

LOCKED_SEEDS = 1_000


def _js(root, **kw) -> Workload:
    return Workload(function=kw.pop("function", "nextId"), root=str(root), **kw)


def test_same_seed_twice_gives_the_same_trace_hash_for_javascript():
    wl = _js(JS_LOCKED, executions=20, users=4)
    first, second = simulate(wl, seed=13), simulate(wl, seed=13)
    assert first.errors() == {}
    assert first.trace_hash == second.trace_hash
    assert len(first.trace) == 80


def test_javascript_counter_without_lock_returns_duplicates_within_20_seeds():
    result = explore(_js(JS_NO_LOCK, executions=50, users=5), range(20), checks=["unique"])
    assert not result.ok
    assert result.failures[0].failed_checks[0].name == "unique"


LOCKED_CHUNKS = 4  # the 1,000 seeds in chunks, so that pytest-xdist spreads them over the workers


@pytest.mark.slow  # 1,000 seeds x 10 JavaScript executions in all
@pytest.mark.parametrize("chunk", range(LOCKED_CHUNKS))
def test_javascript_counter_under_wait_lock_returns_no_duplicates_over_1000_seeds(chunk):
    project = _js(JS_LOCKED).load_project()
    wl = Workload(function="nextId", project=project, root=str(JS_LOCKED), executions=10, users=2)
    size = LOCKED_SEEDS // LOCKED_CHUNKS
    seeds = range(chunk * size, (chunk + 1) * size)
    result = explore(wl, seeds, checks=["unique", "no-errors"], stop_at_first=False)
    assert result.seeds_run == size
    assert result.failures == []


def test_math_random_is_fixed_by_the_seed():
    wl = _js(JS_NO_LOCK, function="randomToken", executions=5)
    assert simulate(wl, seed=2).results() == simulate(wl, seed=2).results()
    assert simulate(wl, seed=2).results() != simulate(wl, seed=3).results()


def test_gate_passes_a_locked_counter():
    project = _js(JS_LOCKED).load_project()
    result = run_gate(project, {"function": "nextId", "executions": 10, "users": 2, "seeds": "0:3",
                                "checks": ["unique", "no-errors"]})
    assert result.ok
    assert result.summary.startswith("3 seeds x 10 executions of nextId over 2 users")
    assert result.replay_command == ""


def test_gate_refuses_the_racy_counter_with_a_replay_command():
    project = _js(JS_NO_LOCK).load_project()
    result = run_gate(project, {"function": "nextId", "executions": 20, "seeds": "0:20",
                                "checks": ["unique"], "root": "gas_src"})
    assert not result.ok
    assert result.summary.startswith("seed 0 of 0:20 (20 executions of nextId")
    assert result.replay_command.startswith("gas-emu replay --root gas_src --function nextId ")
