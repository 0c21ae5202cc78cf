"""``gas-emu run --state FILE`` in several processes at once: the script lock excludes across them
(the virtual clock is the default of ``run``), and what one process writes, the next one reads.

Real subprocesses of the real CLI; every test waits on process exit, never on the wall clock.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "shared_state"
GAS_SRC = REPO / "gas_src"
TIMEOUT_S = 120  # a bound on each process, far above what any needs: a hang fails, never blocks CI


def _run_args(state: Path, root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "gas_emulator.cli", "run", "--root", str(root), "--state", str(state),
            "--json", *args]


def _result(proc: subprocess.CompletedProcess | tuple) -> object:
    out, err, code = proc if isinstance(proc, tuple) else (proc.stdout, proc.stderr, proc.returncode)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["error"] is None
    return doc["result"]


def _in_parallel(commands: list[list[str]], cwd: Path) -> list[object]:
    """Start every command at once; the result of each, once all have exited."""
    procs = [subprocess.Popen(c, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for c in commands]
    done = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT_S)
        done.append(_result((out, err, proc.returncode)))
    return done


@pytest.mark.slow
def test_eight_processes_of_200_locked_javascript_increments_end_at_1600(tmp_path):
    state = tmp_path / "counter.sqlite"
    parts = _in_parallel([_run_args(state, FIXTURE, "lockedIncrements", "200")] * 8, tmp_path)
    assert sorted(n for part in parts for n in part) == list(range(1, 1601))
    final = subprocess.run(_run_args(state, FIXTURE, "readCounter"), cwd=tmp_path, capture_output=True,
                           text=True, timeout=TIMEOUT_S)
    assert _result(final) == "1600"


def test_locked_cache_increments_in_four_processes_lose_none(tmp_path):
    state = tmp_path / "cache.sqlite"
    parts = _in_parallel([_run_args(state, FIXTURE, "lockedCacheIncrements", "50")] * 4, tmp_path)
    assert sorted(n for part in parts for n in part) == list(range(1, 201))


def test_what_one_process_writes_the_next_one_reads(tmp_path):
    state = tmp_path / "note.sqlite"
    wrote = subprocess.run(_run_args(state, FIXTURE, "writeNote", '"left by the first"'), cwd=tmp_path,
                           capture_output=True, text=True, timeout=TIMEOUT_S)
    assert _result(wrote) == "left by the first"
    read = subprocess.run(_run_args(state, FIXTURE, "readNote"), cwd=tmp_path, capture_output=True,
                          text=True, timeout=TIMEOUT_S)
    assert _result(read) == {"property": "left by the first", "cache": "left by the first"}


def _next_id_loop(state: Path, cwd: Path, runs: int, out: list) -> None:
    """One shell loop of the README's example: ``runs`` separate CLI invocations, one after another."""
    for _ in range(runs):
        proc = subprocess.run(_run_args(state, GAS_SRC, "nextId", '"BDL"'), cwd=cwd, capture_output=True,
                              text=True, timeout=TIMEOUT_S)
        out.append((proc.stdout, proc.stderr, proc.returncode))


@pytest.mark.slow
def test_eight_parallel_loops_of_the_readme_next_id_give_no_duplicate_and_no_gap(tmp_path):
    state = tmp_path / "ids.sqlite"
    loops, runs = 8, 3
    outputs: list[list] = [[] for _ in range(loops)]
    threads = [threading.Thread(target=_next_id_loop, args=(state, tmp_path, runs, outputs[i]))
               for i in range(loops)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_S * runs)
    ids = [_result(proc) for loop in outputs for proc in loop]
    assert len(ids) == loops * runs
    assert sorted(ids) == [f"BDL-{n:06d}" for n in range(1, loops * runs + 1)]


def test_runs_sharing_a_state_file_get_different_uuids(tmp_path):
    state = tmp_path / "uuid.sqlite"
    uuids = [_result(subprocess.run(_run_args(state, FIXTURE, "newUuid"), cwd=tmp_path, capture_output=True,
                                    text=True, timeout=TIMEOUT_S)) for _ in range(2)]
    assert uuids[0] != uuids[1]


def test_a_cache_lock_taken_by_one_process_is_seen_by_the_next(tmp_path):
    state = tmp_path / "cache-lock.sqlite"
    first, second = (_result(subprocess.run(_run_args(state, FIXTURE, "cacheLock", token), cwd=tmp_path,
                                            capture_output=True, text=True, timeout=TIMEOUT_S))
                     for token in ('"first"', '"second"'))
    assert (first, second) == ("first", "first")
