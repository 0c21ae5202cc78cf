"""SqliteStore: persistence, WAL, transactions, per-thread connections, leased cross-process locks,
and the Store protocol's semantics checked identical to MemoryStore's."""

from __future__ import annotations

import json
import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
import time_machine

from gas_emulator import Emulator
from gas_emulator.store.liveness import Holder, holder_alive
from gas_emulator.store.memory import MemoryStore
from gas_emulator.store.sqlite import SqliteStore


@pytest.fixture
def sq(tmp_path):
    made = SqliteStore(tmp_path / "s.sqlite")
    yield made
    made.close()


class Boom(Exception):
    pass


def _refuse(_new):
    raise Boom()


# ---------------------------------------------------------------------- SQLite specifics
def test_file_is_in_wal_mode(sq):
    conn = sqlite3.connect(sq.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()


def test_state_persists_across_instances(tmp_path):
    first = SqliteStore(tmp_path / "p.sqlite")
    first.props_update("props/script", {"k": "v"})
    first.doc_put("api/meta", "counter", "7")
    first.close()
    second = SqliteStore(tmp_path / "p.sqlite")
    assert second.props_get("props/script", "k") == "v"
    assert second.doc_get("api/meta", "counter") == "7"
    second.close()


def test_emulator_state_persists_between_runs(tmp_path):
    with Emulator(store=SqliteStore(tmp_path / "e.sqlite")).execution() as ex:
        ex.PropertiesService.getScriptProperties().setProperty("n", 1)
    with Emulator(store=SqliteStore(tmp_path / "e.sqlite")).execution() as ex:
        assert ex.PropertiesService.getScriptProperties().getProperty("n") == "1"


def test_store_is_picklable_and_reopens_the_same_file(sq):
    sq.props_update("props/script", {"k": "v"})
    clone = pickle.loads(pickle.dumps(sq))
    assert clone.path == sq.path
    assert clone.props_get("props/script", "k") == "v"
    clone.close()


def test_each_thread_has_its_own_connection(sq):
    conns = []
    threads = [threading.Thread(target=lambda: conns.append(sq._conn())) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(c) for c in conns}) == 3


def test_threads_incrementing_in_transactions_lose_no_update(sq):
    def increment(txn):
        value = int(txn.get("n", "n") or 0)
        txn.put("n", "n", str(value + 1))

    def work():
        for _ in range(100):
            sq.doc_transaction(increment)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sq.doc_get("n", "n") == "400"


def test_shared_between_processes(sq):
    assert sq.shared_between_processes is True


# ---------------------------------------------------------------------- cross-process locks
def test_lock_excludes_other_owners(sq):
    assert sq.lock_try_acquire("script", "a")
    assert not sq.lock_try_acquire("script", "b")


def test_lock_is_reacquirable_by_its_owner(sq):
    assert sq.lock_try_acquire("script", "a")
    assert sq.lock_try_acquire("script", "a")


def test_lock_release_only_by_owner(sq):
    sq.lock_try_acquire("script", "a")
    sq.lock_release("script", "b")
    assert not sq.lock_try_acquire("script", "b")
    sq.lock_release("script", "a")
    assert sq.lock_try_acquire("script", "b")


def test_lock_release_all_frees_every_lock_of_owner(sq):
    sq.lock_try_acquire("script", "a")
    sq.lock_try_acquire("user/x", "a")
    sq.lock_try_acquire("user/y", "c")
    sq.lock_release_all("a")
    assert sq.lock_try_acquire("script", "b")
    assert sq.lock_try_acquire("user/x", "b")
    assert not sq.lock_try_acquire("user/y", "b")


def test_lock_of_live_owner_is_taken_over_after_its_lease(tmp_path):
    store = SqliteStore(tmp_path / "l.sqlite", lock_lease_ms=60_000)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        assert store.lock_try_acquire("script", "a")
        traveller.shift(59.999)
        assert not store.lock_try_acquire("script", "b")
        traveller.shift(0.001)
        assert store.lock_try_acquire("script", "b")
    store.close()


