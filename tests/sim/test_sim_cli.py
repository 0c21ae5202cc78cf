"""gas-emu simulate / explore / replay on the command line (click's CliRunner, in process)."""

from __future__ import annotations

import json
import shlex
import shutil

import pytest
from click.testing import CliRunner
from sim_helpers import JS_LOCKED, PY_WORKLOADS

from gas_emulator.cli import main
from gas_emulator.sim import explore as explore_module

PY = ["--python", str(PY_WORKLOADS)]


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", ["simulate", "explore", "replay"])
def test_every_command_has_help_with_an_example(command):
    result = _run(command, "--help")
    assert result.exit_code == 0
    assert f"\n    gas-emu {command} " in result.output  # an example, kept on its own line by click's \\b


def test_simulate_json_is_one_document_with_executions_and_trace_hash():
    result = _run("simulate", *PY, "--function", "counter_with_lock", "-n", "5", "--users", "2",
                  "--seed", "3", "--json", "--check", "unique")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert len(doc["trace_hash"]) == 64
    assert doc["seed"] == 3 and doc["ok"] is True
    assert sorted(e["result"] for e in doc["executions"]) == [1, 2, 3, 4, 5]
    assert set(doc["executions"][0]) >= {"user", "result", "error", "start_ms", "end_ms"}
    assert set(doc["summary"]["latency_ms"]) == {"p50", "p95", "p99", "max"}


def test_failed_check_exits_1_and_prints_seed_and_replay_command():
    result = _run("simulate", *PY, "--function", "counter_no_lock", "-n", "10", "--seed", "4",
                  "--check", "unique")
    assert result.exit_code == 1
    assert "seed 4 fails; replay with:" in result.output
    expected = (f"gas-emu replay --python {PY_WORKLOADS} --function counter_no_lock --executions 10 "
                "--users 1 --seed 4 --latency gas --faults none --check unique")
    assert expected in result.output.replace("\n", " ")


def test_piped_output_keeps_the_trace_hash_and_replay_command_whole():
    args = ["simulate", *PY, "--function", "counter_no_lock", "-n", "10", "--seed", "4", "--check", "unique"]
    doc = json.loads(_run(*args, "--json").output)
    lines = _run(*args).output.splitlines()
    assert doc["replay_command"] in lines  # one line, never wrapped at 80 columns nor cut with "…"
    assert any(line.split() == ["│", "trace", "hash", "│", doc["trace_hash"], "│"] for line in lines)


def test_replay_reproduces_the_simulated_trace_hash():
    sim = json.loads(_run("simulate", *PY, "--function", "six_calls", "-n", "8", "--users", "2",
                          "--seed", "21", "--faults", "all", "--json").output)
    command = shlex.split(sim["replay_command"])
    assert command[:2] == ["gas-emu", "replay"]
    replayed = _run(*command[1:])
    assert replayed.exit_code == 0
    assert replayed.output.splitlines()[-1].startswith(f"trace hash {sim['trace_hash']} (")
    first = json.loads(replayed.output.splitlines()[0])
    assert first[0].startswith("e00") and first[2] in ("lock.acquire", "properties.get")


def test_replay_json_includes_the_trace():
    doc = json.loads(_run("replay", *PY, "--function", "counter_no_lock", "--seed", "0",
                          "--latency", "zero", "--json").output)
    assert [e[2] for e in doc["trace"]] == ["properties.get", "properties.set"]


def test_explore_reports_the_first_failing_seed():
    result = _run("explore", *PY, "--function", "counter_no_lock", "-n", "10", "--seeds", "0:20",
                  "--check", "unique", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.output)
    assert doc["seeds_run"] == 1 and doc["failures"][0]["seed"] == 0
    assert doc["failures"][0]["replay_command"].startswith("gas-emu replay ")


