"""gas-emu merge: the shard documents of a CI matrix become one verdict."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sim_helpers import PY_WORKLOADS

from gas_emulator.cli import main
from gas_emulator.sim.merge import seed_gaps

RARE = ["--python", str(PY_WORKLOADS), "--function", "rare_failure", "-n", "3", "--users", "2",
        "--check", "no-errors", "--jobs", "1", "--json"]


def _shard(tmp_path, shard: str, seeds: str = "0:15", *extra: str):
    result = CliRunner().invoke(main, ["explore", *RARE, "--seeds", seeds, "--shard", shard, *extra])
    path = tmp_path / f"shard-{shard.replace('/', '-')}.json"
    path.write_text(result.output)
    return path


def _merge(*paths, as_json=True):
    args = ["merge", *map(str, paths)] + (["--json"] if as_json else [])
    return CliRunner().invoke(main, args)


def test_shards_that_cover_a_clean_range_merge_to_a_pass(tmp_path):
    paths = [_shard(tmp_path, f"{i}/3", "2:15") for i in (1, 2, 3)]
    result = _merge(*paths)
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert (doc["ok"], doc["seeds_covered"], doc["seeds_total"], doc["gaps"]) == (True, 13, 13, [])
    assert doc["shards"] == ["1/3", "2/3", "3/3"]


def test_a_failure_in_any_shard_fails_the_merge_with_its_replay_command(tmp_path):
    paths = [_shard(tmp_path, f"{i}/2", "0:15", "--all") for i in (1, 2)]
    result = _merge(*paths, as_json=False)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "15 of 15 seeds of 0:15 covered by shards 1/2, 2/2: 1 failing"
    assert "seed 1 fails (no-errors: 1 executions failed: 1 x ValueError: unlucky draw)" in result.output
    assert "  replay: gas-emu replay --python " in result.output


def test_a_missing_shard_leaves_gaps_and_fails(tmp_path):
    result = _merge(_shard(tmp_path, "1/3", "2:15"))
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["ok"] is False and doc["failures"] == []
    assert doc["gaps"] == ["3:5", "6:8", "9:11", "12:14"]  # shard 1/3 ran 2, 5, 8, 11, 14


def test_a_shard_stopped_at_its_first_failure_leaves_the_rest_as_gaps(tmp_path):
    doc = json.loads(_merge(_shard(tmp_path, "1/1", "0:6")).output)
    assert doc["seeds_covered"] == 2 and doc["gaps"] == ["2:6"]
    assert [f["seed"] for f in doc["failures"]] == [1]


def test_documents_from_different_ranges_are_refused(tmp_path):
    result = _merge(_shard(tmp_path, "1/2", "0:10"), _shard(tmp_path, "2/2", "0:12"))
    assert result.exit_code == 2
    assert "the documents are from different explorations (range: 0:10 vs 0:12)" in result.output


def test_a_file_that_is_not_an_explore_document_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"ok": true}')
    result = _merge(path)
    assert result.exit_code == 2
    assert f"{path}: not an `gas-emu explore --json` document (no range, shard, workload, seeds_run, " \
           "failures)" in result.output


@pytest.mark.parametrize(("covered", "gaps"), [
    ({0, 1, 2, 3}, []), (set(), ["0:4"]), ({1, 2}, ["0:1", "3:4"]), ({0, 3}, ["1:3"]),
])
def test_gaps_are_half_open_ranges(covered, gaps):
    assert seed_gaps(range(0, 4), covered) == gaps