def _lease_until(store: SqliteStore, name: str) -> float:
    return store._conn().execute("SELECT lease_until FROM lock_leases WHERE name=?", (name,)).fetchone()[0]


def _insert_row(store: SqliteStore, holder_id: str, lease_until: float) -> None:
    with store._txn() as db:
        db.execute("INSERT INTO lock_leases VALUES ('script', 'theirs', ?, 1, ?, ?)",
                   (holder_id, time.time(), lease_until))


def test_lock_of_a_holder_whose_liveness_lock_is_free_is_taken_over_at_once(sq):
    holder = Holder(sq._locks.holders_dir)
    _insert_row(sq, holder.id, time.time() + 3600)
    holder.close()  # what the kernel does when the holder's process ends
    assert sq.lock_try_acquire("script", "b")


def test_lock_of_a_live_holder_is_not_taken_within_its_lease(sq):
    holder = Holder(sq._locks.holders_dir)  # alive: its liveness file is locked
    _insert_row(sq, holder.id, time.time() + 3600)
    assert not sq.lock_try_acquire("script", "b")
    holder.close()


def test_renewal_keeps_a_live_holders_lock_past_its_first_lease(tmp_path):
    store = SqliteStore(tmp_path / "l.sqlite", lock_lease_ms=60_000)
    other = SqliteStore(tmp_path / "l.sqlite", lock_lease_ms=60_000)
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        assert store.lock_try_acquire("script", "a")
        traveller.shift(50)
        assert store._locks.renew() == 1  # what the heartbeat does every lease / 3
        traveller.shift(59.999)
        assert not other.lock_try_acquire("script", "b")
        traveller.shift(0.001)
        assert other.lock_try_acquire("script", "b")
    store.close()
    other.close()


def test_renewal_stops_at_the_longest_hold(tmp_path):
    store = SqliteStore(tmp_path / "l.sqlite", lock_lease_ms=60_000, lock_max_hold_ms=100_000)
    other = SqliteStore(tmp_path / "l.sqlite")
    with time_machine.travel(1_800_000_000, tick=False) as traveller:
        assert store.lock_try_acquire("script", "a")
        traveller.shift(50)
        store._locks.renew()
        assert _lease_until(store, "script") == 1_800_000_100  # 6-minute cap + margin, not now + lease
        traveller.shift(50)
        assert other.lock_try_acquire("script", "b")
    store.close()
    other.close()


def test_the_heartbeat_thread_renews_the_lease(tmp_path):
    store = SqliteStore(tmp_path / "l.sqlite", lock_lease_ms=300)  # a beat every 100 ms
    assert store.lock_try_acquire("script", "a")
    first = _lease_until(store, "script")
    renewed = threading.Event()
    for _ in range(500):  # a condition, polled up to 5 s
        if _lease_until(store, "script") > first:
            break
        renewed.wait(0.01)
    assert _lease_until(store, "script") > first
    store.close()


def test_closing_the_store_frees_its_locks_for_other_processes(tmp_path):
    store = SqliteStore(tmp_path / "l.sqlite")
    other = SqliteStore(tmp_path / "l.sqlite")
    assert store.lock_try_acquire("script", "a")
    assert not other.lock_try_acquire("script", "b")
    store.close()
    assert other.lock_try_acquire("script", "b")
    other.close()


def test_holder_files_of_dead_holders_are_removed(sq):
    holder = Holder(sq._locks.holders_dir)
    assert holder_alive(sq._locks.holders_dir, holder.id) is True
    holder.close()
    assert holder_alive(sq._locks.holders_dir, holder.id) is False
    assert not (sq._locks.holders_dir / holder.id).exists()


def test_a_release_publishes_the_time_and_keeps_the_latest(sq):
    assert sq.clock_read() is None
    sq.lock_try_acquire("script", "a")
    sq.lock_release("script", "a", 2_000.0)
    sq.lock_try_acquire("script", "a")
    sq.lock_release("script", "a", 1_000.0)  # an earlier time never moves the store's back
    assert sq.clock_read() == 2_000.0


