"""The release rehearsal end to end against the fake API and the V8 runtime: create, push, version, deploy,
call the web app, change, deploy again, roll back; same deployment id and URL throughout. Then the same
from a fresh clone of the project folder (no local state beyond what is committed), and ``run``."""

from __future__ import annotations

import json
import shutil
import urllib.request
from pathlib import Path

from gasctl_helpers import CODE_V1, CODE_V2, needs_runtime, script_id_of, write_files

pytestmark = needs_runtime


def answer(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:  # loopback only: the fake's web app
        return response.read().decode("utf-8")


def test_rehearsal_push_deploy_call_rollback(gasctl, project):
    gasctl("push")
    assert gasctl.json("version", "v1")["versionNumber"] == 1
    first = gasctl.json("deploy", "--no-gate", "--version", "1", "--description", "release 1")
    assert answer(first["webAppUrl"]) == "v1"
    (project / "src" / "Code.js").write_text(CODE_V2)
    gasctl("push")
    second = gasctl.json("deploy", "--no-gate", "--description", "release 2")
    assert second["versionNumber"] == 2
    assert answer(second["webAppUrl"]) == "v2"
    back = gasctl.json("rollback")
    assert answer(back["webAppUrl"]) == "v1"
    assert {first["deploymentId"], second["deploymentId"], back["deploymentId"]} == {first["deploymentId"]}
    assert {first["webAppUrl"], second["webAppUrl"], back["webAppUrl"]} == {first["webAppUrl"]}


def test_rehearsal_from_a_fresh_clone_of_the_project_folder(gasctl, project, tmp_path, monkeypatch):
    gasctl("push")
    first = gasctl.json("deploy", "--no-gate", "-d", "release 1")
    # a CI runner: a git clone of the folder (sources, .clasp.json with deploymentId, committed .gasctl/)
    ci = tmp_path / "ci-checkout"
    shutil.copytree(project, ci)
    monkeypatch.chdir(ci)
    (ci / "src" / "Code.js").write_text(CODE_V2)
    gasctl("push")
    second = gasctl.json("deploy", "--no-gate", "-d", "release 2")
    assert (second["deploymentId"], answer(second["webAppUrl"])) == (first["deploymentId"], "v2")
    # another runner with no local state at all: only `gasctl clone` and the deployment id
    bare = tmp_path / "bare"
    bare.mkdir()
    monkeypatch.chdir(bare)
    gasctl("clone", script_id_of(project))
    back = gasctl.json("rollback", "--deployment-id", first["deploymentId"])
    assert (back["versionNumber"], back["webAppUrl"]) == (1, first["webAppUrl"])
    assert answer(back["webAppUrl"]) == "v1"


def test_clone_then_push_again_round_trips_bytes(gasctl, project, tmp_path, monkeypatch):
    gasctl("push")
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.chdir(other)
    gasctl("clone", script_id_of(project))
    assert (other / "Code.js").read_text() == CODE_V1
    assert gasctl("push").stdout == "Script is already up to date.\n"


def test_run_returns_result(gasctl, project):
    write_files(project / "src", {"Api.js": "function add(a, b) { return a + b; }\n"})
    gasctl("push")
    gasctl("deploy", "--no-gate")
    assert gasctl.json("run", "add", "--params", "[2, 3]")["result"] == 5


def test_run_exits_1_with_script_error_and_stack(gasctl, project):
    write_files(project / "src", {"Api.js": "function boom() {\n  throw new Error('kaput');\n}\n"})
    gasctl("push")
    result = gasctl("run", "boom", "--dev", expect=1)
    assert result.stderr.startswith("Error: boom threw Error: kaput\n    at boom (line 2)")


def test_run_missing_function(gasctl, project):
    gasctl("push")
    result = gasctl("run", "nope", "--dev", expect=1)
    assert "Script function not found: nope" in result.stderr


def test_run_json_error_document(gasctl, project):
    write_files(project / "src", {"Api.js": "function boom() {\n  throw new TypeError('bad');\n}\n"})
    gasctl("push")
    doc = json.loads(gasctl("--json", "run", "boom", "--dev", expect=1).stdout)
    assert doc["error"]["scriptError"]["errorType"] == "TypeError"
    assert Path(".clasp.json").is_file()


def test_run_without_execution_api_says_so(gasctl, project):
    manifest = {"timeZone": "America/New_York", "runtimeVersion": "V8",
                "webapp": {"access": "ANYONE_ANONYMOUS", "executeAs": "USER_DEPLOYING"}}
    write_files(project / "src", {"appsscript.json": json.dumps(manifest),
                                  "Api.js": "function add(a, b) { return a + b; }\n"})
    gasctl("push")
    gasctl("deploy", "--no-gate")
    result = gasctl("run", "add", expect=1)
    assert result.stderr == (
        f"Error: Script {script_id_of(project)} cannot be run through the Apps Script API: none of its "
        "deployments is API executable (no \"executionApi\" section in the manifest). Add "
        "\"executionApi\": {\"access\": \"MYSELF\"} to appsscript.json, then `gasctl push` and "
        "`gasctl deploy`.\n")


def test_run_dev_without_execution_api_says_so(gasctl, project):
    manifest = {"timeZone": "America/New_York", "runtimeVersion": "V8"}
    write_files(project / "src", {"appsscript.json": json.dumps(manifest),
                                  "Api.js": "function add(a, b) { return a + b; }\n"})
    gasctl("push")
    result = gasctl("run", "add", "--dev", expect=1)
    assert result.stderr == (
        f"Error: Script {script_id_of(project)} cannot be run through the Apps Script API: none of its "
        "deployments is API executable and its HEAD manifest has no \"executionApi\" section. Add "
        "\"executionApi\": {\"access\": \"MYSELF\"} to appsscript.json, then `gasctl push`.\n")
