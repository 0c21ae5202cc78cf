"""The heap share read at every execution's end (limits.heap_used_share) is V8's own figure."""

from __future__ import annotations

import ctypes

import pytest

pytest.importorskip("gas_emulator.runtime")

import _STPyV8  # noqa: E402

from gas_emulator.runtime import engine, limits  # noqa: E402


def _heap_statistics_share(ptr: int) -> float:
    """The reading as it was: GetHeapStatistics' used size over its limit, capped at the flag."""
    stats = (ctypes.c_size_t * limits._HEAP_STATISTICS_WORDS)()
    limits._heap_statistics_init(stats)
    limits._get_heap_statistics(ptr, stats)
    return stats[limits._USED] / min(stats[limits._LIMIT], limits.HEAP_LIMIT_MB << 20)


def test_heap_used_share_equals_get_heap_statistics_as_the_heap_grows():
    iso = engine.POOL.acquire()
    locker = _STPyV8.JSLocker(iso.js)
    locker.enter()
    iso.js.enter()
    ctx = _STPyV8.JSContext(None)
    ctx.enter()
    try:
        ptr = engine._get_current()
        readings = []
        for _ in range(3):
            ctx.eval("var kept = (this.kept || []); for (var i = 0; i < 2e4; i++) kept.push({n: i});")
            # the heap may move between two readings, either way (V8's concurrent sweeper frees;
            # with the 32 MB young generation (limits.SEMI_SPACE_MB) the first reading here grew
            # by 1,878 bytes, measured): the new reading must lie between the old one taken just
            # before and just after it
            before = _heap_statistics_share(ptr)
            readings.append((before, limits.heap_used_share(ptr), _heap_statistics_share(ptr)))
    finally:
        ctx.leave()
        engine.immortal(ctx)  # engine.Isolate: contexts are never collected
        iso.js.leave()
        locker.leave()
        engine.POOL.release(iso)
    assert all(min(before, after) <= new <= max(before, after) for before, new, after in readings), \
        readings
    assert readings[0][1] < readings[1][1] < readings[2][1]
