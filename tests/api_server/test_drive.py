"""The fake Drive v3 (files.list/get/update/delete of script projects) through the real client library,
every answer checked against drive.v3's discovery schemas."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server.testing import checked_api_client, error_json

SCRIPT_QUERY = 'mimeType="application/vnd.google-apps.script"'  # clasp's list-scripts query


@pytest.fixture
def drive(server):
    return checked_api_client(server, "drive", "v3").files()


def test_created_projects_are_script_files_named_by_their_titles(api, drive, new_project):
    first, second = new_project("Budget"), new_project("Report")
    listed = drive.list(q=SCRIPT_QUERY, fields="nextPageToken, files(id, name)", pageSize=100).execute()
    assert listed == {"files": [{"id": first, "name": "Budget"}, {"id": second, "name": "Report"}]}


def test_list_without_fields_gives_drives_default_file_fields(drive, new_project):
    script_id = new_project("Budget")
    assert drive.list().execute() == {
        "kind": "drive#fileList", "incompleteSearch": False,
        "files": [{"kind": "drive#file", "id": script_id, "name": "Budget",
                   "mimeType": "application/vnd.google-apps.script"}]}


def test_star_mask_gives_every_field(drive, new_project):
    script_id = new_project("Budget")
    listed = drive.list(fields="*").execute()
    assert listed["files"][0]["id"] == script_id
    assert set(listed["files"][0]) == {"kind", "id", "name", "mimeType", "trashed", "explicitlyTrashed",
                                       "createdTime", "modifiedTime", "ownedByMe"}


def test_bound_scripts_are_not_drive_files(api, drive, new_project):
    bound = api.projects().create(body={"title": "In a sheet", "parentId": "1Sheet_Id-0"}).execute()
    standalone = new_project("Alone")
    assert drive.list(q=SCRIPT_QUERY, fields="files(id)").execute() == {"files": [{"id": standalone}]}
    with pytest.raises(HttpError) as err:
        drive.get(fileId=bound["scriptId"]).execute()
    assert err.value.resp.status == 404


def test_list_pages_with_next_page_token(drive, new_project):
    ids = [new_project(f"s{n}") for n in range(3)]
    first = drive.list(q=SCRIPT_QUERY, pageSize=2, fields="nextPageToken, files(id)").execute()
    second = drive.list(q=SCRIPT_QUERY, pageSize=2, pageToken=first["nextPageToken"],
                        fields="nextPageToken, files(id)").execute()
    assert (len(first["files"]), list(second)) == (2, ["files"])
    assert sorted(f["id"] for f in first["files"] + second["files"]) == sorted(ids)


def test_query_on_another_mime_type_finds_no_script(drive, new_project):
    new_project()
    sheets = drive.list(q="mimeType = 'application/vnd.google-apps.spreadsheet'", fields="files(id)")
    assert sheets.execute() == {"files": []}


def test_unsupported_query_is_drives_invalid_value(drive):
    with pytest.raises(HttpError) as err:
        drive.list(q="modifiedTime > '2024-01-01'").execute()
    assert error_json(err.value) == {
        "code": 400, "message": "Invalid Value", "status": "INVALID_ARGUMENT",
        "errors": [{"message": "Invalid Value", "domain": "global", "reason": "invalid", "location": "q",
                    "locationType": "parameter"}]}


def test_unknown_field_in_mask_is_refused(drive):
    with pytest.raises(HttpError) as err:
        drive.list(fields="files(id, colour)").execute()
    assert error_json(err.value)["message"] == "Invalid field selection colour"


def test_get_unknown_file_is_drives_not_found(drive):
    with pytest.raises(HttpError) as err:
        drive.get(fileId="1nope").execute()
    assert error_json(err.value) == {
        "code": 404, "message": "File not found: 1nope.", "status": "NOT_FOUND",
        "errors": [{"message": "File not found: 1nope.", "domain": "global", "reason": "notFound",
                    "location": "fileId", "locationType": "parameter"}]}


def test_trashed_file_is_still_listed_unless_the_query_excludes_it(drive, new_project):
    script_id = new_project("Old")
    assert drive.update(fileId=script_id, body={"trashed": True}, fields="id, trashed").execute() == {
        "id": script_id, "trashed": True}
    assert drive.list(q=SCRIPT_QUERY, fields="files(id, trashed)").execute() == {
        "files": [{"id": script_id, "trashed": True}]}
    assert drive.list(q=f"{SCRIPT_QUERY} and trashed = false", fields="files(id)").execute() == {"files": []}


def test_trashed_project_stays_in_the_apps_script_api_and_can_be_restored(api, drive, new_project):
    script_id = new_project("Old")
    drive.update(fileId=script_id, body={"trashed": True}).execute()
    assert api.projects().get(scriptId=script_id).execute()["title"] == "Old"
    drive.update(fileId=script_id, body={"trashed": False}).execute()
    assert drive.get(fileId=script_id, fields="trashed").execute() == {"trashed": False}


def test_renaming_the_file_renames_the_project(api, drive, new_project):
    script_id = new_project("Old")
    drive.update(fileId=script_id, body={"name": "New"}).execute()
    assert api.projects().get(scriptId=script_id).execute()["title"] == "New"


def test_delete_removes_the_project_from_the_apps_script_api(api, drive, new_project):
    script_id = new_project("Gone")
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    assert drive.delete(fileId=script_id).execute() == ""  # 204 No Content
    with pytest.raises(HttpError) as err:
        api.projects().get(scriptId=script_id).execute()
    assert err.value.resp.status == 404
    assert drive.list(q=SCRIPT_QUERY).execute()["files"] == []


def test_delete_leaves_no_documents_behind(store, api, drive, new_project):
    from gas_emulator.api_server import records as rec

    script_id = new_project("Gone")
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    drive.update(fileId=script_id, body={"trashed": True}).execute()
    drive.delete(fileId=script_id).execute()
    namespaces = (rec.NS_PROJECTS, rec.NS_INDEX, "api/drive", rec.ns_versions(script_id),
                  rec.ns_deployments(script_id), rec.ns_metrics(script_id))
    assert {ns: list(store.doc_keys(ns)) for ns in namespaces} == dict.fromkeys(namespaces, [])


def test_drive_calls_need_a_bearer_token_when_auth_is_required(server):
    server.update_settings(require_auth=True)
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(server.base_url + "/drive/v3/files", timeout=30)
    assert (err.value.code, json.loads(err.value.read())["error"]["status"]) == (401, "UNAUTHENTICATED")
