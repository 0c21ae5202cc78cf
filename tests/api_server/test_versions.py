"""projects.versions.create / get / list, paging and the 200-version cap."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server import errors
from gas_emulator.api_server.testing import error_json, snapshot


def test_versions_are_numbered_from_one(api, new_project, clock):
    script_id = new_project()
    clock.advance(1_500)
    version = api.projects().versions().create(scriptId=script_id, body={"description": "first"}).execute()
    assert version == {"scriptId": script_id, "versionNumber": 1, "description": "first",
                       "createTime": "2026-01-01T00:00:01.500Z"}
    assert api.projects().versions().create(scriptId=script_id, body={}).execute()["versionNumber"] == 2


def test_get_version_returns_it(api, new_project):
    script_id = new_project()
    made = api.projects().versions().create(scriptId=script_id, body={"description": "d"}).execute()
    assert api.projects().versions().get(scriptId=script_id, versionNumber=1).execute() == made


@pytest.mark.parametrize("number", [0, 2, -1])
def test_get_unknown_version_is_404(api, new_project, number):
    script_id = new_project()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    with pytest.raises(HttpError) as exc:
        api.projects().versions().get(scriptId=script_id, versionNumber=number).execute()
    assert error_json(exc.value)["message"] == "Requested entity was not found."


def test_version_of_unknown_project_is_404(api):
    with pytest.raises(HttpError) as exc:
        api.projects().versions().create(scriptId="1missing", body={}).execute()
    assert exc.value.status_code == 404


def test_version_number_is_output_only(api, new_project):
    script_id = new_project()
    got = api.projects().versions().create(scriptId=script_id, body={"versionNumber": 42}).execute()
    assert got["versionNumber"] == 1


def test_list_of_a_project_without_versions_is_empty(api, new_project):
    assert api.projects().versions().list(scriptId=new_project(), pageSize=50).execute() == {}


def test_list_pages_oldest_first(api, new_project):
    script_id = new_project()
    for i in range(5):
        api.projects().versions().create(scriptId=script_id, body={"description": f"v{i + 1}"}).execute()
    request = api.projects().versions().list(scriptId=script_id, pageSize=2)
    pages = []
    while request is not None:
        response = request.execute()
        pages.append([v["versionNumber"] for v in response["versions"]])
        request = api.projects().versions().list_next(request, response)
    assert pages == [[1, 2], [3, 4], [5]]


def test_list_default_page_size_is_50(api, new_project):
    script_id = new_project()
    for _ in range(51):
        api.projects().versions().create(scriptId=script_id, body={}).execute()
    first = api.projects().versions().list(scriptId=script_id).execute()
    assert len(first["versions"]) == 50 and "nextPageToken" in first


def test_a_bad_page_token_is_400(api, new_project):
    script_id = new_project()
    with pytest.raises(HttpError) as exc:
        api.projects().versions().list(scriptId=script_id, pageToken="garbage!").execute()
    assert error_json(exc.value)["message"] == "Request contains an invalid argument."
    assert exc.value.status_code == 400


def test_a_deployment_page_token_is_not_a_version_page_token(api, new_project):
    script_id = new_project()
    for _ in range(3):
        api.projects().versions().create(scriptId=script_id, body={}).execute()
        api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    token = api.projects().deployments().list(scriptId=script_id, pageSize=1).execute()["nextPageToken"]
    with pytest.raises(HttpError) as exc:
        api.projects().versions().list(scriptId=script_id, pageToken=token).execute()
    assert exc.value.status_code == 400


def test_the_201st_version_is_refused_and_changes_nothing(api, new_project, store):
    script_id = new_project()
    for _ in range(200):
        api.projects().versions().create(scriptId=script_id, body={}).execute()
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().versions().create(scriptId=script_id, body={}).execute()
    assert exc.value.status_code == 400
    assert error_json(exc.value) == {"code": 400, "status": "FAILED_PRECONDITION",
                                     "message": "Scripts may only have up to 200 versions."}
    assert snapshot(store) == before


def test_version_cap_is_a_setting(api, new_project, server):
    server.update_settings(max_versions=2)
    script_id = new_project()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    with pytest.raises(HttpError) as exc:
        api.projects().versions().create(scriptId=script_id, body={}).execute()
    assert error_json(exc.value)["message"] == errors.MSG_VERSION_CAP.format(limit=2)


def test_parallel_clients_get_distinct_sequential_version_numbers(server, new_project):
    from concurrent.futures import ThreadPoolExecutor

    from gas_emulator.api_server.testing import checked_client

    script_id = new_project()

    def make_five(_):
        api = checked_client(server)  # httplib2 is not thread-safe: one client per thread
        return [api.projects().versions().create(scriptId=script_id, body={}).execute()["versionNumber"]
                for _ in range(5)]

    with ThreadPoolExecutor(max_workers=6) as pool:
        numbers = [n for batch in pool.map(make_five, range(6)) for n in batch]
    assert sorted(numbers) == list(range(1, 31))
