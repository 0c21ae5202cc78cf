"""versions / version / restore / deployments / deploy / undeploy / rollback against the fake API."""

from __future__ import annotations

import json

from gasctl_helpers import CODE_V2, calls, remote_files, script_id_of


def deployed(gasctl, *args: str) -> dict:
    return gasctl.json("deploy", "--no-gate", *args)


def test_version_and_versions(gasctl, project):
    gasctl("push")
    assert gasctl.json("version", "first") == {"versionNumber": 1, "description": "first"}
    gasctl("version")
    result = gasctl("versions")
    assert result.stdout == "2 version(s)\n2 - (no description)\n1 - first\n"


def test_version_refused_at_200_cap(gasctl, project, server):
    gasctl("push")
    script_id = script_id_of(project)
    for _ in range(200):
        server.backend.create_version(script_id, {})
    result = gasctl("version", "one too many", expect=1)
    assert result.stderr == (
        f"Error: Script {script_id} already has 200 versions; Apps Script allows up to 200 and the API "
        "cannot "
        "delete versions. Delete unused versions in the Apps Script editor (Project history), or deploy an "
        "existing version with --version N. Nothing was created.\n")


def test_deploy_creates_version_and_deployment_and_saves_id(gasctl, project):
    gasctl("push")
    data = deployed(gasctl, "--description", "release 1")
    assert (data["versionNumber"], data["description"], data["previousVersion"]) == (1, "release 1", None)
    assert data["webAppUrl"] == f"{gasctl.server.base_url}/macros/s/{data['deploymentId']}/exec"
    assert json.loads((project / ".clasp.json").read_text())["deploymentId"] == data["deploymentId"]


def test_second_deploy_updates_in_place(gasctl, project):
    gasctl("push")
    first = deployed(gasctl, "--description", "release 1")
    (project / "src" / "Code.js").write_text(CODE_V2)
    gasctl("push")
    second = deployed(gasctl, "--description", "release 2")
    assert (second["deploymentId"], second["webAppUrl"]) == (first["deploymentId"], first["webAppUrl"])
    assert (second["versionNumber"], second["previousVersion"]) == (2, 1)
    assert second["description"] == "release 2 [gasctl prev=1]"


def test_deploy_existing_version(gasctl, project):
    gasctl("push")
    gasctl("version", "v1")
    data = deployed(gasctl, "--version", "1")
    assert data["versionNumber"] == 1
    assert gasctl("versions").stdout.startswith("1 version(s)")


def test_deploy_refuses_missing_version(gasctl, project):
    gasctl("push")
    result = gasctl("deploy", "--no-gate", "--version", "9", expect=1)
    script_id = script_id_of(project)
    assert result.stderr == f"Error: Version 9 does not exist in script {script_id}. Nothing was changed.\n"


def test_deploy_refused_at_20_deployment_cap_before_creating_a_version(gasctl, project, server, api):
    gasctl("push")
    script_id = script_id_of(project)
    server.backend.create_version(script_id, {})
    for _ in range(20):
        server.backend.create_deployment(script_id, {"versionNumber": 1, "manifestFileName": "appsscript"})
    result = gasctl("deploy", "--no-gate", expect=1)
    assert result.stderr == (
        "Error: Scripts may only have up to 20 versioned deployments at a time, and script "
        f"{script_id} has 20. Update one in place with --deployment-id ID, or remove one with `gasctl "
        "undeploy "
        "ID`. Nothing was created.\n")
    assert len(api.projects().versions().list(scriptId=script_id).execute()["versions"]) == 1


def test_deploy_refused_at_version_cap_before_creating_a_deployment(gasctl, project, server, api):
    gasctl("push")
    script_id = script_id_of(project)
    for _ in range(200):
        server.backend.create_version(script_id, {})
    gasctl("deploy", "--no-gate", expect=1)
    assert len(api.projects().deployments().list(scriptId=script_id).execute()["deployments"]) == 1  # HEAD


def test_deployments_lists_head_and_versioned(gasctl, project):
    gasctl("push")
    dep = deployed(gasctl, "-d", "release 1")
    lines = gasctl("deployments").stdout.splitlines()
    assert lines[0] == "2 deployment(s)"
    assert lines[1].endswith(" @HEAD")
    assert lines[2] == f"- {dep['deploymentId']} @1 - release 1"