def test_a_release_by_a_non_owner_publishes_nothing(sq):
    sq.lock_try_acquire("script", "a")
    sq.lock_release("script", "b", 5_000.0)
    assert sq.clock_read() is None


# ---------------------------------------------------------------------- transactions
def test_failed_props_update_changes_nothing(sq):
    sq.props_update("p", {"a": "1"})
    with pytest.raises(Boom):
        sq.props_update("p", {"b": "2"}, ["a"], delete_all_others=True, validate=_refuse)
    assert sq.props_all("p") == {"a": "1"}


def test_failed_doc_transaction_changes_nothing(sq):
    sq.doc_put("d", "a", "1")

    def fn(txn):
        txn.put("d", "b", "2")
        txn.delete("d", "a")
        raise Boom()

    with pytest.raises(Boom):
        sq.doc_transaction(fn)
    assert sq.doc_keys("d") == ["a"]
    assert sq.doc_get("d", "a") == "1"


def test_store_usable_after_a_failed_transaction(sq):
    with pytest.raises(Boom):
        sq.doc_transaction(lambda txn: (_ for _ in ()).throw(Boom()))
    sq.doc_put("d", "a", "1")
    assert sq.doc_get("d", "a") == "1"


# ---------------------------------------------------------------------- identical semantics
def _doc_script(store) -> list:
    """One sequence of document operations; returns everything observed."""
    seen = []
    store.doc_put("api/p", "b", json.dumps({"n": 1}))
    store.doc_put("api/p", "a", "x")
    store.doc_put("api/q", "é", "y")
    store.doc_put("api/q", "z", "y")
    seen.append(store.doc_keys("api/p"))
    seen.append(store.doc_keys("api/q"))

    def txn_fn(txn):
        txn.put("api/p", "c", "3")
        txn.delete("api/p", "a")
        inner = [txn.get("api/p", "c"), txn.get("api/p", "a"), txn.keys("api/p"), txn.keys("api/none")]
        txn.put("api/p", "a", "again")
        inner.append(txn.get("api/p", "a"))
        return inner

    seen.append(store.doc_transaction(txn_fn))
    seen.append(store.doc_keys("api/p"))
    store.doc_delete("api/p", "b")
    store.doc_delete("api/p", "missing")
    seen.append([store.doc_get("api/p", k) for k in ("a", "b", "c")])
    seen.append(store.doc_keys("api/empty"))
    return seen


def _cache_script(store) -> list:
    seen = []
    seen.append(store.cache_put_many("c", {f"k{i}": str(i) for i in range(12)}, 5_000, 0,
                                     max_items=10, keep_after_evict=8))
    seen.append(store.cache_get_many("c", [f"k{i}" for i in range(12)], 0))
    seen.append(store.cache_put_many("c", {"late": "x"}, 9_000, 1_000, max_items=10, keep_after_evict=8))
    seen.append(store.cache_evict_oldest("c", 0.5, 1_000))
    seen.append(store.cache_size("c", 1_000))
    seen.append(store.cache_get_many("c", ["k11", "late", "nope"], 5_000))
    seen.append(store.cache_size("c", 5_000))
    store.cache_remove_many("c", ["late"])
    seen.append(store.cache_size("c", 5_000))
    return seen


def _quota_script(store) -> list:
    return [store.quota_charge("u", "q", 3, 5, 0, 100), store.quota_charge("u", "q", 3, 5, 10, 100),
            store.quota_usage("u", "q", 50, 100), store.quota_charge("u", "q", 3, 5, 100, 100),
            store.quota_usage("u", "q", 150, 100), store.quota_usage("u", "q", 200, 100)]


def _props_script(store) -> list:
    store.props_update("p", {"a": "1", "b": "2"})
    store.props_update("p", {"c": "3"}, ["a"])
    first = store.props_all("p")
    store.props_update("p", {"d": "4"}, delete_all_others=True)
    return [first, store.props_all("p"), store.props_get("p", "d"), store.props_get("p", "a"),
            store.props_all("none")]


