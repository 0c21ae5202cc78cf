"""Real execution through the fake API: the V8 syntax check on push, functionSet, scripts.run
(result, thrown error with ExecutionError and stack), web apps at /macros/s/<id>/exec, rollback."""

from __future__ import annotations

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server.testing import WEB_AND_API_MANIFEST, error_json, js_file, snapshot, web_request
from gas_emulator.api_server.testing import content_files as files

CODE_V1 = """function doGet(e) { return ContentService.createTextOutput("v1 " + e.parameter.name); }
function doPost(e) { return ContentService.createTextOutput("posted " + e.postData.contents); }
function add(a, b) { return a + b; }
function boom() { helper(); }
function helper() {
  throw new TypeError("kaput");
}
"""
CODE_V2 = """function doGet(e) { return ContentService.createTextOutput("v2"); }
function add(a, b) { return a * b; }
"""


def push(api, script_id, code, name="Code"):
    body = {"files": files(js_file(name, code), manifest=WEB_AND_API_MANIFEST)}
    return api.projects().updateContent(scriptId=script_id, body=body).execute()


@pytest.fixture
def released(api, new_project):
    """Version 1 = CODE_V1, version 2 = CODE_V2 (HEAD too); one deployment on version 2."""
    script_id = new_project()
    push(api, script_id, CODE_V1)
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    push(api, script_id, CODE_V2)
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 2}).execute()
    return script_id, dep


def fetch(url, method="GET", body=b""):
    status, answer = web_request(url, method, body)
    return status, answer.decode()


def web_url(dep):
    return dep["entryPoints"][0]["webApp"]["url"]


# -- push ----------------------------------------------------------------------------------------------
def test_push_with_a_syntax_error_is_refused_with_apps_script_text(api, new_project, store):
    from gas_emulator.runtime import JsSyntaxError, Project, check_syntax

    script_id = new_project()
    sent = files(js_file("Good", "var a = 1;"), js_file("Code", "function f() {\n  return 1 +;\n}"))
    before = snapshot(store)
    with pytest.raises(HttpError) as exc:
        api.projects().updateContent(scriptId=script_id, body={"files": sent}).execute()
    with pytest.raises(JsSyntaxError) as direct:
        check_syntax(Project.from_files(sent))
    err = error_json(exc.value)
    assert (exc.value.status_code, err["status"]) == (400, "INVALID_ARGUMENT")
    assert err["message"] == str(direct.value)
    assert err["message"].startswith("Syntax error: SyntaxError: ")
    assert err["message"].endswith(" line: 2 file: Code")
    assert snapshot(store) == before


def test_function_set_lists_each_files_functions(api, new_project):
    script_id = new_project()
    got = push(api, script_id, CODE_V1)["files"]
    assert "functionSet" not in got[0]
    names = [f["name"] for f in got[1]["functionSet"]["values"]]
    assert names == ["doGet", "doPost", "add", "boom", "helper"]


# -- scripts.run -------------------------------------------------------------------------------------------
def test_run_returns_the_functions_result(api, released):
    _, dep = released
    body = {"function": "add", "parameters": [6, 7]}
    op = api.scripts().run(scriptId=dep["deploymentId"], body=body).execute()
    assert op == {"done": True, "response": {
        "@type": "type.googleapis.com/google.apps.script.v1.ExecutionResponse", "result": 42}}


def test_run_dev_mode_runs_head(api, released):
    script_id, _ = released
    push(api, script_id, CODE_V1)
    op = api.scripts().run(scriptId=script_id, body={"function": "add", "parameters": [6, 7],
                                                     "devMode": True}).execute()
    assert op["response"]["result"] == 13


def test_run_by_script_id_uses_the_api_executable_deployment(api, released):
    script_id, _ = released
    op = api.scripts().run(scriptId=script_id, body={"function": "add", "parameters": [2, 5]}).execute()
    assert op["response"]["result"] == 10


def test_run_of_a_function_that_throws_returns_execution_error(api, released):
    script_id, _ = released
    push(api, script_id, CODE_V1)
    op = api.scripts().run(scriptId=script_id, body={"function": "boom", "devMode": True}).execute()
    assert op["done"] is True and "response" not in op
    assert (op["error"]["code"], op["error"]["message"]) == (3, "ScriptError")
    detail = op["error"]["details"][0]
    assert detail["@type"] == "type.googleapis.com/google.apps.script.v1.ExecutionError"
    assert (detail["errorMessage"], detail["errorType"]) == ("kaput", "TypeError")
    assert detail["scriptStackTraceElements"][:2] == [{"function": "helper", "lineNumber": 6},
                                                      {"function": "boom", "lineNumber": 4}]


