"""The fake Service Usage v1 (services.list/enable/disable, operations.get) through the real client
library, every answer checked against serviceusage.v1's discovery schemas."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server.testing import checked_api_client, error_json

PROJECT = "projects/my-gcp"
SHEETS = f"{PROJECT}/services/sheets.googleapis.com"


@pytest.fixture
def usage(server):
    return checked_api_client(server, "serviceusage", "v1")


def enabled_names(usage, parent: str = PROJECT) -> list[str]:
    answer = usage.services().list(parent=parent, filter="state:ENABLED", pageSize=200).execute()
    return [s["config"]["name"] for s in answer.get("services", [])]


def test_a_new_project_has_no_enabled_service(usage):
    assert usage.services().list(parent=PROJECT, filter="state:ENABLED").execute() == {}


def test_enable_answers_a_done_operation_with_the_service(usage):
    operation = usage.services().enable(name=SHEETS, body={}).execute()
    assert operation == {
        "name": operation["name"], "done": True,
        "response": {"@type": "type.googleapis.com/google.api.serviceusage.v1.EnableServiceResponse",
                     "service": {"name": SHEETS, "parent": PROJECT, "state": "ENABLED",
                                 "config": {"name": "sheets.googleapis.com", "title": "Google Sheets API"}}}}
    assert operation["name"].startswith("operations/acf.")


def test_enable_then_list_shows_it(usage):
    usage.services().enable(name=SHEETS, body={}).execute()
    assert enabled_names(usage) == ["sheets.googleapis.com"]


def test_enabling_twice_is_the_no_op_operation(usage):
    usage.services().enable(name=SHEETS, body={}).execute()
    again = usage.services().enable(name=SHEETS, body={}).execute()
    assert (again["name"], again["done"]) == ("operations/noop.DONE_OPERATION", True)


def test_disable_removes_it_from_the_enabled_list(usage):
    usage.services().enable(name=SHEETS, body={}).execute()
    operation = usage.services().disable(name=SHEETS, body={}).execute()
    assert operation["response"]["service"]["state"] == "DISABLED"
    assert enabled_names(usage) == []


def test_disabled_filter_lists_the_other_known_services(usage):
    usage.services().enable(name=SHEETS, body={}).execute()
    answer = usage.services().list(parent=PROJECT, filter="state:DISABLED", pageSize=200).execute()
    names = [s["config"]["name"] for s in answer["services"]]
    assert "drive.googleapis.com" in names and "sheets.googleapis.com" not in names


def test_list_pages(usage):
    first = usage.services().list(parent=PROJECT, pageSize=3).execute()
    second = usage.services().list(parent=PROJECT, pageSize=3, pageToken=first["nextPageToken"]).execute()
    assert len(first["services"]) == 3
    assert not {s["name"] for s in first["services"]} & {s["name"] for s in second["services"]}


def test_page_size_above_200_is_refused(usage):
    with pytest.raises(HttpError) as err:
        usage.services().list(parent=PROJECT, pageSize=201).execute()
    assert error_json(err.value)["message"] == "Invalid value at 'page_size' (TYPE_INT32), \"201\""


def test_unknown_filter_is_refused(usage):
    with pytest.raises(HttpError) as err:
        usage.services().list(parent=PROJECT, filter="state:ON").execute()
    assert error_json(err.value)["message"] == (
        "Invalid filter 'state:ON': the allowed filters are state:ENABLED and state:DISABLED.")


def test_unknown_service_cannot_be_enabled(usage):
    with pytest.raises(HttpError) as err:
        usage.services().enable(name=f"{PROJECT}/services/frob.googleapis.com", body={}).execute()
    assert error_json(err.value) == {
        "code": 403, "status": "PERMISSION_DENIED",
        "message": "Not found or permission denied for service(s): frob.googleapis.com."}


def test_another_cloud_project_is_denied_when_one_is_set(server, usage):
    server.update_settings(cloud_project_id="my-gcp")
    with pytest.raises(HttpError) as err:
        usage.services().enable(name="projects/other/services/sheets.googleapis.com", body={}).execute()
    assert error_json(err.value)["message"] == "Permission denied on resource project other."


def test_initially_enabled_services_setting(server, usage):
    server.update_settings(initially_enabled_services=["drive.googleapis.com"])
    assert enabled_names(usage) == ["drive.googleapis.com"]


def test_operations_get_returns_the_finished_operation(usage):
    operation = usage.services().enable(name=SHEETS, body={}).execute()
    assert usage.operations().get(name=operation["name"]).execute() == operation


def test_services_do_not_shadow_the_apps_script_api(api, usage, new_project):
    script_id = new_project("still here")
    usage.services().enable(name=SHEETS, body={}).execute()
    assert api.projects().get(scriptId=script_id).execute()["title"] == "still here"