def _lock_clock_script(store) -> list:
    seen = [store.lock_try_acquire("script", "a"), store.lock_try_acquire("script", "a"),
            store.lock_try_acquire("script", "b"), store.clock_read()]
    store.lock_release("script", "b", 9.0)  # not the owner: nothing freed, nothing published
    seen += [store.lock_try_acquire("script", "b"), store.clock_read()]
    store.lock_release("script", "a", 7.0)
    seen += [store.lock_try_acquire("script", "b"), store.clock_read()]
    store.lock_release("script", "b", 3.0)
    seen.append(store.clock_read())
    return seen


@pytest.mark.parametrize("script", [_doc_script, _cache_script, _quota_script, _props_script,
                                    _lock_clock_script])
def test_sqlite_behaves_like_memory(sq, script):
    assert script(sq) == script(MemoryStore())


def test_reset_equals_fresh(sq):
    _doc_script(sq)
    _cache_script(sq)
    _quota_script(sq)
    _props_script(sq)
    sq.lock_try_acquire("script", "a")
    sq.lock_release("script", "a", 1.0)
    sq.lock_try_acquire("script", "a")
    sq.reset()
    assert sq.clock_read() is None
    assert sq.doc_keys("api/p") == [] and sq.props_all("p") == {}
    assert sq.cache_size("c", 0) == 0 and sq.quota_usage("u", "q", 0, 100) == 0
    assert sq.lock_try_acquire("script", "b")


def test_second_lock_object_of_one_execution_does_not_share_the_hold(sq):
    # spec 1.4 (default knob): a second Lock object is another holder, across processes too
    with Emulator(store=sq, clock="real").execution() as ex:
        first, second = ex.LockService.getScriptLock(), ex.LockService.getScriptLock()
        assert first.tryLock(0) is True
        assert second.tryLock(0) is False
        first.releaseLock()
        assert second.tryLock(0) is True


def test_execution_end_releases_its_cross_process_locks(sq):
    emu = Emulator(store=sq, clock="real")
    with emu.execution() as ex:
        ex.LockService.getScriptLock().waitLock(1_000)
    assert sq.lock_try_acquire("script", "other") is True


def test_a_finished_threads_connection_is_released(tmp_path):
    import gc
    import threading

    store = SqliteStore(tmp_path / "s.sqlite")
    before = len(store._all_conns)
    workers = [threading.Thread(target=store.props_get, args=("p", "k")) for _ in range(20)]
    for worker in workers:
        worker.start()
        worker.join()
    gc.collect()
    assert len(store._all_conns) == before  # a thread per client must not pile up connections


def test_a_new_holder_sweeps_away_the_files_of_dead_ones(sq):
    directory = sq._locks.holders_dir
    directory.mkdir()
    (directory / "4242-deadbeef0000").touch()  # a holder killed while it held no lock
    live = Holder(directory)
    assert sorted(p.name for p in directory.iterdir()) == [live.id]
    live.close()


FORK_AND_WAIT = """
import os, sys
from gas_emulator.store.sqlite import SqliteStore
store = SqliteStore(sys.argv[1])
assert store.lock_try_acquire("script", "parent")
if os.fork() == 0:  # the at-fork hooks have run when fork() returns in the child
    print(os.getpid(), flush=True)
    sys.stdin.read()  # the child outlives its parent
    os._exit(0)
sys.stdin.read()
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork only")
def test_a_forked_child_does_not_keep_its_dead_parents_locks(sq):
    parent = subprocess.Popen([sys.executable, "-c", FORK_AND_WAIT, sq.path], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    child_pid = int(parent.stdout.readline())
    try:
        parent.kill()
        parent.wait()
        assert sq.lock_try_acquire("script", "b")  # at once, with the child still alive
    finally:
        os.kill(child_pid, signal.SIGKILL)