def test_undeploy_refuses_head(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    head = api.projects().deployments().list(scriptId=script_id).execute()["deployments"][0]["deploymentId"]
    result = gasctl("undeploy", head, expect=1)
    assert result.stderr == (f"Error: {head} is the HEAD deployment: Read-only deployments may not be "
                             "modified.\n")


def test_undeploy_all_keeps_head_and_content(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    deployed(gasctl)
    deployed(gasctl, "--new")
    before = remote_files(api, script_id)
    data = gasctl.json("undeploy", "--all")
    assert len(data["deletedDeploymentIds"]) == 2
    remaining = api.projects().deployments().list(scriptId=script_id).execute()["deployments"]
    assert [d["deploymentConfig"].get("versionNumber") for d in remaining] == [None]
    assert remote_files(api, script_id) == before


def test_undeploy_needs_id_or_all(gasctl, project):
    assert "pass a deployment ID or --all" in gasctl("undeploy", expect=2).stderr


def test_rollback_to_recorded_previous_version(gasctl, project):
    gasctl("push")
    first = deployed(gasctl, "-d", "one")
    (project / "src" / "Code.js").write_text(CODE_V2)
    gasctl("push")
    deployed(gasctl, "-d", "two")
    data = gasctl.json("rollback")
    assert (data["deploymentId"], data["versionNumber"]) == (first["deploymentId"], 1)
    assert data["rolledBackFrom"] == 2
    assert data["description"] == "two [gasctl prev=2]"
    assert gasctl.json("rollback")["versionNumber"] == 2  # a second rollback undoes the first


def test_rollback_to_explicit_version(gasctl, project):
    gasctl("push")
    deployed(gasctl)
    deployed(gasctl)
    deployed(gasctl)
    result = gasctl("--verbose", "rollback", "--to", "1")
    assert "Rolled back " in result.stdout and "from version 3 to version 1." in result.stdout
    assert calls(result) == 3  # deployments.get, versions.get, deployments.update


def test_rollback_refuses_missing_version(gasctl, project):
    gasctl("push")
    dep = deployed(gasctl)
    result = gasctl("rollback", "--to", "7", expect=1)
    script_id = script_id_of(project)
    assert result.stderr == f"Error: Version 7 does not exist in script {script_id}. Nothing was changed.\n"
    assert gasctl.json("deployments")[1]["versionNumber"] == dep["versionNumber"]


def test_rollback_without_record_asks_for_to(gasctl, project):
    gasctl("push")
    dep = deployed(gasctl)
    result = gasctl("rollback", expect=1)
    assert result.stderr == (f"Error: Deployment {dep['deploymentId']} has no recorded previous version (no "
                             "\"[gasctl prev=N]\" in its description); pass --to VERSION. Nothing was "
                             "changed.\n")


def test_rollback_without_deployment_is_usage_error(gasctl, project):
    assert "no deployment to roll back" in gasctl("rollback", expect=2).stderr


def test_restore_makes_head_equal_a_version(gasctl, project, api):
    gasctl("push")
    gasctl("version", "v1")
    (project / "src" / "Code.js").write_text(CODE_V2)
    gasctl("push")
    gasctl("restore", "--version", "1")
    script_id = script_id_of(project)
    assert remote_files(api, script_id) == remote_files(api, script_id, 1)
    assert (project / "src" / "Code.js").read_text() == CODE_V2  # local files untouched
    gasctl("pull")  # local files unchanged since the last sync: pull brings version 1 down
    assert "v1" in (project / "src" / "Code.js").read_text()


def test_undeploy_all_removes_the_dead_deployment_id(gasctl, project):
    gasctl("push")
    deployed(gasctl)
    result = gasctl("undeploy", "--all")
    assert result.stderr.startswith("Removed deploymentId ")
    assert "deploymentId" not in json.loads((project / ".clasp.json").read_text())


def test_deploy_after_undeploy_all_creates_and_records_a_new_deployment(gasctl, project):
    gasctl("push")
    first = deployed(gasctl)
    gasctl("undeploy", "--all")
    second = deployed(gasctl)
    assert second["deploymentId"] != first["deploymentId"]
    assert json.loads((project / ".clasp.json").read_text())["deploymentId"] == second["deploymentId"]


def test_deploy_with_a_configured_id_deleted_elsewhere_says_what_to_do(gasctl, project, api):
    gasctl("push")
    dead = deployed(gasctl)["deploymentId"]
    api.projects().deployments().delete(scriptId=script_id_of(project), deploymentId=dead).execute()
    result = gasctl("deploy", "--no-gate", expect=1)
    assert result.stderr == (f"Error: Deployment {dead} (deploymentId in .clasp.json) not found in script "
                             f"{script_id_of(project)}. Run `gasctl deploy --new` to create one and record "
                             "it.\n")


def test_deploy_new_replaces_a_configured_id_deleted_elsewhere(gasctl, project, api):
    gasctl("push")
    dead = deployed(gasctl)["deploymentId"]
    api.projects().deployments().delete(scriptId=script_id_of(project), deploymentId=dead).execute()
    fresh = deployed(gasctl, "--new")["deploymentId"]
    assert json.loads((project / ".clasp.json").read_text())["deploymentId"] == fresh


def test_undeploy_one_is_one_call(gasctl, project):
    gasctl("push")
    target = deployed(gasctl, "--new")["deploymentId"]
    assert calls(gasctl("--verbose", "undeploy", target)) == 1