def test_run_of_a_missing_function(api, released):
    _, dep = released
    op = api.scripts().run(scriptId=dep["deploymentId"], body={"function": "nope"}).execute()
    assert op["error"]["details"][0]["errorMessage"] == "Script function not found: nope"


def test_run_needs_an_api_executable_deployment(api, new_project):
    script_id = new_project()
    api.projects().versions().create(scriptId=script_id, body={}).execute()  # base manifest only
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    with pytest.raises(HttpError) as exc:
        api.scripts().run(scriptId=dep["deploymentId"], body={"function": "f"}).execute()
    assert error_json(exc.value)["message"] == "Requested entity was not found."


def test_runs_are_counted_in_metrics(api, released):
    script_id, dep = released
    api.scripts().run(scriptId=dep["deploymentId"], body={"function": "add", "parameters": [1, 1]}).execute()
    api.scripts().run(scriptId=dep["deploymentId"], body={"function": "nope"}).execute()
    metrics = api.projects().getMetrics(scriptId=script_id, metricsGranularity="DAILY",
                                        metricsFilter_deploymentId=dep["deploymentId"]).execute()
    assert (metrics["totalExecutions"][-1]["value"], metrics["failedExecutions"][-1]["value"]) == ("2", "1")
    assert metrics["activeUsers"][-1]["value"] == "1"


# -- web apps --------------------------------------------------------------------------------------------
def test_exec_serves_the_deployments_version(released):
    _, dep = released
    assert fetch(web_url(dep)) == (200, "v2")


def test_rollback_changes_what_exec_serves_at_the_same_url(api, released):
    script_id, dep = released
    api.projects().deployments().update(scriptId=script_id, deploymentId=dep["deploymentId"],
                                        body={"deploymentConfig": {"versionNumber": 1}}).execute()
    assert fetch(web_url(dep) + "?name=ann") == (200, "v1 ann")


def test_exec_post_runs_do_post_with_the_body(api, released):
    script_id, dep = released
    api.projects().deployments().update(scriptId=script_id, deploymentId=dep["deploymentId"],
                                        body={"deploymentConfig": {"versionNumber": 1}}).execute()
    assert fetch(web_url(dep), "POST", b"hello") == (200, "posted hello")


def test_dev_url_serves_head(api, released):
    script_id, _ = released
    head = api.projects().deployments().list(scriptId=script_id, pageSize=1).execute()["deployments"][0]
    push(api, script_id, CODE_V1)
    assert fetch(web_url(head) + "?name=dev") == (200, "v1 dev")


def test_exec_of_a_deleted_deployment_is_404(api, released):
    script_id, dep = released
    api.projects().deployments().delete(scriptId=script_id, deploymentId=dep["deploymentId"]).execute()
    assert fetch(web_url(dep))[0] == 404


COUNTER = """function bump() {
  var props = PropertiesService.getScriptProperties();
  var n = Number(props.getProperty("n") || 0) + 1;
  props.setProperty("n", String(n));
  return n;
}
"""


def test_script_state_lives_in_the_store_between_runs_and_reset_clears_it(api, new_project, server):
    script_id = new_project()
    push(api, script_id, COUNTER)
    run = {"function": "bump", "devMode": True}
    assert [api.scripts().run(scriptId=script_id, body=run).execute()["response"]["result"]
            for _ in range(2)] == [1, 2]
    server.reset()
    script_id = new_project()
    push(api, script_id, COUNTER)
    assert api.scripts().run(scriptId=script_id, body=run).execute()["response"]["result"] == 1


def test_parallel_runs_from_several_clients(server, released):
    from concurrent.futures import ThreadPoolExecutor

    from gas_emulator.api_server.testing import checked_client

    _, dep = released

    def three(i):
        api = checked_client(server)
        runs = [api.scripts().run(scriptId=dep["deploymentId"],
                                  body={"function": "add", "parameters": [i, j]}) for j in range(3)]
        return [r.execute()["response"]["result"] for r in runs]

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(three, range(4))) == [[i * j for j in range(3)] for i in range(4)]


def test_a_run_past_six_minutes_is_script_timeout(api, new_project):
    script_id = new_project()
    push(api, script_id, "function slow() { for (var i = 0; i < 10; i++) Utilities.sleep(60000); }")
    op = api.scripts().run(scriptId=script_id, body={"function": "slow", "devMode": True}).execute()
    assert op["error"]["code"] == 10  # spec 2.1: SCRIPT_TIMEOUT
    assert op["error"]["details"][0]["errorMessage"] == "Exceeded maximum execution time"
