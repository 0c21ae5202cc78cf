"""gas-emu run: arguments, --json, --state, exit statuses, one-line errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gas_emulator.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, ["run", *args])


def test_json_output_is_one_document(fixtures):
    result = _run("--root", str(fixtures / "gas_app"), "--json", "uncaught")
    doc = json.loads(result.stdout)
    assert result.exit_code == 1
    assert doc == {"ok": False, "result": None,
                   "error": {"message": "bad input", "exit_code": 1, "type": "TypeError",
                             "stack": [{"function": "helper", "file": "Code", "line": 23},
                                       {"function": "uncaught", "file": "Code", "line": 19}]},
                   "logs": [{"level": "info", "text": "step 1"}, {"level": "warn", "text": "about to fail"}],
                   "elapsed_ms": 0.0, "output": None}


def test_state_keeps_a_property_between_two_runs(fixtures, tmp_path):
    state = str(tmp_path / "state.sqlite")
    first = _run("--root", str(fixtures / "gas_app"), "--state", state, "bump")
    second = _run("--root", str(fixtures / "gas_app"), "--state", state, "bump")
    assert (first.exit_code, first.stdout, second.stdout) == (0, "1\n", "2\n")


def test_args_are_json_when_they_parse_else_strings(fixtures, tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function f(a, b, c) { return [a, typeof a, b, c]; }")
    result = _run("--root", str(tmp_path), "f", "12", "hello", '{"k": [true]}')
    assert json.loads(result.stdout) == [12, "number", "hello", {"k": [True]}]


def test_a_missing_function_is_one_line_and_exit_2(fixtures):
    result = _run("--root", str(fixtures / "gas_app"), "nope")
    assert (result.exit_code, result.stderr) == (2, "ScriptError: Script function not found: nope\n")


def test_get_uuid_differs_between_two_runs_on_one_state_file(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function id() { return Utilities.getUuid(); }")
    state = str(tmp_path / "state.sqlite")
    first, second = (_run("--root", str(tmp_path), "--state", state, "id") for _ in range(2))
    assert first.exit_code == second.exit_code == 0
    assert first.stdout != second.stdout


def test_a_seed_makes_get_uuid_repeatable(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function id() { return Utilities.getUuid(); }")
    first, second = (_run("--root", str(tmp_path), "--seed", "5", "id") for _ in range(2))
    assert first.stdout == second.stdout and len(json.loads(first.stdout)) == 36


def test_a_missing_project_is_one_line_and_exit_2(tmp_path):
    result = _run("--root", str(tmp_path / "absent"), "f")
    assert (result.exit_code, result.stderr) == (
        2, f"Error: no Apps Script project at {tmp_path / 'absent'}: not a directory\n")


def test_run_has_help_with_an_example():
    result = CliRunner().invoke(main, ["run", "--help"])
    assert result.exit_code == 0 and "Example: gas-emu run" in result.output


WEB_APP = """function doGet(e) { return ContentService.createTextOutput('{"n": 1}')
                                 .setMimeType(ContentService.MimeType.JSON); }
function page() { return HtmlService.createHtmlOutput("<p>hi</p>\\n"); }
"""


def _web_app(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text(WEB_APP)
    return str(tmp_path)


def test_a_text_output_prints_the_content_a_web_app_serves(tmp_path):
    result = _run("--root", _web_app(tmp_path), "doGet")
    assert (result.exit_code, result.stdout) == (0, '{"n": 1}\n')


def test_an_html_output_prints_its_content_as_it_is(tmp_path):
    result = _run("--root", _web_app(tmp_path), "page")
    assert (result.exit_code, result.stdout) == (0, "<p>hi</p>\n")


def test_json_gives_an_outputs_mime_type_and_content(tmp_path):
    doc = json.loads(_run("--root", _web_app(tmp_path), "--json", "doGet").stdout)
    assert (doc["ok"], doc["result"], doc["output"]) == (
        True, None, {"mimeType": "application/json", "content": '{"n": 1}'})


def test_json_output_is_null_for_a_plain_value(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function f() { return 'x'; }")
    doc = json.loads(_run("--root", str(tmp_path), "--json", "f").stdout)
    assert (doc["result"], doc["output"]) == ("x", None)
