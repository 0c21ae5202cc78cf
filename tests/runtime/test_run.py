"""run_function: values, errors and globals as Apps Script code sees them."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.runtime import Project, ScriptError, StackFrame, run_function


def test_duplicate_top_level_const_across_files_fails_to_load(load):
    outcome = run_function(Emulator(), load("gas_dupconst"), "limit")
    assert outcome.error == ScriptError("Identifier 'LIMIT' has already been declared", "SyntaxError",
                                        [StackFrame("", "B", 1)])


def test_a_missing_global_is_a_reference_error_with_its_file_and_line(app):
    outcome = run_function(Emulator(), app, "missingGlobal")
    assert outcome.error == ScriptError("undefinedThing is not defined", "ReferenceError",
                                        [StackFrame("missingGlobal", "Code", 4)])


def test_a_service_error_is_a_catchable_js_error_with_the_exact_message(app):
    result = run_function(Emulator(), app, "caughtServiceError").result
    assert result == {"message": "Invalid argument: key", "name": "Exception", "isError": True}


def test_an_escaping_error_carries_message_stack_and_the_logs_so_far(app):
    outcome = run_function(Emulator(), app, "uncaught")
    with pytest.raises(ScriptError) as raised:
        outcome.unwrap()
    err = raised.value
    assert (str(err), err.error_type) == ("bad input", "TypeError")
    assert err.format() == "TypeError: bad input\n    at helper (Code:23)\n    at uncaught (Code:19)"
    assert [(r.level, r.text) for r in err.logs] == [("info", "step 1"), ("warn", "about to fail")]


def test_a_missing_function_gets_apps_script_text(app):
    outcome = run_function(Emulator(), app, "noSuchFunction")
    assert outcome.error.message == "Script function not found: noSuchFunction"


def test_services_that_are_not_emulated_say_so_and_name_themselves(app):
    message = run_function(Emulator(), app, "notEmulated").error.message
    assert message.startswith("DriveApp is not emulated here")


def test_what_apps_script_lacks_is_absent(app):
    assert run_function(Emulator(), app, "absentGlobals").result == ["undefined"] * 7


def test_values_cross_as_apps_script_returns_them(app):
    result = run_function(Emulator(), app, "values").result
    assert result["missing"] is None and result["put"] is None and result["remove"] is None
    assert result["all"] == {"a": "1", "b": "2"} and result["allIsPlain"] is True
    assert result["digest"][:4] == [-112, 1, 80, -104] and result["digestIsArray"] is True
    assert result["parsed"] is True


def test_date_reads_the_emulator_clock(app):
    emu = Emulator()
    emu.clock.advance(12_345)
    result = run_function(emu, app, "clockAndRandom").result
    assert result["now"] == result["date"] == emu.clock.now_ms()


def test_math_random_and_uuids_repeat_for_the_same_seed(app):
    first = run_function(Emulator(seed=7), app, "clockAndRandom").result
    again = run_function(Emulator(seed=7), app, "clockAndRandom").result
    other = run_function(Emulator(seed=8), app, "clockAndRandom").result
    assert first == again and first["random"] != other["random"] and first["uuid"] != other["uuid"]
    assert all(0 <= r < 1 for r in first["random"])


def test_arguments_and_results_cross_as_json():
    project = Project.from_files([{"name": "Code", "type": "SERVER_JS",
                                   "source": "function echo(a, b) { return [a, b, typeof b]; }"}])
    assert run_function(Emulator(), project, "echo", [{"k": [1, None]}, "s"]).result == [
        {"k": [1, None]}, "s", "string"]


def test_a_busy_loop_is_ended_at_the_cap_and_javascript_cannot_catch_it(app):
    emu = Emulator(settings=Settings(js_cpu_limit_ms=100))  # real CPU without a service call
    outcome = run_function(emu, app, "spin")
    assert outcome.error == ScriptError("Exceeded maximum execution time", "Exception")


def test_sleeping_past_six_minutes_ends_the_execution(app):
    outcome = run_function(Emulator(), app, "sleepForever")
    assert outcome.error.message == "Exceeded maximum execution time"
    assert outcome.elapsed_ms == 360_000


def test_the_isolate_is_usable_after_a_termination(app):
    emu = Emulator(settings=Settings(js_cpu_limit_ms=100))
    run_function(emu, app, "spin")
    assert run_function(emu, app, "bump").result == 1
