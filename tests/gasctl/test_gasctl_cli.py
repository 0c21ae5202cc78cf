"""The CLI edge: help with examples, lazy imports (bench/gasctl_calls.py times startup), exit codes,
JSON output, retries, error lines, project files (--project, create/clone/open), generate and
the gate wiring."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from click.testing import CliRunner
from gasctl.cli import main
from gasctl_helpers import CODE_V1, WEBAPP_MANIFEST, calls, remote_files, script_id_of, write_files


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_help_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "  Example:\n    gasctl " in result.stdout


def test_help_imports_no_heavy_module():
    code = ("import sys; from gasctl.cli import main\n"
            "heavy = [m for m in ('googleapiclient', 'google.auth', 'rich', 'gas_emulator', 'httplib2') "
            "if m in sys.modules]\nprint(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "[]\n"


def test_usage_error_exits_2(gasctl, project):
    assert gasctl("push", "--bogus", expect=2).stderr.endswith("Error: No such option '--bogus'.\n")


def test_json_error_document_on_failure(gasctl, home):
    result = gasctl("--json", "status", expect=1)
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["error"]["exit_code"] == 1
    assert doc["error"]["message"].startswith("Project settings not found: no .clasp.json in ")


def test_retries_429_and_500_with_backoff(gasctl, project, api):
    gasctl.server.update_settings(fail_next=2, fault_codes=[429, 500])
    gasctl("push")
    assert gasctl.sleeps == [1.0, 2.0]  # the library's backoff: rand() * 2**n, rand fixed at 0.5
    assert [f["name"] for f in remote_files(api, script_id_of(project))] == ["appsscript", "Code"]


def test_retries_give_up_with_one_line(gasctl, project):
    gasctl.server.update_settings(fail_next=5, fault_codes=[503])
    result = gasctl("push", expect=1)
    assert result.stderr.startswith(f"Error: reading script {script_id_of(project)}: 503 ")
    assert result.stderr.count("\n") == 1
    assert gasctl.sleeps == [1.0, 2.0, 4.0, 8.0]


def test_api_not_enabled_message(gasctl, project):
    gasctl.server.update_settings(api_disabled=True)
    result = gasctl("versions", expect=1)
    assert result.stderr == (f"Error: listing versions of {script_id_of(project)}: the Apps Script API is "
                             "not "
                             "enabled for this account (403). Turn it on at https://script.google.com/home/"
                             "usersettings, wait a few minutes, then retry.\n")


def test_not_found_message(gasctl, home):
    Path(".clasp.json").write_text(json.dumps({"scriptId": "doesNotExist"}))
    result = gasctl("diff", expect=1)
    assert result.stderr == ("Error: reading script doesNotExist: not found (404): Requested entity was not "
                             "found. "
                             "Check the scriptId / id you passed.\n")


def test_unauthenticated_message(gasctl, project, tmp_path):
    empty = tmp_path / "empty-token.json"
    empty.write_text(json.dumps({"type": "access_token", "access_token": ""}))
    result = gasctl("--credentials", str(empty), "versions", expect=1)
    assert result.stderr.startswith(f"Error: listing versions of {script_id_of(project)}: not authenticated")
    assert "Run `gasctl login`, or pass --credentials FILE." in result.stderr


def test_unreachable_endpoint(gasctl, project):
    result = gasctl("--api-endpoint", "http://127.0.0.1:9", "versions", expect=1)
    assert result.stderr.startswith("Error: listing versions of ")
    assert ": cannot reach http://127.0.0.1:9 (" in result.stderr


def test_api_endpoint_from_environment(gasctl, project, monkeypatch):
    monkeypatch.setenv("GASCTL_API_ENDPOINT", gasctl.server.base_url)
    result = CliRunner().invoke(main, ["--credentials", str(gasctl.token_file), "versions"])
    assert result.stdout == "No versions.\n"


def test_project_option_selects_environment(gasctl, project, api):
    prod_id = api.projects().create(body={"title": "prod"}).execute()["scriptId"]
    config = json.loads((project / ".clasp.json").read_text())
    (project / ".clasp.prod.json").write_text(json.dumps({**config, "scriptId": prod_id}))
    gasctl("--project", ".clasp.prod.json", "push")
    assert [f["name"] for f in remote_files(api, prod_id)] == ["appsscript", "Code"]
    assert [f["name"] for f in remote_files(api, script_id_of(project))] == ["appsscript"]  # dev untouched
    record = json.loads((project / ".gasctl" / "sync.json").read_text())
    assert set(record["scripts"]) == {script_id_of(project), prod_id}


def test_bad_project_option(gasctl, home):
    result = gasctl("--project", "nope.json", "status", expect=1)
    assert result.stderr == "Error: Invalid --project path: nope.json. File or directory does not exist.\n"


def test_root_dir_escaping_project_is_refused(gasctl, home):
    Path(".clasp.json").write_text(json.dumps({"scriptId": "x", "rootDir": "../.."}))
    result = gasctl("status", expect=1)
    assert 'rootDir "../.." escapes the project root' in result.stderr


def test_create_writes_clasp_json_and_manifest(gasctl, home):
    result = gasctl("--verbose", "create", "--title", "demo", "--type", "api", "--root", "src")
    config = json.loads(Path(".clasp.json").read_text())
    assert list(config) == ["scriptId", "rootDir", "scriptExtensions", "htmlExtensions", "jsonExtensions",
                            "filePushOrder", "skipSubdirectories"]
    assert config["rootDir"] == "src"
    assert json.loads(Path("src/appsscript.json").read_text())["executionApi"] == {"access": "MYSELF"}
    assert calls(result) == 2  # projects.create + getContent, like clasp


def test_create_refuses_existing_project_file(gasctl, home):
    Path(".clasp.json").write_text("{}")
    assert gasctl("create", "--title", "x", expect=1).stderr.startswith("Error: Project file already exists.")


def test_clone_by_url_and_version(gasctl, project, api, tmp_path, monkeypatch):
    gasctl("push")
    gasctl("version", "one")
    script_id = script_id_of(project)
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    gasctl("clone", f"https://script.google.com/d/{script_id}/edit", "--version", "1", "--root", "app")
    assert (other / "app" / "Code.js").read_text() == CODE_V1
    assert json.loads((other / ".clasp.json").read_text())["rootDir"] == "app"


def test_open_prints_urls_and_opens_browser_only_when_asked(gasctl, project):
    opened: list[str] = []
    script_id = script_id_of(project)
    result = gasctl("open", obj={"open_browser": opened.append})
    assert (result.stdout, opened) == (f"https://script.google.com/d/{script_id}/edit\n", [])
    gasctl("push")
    dep = gasctl.json("deploy", "--no-gate")
    gasctl("open", "--webapp", "--browser", obj={"open_browser": opened.append})
    assert opened == [dep["webAppUrl"]]


def test_generate_check_names_changed_files(gasctl, monkeypatch):
    module = types.ModuleType("gas_codegen.render")
    module.render_all = lambda check, **where: ["gas_src/IdService.js"] if check else []
    monkeypatch.setitem(sys.modules, "gas_codegen.render", module)
    (Path.cwd() / "pyproject.toml").write_text("")  # the project generate works on
    result = gasctl("generate", "--check", expect=1)
    assert result.stderr == ("Error: generated files are out of date: gas_src/IdService.js "
                             "(run `gasctl generate`)\n")
    assert gasctl("generate").stdout == "Generated files are up to date.\n"


GATE_TOML = '[tool.gasctl.gate]\nfunction = "doGet"\nseeds = "0:2"\nchecks = ["no-errors"]\n'


def _fake_gate(monkeypatch, ok: bool) -> list:
    seen: list = []
    runtime = types.SimpleNamespace(
        SourceFile=lambda name, type, source: {"name": name, "type": type, "source": source},
        Project=types.SimpleNamespace(from_files=lambda files: list(files)))
    gate = types.ModuleType("gas_emulator.sim.gate")

    def run_gate(project, config):
        seen.append((project, dict(config)))
        return types.SimpleNamespace(ok=ok, summary="2 seeds, 0 failures" if ok else "seed 1: duplicate id",
                                     replay_command="gas-emu replay --seed 1")

    gate.run_gate = run_gate
    monkeypatch.setitem(sys.modules, "gas_emulator.runtime", runtime)
    monkeypatch.setitem(sys.modules, "gas_emulator.sim.gate", gate)
    return seen


def test_push_gate_runs_on_exactly_the_files_sent(gasctl, project, monkeypatch, api):
    (project / "pyproject.toml").write_text(GATE_TOML)
    seen = _fake_gate(monkeypatch, ok=True)
    gasctl("push", "--gate")
    assert seen[0][0] == remote_files(api, script_id_of(project))
    assert seen[0][1]["function"] == "doGet"


def test_deploy_gate_failure_refuses_and_creates_nothing(gasctl, project, monkeypatch, api):
    gasctl("push")
    (project / "pyproject.toml").write_text(GATE_TOML)
    _fake_gate(monkeypatch, ok=False)
    result = gasctl("deploy", expect=1)
    assert result.stderr == ("Error: gate failed: seed 1: duplicate id (replay: gas-emu replay --seed 1). "
                             "Nothing "
                             "was sent; fix the code or pass --no-gate.\n")
    assert "versions" not in api.projects().versions().list(scriptId=script_id_of(project)).execute()
    gasctl("deploy", "--no-gate")


def test_real_gate_on_deploy(gasctl, project):
    try:
        import gas_emulator.sim.gate  # noqa: F401
        from gas_emulator.runtime import Project  # noqa: F401
    except ImportError as err:
        pytest.skip(f"gas_emulator.sim.gate / runtime not importable yet: {err}")
    write_files(project / "src", {"appsscript.json": WEBAPP_MANIFEST,
                                   "Ids.js": "function nextId() { return Utilities.getUuid(); }\n"})
    (project / "pyproject.toml").write_text(GATE_TOML.replace('"doGet"', '"nextId"'))
    gasctl("push")
    result = gasctl("deploy")
    assert "gate passed: " in result.stderr


def test_gate_replay_names_root_dir_and_bad_config_is_named(gasctl, project, monkeypatch):
    (project / "pyproject.toml").write_text(GATE_TOML)
    seen = _fake_gate(monkeypatch, ok=True)
    gasctl("push", "--gate")
    assert seen[0][1]["root"] == "src"

    def bad_gate(project, config):
        raise ValueError("[tool.gasctl.gate]: unknown keys sedes (known: args, checks)")

    monkeypatch.setattr(sys.modules["gas_emulator.sim.gate"], "run_gate", bad_gate)
    (project / "src" / "Code.js").write_text("// changed\n")
    result = gasctl("push", "--gate", expect=1)
    assert result.stderr == ("Error: pyproject.toml: [tool.gasctl.gate]: unknown keys sedes (known: args, "
                             "checks)\n")


def test_json_after_the_command(gasctl, project):
    data = json.loads(gasctl("status", "--json").stdout)
    assert [f["name"] for f in data["filesToPush"]] == ["appsscript", "Code"]


def test_unknown_command_with_json_prints_an_error_document(gasctl, home):
    result = gasctl("--json", "frob", expect=2)
    assert json.loads(result.stdout) == {"ok": False, "error": {"exit_code": 2,
                                                                "message": "No such command 'frob'."}}


def test_bad_option_with_json_after_it_prints_an_error_document(gasctl, project):
    result = gasctl("status", "--bogus", "--json", expect=2)
    assert json.loads(result.stdout)["error"]["message"] == "No such option '--bogus'."


def test_plain_http_endpoint_off_this_machine_is_refused(gasctl, project):
    result = gasctl("--api-endpoint", "http://api.example.com", "versions", expect=2)
    assert result.stderr.endswith(
        "Error: Invalid value for '--api-endpoint': http://api.example.com: plain http is allowed only to "
        "this machine (localhost, 127.0.0.1, ::1); the access token would travel in clear. Use https://.\n")


def test_create_where_a_manifest_exists_creates_nothing(gasctl, home, server):
    from gas_emulator.api_server import records as rec

    write_files(Path.cwd(), {"appsscript.json": "{}"})
    result = gasctl("create", "--title", "t", expect=1)
    assert result.stderr == (
        f"Error: {Path.cwd() / 'appsscript.json'} already exists: `gasctl create` writes the new script's "
        "manifest there. Nothing was created. Use another --root DIR for the new script (then copy your "
        "files in and `gasctl push`), or move the file away.\n")
    assert server.store.doc_keys(rec.NS_PROJECTS) == []


def test_create_bound_to_a_container(gasctl, home, api):
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp_-q/edit#gid=0"
    gasctl("create", "--title", "bound", "--parentId", url)
    config = json.loads(Path(".clasp.json").read_text())
    assert config["parentId"] == "1AbCdEfGhIjKlMnOp_-q"
    assert api.projects().get(scriptId=config["scriptId"]).execute()["parentId"] == "1AbCdEfGhIjKlMnOp_-q"


def test_create_refuses_a_bad_parent_id(gasctl, home, server):
    from gas_emulator.api_server import records as rec

    result = gasctl("create", "--title", "t", "--parentId", "not an id", expect=2)
    assert result.stderr.endswith(
        "Error: Invalid value for '--parentId' / '--parent-id': 'not an id' is not a Drive file id (10 or "
        "more of A-Z a-z 0-9 _ -) or a Google Docs/Sheets/Slides/Forms URL\n")
    assert server.store.doc_keys(rec.NS_PROJECTS) == []


def test_bad_global_option_with_json_prints_an_error_document(gasctl, project):
    result = gasctl("--json", "--api-endpoint", "http://api.example.com", "versions", expect=2)
    assert json.loads(result.stdout)["error"]["exit_code"] == 2
