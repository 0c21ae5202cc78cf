"""Google's rules the fake enforces, each through the real google-api-python-client: devMode needs
an API-executable project, getContent?versionNumber=0 is HEAD, parentId is a Drive id, and the
scripts.run scope check."""

from __future__ import annotations

import json

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server import errors
from gas_emulator.api_server.testing import MANIFEST, WEB_AND_API_MANIFEST, error_json, js_file, snapshot
from gas_emulator.api_server.testing import content_files as files

CODE = "function add(a, b) { return a + b; }\n"
SCOPED_MANIFEST = json.dumps({"timeZone": "America/New_York", "runtimeVersion": "V8",
                              "executionApi": {"access": "MYSELF"},
                              "oauthScopes": ["https://www.googleapis.com/auth/spreadsheets"]})


def push(api, script_id, manifest, code=CODE):
    body = {"files": files(js_file("Code", code), manifest=manifest)}
    api.projects().updateContent(scriptId=script_id, body=body).execute()


def run_dev(api, script_id):
    body = {"function": "add", "parameters": [1, 2], "devMode": True}
    return api.scripts().run(scriptId=script_id, body=body).execute()


# -- devMode needs an API-executable project ---------------------------------------------------------
def test_dev_mode_run_without_execution_api_is_404(api, new_project, store):
    script_id = new_project()
    push(api, script_id, MANIFEST)
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        run_dev(api, script_id)
    assert (exc.value.status_code, error_json(exc.value)["message"]) == (404, errors.MSG_NOT_FOUND)
    assert snapshot(store) == before  # not even counted as an execution


def test_dev_mode_run_with_execution_api_in_head_runs(api, new_project):
    script_id = new_project()
    push(api, script_id, WEB_AND_API_MANIFEST)
    assert run_dev(api, script_id)["response"]["result"] == 3


def test_dev_mode_run_with_an_api_executable_deployment_runs_head(api, new_project):
    script_id = new_project()
    push(api, script_id, WEB_AND_API_MANIFEST)
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    push(api, script_id, MANIFEST, code="function add(a, b) { return a * b; }\n")  # HEAD lost executionApi
    assert run_dev(api, script_id)["response"]["result"] == 2


def test_the_dev_mode_rule_can_be_switched_off(api, new_project, server):
    server.update_settings(run_dev_mode_requires_api_executable=False)
    script_id = new_project()
    push(api, script_id, MANIFEST)
    assert run_dev(api, script_id)["response"]["result"] == 3


# -- getContent?versionNumber=0 ------------------------------------------------------------------------
def test_get_content_version_zero_is_head(api, new_project):
    script_id = new_project()
    push(api, script_id, MANIFEST)
    head = api.projects().getContent(scriptId=script_id).execute()
    assert api.projects().getContent(scriptId=script_id, versionNumber=0).execute() == head


def test_get_content_version_zero_is_404_when_set_so(api, new_project, server):
    server.update_settings(get_content_version_zero_is_head=False)
    script_id = new_project()
    with pytest.raises(HttpError) as exc:
        api.projects().getContent(scriptId=script_id, versionNumber=0).execute()
    assert (exc.value.status_code, error_json(exc.value)["message"]) == (404, errors.MSG_NOT_FOUND)


# -- parentId ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("parent", ["x", "../../etc", "a b c d e f g h", "é" * 20])
def test_create_refuses_a_parent_id_that_is_no_drive_id(api, parent, store):
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().create(body={"title": "t", "parentId": parent}).execute()
    err = error_json(exc.value)
    assert (exc.value.status_code, err["message"]) == (400, errors.MSG_INVALID_ARGUMENT)
    assert err["details"][0]["fieldViolations"][0]["field"] == "parent_id"
    assert snapshot(store) == before


def test_create_refuses_an_unknown_parent_when_known_ids_are_set(api, server):
    server.update_settings(known_parent_ids=["1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"])
    with pytest.raises(HttpError) as exc:
        api.projects().create(body={"title": "t", "parentId": "1" + "A" * 43}).execute()
    assert exc.value.status_code == 404
    made = api.projects().create(body={"parentId": "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"}).execute()
    assert made["parentId"] == "1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms"


# -- scripts.run scope check ---------------------------------------------------------------------------
def test_scope_check_refuses_a_token_without_the_manifests_scopes(api, new_project, server):
    server.update_settings(check_run_scopes=True, token_scopes=["https://www.googleapis.com/auth/drive"])
    script_id = new_project()
    push(api, script_id, SCOPED_MANIFEST)
    with pytest.raises(HttpError) as exc:
        run_dev(api, script_id)
    err = error_json(exc.value)
    assert (exc.value.status_code, err["status"], err["message"]) == (
        403, "PERMISSION_DENIED", "Request had insufficient authentication scopes.")
    assert err["details"][0]["reason"] == "ACCESS_TOKEN_SCOPE_INSUFFICIENT"


def test_scope_check_passes_a_token_with_the_scopes(api, new_project, server):
    server.update_settings(check_run_scopes=True,
                           token_scopes=["https://www.googleapis.com/auth/spreadsheets"])
    script_id = new_project()
    push(api, script_id, SCOPED_MANIFEST)
    assert run_dev(api, script_id)["response"]["result"] == 3


def test_scope_check_is_off_by_default(api, new_project):
    script_id = new_project()
    push(api, script_id, SCOPED_MANIFEST)
    assert run_dev(api, script_id)["response"]["result"] == 3