def test_explore_shard_runs_its_share_and_passes():
    result = _run("explore", *PY, "--function", "counter_with_lock", "-n", "5", "--seeds", "0:10",
                  "--shard", "2/3", "--check", "unique", "--json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["seeds"] == [1, 4, 7] and doc["seeds_run"] == 3 and doc["ok"] is True


def test_explore_stopped_by_ctrl_c_reports_the_seeds_it_ran(monkeypatch):
    real = explore_module.simulate
    runs = []

    def simulate_until_interrupted(*args, **kw):
        runs.append(kw["seed"])
        if len(runs) == 4:
            raise KeyboardInterrupt  # Ctrl-C during the fourth seed
        return real(*args, **kw)

    monkeypatch.setattr(explore_module, "simulate", simulate_until_interrupted)
    result = _run("explore", *PY, "--function", "counter_with_lock", "-n", "5", "--seeds", "0:100",
                  "--check", "unique", "--jobs", "1")
    assert result.exit_code == 130
    assert "3 seeds run (shard 1/1) before Ctrl-C stopped the range: all passed" in result.output


def test_explore_json_is_the_same_with_two_jobs():
    command = ["explore", *PY, "--function", "rare_failure", "-n", "3", "--users", "2", "--seeds", "2:40",
               "--all", "--check", "no-errors", "--json"]
    one, two = _run(*command, "--jobs", "1"), _run(*command, "--jobs", "2")
    assert two.exit_code == one.exit_code == 1
    assert json.loads(two.output) == json.loads(one.output)
    assert [f["seed"] for f in json.loads(two.output)["failures"]] == [15, 22, 29, 30, 32, 36]


def test_explore_shrink_prints_a_smaller_replay():
    result = _run("explore", *PY, "--function", "counter_no_lock", "-n", "20", "--seeds", "0:5",
                  "--check", "unique", "--shrink")
    assert result.exit_code == 1
    assert "shrunk to 2 executions: gas-emu replay " in result.output


def test_report_dir_gets_a_self_contained_html_timeline(tmp_path):
    result = _run("simulate", *PY, "--function", "counter_with_lock", "-n", "6", "--report",
                  str(tmp_path / "rep"))
    assert result.exit_code == 0
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "<svg" in html and "held lock script" in html and "waited for lock script" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert json.loads((tmp_path / "rep" / "report.json").read_text())["summary"]["executions"] == 6


@pytest.mark.parametrize(("args", "message"), [
    (["--function", "f"], "a workload needs exactly one of a JavaScript project (--root) or a "
                          "Python function (--python)"),
    ([*PY, "--function", "nope"], "has no function 'nope'"),
    ([*PY, "--function", "counter_no_lock", "--args", "{}"], "--args must be a JSON array"),
    ([*PY, "--function", "counter_no_lock", "--faults", "kill=3"],
     "--faults: fault probability for kill must be between 0 and 1, not 3.0"),
])
def test_usage_errors_exit_2_with_a_clear_message(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no .clasp.json above: no default project
    result = CliRunner().invoke(main, ["simulate", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_an_unknown_javascript_function_is_a_usage_error():
    result = CliRunner().invoke(main, ["simulate", "--root", str(JS_LOCKED), "--function", "nope"])
    assert result.exit_code == 2
    assert "Error: Script function not found: nope" in result.output


def test_a_folder_without_a_project_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["simulate", "--root", str(tmp_path), "--function", "f", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["message"] == (
        f"no Apps Script project at {tmp_path}: appsscript.json is missing")


def test_the_project_defaults_to_the_root_dir_of_clasp_json(tmp_path, monkeypatch):
    shutil.copytree(JS_LOCKED, tmp_path / "src")
    (tmp_path / ".clasp.json").write_text('{"scriptId": "x", "rootDir": "src"}')
    monkeypatch.chdir(tmp_path)
    doc = json.loads(_run("simulate", "--function", "nextId", "-n", "3", "--json").output)
    assert doc["ok"] is True and len(doc["executions"]) == 3
    assert " --root src --function " in doc["replay_command"]


def test_the_push_order_of_clasp_json_is_honoured(tmp_path, monkeypatch):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "appsscript.json").write_text("{}")
    (tmp_path / "src" / "a.js").write_text("var derived = base + 1;\nfunction f() { return derived; }\n")
    (tmp_path / "src" / "b.js").write_text("var base = 10;\n")  # must run first: filePushOrder says so
    (tmp_path / ".clasp.json").write_text(
        '{"scriptId": "x", "rootDir": "src", "filePushOrder": ["src/b.js", "src/a.js"]}')
    monkeypatch.chdir(tmp_path)
    doc = json.loads(_run("simulate", "--function", "f", "--json").output)
    assert [e["result"] for e in doc["executions"]] == [11]


def test_function_defaults_to_the_one_named_after_the_module(tmp_path, monkeypatch):
    (tmp_path / "myproj").mkdir()
    (tmp_path / "myproj" / "ids.py").write_text(
        "def next_id(ex):\n    return ex.Utilities.getUuid()\n")
    monkeypatch.chdir(tmp_path)  # a package in the current folder, not on sys.path before
    result = _run("simulate", "--python", "myproj.ids:next_id", "-n", "3", "--check", "unique")
    assert result.exit_code == 0, result.output


def test_a_python_module_without_a_function_needs_function(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["simulate", "--python", "mod"])
    assert result.exit_code == 2
    assert "Error: Missing option '--function' (or name it as --python MODULE:FUNCTION)." in result.output


def test_human_output_shows_the_summary_and_trace_hash():
    result = _run("simulate", *PY, "--function", "counter_with_lock", "-n", "3", "--seed", "1")
    assert result.exit_code == 0
    assert "latency p50 / p95 / p99" in result.output and "trace hash" in result.output


def test_trace_hash_is_the_same_in_another_process_with_another_hash_seed():
    import os
    import subprocess
    import sys

    args = [*PY, "--function", "six_calls", "-n", "12", "--users", "3", "--seed", "9", "--faults", "all"]
    here = json.loads(_run("simulate", *args, "--json").output)["trace_hash"]
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-m", "gas_emulator.cli", "simulate", *args, "--json"],
                         capture_output=True, text=True, env=env, check=False)
    assert json.loads(out.stdout)["trace_hash"] == here


def test_a_usage_error_with_json_is_a_json_document_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["simulate", "--python", "mod", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {"ok": False, "error": {
        "message": "Missing option '--function' (or name it as --python MODULE:FUNCTION).", "exit_code": 2}}
    assert "Error: Missing option '--function'" in result.stderr


def test_the_current_folder_is_the_project_when_it_holds_appsscript_json(tmp_path, monkeypatch):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text("function f() { return Utilities.getUuid().length; }")
    monkeypatch.chdir(tmp_path)
    doc = json.loads(_run("simulate", "--function", "f", "-n", "2", "--json").output)
    assert [e["result"] for e in doc["executions"]] == [36, 36]
    assert " --root . --function f " in doc["replay_command"]
