"""The reference's per-execution IdService lives exactly as long as its execution: a long explore
must not keep every execution (and its emulator and store) it ever ran."""

from __future__ import annotations

import gc
import weakref

from gas_emulator import Emulator
from gas_emulator.reference import entry
from gas_emulator.sim.explore import explore
from gas_emulator.sim.workload import Workload


def test_an_execution_and_its_idservice_are_freed_when_it_ends():
    with Emulator().execution() as ex:
        svc = entry.service_for(ex)
        assert entry.service_for(ex) is svc  # one per execution, as the IDSVC_ global is
        gone = weakref.ref(ex), weakref.ref(svc)
    del ex, svc
    gc.collect()
    assert [ref() for ref in gone] == [None, None]


def test_exploring_more_seeds_keeps_no_more_objects():
    workload = Workload(function="nextId", args=("BDL",), executions=10, users=2,
                        python="gas_emulator.reference.entry:nextId")

    def objects_after(seeds: range) -> int:
        assert explore(workload, seeds, stop_at_first=False, checks=["unique"]).ok
        gc.collect()
        return len(gc.get_objects())

    objects_after(range(0, 5))  # first-use imports and caches
    after_few = objects_after(range(5, 10))
    after_many = objects_after(range(10, 60))
    assert after_many - after_few < 200  # was ~+13,000 (every execution kept, with its emulator)
