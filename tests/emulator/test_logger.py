"""Logger and console (spec 4.2; levels from developers.google.com/apps-script/reference/base/logger and
/console; the getLog() line shape is discussed in gas_emulator/services/logger.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gas_emulator import Emulator, Settings


@pytest.fixture
def ex():
    """One execution on a fresh in-memory emulator (overrides conftest's store-parametrised ``ex``)."""
    emu = Emulator()
    with emu.execution() as execution:
        yield execution


def texts(execution, level=None) -> list[str]:
    return [r.text for r in execution.logs if level is None or r.level == level]


# ---------------------------------------------------------------------------- Logger.log
def test_log_returns_the_logger_so_calls_chain(ex):
    assert ex.Logger.log("one").log("two") is ex.Logger
    assert texts(ex) == ["one", "two"]


def test_log_is_an_info_line_in_the_execution_log(ex):
    ex.Logger.log("my log message")  # doc example: "Info   my log message"
    assert [(r.level, r.text) for r in ex.logs] == [("info", "my log message")]


def test_log_of_an_object_prints_key_equals_value(ex):
    ex.Logger.log({"key": "value"})  # doc example: "Info   {key=value}"
    ex.Logger.log({"a": 1, "b": [1, 2], "c": {"d": None}})
    assert texts(ex) == ["{key=value}", "{a=1, b=[1, 2], c={d=null}}"]


def test_log_of_an_object_with_a_message_logs_the_message(ex):
    ex.Logger.log({"message": "my log message", "data": {"key": "value"}})  # doc example
    assert texts(ex) == ["my log message"]


def test_log_with_a_format_and_values(ex):
    ex.Logger.log("%s scored %s points", "Ann", 12)
    ex.Logger.log("%d%% done", 50)
    assert texts(ex) == ["Ann scored 12 points", "50% done"]


def test_log_of_one_string_is_not_formatted(ex):
    ex.Logger.log("100%s sure")
    assert texts(ex) == ["100%s sure"]


def test_log_of_scalars_uses_javascript_strings(ex):
    ex.Logger.log(5).log(2.5).log(True).log(None)
    assert texts(ex) == ["5", "2.5", "true", "null"]


# ---------------------------------------------------------------------------- getLog / clear
def test_getLog_lines_carry_a_java_date_and_INFO():
    emu = Emulator()  # starts 2026-01-01T00:00Z; script time zone America/New_York
    with emu.execution() as ex:
        ex.Logger.log("one")
        ex.Utilities.sleep(1000)
        ex.Logger.log("two")
        assert ex.Logger.getLog() == ("Wed Dec 31 19:00:00 EST 2025 INFO: one\n"
                                      "Wed Dec 31 19:00:01 EST 2025 INFO: two\n")


def test_getLog_uses_the_script_time_zone():
    emu = Emulator(time_zone="Asia/Tokyo")
    with emu.execution() as ex:
        ex.Logger.log("hello")
        assert ex.Logger.getLog() == "Thu Jan 01 09:00:00 JST 2026 INFO: hello\n"


def test_getLog_bare_messages_with_the_knob():
    emu = Emulator(settings=Settings(logger_getlog_timestamps=False))
    with emu.execution() as ex:
        ex.Logger.log("one").log("two")
        assert ex.Logger.getLog() == "one\ntwo"


def test_getLog_is_empty_before_any_log(ex):
    assert ex.Logger.getLog() == ""


def test_clear_empties_getLog_but_not_the_execution_log(ex):
    ex.Logger.log("before")
    assert ex.Logger.clear() is None
    ex.Logger.log("after")
    assert ex.Logger.getLog().endswith("INFO: after\n")
    assert "before" not in ex.Logger.getLog()
    assert texts(ex) == ["before", "after"]


def test_getLog_holds_logger_messages_only(ex):
    ex.console.log("from console")
    ex.Logger.log("from logger")
    assert ex.Logger.getLog().count("\n") == 1
    assert "from console" not in ex.Logger.getLog()


def test_getLog_is_per_execution():
    emu = Emulator(settings=Settings(logger_getlog_timestamps=False))
    with emu.execution(user="a@example.com") as a, emu.execution(user="b@example.com") as b:
        a.Logger.log("from a")
        b.Logger.log("from b")
        assert (a.Logger.getLog(), b.Logger.getLog()) == ("from a", "from b")


# ---------------------------------------------------------------------------- console
def test_console_levels(ex):
    ex.console.log("l")
    ex.console.info("i")
    ex.console.warn("w")
    ex.console.error("e")
    # console doc: log() is DEBUG, info() INFO, warn() WARNING, error() ERROR
    assert [(r.level, r.text) for r in ex.logs] == [("debug", "l"), ("info", "i"), ("warn", "w"),
                                                    ("error", "e")]


def test_console_records_the_virtual_time(ex):
    ex.Utilities.sleep(42)
    ex.console.info("later")
    assert ex.logs[-1].time_ms == ex.start_ms + 42


@pytest.mark.parametrize(("args", "expected"), [
    (("%s is %d years", "Bob", 42), "Bob is 42 years"),
    (("%i|%d|%f", 42.9, 42.9, "1.5"), "42|42.9|1.5"),
    (("%d", "abc"), "NaN"),
    (("100%% %s", "done"), "100% done"),
    (("a", 1, {"x": 1}), "a 1 { x: 1 }"),
    (("%o and %O", {"k": "v"}, [1, "two"]), "{ k: 'v' } and [ 1, 'two' ]"),
    (({"a": 1}, "tail"), "{ a: 1 } tail"),
    (("%s %s", "only"), "only %s"),
    ((), ""),
])
def test_console_formats_like_node(ex, args, expected):
    ex.console.info(*args)
    assert texts(ex) == [expected]


def test_console_time_and_timeEnd_log_the_elapsed_virtual_time(ex):
    ex.console.time("step")
    ex.Utilities.sleep(250)
    ex.console.timeEnd("step")
    assert texts(ex) == ["step: 250ms"]


def test_the_log_sink_gets_each_kept_line_as_it_is_written_and_none_past_the_buffer():
    seen: list[tuple[str, str, float]] = []
    emu = Emulator(settings=Settings(logger_max_buffer_bytes=300))
    emu.log_sink = lambda *line: seen.append(line)
    with emu.execution() as ex:
        ex.Logger.log("first")
        assert seen == [("info", "first", ex.now_ms())]  # sent at once, not at the execution's end
        for n in range(100):
            ex.console.warn(f"line {n}")
        assert [(level, text) for level, text, _ in seen] == [(r.level, r.text) for r in ex.logs]
    assert 1 < len(seen) < 101  # the buffer's cap holds for the sink too


def _substitute_char_by_char(template: str, rest: list) -> str:
    """The scan the logger used before (kept here as the reference for the regex version)."""
    from gas_emulator.services.logger import _one

    out, i = [], 0
    while i < len(template):
        c, nxt = template[i], template[i + 1] if i + 1 < len(template) else ""
        if c == "%" and nxt == "%":
            out.append("%")
            i += 2
        elif c == "%" and nxt and nxt in "sdifoO" and rest:
            out.append(_one(nxt, rest.pop(0)))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


@settings(max_examples=500, deadline=None)
@given(template=st.text(alphabet=st.sampled_from(list("%sdifoOx 🙂{}")), max_size=24),
       values=st.lists(st.one_of(st.integers(), st.text(max_size=3), st.floats(allow_nan=True)),
                       max_size=4))
def test_format_substitutions_equal_the_char_by_char_scan(template, values):
    from gas_emulator.services.logger import _substitute

    mine, theirs = list(values), list(values)
    assert _substitute(template, mine) == _substitute_char_by_char(template, theirs)
    assert mine == theirs  # the same arguments consumed (the rest are appended by console_format)
