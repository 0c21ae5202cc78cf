"""Seed ranges, shards, exploration and shrinking."""

from __future__ import annotations

import pytest
from sim_helpers import py_workload

from gas_emulator.sim.explore import explore, parse_seeds, parse_shard, shard_seeds, shrink
from gas_emulator.sim.workload import WorkloadError


def test_seed_range_is_half_open():
    assert list(parse_seeds("3:7")) == [3, 4, 5, 6]


@pytest.mark.parametrize("text", ["7:3", "5", "a:b", "4:4"])
def test_bad_seed_ranges_are_refused(text):
    with pytest.raises(WorkloadError, match="--seeds must be A:B"):
        parse_seeds(text)


def test_shards_are_disjoint_and_cover_the_range():
    seeds = parse_seeds("0:103")
    shards = [list(shard_seeds(seeds, i, 4)) for i in range(1, 5)]
    assert sorted(s for shard in shards for s in shard) == list(seeds)
    assert shards[0][:3] == [0, 4, 8]


@pytest.mark.parametrize("text", ["0/4", "5/4", "x/2", "1-2"])
def test_bad_shards_are_refused(text):
    with pytest.raises(WorkloadError, match="--shard must be I/N"):
        parse_shard(text)


def test_explore_stops_at_the_first_failing_seed():
    result = explore(py_workload("counter_no_lock", executions=10), range(5, 50), checks=["unique"])
    assert result.seeds_run == 1
    assert [r.seed for r in result.failures] == [5]


def test_explore_collects_every_failure_when_asked():
    result = explore(py_workload("fails_on_odd", executions=3), range(4), checks=["no-errors"],
                     stop_at_first=False)
    assert result.seeds_run == 4
    assert [r.seed for r in result.failures] == [0, 1, 2, 3]


def test_shrink_finds_a_smaller_failing_workload():
    small, report = shrink(py_workload("counter_no_lock", executions=40, users=4), seed=0,
                           checks=["unique"])
    assert small.executions == 2
    assert not report.ok
    assert "--executions 2 " in report.replay_command


def test_shrink_refuses_a_passing_seed():
    with pytest.raises(ValueError, match="seed 0 does not fail: nothing to shrink"):
        shrink(py_workload("counter_with_lock", executions=4), seed=0, checks=["unique"])


def test_an_interrupted_exploration_keeps_what_it_found():
    seen = []

    def progress(seed, report):
        seen.append(seed)
        if len(seen) == 3:
            raise KeyboardInterrupt

    result = explore(py_workload("counter_no_lock", executions=10), range(0, 50), stop_at_first=False,
                     progress=progress, checks=["unique"])
    assert result.interrupted and result.seeds_run == 3
    assert [r.seed for r in result.failures] == [0, 1]  # the third was stopped before it was judged
