"""The ``drop_next_response`` fault: the call is carried out, its answer never arrives."""

from __future__ import annotations

import http.client
import json

import pytest


def post_version(server, script_id):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("POST", f"/v1/projects/{script_id}/versions", body=b"{}",
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return json.loads(response.read())
    finally:
        conn.close()


def test_dropped_response_still_commits_the_call(api, server, new_project):
    script_id = new_project()
    server.update_settings(drop_next_response="script.projects.versions.create")
    with pytest.raises(http.client.RemoteDisconnected):
        post_version(server, script_id)
    assert [v["versionNumber"] for v in api.projects().versions().list(scriptId=script_id).execute()
            ["versions"]] == [1]


def test_dropped_response_is_used_once(api, server, new_project):
    script_id = new_project()
    server.update_settings(drop_next_response="script.projects.versions.create")
    with pytest.raises(http.client.RemoteDisconnected):
        post_version(server, script_id)
    assert server.settings.drop_next_response == ""
    assert post_version(server, script_id)["versionNumber"] == 2


def test_other_methods_are_answered_while_a_drop_waits(api, server, new_project):
    script_id = new_project()
    server.update_settings(drop_next_response="script.projects.versions.create")
    assert api.projects().get(scriptId=script_id).execute()["scriptId"] == script_id
    assert server.settings.drop_next_response == "script.projects.versions.create"
