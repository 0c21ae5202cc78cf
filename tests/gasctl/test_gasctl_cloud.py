"""list / delete / open-container / apis: Drive and Service Usage requests, checked with the library's own
HttpMockSequence (the fake serves only the Apps Script API and Cloud Logging)."""

from __future__ import annotations

import json

import pytest
from googleapiclient.http import HttpMockSequence


class Recorded(HttpMockSequence):
    """The library's canned-answer transport, keeping each request (method, URL, JSON body)."""

    def __init__(self, answers):
        super().__init__([({"status": str(status)}, json.dumps(body)) for status, body in answers])
        self.sent = []

    def request(self, uri, method="GET", body=None, headers=None, **kwargs):
        self.sent.append((method, uri.split("?")[0], json.loads(body) if body else None, uri))
        return super().request(uri, method, body, headers, **kwargs)


@pytest.fixture
def with_gcp(project):
    config = json.loads((project / ".clasp.json").read_text())
    config.update(projectId="my-gcp", parentId="1Sheet_Id-0")
    (project / ".clasp.json").write_text(json.dumps(config))
    return project


def test_list_prints_scripts_like_clasp(gasctl, home):
    drive = Recorded([(200, {"files": [{"id": "id1", "name": "A very long script name indeed"},
                                       {"id": "id2", "name": "short"}]})])
    result = gasctl("list", obj={"http_for_api": lambda name: drive})
    assert result.stdout == ("Found 2 scripts.\nA very long script …- https://script.google.com/d/id1/edit\n"
                             "short - https://script.google.com/d/id2/edit\n").replace("…-", "… -")
    method, url, _body, full = drive.sent[0]
    assert (method, url) == ("GET", f"{gasctl.server.base_url}/drive/v3/files")
    assert "q=mimeType%3D%22application%2Fvnd.google-apps.script%22" in full


def test_list_with_no_scripts(gasctl, home):
    drive = Recorded([(200, {})])
    assert gasctl("list", obj={"http_for_api": lambda name: drive}).stdout == "No script files found.\n"


def test_delete_moves_the_script_to_the_trash(gasctl, project):
    from gasctl_helpers import script_id_of

    drive = Recorded([(200, {"id": script_id_of(project), "trashed": True})])
    result = gasctl("delete", "--force", obj={"http_for_api": lambda name: drive})
    assert result.stdout == f"Deleted script {script_id_of(project)}\n"
    assert drive.sent[0][:3] == ("PATCH", f"{gasctl.server.base_url}/drive/v3/files/{script_id_of(project)}",
                                 {"trashed": True})


def test_delete_without_a_terminal_needs_force(gasctl, project):
    result = gasctl("delete", expect=1, obj={"http_for_api": lambda name: Recorded([])})
    assert result.stderr.startswith("Error: delete refused: pass --force to move script ")


def test_open_container_prints_the_document_url(gasctl, with_gcp):
    assert gasctl("open-container").stdout == "https://drive.google.com/open?id=1Sheet_Id-0\n"


def test_open_container_without_parent_id(gasctl, project):
    assert gasctl("open-container", expect=1).stderr == "Error: Parent ID not set, unable to open document.\n"


def test_apis_enable_turns_the_service_on_then_writes_the_manifest(gasctl, with_gcp):
    usage = Recorded([(200, {"name": "operations/x", "done": True})])
    gasctl("apis", "enable", "sheets", obj={"http_for_api": lambda name: usage})
    assert usage.sent[0][:2] == (
        "POST", f"{gasctl.server.base_url}/v1/projects/my-gcp/services/sheets.googleapis.com:enable")
    manifest = json.loads((with_gcp / "src" / "appsscript.json").read_text())
    assert manifest["dependencies"]["enabledAdvancedServices"] == [
        {"userSymbol": "Sheets", "serviceId": "sheets", "version": "v4"}]


def test_apis_disable_removes_it_from_the_manifest(gasctl, with_gcp):
    usage = Recorded([(200, {"done": True}), (200, {"done": True})])
    gasctl("enable-api", "drive", obj={"http_for_api": lambda name: usage})
    gasctl("disable-api", "drive", obj={"http_for_api": lambda name: usage})
    assert usage.sent[1][1].endswith("/services/drive.googleapis.com:disable")
    manifest = json.loads((with_gcp / "src" / "appsscript.json").read_text())
    assert manifest["dependencies"]["enabledAdvancedServices"] == []


def test_apis_enable_failure_leaves_the_manifest_alone(gasctl, with_gcp):
    before = (with_gcp / "src" / "appsscript.json").read_text()
    denied = {"code": 403, "message": "Permission denied", "status": "PERMISSION_DENIED"}
    usage = Recorded([(403, {"error": denied})])
    result = gasctl("apis", "enable", "sheets", expect=1, obj={"http_for_api": lambda name: usage})
    assert result.stderr == ("Error: enabling sheets.googleapis.com in my-gcp: permission denied (403): "
                             "Permission denied\n")
    assert (with_gcp / "src" / "appsscript.json").read_text() == before


def test_apis_enable_unknown_service_is_a_usage_error(gasctl, with_gcp):
    unused = Recorded([])
    result = gasctl("apis", "enable", "frobnicator", expect=2, obj={"http_for_api": lambda name: unused})
    assert "frobnicator is not an advanced service gasctl knows (known: admin, bigquery," in result.stderr


def test_apis_list(gasctl, with_gcp):
    sheets = {"name": "projects/1/services/sheets.googleapis.com",
              "config": {"name": "sheets.googleapis.com", "title": "Sheets API"}}
    usage = Recorded([(200, {"services": [sheets]})])
    data = gasctl.json("apis", "list", obj={"http_for_api": lambda name: usage})
    assert data == {"enabled": [{"name": "sheets.googleapis.com", "title": "Sheets API"}], "manifest": []}
    assert "filter=state%3AENABLED" in usage.sent[0][3]
