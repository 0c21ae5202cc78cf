"""ContentService and HtmlService are globals of every execution (gas-emu run, simulate, web apps)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gas_emulator import Emulator
from gas_emulator.cli import main
from gas_emulator.runtime import WebResponse, run_function, run_web_request
from gas_emulator.sim.runner import simulate
from gas_emulator.sim.workload import Workload


def test_content_service_in_a_plain_function_call(load):
    outcome = run_function(Emulator(), load("gas_outputs"), "textOutside")
    assert (outcome.error, outcome.result) == (None, "ab:CSV")


def test_html_service_reads_the_project_file_in_a_plain_function_call(load):
    outcome = run_function(Emulator(), load("gas_outputs"), "htmlOutside")
    assert (outcome.error, outcome.result) == (None, "<p>from a file</p>")


def test_gas_emu_run_calls_do_get_without_a_request(fixtures):
    result = CliRunner().invoke(main, ["run", "--root", str(fixtures / "gas_outputs"), "--json",
                                       "htmlOutside"])
    assert (result.exit_code, json.loads(result.stdout)["result"]) == (0, "<p>from a file</p>")


def test_the_help_example_runs_do_get_of_gas_src():
    # `gas-emu --help`: "Example: gas-emu run --root gas_src doGet"
    result = CliRunner().invoke(main, ["run", "--root", "gas_src", "--json", "doGet"])
    assert (result.exit_code, json.loads(result.stdout)["error"]) == (0, None)


def test_simulated_executions_see_both_services(fixtures):
    workload = Workload(function="textOutside", root=str(fixtures / "gas_outputs"), executions=3)
    report = simulate(workload, seed=1)
    assert [rec.result for rec in report.executions] == ["ab:CSV"] * 3


def test_a_web_request_still_answers_with_them(load):
    response = run_web_request(Emulator(), load("gas_outputs"), "GET")
    assert response == WebResponse(200, "text/plain", "<p>from a file</p>")


def test_python_executions_carry_them_too():
    with Emulator().execution() as ex:
        text = ex.ContentService.createTextOutput("x").setMimeType("JSON")
        assert (text.getContent(), text.media_type()) == ("x", "application/json")
