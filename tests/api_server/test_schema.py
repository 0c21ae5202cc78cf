"""The discovery-document checks themselves: the response validator really refuses what does not
conform (so the client-side checks in every other test mean something), and every method is routed."""

from __future__ import annotations

import jsonschema
import pytest

from gas_emulator.api_server import responses, schema


def test_every_projects_and_scripts_method_of_the_discovery_document_is_served():
    served = {route.method_id for route in responses.ROUTES}
    wanted = {m for m in schema.methods() if not m.startswith("script.processes.")}
    assert served == wanted


def test_a_conforming_project_passes():
    schema.validate_response("script.projects.get", {
        "scriptId": "1abc", "title": "t", "createTime": "2026-01-01T00:00:00.000Z",
        "creator": {"email": "a@b.c"}})


@pytest.mark.parametrize("body", [
    {"scriptId": "1abc", "bogus": 1},                          # a field the document lacks
    {"scriptId": 5},                                           # wrong type
    {"scriptId": "1abc", "createTime": "2026-01-01 00:00:00"},  # not RFC 3339
    {"creator": {"email": "a@b.c", "extra": True}},             # nested unknown field
])
def test_a_nonconforming_project_is_refused(body):
    with pytest.raises(jsonschema.ValidationError):
        schema.validate_response("script.projects.get", body)


def test_entry_point_enum_is_checked():
    with pytest.raises(jsonschema.ValidationError):
        schema.validate_response("script.projects.deployments.get",
                                 {"deploymentId": "d", "entryPoints": [{"entryPointType": "WEBAPP"}]})


def test_operation_result_may_be_any_json():
    schema.validate_response("script.scripts.run", {
        "done": True, "response": {"@type": "type.googleapis.com/google.apps.script.v1.ExecutionResponse",
                                   "result": [1, {"a": None}]}})


def test_metrics_values_are_uint64_strings():
    with pytest.raises(jsonschema.ValidationError):
        schema.validate_response("script.projects.getMetrics", {"totalExecutions": [{"value": 3}]})


def test_delete_answers_the_empty_message():
    schema.validate_response("script.projects.deployments.delete", {})
    with pytest.raises(jsonschema.ValidationError):
        schema.validate_response("script.projects.deployments.delete", {"ok": True})


def test_error_shape_requires_code_message_status():
    schema.validate_error({"error": {"code": 404, "message": "m", "status": "NOT_FOUND"}})
    with pytest.raises(jsonschema.ValidationError):
        schema.validate_error({"error": {"code": 404, "message": "m"}})


@pytest.mark.parametrize(("name", "expected"), [
    ("deploymentConfig", "deployment_config"), ("versionNumber", "version_number"), ("files", "files")])
def test_error_paths_use_proto_field_names(name, expected):
    assert schema.snake(name) == expected
