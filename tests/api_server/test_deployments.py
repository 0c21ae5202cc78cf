"""projects.deployments.*: the HEAD deployment, versioned deployments, the 20-deployment cap, paging,
entry points derived from the deployed version's manifest."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server.testing import WEB_AND_API_MANIFEST, error_json, snapshot
from gas_emulator.api_server.testing import content_files as files


@pytest.fixture
def versioned(api, new_project):
    """A project with versions 1 and 2; returns its script id."""
    script_id = new_project()
    api.projects().versions().create(scriptId=script_id, body={"description": "one"}).execute()
    api.projects().versions().create(scriptId=script_id, body={"description": "two"}).execute()
    return script_id


def test_a_new_project_lists_exactly_its_head_deployment(api, new_project):
    script_id = new_project()
    listed = api.projects().deployments().list(scriptId=script_id, pageSize=50).execute()["deployments"]
    assert len(listed) == 1
    assert listed[0]["deploymentConfig"] == {"scriptId": script_id, "manifestFileName": "appsscript"}


def test_create_deployment_of_a_version(api, versioned, clock):
    clock.advance(2_000)
    dep = api.projects().deployments().create(
        scriptId=versioned, body={"versionNumber": 1, "manifestFileName": "appsscript",
                                  "description": "prod"}).execute()
    assert dep["deploymentConfig"] == {"scriptId": versioned, "versionNumber": 1,
                                       "manifestFileName": "appsscript", "description": "prod"}
    assert dep["updateTime"] == "2026-01-01T00:00:02.000Z"
    assert dep["deploymentId"].startswith("AKfycb")


def test_get_deployment_returns_what_create_returned(api, versioned):
    dep = api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 2}).execute()
    got = api.projects().deployments().get(scriptId=versioned, deploymentId=dep["deploymentId"]).execute()
    assert got == dep


def test_list_is_head_first_then_by_creation(api, versioned):
    ids = [api.projects().deployments().create(scriptId=versioned, body={"versionNumber": n}).execute()
           ["deploymentId"] for n in (2, 1)]
    listed = api.projects().deployments().list(scriptId=versioned, pageSize=10).execute()["deployments"]
    assert "versionNumber" not in listed[0]["deploymentConfig"]
    assert [d["deploymentId"] for d in listed[1:]] == ids


def test_list_pages_with_next_page_token(api, versioned):
    for _ in range(4):
        api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
    request = api.projects().deployments().list(scriptId=versioned, pageSize=2)
    sizes = []
    while request is not None:
        response = request.execute()
        sizes.append(len(response["deployments"]))
        request = api.projects().deployments().list_next(request, response)
    assert sizes == [2, 2, 1]


def test_head_only_quirk_is_a_setting(api, versioned, server):
    server.update_settings(list_deployments_without_page_size_returns_head_only=True)
    api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
    assert len(api.projects().deployments().list(scriptId=versioned).execute()["deployments"]) == 1
    paged = api.projects().deployments().list(scriptId=versioned, pageSize=50).execute()
    assert len(paged["deployments"]) == 2


def test_update_moves_a_deployment_to_another_version_in_place(api, versioned, clock):
    dep = api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 2}).execute()
    clock.advance(5_000)
    body = {"deploymentConfig": {"scriptId": versioned, "versionNumber": 1, "manifestFileName": "appsscript",
                                 "description": "rollback"}}
    updated = api.projects().deployments().update(scriptId=versioned, deploymentId=dep["deploymentId"],
                                                  body=body).execute()
    assert updated["deploymentId"] == dep["deploymentId"]
    assert updated["deploymentConfig"]["versionNumber"] == 1
    assert updated["deploymentConfig"]["description"] == "rollback"
    assert updated["updateTime"] == "2026-01-01T00:00:05.000Z"


def test_update_replaces_the_whole_config(api, versioned):
    dep = api.projects().deployments().create(scriptId=versioned,
                                              body={"versionNumber": 2, "description": "x"}).execute()
    updated = api.projects().deployments().update(
        scriptId=versioned, deploymentId=dep["deploymentId"],
        body={"deploymentConfig": {"versionNumber": 1}}).execute()
    assert "description" not in updated["deploymentConfig"]


def test_delete_removes_a_versioned_deployment(api, versioned):
    dep = api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
    assert api.projects().deployments().delete(scriptId=versioned,
                                               deploymentId=dep["deploymentId"]).execute() == {}
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().get(scriptId=versioned, deploymentId=dep["deploymentId"]).execute()
    assert error_json(exc.value)["message"] == "Requested entity was not found."


def _head_id(api, script_id):
    return api.projects().deployments().list(scriptId=script_id, pageSize=1).execute()["deployments"][0][
        "deploymentId"]


def test_head_deployment_cannot_be_updated(api, versioned, store):
    head = _head_id(api, versioned)
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().update(scriptId=versioned, deploymentId=head,
                                            body={"deploymentConfig": {"versionNumber": 1}}).execute()
    assert error_json(exc.value) == {"code": 400, "status": "INVALID_ARGUMENT",
                                     "message": "Read-only deployments may not be modified."}
    assert snapshot(store) == before


def test_head_deployment_cannot_be_deleted(api, versioned, store):
    head = _head_id(api, versioned)
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().delete(scriptId=versioned, deploymentId=head).execute()
    assert error_json(exc.value)["message"] == "Read-only deployments may not be modified."
    assert snapshot(store) == before


@pytest.mark.parametrize("call", [
    lambda api, s: api.projects().deployments().get(scriptId=s, deploymentId="AKfycbNope").execute(),
    lambda api, s: api.projects().deployments().delete(scriptId=s, deploymentId="AKfycbNope").execute(),
    lambda api, s: api.projects().deployments().update(
        scriptId=s, deploymentId="AKfycbNope", body={"deploymentConfig": {"versionNumber": 1}}).execute(),
    lambda api, s: api.projects().deployments().create(scriptId=s, body={"versionNumber": 9}).execute(),
    lambda api, s: api.projects().deployments().list(scriptId="1nope").execute(),
])
def test_unknown_deployment_version_or_project_is_404(api, versioned, call):
    with pytest.raises(HttpError) as exc:
        call(api, versioned)
    assert error_json(exc.value) == {"code": 404, "status": "NOT_FOUND",
                                     "message": "Requested entity was not found."}


def test_deployment_of_another_project_is_not_found(api, versioned, new_project):
    other = new_project()
    dep = api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().get(scriptId=other, deploymentId=dep["deploymentId"]).execute()
    assert exc.value.status_code == 404


def test_create_without_a_version_number_is_400(api, versioned):
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().create(scriptId=versioned, body={"description": "x"}).execute()
    assert error_json(exc.value)["status"] == "INVALID_ARGUMENT"


def test_the_21st_versioned_deployment_is_refused(api, versioned, store):
    for _ in range(20):
        api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 2}).execute()
    assert error_json(exc.value) == {
        "code": 400, "status": "FAILED_PRECONDITION",
        "message": "Scripts may only have up to 20 versioned deployments at a time."}
    assert snapshot(store) == before
    listed = api.projects().deployments().list(scriptId=versioned, pageSize=50).execute()["deployments"]
    assert len(listed) == 21  # HEAD is extra (spec 2.5)


def test_deleting_a_deployment_frees_a_slot_under_the_cap(api, versioned):
    made = [api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()
            for _ in range(20)]
    api.projects().deployments().delete(scriptId=versioned, deploymentId=made[0]["deploymentId"]).execute()
    api.projects().deployments().create(scriptId=versioned, body={"versionNumber": 1}).execute()


def test_entry_points_come_from_the_deployed_versions_manifest(api, new_project, server):
    script_id = new_project()
    api.projects().versions().create(scriptId=script_id, body={}).execute()  # base manifest: no webapp
    api.projects().updateContent(scriptId=script_id,
                                 body={"files": files(manifest=WEB_AND_API_MANIFEST)}).execute()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    plain = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    web = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 2}).execute()
    assert "entryPoints" not in plain
    assert web["entryPoints"] == [
        {"entryPointType": "WEB_APP", "webApp": {
            "url": f"{server.base_url}/macros/s/{web['deploymentId']}/exec",
            "entryPointConfig": {"access": "ANYONE_ANONYMOUS", "executeAs": "USER_DEPLOYING"}}},
        {"entryPointType": "EXECUTION_API", "executionApi": {"entryPointConfig": {"access": "MYSELF"}}},
    ]


def test_head_entry_points_follow_the_latest_content_at_the_dev_url(api, new_project, server):
    script_id = new_project()
    api.projects().updateContent(scriptId=script_id,
                                 body={"files": files(manifest=WEB_AND_API_MANIFEST)}).execute()
    head = api.projects().deployments().list(scriptId=script_id, pageSize=1).execute()["deployments"][0]
    assert head["entryPoints"][0]["webApp"]["url"] == f"{server.base_url}/macros/s/{head['deploymentId']}/dev"
