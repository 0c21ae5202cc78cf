"""The kernel's wake-up queue: the compiled one and the Python one pop in exactly the same order."""

from __future__ import annotations

import gc
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gas_emulator import wakeups

_wakeheap = pytest.importorskip("gas_emulator._wakeheap", reason="the C queue was not compiled here")
CWakeHeap = _wakeheap.WakeHeap


class Actor:  # the queue only holds and hands back actors; any object will do
    def __init__(self, name: str) -> None:
        self.name = name


# Few distinct times and tie-breaks, so that equal times (and equal tie-breaks) are common.
ops = st.lists(st.tuples(st.sampled_from(["push", "pop", "push_pop", "clear"]),
                         st.sampled_from([0.0, 1.5, 2.0, 2.0000000000000004, 1767225600030.123]),
                         st.sampled_from([0.0, 0.25, 0.5])), max_size=200)


@settings(max_examples=300, deadline=None)
@given(ops)
def test_the_c_queue_behaves_exactly_as_the_python_queue(sequence):
    c, py = CWakeHeap(), wakeups.PyWakeHeap()
    actors = [Actor(f"a{i}") for i in range(8)]
    for seq, (op, wake, tie) in enumerate(sequence):
        actor, token = actors[seq % len(actors)], seq * 3
        if op == "push":
            c.push(wake, tie, seq, token, actor)
            py.push(wake, tie, seq, token, actor)
        elif op == "pop":
            assert c.pop() == py.pop()
        elif op == "push_pop":
            assert c.push_pop(wake, tie, seq, token, actor) == py.push_pop(wake, tie, seq, token, actor)
        else:
            c.clear()
            py.clear()
        assert len(c) == len(py)
    while (first := py.pop()) is not None:
        assert c.pop() == first
    assert c.pop() is None


def test_the_c_queue_lets_go_of_actors_it_no_longer_holds():
    queue = CWakeHeap()
    popped, cleared, dropped = Actor("popped"), Actor("cleared"), Actor("dropped")
    refs = [weakref.ref(a) for a in (popped, cleared, dropped)]
    queue.push(1.0, 0.0, 1, 0, popped)
    queue.push(2.0, 0.0, 2, 0, cleared)
    assert queue.pop() == (1.0, 0, popped)
    queue.clear()
    queue.push(3.0, 0.0, 3, 0, dropped)
    dropped.queue = queue  # a cycle through the queue: only the collector can free it
    del popped, cleared, dropped, queue
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_the_c_queue_refuses_a_malformed_entry_and_stays_as_it_was():
    queue = CWakeHeap()
    queue.push(1.0, 0.0, 1, 0, "a")
    with pytest.raises(TypeError):
        queue.push(2.0, 0.0, 2, 0)  # no actor
    with pytest.raises(TypeError):
        queue.push_pop("soon", 0.0, 3, 0, "b")
    assert len(queue) == 1
    assert queue.pop() == (1.0, 0, "a")


def test_the_c_queue_survives_a_destructor_that_uses_it_while_it_clears():
    queue = CWakeHeap()

    class Reentrant:
        def __del__(self) -> None:
            queue.push(9.0, 0.0, 99, 0, "pushed while clearing")

    queue.push(1.0, 0.0, 1, 0, Reentrant())
    queue.push(2.0, 0.0, 2, 0, "plain")
    queue.clear()  # drops the last reference to Reentrant: its __del__ pushes
    assert queue.pop() == (9.0, 0, "pushed while clearing")
    assert queue.pop() is None
