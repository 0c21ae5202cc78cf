"""jsonfmt.pretty writes exactly what json.dumps(value, indent=2) writes, or raises what it raises."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gas_emulator.api_server import jsonfmt

SCALARS = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
           | st.text())
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


class Colour(enum.IntEnum):
    RED = 1


@given(VALUES)
def test_any_json_value_is_written_as_json_dumps_indent_2_writes_it(value):
    assert jsonfmt.pretty(value) == json.dumps(value, indent=2)


@pytest.mark.parametrize("value", [
    {}, [], (), "", {"a": {}}, {"a": []}, [[], {}], {"ü": "caf\u00e9 \U0001f600 \"q\" \n"},
    {"n": math.nan, "i": math.inf, "m": -math.inf, "f": 0.1, "big": 10**30, "t": True, "x": None},
    {3: "int key", 2.5: "float key", None: "none key", True: "bool key"},  # keys json.dumps converts
    {"e": Colour.RED}, [Colour.RED], {Colour.RED: "enum key"},  # subclasses: json.dumps's own text
])
def test_edge_values_are_written_as_json_dumps_indent_2_writes_them(value):
    assert jsonfmt.pretty(value) == json.dumps(value, indent=2)


def test_nesting_deeper_than_the_fast_path_is_still_json_dumps_output():
    value: list = []
    for _ in range(jsonfmt.MAX_DEPTH + 10):
        value = [1, {"k": value}]
    assert jsonfmt.pretty(value) == json.dumps(value, indent=2)


def test_a_cycle_raises_json_dumps_error():
    cyclic: list = []
    cyclic.append({"self": cyclic})
    with pytest.raises(ValueError, match="^Circular reference detected$"):
        jsonfmt.pretty(cyclic)


def test_an_object_json_cannot_write_raises_json_dumps_error():
    with pytest.raises(TypeError, match="^Object of type object is not JSON serializable$"):
        jsonfmt.pretty({"a": [object()]})
