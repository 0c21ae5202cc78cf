"""Characters above U+FFFF survive literals and every service returning a plain string (issue #12).

Before the fix STPyV8 cut each such character to 16 bits (U+1F642 became U+F642) on its way into V8.
"""

from __future__ import annotations

import json
from urllib.parse import quote

from click.testing import CliRunner

from gas_emulator import Emulator
from gas_emulator.cli import main
from gas_emulator.runtime import run_function, run_web_request
from gas_emulator.runtime.text import v8_source

TEXT = "a\U0001F642b\U0001F600\U0001D465"


def test_string_literals_keep_their_code_points(load):
    # length 8 (3 surrogate pairs), U+1F642, template, regex with and without u, "\🙂", spread
    assert run_function(Emulator(), load("gas_emoji"), "literals").result == [
        8, 0x1F642, ord("b"), True, True, True, 5]


def test_get_property_returns_what_was_set(load):
    result = run_function(Emulator(), load("gas_emoji"), "roundTrip").result
    assert (result["property"], result["same"][0]) == (TEXT, True)


def test_cache_get_returns_what_was_put(load):
    result = run_function(Emulator(), load("gas_emoji"), "roundTrip").result
    assert (result["cache"], result["same"][1]) == (TEXT, True)


def test_format_string_keeps_them(load):
    assert run_function(Emulator(), load("gas_emoji"), "roundTrip").result["format"] == f"<{TEXT}>"


def test_get_log_keeps_them(load):
    assert run_function(Emulator(), load("gas_emoji"), "roundTrip").result["log"].endswith(f"INFO: {TEXT}\n")


def test_an_argument_from_python_keeps_them(load):
    result = run_function(Emulator(), load("gas_emoji"), "roundTrip", ["x\U0001F680"]).result
    assert result["property"] == "x\U0001F680" and result["same"] == [True, True, True, True]


def test_a_property_key_and_a_format_date_literal_keep_them(load):
    result = run_function(Emulator(), load("gas_emoji"), "roundTrip").result
    assert (result["keyed"], result["date"]) == (True, f"{TEXT} 1970")


def test_gas_emu_run_json_output_keeps_them(fixtures):
    out = CliRunner().invoke(main, ["run", "--root", str(fixtures / "gas_emoji"), "--json", "roundTrip"])
    doc = json.loads(out.stdout)
    assert (doc["result"]["property"], doc["logs"]) == (TEXT, [{"level": "info", "text": TEXT}])


def test_simulate_results_keep_them(fixtures):
    out = CliRunner().invoke(main, ["simulate", "--root", str(fixtures / "gas_emoji"), "--function",
                                    "roundTrip", "-n", "2", "--json"])
    results = [e["result"] for e in json.loads(out.stdout)["executions"]]
    assert [r["cache"] for r in results] == [TEXT, TEXT]


def test_a_web_app_request_keeps_them(load):
    response = run_web_request(Emulator(), load("gas_emoji"), "GET", query="text=" + quote(TEXT))
    assert json.loads(response.body)["property"] == TEXT


def test_an_escaped_backslash_before_an_emoji_stays_a_backslash():
    assert v8_source("'\\\\\U0001F642'") == "'\\\\\\uD83D\\uDE42'"


def test_a_lone_surrogate_written_by_a_script_comes_back_unchanged(one_file_project):
    project = one_file_project(
        "function f() { var p = PropertiesService.getScriptProperties(); p.setProperty('k', 'a\\ud800b');"
        " var v = p.getProperty('k'); return [v === 'a\\ud800b', p.getProperties().k === 'a\\ud800b']; }")
    assert run_function(Emulator(), project, "f").result == [True, True]


def test_gas_emu_run_json_carries_a_lone_surrogate_as_an_escape(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function f() { return 'a\\ud800' + '\U0001F642'; }")
    out = CliRunner().invoke(main, ["run", "--root", str(tmp_path), "--json", "f"])
    assert (out.exit_code, out.stdout) == (
        0, '{"ok": true, "result": "a\\ud800\\ud83d\\ude42", "error": null, "logs": [], "elapsed_ms": 0.0, '
           '"output": null}\n')
