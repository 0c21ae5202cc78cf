"""projects.create / get / getContent / updateContent through the real Python client."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server import errors
from gas_emulator.api_server.testing import content_files as files
from gas_emulator.api_server.testing import error_json, snapshot
from gas_emulator.api_server.testing import js_file as js


def test_create_returns_a_project_with_rfc3339_times_and_the_creator(api, clock):
    clock.move_to(1_767_225_600_123)
    project = api.projects().create(body={"title": "IdService"}).execute()
    assert project["title"] == "IdService"
    assert project["createTime"] == project["updateTime"] == "2026-01-01T00:00:00.123Z"
    assert project["creator"] == {"domain": "example.com", "email": "user@example.com", "name": "user"}
    assert len(project["scriptId"]) == 57 and project["scriptId"].startswith("1")


SHEET_ID = "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"  # the Sheets API guides' sample spreadsheet


def test_create_bound_project_keeps_parent_id(api):
    project = api.projects().create(body={"title": "t", "parentId": SHEET_ID}).execute()
    assert api.projects().get(scriptId=project["scriptId"]).execute()["parentId"] == SHEET_ID


def test_get_returns_what_create_returned(api):
    project = api.projects().create(body={"title": "t"}).execute()
    assert api.projects().get(scriptId=project["scriptId"]).execute() == project


def test_new_project_content_is_the_base_manifest(api, new_project):
    script_id = new_project()
    content = api.projects().getContent(scriptId=script_id).execute()
    assert content["scriptId"] == script_id
    assert [(f["name"], f["type"]) for f in content["files"]] == [("appsscript", "JSON")]
    assert '"runtimeVersion": "V8"' in content["files"][0]["source"]


def test_update_content_replaces_the_whole_project(api, new_project):
    script_id = new_project()
    api.projects().updateContent(scriptId=script_id, body={"files": files(js("A", "var a = 1;"),
                                                                          js("B", "var b = 2;"))}).execute()
    api.projects().updateContent(scriptId=script_id, body={"files": files(js("B", "var b = 3;"))}).execute()
    content = api.projects().getContent(scriptId=script_id).execute()
    assert [(f["name"], f["source"]) for f in content["files"][1:]] == [("B", "var b = 3;")]


def test_update_content_keeps_file_order_and_html(api, new_project):
    script_id = new_project()
    sent = files(js("z/last", "var z;"), {"name": "page", "type": "HTML", "source": "<p>hi</p>"},
                 js("a", "var a;"))
    api.projects().updateContent(scriptId=script_id, body={"files": sent}).execute()
    got = api.projects().getContent(scriptId=script_id).execute()["files"]
    assert [(f["name"], f["type"], f["source"]) for f in got] == [
        (f["name"], f["type"], f["source"]) for f in sent]


def test_update_content_ignores_output_only_fields(api, new_project):
    script_id = new_project()
    sent = files(dict(js("A", "var a;"), createTime="1999-01-01T00:00:00Z",
                      lastModifyUser={"email": "x@y.z"}))
    got = api.projects().updateContent(scriptId=script_id, body={"files": sent}).execute()["files"][1]
    assert got["createTime"] != "1999-01-01T00:00:00Z"
    assert got["lastModifyUser"]["email"] == "user@example.com"


def test_update_content_moves_update_time_of_changed_files_only(api, new_project, clock):
    script_id = new_project()
    api.projects().updateContent(scriptId=script_id, body={"files": files(js("A", "var a;"))}).execute()
    clock.advance(60_000)
    got = api.projects().updateContent(scriptId=script_id,
                                       body={"files": files(js("A", "var a = 2;"))}).execute()["files"]
    assert got[0]["updateTime"] == "2026-01-01T00:00:00.000Z"  # manifest unchanged
    assert got[1]["updateTime"] == "2026-01-01T00:01:00.000Z"
    assert got[1]["createTime"] == "2026-01-01T00:00:00.000Z"


def test_update_content_without_manifest_is_refused(api, new_project, store):
    script_id = new_project()
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body={"files": [js("A", "var a;")]}).execute()
    assert exc.value.status_code == 400
    assert error_json(exc.value) == {"code": 400, "status": "INVALID_ARGUMENT",
                             "message": "Project contents must include a manifest file named appsscript."}
    assert snapshot(store) == before


def test_manifest_must_have_type_json(api, new_project):
    script_id = new_project()
    body = {"files": [{"name": "appsscript", "type": "SERVER_JS", "source": "{}"}]}
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body=body).execute()
    assert error_json(exc.value)["message"] == errors.MSG_MISSING_MANIFEST


def test_bad_file_type_names_the_file_index_and_value(api, new_project, store):
    script_id = new_project()
    before = snapshot(store)
    body = {"files": files({"name": "README", "type": "MD", "source": "# hi"})}
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body=body).execute()
    assert exc.value.status_code == 400
    assert error_json(exc.value)["message"] == "Invalid value at 'files[1].type' (TYPE_ENUM), \"MD\""
    assert error_json(exc.value)["status"] == "INVALID_ARGUMENT"
    assert snapshot(store) == before


def test_unspecified_file_type_is_refused(api, new_project):
    script_id = new_project()
    body = {"files": files({"name": "A", "type": "ENUM_TYPE_UNSPECIFIED", "source": ""})}
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body=body).execute()
    expected = "Invalid value at 'files[1].type' (TYPE_ENUM), \"ENUM_TYPE_UNSPECIFIED\""
    assert error_json(exc.value)["message"] == expected


def test_manifest_that_is_not_json_is_refused(api, new_project):
    script_id = new_project()
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body={"files": files(manifest="{oops")}).execute()
    assert error_json(exc.value)["message"] == errors.MSG_BAD_MANIFEST


@pytest.mark.parametrize("call", [
    lambda api: api.projects().get(scriptId="1nope").execute(),
    lambda api: api.projects().getContent(scriptId="1nope").execute(),
    lambda api: api.projects().updateContent(scriptId="1nope", body={"files": files()}).execute(),
])
def test_unknown_project_is_404_not_found(api, call):
    with pytest.raises(HttpError) as exc:
        call(api)
    assert error_json(exc.value) == {"code": 404, "status": "NOT_FOUND",
                                     "message": "Requested entity was not found."}


def test_get_content_of_a_version_is_that_snapshot(api, new_project):
    script_id = new_project()
    api.projects().updateContent(scriptId=script_id, body={"files": files(js("A", "var v = 1;"))}).execute()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    api.projects().updateContent(scriptId=script_id, body={"files": files(js("A", "var v = 2;"))}).execute()
    old = api.projects().getContent(scriptId=script_id, versionNumber=1).execute()
    head = api.projects().getContent(scriptId=script_id).execute()
    assert old["files"][1]["source"] == "var v = 1;"
    assert head["files"][1]["source"] == "var v = 2;"


def test_get_content_of_an_unknown_version_is_404(api, new_project):
    script_id = new_project()
    with pytest.raises(HttpError) as exc:
        api.projects().getContent(scriptId=script_id, versionNumber=7).execute()
    assert error_json(exc.value)["message"] == "Requested entity was not found."
