"""Bad input gets Google's 400 (or 404) JSON and changes nothing: malformed JSON, unknown fields,
wrong types, huge bodies, path tricks. Raw requests where the Python client cannot make them."""

from __future__ import annotations

import http.client
import json

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server import schema
from gas_emulator.api_server.testing import error_json, snapshot


def raw(server, method, path, body=b"", headers=None):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
        return response.status, response.getheader("Content-Type"), json.loads(payload)
    finally:
        conn.close()


@pytest.fixture
def script_id(new_project):
    return new_project()


def test_malformed_json_is_400_and_changes_nothing(server, store, script_id):
    before = snapshot(store)
    status, ctype, body = raw(server, "PUT", f"/v1/projects/{script_id}/content", b'{"files": [')
    assert (status, ctype) == (400, "application/json; charset=UTF-8")
    assert body == {"error": {"code": 400, "status": "INVALID_ARGUMENT",
                              "message": "Invalid JSON payload received. Unexpected token."}}
    assert snapshot(store) == before


def test_body_that_is_not_utf8_is_400(server, script_id):
    status, _, body = raw(server, "POST", f"/v1/projects/{script_id}/versions", b'{"description": "\xff"}')
    assert status == 400
    assert body["error"]["message"] == "Invalid JSON payload received. Unexpected token."


def test_unknown_top_level_field_is_400_with_googles_text(api, store, script_id):
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().versions().create(scriptId=script_id, body={"descripton": "typo"}).execute()
    err = error_json(exc.value)
    assert err["message"] == 'Invalid JSON payload received. Unknown name "descripton": Cannot find field.'
    assert err["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"
    assert snapshot(store) == before


def test_unknown_nested_field_names_where_it_is(api, script_id):
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().update(scriptId=script_id, deploymentId=dep["deploymentId"],
                                            body={"deploymentConfig": {"versionNumber": 1, "x": 1}}).execute()
    assert error_json(exc.value)["message"] == (
        "Invalid JSON payload received. Unknown name \"x\" at 'deployment_config': Cannot find field.")


def test_unknown_field_inside_a_file_names_its_index(api, script_id):
    body = {"files": [{"name": "appsscript", "type": "JSON", "source": "{}", "mode": 1}]}
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body=body).execute()
    assert error_json(exc.value)["message"] == (
        "Invalid JSON payload received. Unknown name \"mode\" at 'files[0]': Cannot find field.")


def test_wrong_type_is_400_invalid_value(api, script_id):
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().create(scriptId=script_id, body={"versionNumber": "one"}).execute()
    assert error_json(exc.value)["message"] == "Invalid value at 'version_number' (TYPE_INT32), \"one\""


def test_int32_as_a_decimal_string_is_accepted(api, script_id):
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": "1"}).execute()
    assert dep["deploymentConfig"]["versionNumber"] == 1


def test_body_that_is_not_an_object_is_400(server, script_id):
    status, _, body = raw(server, "POST", f"/v1/projects/{script_id}/versions", b"[1, 2]")
    assert status == 400
    assert body["error"]["status"] == "INVALID_ARGUMENT"


def test_huge_body_is_400_and_changes_nothing(server, store, script_id):
    server.update_settings(max_body_bytes=1024)
    before = snapshot(store)
    payload = json.dumps({"files": [{"name": "appsscript", "type": "JSON", "source": "x" * 4096}]}).encode()
    status, _, body = raw(server, "PUT", f"/v1/projects/{script_id}/content", payload)
    assert status == 400
    assert body["error"]["message"] == "Request payload size exceeds the limit: 1024 bytes."
    assert snapshot(store) == before


def test_huge_body_through_the_client_is_400_and_the_client_carries_on(api, server, script_id):
    server.update_settings(max_body_bytes=1024)
    sent = {"files": [{"name": "appsscript", "type": "JSON", "source": "x" * 3_000_000}]}
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body=sent).execute()
    assert error_json(exc.value)["message"] == "Request payload size exceeds the limit: 1024 bytes."
    assert api.projects().get(scriptId=script_id).execute()["scriptId"] == script_id


@pytest.mark.parametrize("path", [
    "/v1/projects/../projects/{id}",
    "/v1/projects/%2e%2e/content",
    "/v1/projects/{id}%2Fcontent",
    "/v1/projects/{id}%5Cx",
    "/v1//projects/{id}",
    "/v1/projects/%ff",
    "/v1/projects/{id}%00",
])
def test_path_tricks_are_400(server, store, script_id, path):
    before = snapshot(store)
    status, _, body = raw(server, "GET", path.format(id=script_id))
    assert status == 400
    assert body["error"]["message"] == "Request contains an invalid argument."
    schema.validate_error(body)
    assert snapshot(store) == before


def test_unknown_url_is_a_json_404(server):
    status, _, body = raw(server, "GET", "/v2/projects")
    assert status == 404
    schema.validate_error(body)


def test_wrong_verb_is_a_json_404(server, script_id):
    status, _, body = raw(server, "PATCH", f"/v1/projects/{script_id}")
    assert status == 404
    assert body["error"]["status"] == "NOT_FOUND"


def test_unknown_query_parameter_is_400(server, script_id):
    status, _, body = raw(server, "GET", f"/v1/projects/{script_id}/content?verzion=1")
    assert status == 400
    assert body["error"]["message"] == (
        'Invalid JSON payload received. Unknown name "verzion": Cannot bind query parameter. '
        "Field 'verzion' could not be found in request message.")


def test_standard_query_parameters_are_ignored(server, script_id):
    status, _, body = raw(server, "GET", f"/v1/projects/{script_id}?alt=json&prettyPrint=false&fields=x")
    assert status == 200
    assert body["scriptId"] == script_id


def test_non_integer_query_value_is_400(server, script_id):
    status, _, body = raw(server, "GET", f"/v1/projects/{script_id}/content?versionNumber=abc")
    assert status == 400
    assert body["error"]["message"] == "Invalid value at 'version_number' (TYPE_INT32), \"abc\""


def test_negative_page_size_is_400(server, script_id):
    status, _, body = raw(server, "GET", f"/v1/projects/{script_id}/versions?pageSize=-1")
    assert status == 400
    assert body["error"]["message"] == "Invalid value at 'page_size' (TYPE_INT32), \"-1\""


def test_chunked_body_is_read_like_any_other(server, script_id):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("POST", f"/v1/projects/{script_id}/versions", body=iter([b'{"descr', b'iption": "c"}']),
                 headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = conn.getresponse()
    assert (response.status, json.loads(response.read())["description"]) == (200, "c")
    conn.close()


def test_chunked_body_over_the_limit_is_400(server, script_id):
    server.update_settings(max_body_bytes=10)
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("POST", f"/v1/projects/{script_id}/versions", body=iter([b'{"description": "long"}']),
                 headers={"Content-Type": "application/json"}, encode_chunked=True)
    response = conn.getresponse()
    assert response.status == 400
    assert json.loads(response.read())["error"]["message"] == (
        "Request payload size exceeds the limit: 10 bytes.")
    conn.close()
