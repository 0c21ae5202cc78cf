"""Safe retries: a create whose answer is lost (the fake's ``drop_next_response``) is looked for before it
is sent again, so exactly one resource is made; ``projects.create`` and ``scripts.run`` are never re-sent;
httplib2 never re-sends a POST on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gasctl_helpers import CODE_V2, needs_runtime, script_id_of, write_files

from gas_emulator.api_server import records as rec


def versions_of(api, script_id):
    return api.projects().versions().list(scriptId=script_id, pageSize=50).execute().get("versions", [])


def versioned_deployments(api, script_id):
    listed = api.projects().deployments().list(scriptId=script_id, pageSize=50).execute()["deployments"]
    return [d for d in listed if d["deploymentConfig"].get("versionNumber") is not None]


def test_lost_version_create_makes_one_version(gasctl, project, api):
    gasctl("push")
    gasctl.server.update_settings(drop_next_response="script.projects.versions.create")
    assert gasctl("version", "release 1").stdout == "Created version 1.\n"
    assert [v["versionNumber"] for v in versions_of(api, script_id_of(project))] == [1]


def test_lost_deployment_create_makes_one_deployment(gasctl, project, api):
    gasctl("push")
    gasctl.server.update_settings(drop_next_response="script.projects.deployments.create")
    data = gasctl.json("deploy", "--no-gate", "--description", "r1")
    deployments = versioned_deployments(api, script_id_of(project))
    assert [d["deploymentId"] for d in deployments] == [data["deploymentId"]]
    assert json.loads((project / ".clasp.json").read_text())["deploymentId"] == data["deploymentId"]


def test_lost_version_create_inside_deploy_makes_one_version(gasctl, project, api):
    gasctl("push")
    gasctl.server.update_settings(drop_next_response="script.projects.versions.create")
    gasctl("deploy", "--no-gate", "--description", "r1")
    script_id = script_id_of(project)
    assert [v["versionNumber"] for v in versions_of(api, script_id)] == [1]
    assert [d["deploymentConfig"]["versionNumber"] for d in versioned_deployments(api, script_id)] == [1]


def test_create_answered_500_is_looked_for_then_sent_again(gasctl, project, api, monkeypatch):
    gasctl("push")
    backend = gasctl.server.backend
    real_create = backend.create_version
    answers = iter([500])

    def create_then_maybe_fail(script_id, body):
        status = next(answers, None)
        if status is not None:
            from gas_emulator.api_server import errors
            raise errors.fault(status)  # failed before doing anything: the look finds nothing
        return real_create(script_id, body)

    monkeypatch.setattr(backend, "create_version", create_then_maybe_fail)
    assert gasctl("version").stdout == "Created version 1.\n"
    assert [v["versionNumber"] for v in versions_of(api, script_id_of(project))] == [1]
    assert gasctl.sleeps == [0.5]


def test_lost_project_create_is_not_sent_again(gasctl, home, server):
    server.update_settings(drop_next_response="script.projects.create")
    result = gasctl("create", "--title", "lost", expect=1)
    assert result.stderr.startswith("Error: creating the project: the answer was lost (")
    assert result.stderr.endswith('; a project titled "lost" may have been created: look in '
                                  "https://script.google.com/home before creating it again. It was not sent "
                                  "again.\n")
    assert len(server.store.doc_keys(rec.NS_PROJECTS)) == 1
    assert not Path(".clasp.json").exists()


@needs_runtime
def test_lost_run_answer_is_not_run_again(gasctl, project, server, monkeypatch):
    write_files(project / "src", {"Api.js": "function add(a, b) { return a + b; }\n"})
    gasctl("push")
    runs = []
    real_run = server.backend.engine.run
    monkeypatch.setattr(server.backend.engine, "run", lambda *a, **k: runs.append(a[2]) or real_run(*a, **k))
    server.update_settings(drop_next_response="script.scripts.run")
    result = gasctl("run", "add", "--dev", "--params", "[1, 2]", expect=1)
    assert result.stderr.startswith("Error: running add: the answer was lost (")
    assert result.stderr.endswith("; add may have run (or be running). It was not sent again.\n")
    assert runs == ["add"]


def test_transport_never_resends_a_post(server):
    from gasctl.transport import CountingHttp, ResponseLost

    seen = []
    server.update_settings(drop_next_response="script.projects.create")
    http = CountingHttp(lambda method, url, status: seen.append((method, status)))
    with pytest.raises(ResponseLost):
        http.request(server.base_url + "/v1/projects", "POST", body=b'{"title": "t"}',
                     headers={"Content-Type": "application/json", "Authorization": "Bearer t"})
    assert len(server.store.doc_keys(rec.NS_PROJECTS)) == 1
    assert seen == [("POST", 0)]


def test_idempotent_read_is_sent_again_after_a_lost_answer(gasctl, project, api):
    gasctl.server.update_settings(drop_next_response="script.projects.versions.list")
    assert gasctl("versions").stdout == "No versions.\n"
    assert gasctl.server.settings.drop_next_response == ""  # the lost answer happened


def lose_every_push_answer(server, monkeypatch):
    """The first updateContent is done but its answer lost; the library's re-sends then all fail (503)."""
    from gas_emulator.api_server import errors

    real_update = server.backend.update_content
    done = []

    def update_once(script_id, body):
        if done:
            raise errors.fault(503)
        done.append(script_id)
        return real_update(script_id, body)

    monkeypatch.setattr(server.backend, "update_content", update_once)
    server.update_settings(drop_next_response="script.projects.updateContent")


def test_push_after_a_lost_push_answer_repairs_the_record(gasctl, project, server, monkeypatch):
    gasctl("push")
    write_files(project / "src", {"Code.js": CODE_V2})
    with monkeypatch.context() as patch:
        lose_every_push_answer(server, patch)
        gasctl("push", expect=1)
    write_files(project / "src", {"Code.js": CODE_V2 + "// v3\n"})  # edited again: remote != local
    result = gasctl("push")
    assert result.stderr == ("Repaired .gasctl/sync.json: the last push had reached the server (its answer "
                             "was lost).\n")
    assert result.stdout.endswith("Pushed 2 files.\n")


def test_record_is_repaired_when_remote_equals_local(gasctl, project, server, api):
    gasctl("push")
    record_path = project / ".gasctl" / "sync.json"
    stale = record_path.read_text()
    write_files(project / "src", {"Code.js": CODE_V2})
    gasctl("push")
    record_path.write_text(stale)  # as if gasctl had been stopped before it could record the push
    result = gasctl("push")
    assert result.stderr == "Repaired .gasctl/sync.json: remote HEAD already equals the local files.\n"
    assert result.stdout == "Script is already up to date.\n"
    assert gasctl("pull").stdout == "Pulled 0 changed file(s), 2 unchanged.\n"
