"""The default seed: 0 on a store of one process (reproducible runs), a drawn one on a store shared
between processes, so that two processes on one SqliteStore never produce the same getUuid()."""

from __future__ import annotations

import multiprocessing

from gas_emulator import Emulator
from gas_emulator.store.sqlite import SqliteStore


def uuids_and_seed(path: str) -> tuple[list[str], int]:
    """Worker: three getUuid() values of an Emulator on the shared store, with no seed given."""
    emu = Emulator(store=SqliteStore(path))
    with emu.execution() as ex:
        return [ex.Utilities.getUuid() for _ in range(3)], emu.seed


def test_two_processes_on_one_sqlite_store_draw_different_uuids(tmp_path):
    path = str(tmp_path / "shared.sqlite")
    SqliteStore(path).close()  # the file and schema exist before the workers start
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        (first, first_seed), (second, second_seed) = pool.map(uuids_and_seed, [path, path])
    assert first_seed != second_seed
    assert set(first).isdisjoint(second)


def test_the_drawn_seed_is_exposed_and_replays_the_same_uuids(tmp_path):
    emu = Emulator(store=SqliteStore(str(tmp_path / "a.sqlite")))
    with emu.execution() as ex:
        drawn = ex.Utilities.getUuid()
    again = Emulator(store=SqliteStore(str(tmp_path / "b.sqlite")), seed=emu.seed)
    with again.execution() as ex:
        assert ex.Utilities.getUuid() == drawn


def test_an_in_memory_emulator_keeps_seed_zero():
    assert Emulator().seed == 0


def test_a_given_seed_is_kept_on_a_shared_store(tmp_path):
    assert Emulator(store=SqliteStore(str(tmp_path / "s.sqlite")), seed=5).seed == 5
