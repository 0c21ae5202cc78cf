"""clasp 3's command names and short flags are accepted by gasctl (aliases, with a note where it differs)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from gasctl.clasp_names import CLASP_NAMES
from gasctl.cli import main
from gasctl_helpers import script_id_of


@pytest.mark.parametrize("name", sorted(CLASP_NAMES))
def test_every_clasp_name_resolves_to_a_gasctl_command(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert result.stdout == CliRunner().invoke(main, [CLASP_NAMES[name].command, "--help"]).stdout


def test_clasp_name_runs_the_command(gasctl, project):
    gasctl("push")
    assert gasctl("create-version", "release 1").stdout == "Created version 1.\n"
    assert gasctl("list-versions").stdout == "1 version(s)\n1 - release 1\n"


def test_clasp_name_with_a_difference_prints_a_note(gasctl, project):
    result = gasctl("show-file-status")
    assert result.stderr == ""
    result = gasctl("open-script")
    assert result.stderr == "Note: gasctl prints the URL; pass --browser to open it.\n"
    assert result.stdout == f"https://script.google.com/d/{script_id_of(project)}/edit\n"


def test_update_deployment_takes_the_id_as_argument(gasctl, project):
    gasctl("push")
    first = gasctl.json("deploy", "--no-gate", "--new")
    second = gasctl.json("update-deployment", first["deploymentId"], "--no-gate", "-d", "again")
    assert (second["deploymentId"], second["versionNumber"]) == (first["deploymentId"], 2)


def test_clasp_short_flags(gasctl, project):
    gasctl("push")
    gasctl("create-deployment", "--no-gate", "-d", "r1")
    data = gasctl.json("create-deployment", "--no-gate", "-V", "1", "-i",
                       json.loads((project / ".clasp.json").read_text())["deploymentId"])
    assert data["versionNumber"] == 1
    assert json.loads(gasctl("-P", str(project), "--json", "undeploy", "-a").stdout)["deletedDeploymentIds"]


def test_ignore_option_uses_another_ignore_file(gasctl, project, tmp_path):
    ignore = tmp_path / "only-manifest.claspignore"
    ignore.write_text("**/**\n!appsscript.json\n")
    data = gasctl.json("-I", str(ignore), "status")
    assert [f["name"] for f in data["filesToPush"]] == ["appsscript"]


def test_clasp_positional_script_id_and_clone_version(gasctl, project, tmp_path, monkeypatch, api):
    gasctl("push")
    gasctl("version", "one")
    script_id = script_id_of(project)
    other = api.projects().create(body={"title": "other"}).execute()["scriptId"]
    assert gasctl("list-versions", other).stdout == "No versions.\n"
    assert gasctl.json("list-deployments", script_id)[0]["versionNumber"] is None  # HEAD
    clone_dir = tmp_path / "clone"
    clone_dir.mkdir()
    monkeypatch.chdir(clone_dir)
    gasctl("clone-script", script_id, "1")
    assert (clone_dir / "Code.js").is_file()


def test_open_web_app_takes_the_deployment_id_as_argument(gasctl, project):
    gasctl("push")
    dep = gasctl.json("deploy", "--no-gate")
    result = gasctl("open-web-app", dep["deploymentId"])
    assert result.stdout == f"{gasctl.server.base_url}/macros/s/{dep['deploymentId']}/exec\n"
