"""list / delete / open-container / apis end to end: the real CLI and client library against the fake
API server, which serves Drive v3 and Service Usage v1 beside the Apps Script API."""

from __future__ import annotations

import json

import pytest
from gasctl_helpers import script_id_of


@pytest.fixture
def with_gcp(project):
    config = json.loads((project / ".clasp.json").read_text())
    config.update(projectId="my-gcp", parentId="1Sheet_Id-0")
    (project / ".clasp.json").write_text(json.dumps(config))
    return project


def manifest_services(project) -> list[dict]:
    manifest = json.loads((project / "src" / "appsscript.json").read_text())
    return manifest["dependencies"]["enabledAdvancedServices"]


# -- list -------------------------------------------------------------------------------------------
def test_list_prints_scripts_like_clasp(gasctl, api, home):
    long_id = api.projects().create(body={"title": "A very long script name indeed"}).execute()["scriptId"]
    result = gasctl("list")
    assert result.stdout == f"Found 1 script.\nA very long script … - https://script.google.com/d/{long_id}/edit\n"


def test_list_no_shorten_keeps_long_names(gasctl, api, home):
    api.projects().create(body={"title": "A very long script name indeed"}).execute()
    second_line = gasctl("list", "--noShorten").stdout.splitlines()[1]
    assert second_line.startswith("A very long script name indeed - ")


def test_list_with_no_scripts(gasctl, home):
    assert gasctl("list").stdout == "No script files found.\n"


def test_list_leaves_out_bound_scripts(gasctl, api, home):
    api.projects().create(body={"title": "in a sheet", "parentId": "1Sheet_Id-0"}).execute()
    alone = api.projects().create(body={"title": "alone"}).execute()["scriptId"]
    assert gasctl.json("list") == [{"id": alone, "name": "alone"}]


def test_list_reads_every_page(gasctl, api, home):
    made = [api.projects().create(body={"title": f"s{n:03}"}).execute()["scriptId"] for n in range(101)]
    listed = gasctl.json("list")
    assert sorted(s["id"] for s in listed) == sorted(made)


# -- delete ---------------------------------------------------------------------------------------
def test_delete_then_list_no_longer_shows_the_script(gasctl, project):
    script_id = script_id_of(project)
    assert gasctl.json("list") == [{"id": script_id, "name": "fixture"}]
    assert gasctl("delete", "--force").stdout == f"Deleted script {script_id}\n"
    assert gasctl("list").stdout == "No script files found.\n"


def test_delete_moves_the_script_to_the_drive_trash(gasctl, project):
    script_id = script_id_of(project)
    gasctl("delete", "--force")
    drive = gasctl.server.drive
    assert drive.get_file(script_id)["trashed"] is True


def test_deleted_script_stays_restorable_in_the_apps_script_api(gasctl, api, project):
    script_id = script_id_of(project)
    gasctl("delete", "--force")
    assert api.projects().get(scriptId=script_id).execute()["title"] == "fixture"


def test_delete_of_another_script_by_id(gasctl, api, project):
    other = api.projects().create(body={"title": "other"}).execute()["scriptId"]
    assert gasctl("delete", other, "--force").stdout == f"Deleted script {other}\n"
    assert gasctl.json("list") == [{"id": script_id_of(project), "name": "fixture"}]


def test_delete_of_an_unknown_script_is_drives_404(gasctl, project):
    result = gasctl("delete", "1nope", "--force", expect=1)
    assert result.stderr == ("Error: moving script 1nope to the Drive trash: not found (404): "
                             "File not found: 1nope. Check the scriptId / id you passed.\n")


def test_delete_without_a_terminal_needs_force(gasctl, project):
    result = gasctl("delete", expect=1)
    assert result.stderr == (f"Error: delete refused: pass --force to move script {script_id_of(project)} to "
                             "the Drive trash (there is no terminal to confirm). Nothing was changed.\n")
    assert gasctl.server.drive.get_file(script_id_of(project))["trashed"] is False


# -- open-container -----------------------------------------------------------------------------------
def test_open_container_prints_the_document_url(gasctl, with_gcp):
    assert gasctl("open-container").stdout == "https://drive.google.com/open?id=1Sheet_Id-0\n"


def test_open_container_without_parent_id(gasctl, project):
    assert gasctl("open-container", expect=1).stderr == "Error: Parent ID not set, unable to open document.\n"


# -- apis ------------------------------------------------------------------------------------------
def test_apis_enable_turns_the_service_on_then_writes_the_manifest(gasctl, with_gcp):
    result = gasctl("apis", "enable", "sheets")
    assert result.stdout == "Enabled sheets.googleapis.com; appsscript.json updated (run `gasctl push`).\n"
    assert manifest_services(with_gcp) == [{"userSymbol": "Sheets", "serviceId": "sheets", "version": "v4"}]


def test_apis_enable_then_list_shows_it(gasctl, with_gcp):
    gasctl("enable-api", "sheets")
    assert gasctl("apis", "list").stdout == ("Enabled APIs:\n  sheets.googleapis.com - Google Sheets API\n"
                                             "Advanced services in appsscript.json:\n  Sheets (sheets v4)\n")


def test_apis_list_json(gasctl, with_gcp):
    gasctl("apis", "enable", "drive")
    assert gasctl.json("list-apis") == {
        "enabled": [{"name": "drive.googleapis.com", "title": "Google Drive API"}],
        "manifest": [{"userSymbol": "Drive", "serviceId": "drive", "version": "v3"}]}


def test_apis_enable_calendar_enables_the_calendar_json_api(gasctl, with_gcp):
    gasctl("apis", "enable", "calendar")
    assert [s["name"] for s in gasctl.json("apis", "list")["enabled"]] == ["calendar-json.googleapis.com"]


def test_apis_disable_turns_it_off_and_removes_it_from_the_manifest(gasctl, with_gcp):
    gasctl("enable-api", "drive")
    result = gasctl("disable-api", "drive")
    assert result.stdout == "Disabled drive.googleapis.com; appsscript.json updated (run `gasctl push`).\n"
    assert manifest_services(with_gcp) == []
    assert gasctl.json("apis", "list")["enabled"] == []


def test_apis_enable_failure_leaves_the_manifest_alone(gasctl, with_gcp):
    gasctl.server.update_settings(cloud_project_id="someone-elses")
    before = (with_gcp / "src" / "appsscript.json").read_text()
    result = gasctl("apis", "enable", "sheets", expect=1)
    assert result.stderr == ("Error: enabling sheets.googleapis.com in my-gcp: permission denied (403): "
                             "Permission denied on resource project my-gcp.\n")
    assert (with_gcp / "src" / "appsscript.json").read_text() == before


def test_apis_enable_unknown_service_is_a_usage_error(gasctl, with_gcp):
    result = gasctl("apis", "enable", "frobnicator", expect=2)
    assert "frobnicator is not an advanced service gasctl knows (known: admin, bigquery," in result.stderr
    assert gasctl.server.service_usage.list_services("my-gcp", "ENABLED", 50, None) == {}


def test_apis_without_a_gcp_project_id(gasctl, project):
    result = gasctl("apis", "list", expect=1)
    assert result.stderr.startswith("Error: GCP project ID is not set, unable to continue.")


def test_apis_list_survives_an_injected_fault(gasctl, with_gcp):
    gasctl.server.update_settings(fail_next=1, fault_codes=[503])
    assert gasctl.json("apis", "list")["enabled"] == []
    assert gasctl.sleeps  # the library backed off once (recorded, not slept)
