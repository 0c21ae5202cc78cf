"""Execution logs through the fake Cloud Logging ``entries.list``, read with the real
google-api-python-client (``build('logging', 'v2', static_discovery=True)``)."""

from __future__ import annotations

import http.client
from urllib.parse import urlsplit

import pytest
from googleapiclient.errors import HttpError

from gas_emulator.api_server import errors
from gas_emulator.api_server.engine import WebResult
from gas_emulator.api_server.records import rfc3339
from gas_emulator.api_server.testing import (
    WEB_AND_API_MANIFEST,
    checked_logging_client,
    error_json,
    js_file,
    web_request,
)
from gas_emulator.api_server.testing import content_files as files

CODE = """function greet(name) { console.log("hello " + name); Logger.log("logged"); return 1; }
function warn() { console.warn("careful"); console.error("bad"); console.info("fyi"); }
function boom() { console.log("before"); throw new Error("kaput"); }
function quiet() { return 2; }
"""
MANIFEST_WITH_EXCEPTIONS = WEB_AND_API_MANIFEST[:-1] + ', "exceptionLogging": "STACKDRIVER"}'
PROJECT = "projects/my-gcp-project"


@pytest.fixture
def logging_api(server):
    return checked_logging_client(server)


@pytest.fixture
def script(api, new_project):
    script_id = new_project()
    body = {"files": files(js_file("Code", CODE), manifest=MANIFEST_WITH_EXCEPTIONS)}
    api.projects().updateContent(scriptId=script_id, body=body).execute()
    return script_id


def run(api, script_id, function, *parameters):
    body = {"function": function, "parameters": list(parameters), "devMode": True}
    return api.scripts().run(scriptId=script_id, body=body).execute()


def entries(logging_api, **body):
    return logging_api.entries().list(body={"resourceNames": [PROJECT], **body}).execute().get("entries", [])


def test_a_runs_console_and_logger_lines_are_listed_as_log_entries(api, logging_api, script, clock):
    run(api, script, "greet", "ada")
    listed = entries(logging_api)
    assert [(e["severity"], e["textPayload"]) for e in listed] == [("DEBUG", "hello ada"), ("INFO", "logged")]
    first = listed[0]
    assert first["resource"] == {"type": "app_script_function", "labels": {
        "project_id": "my-gcp-project", "function_name": "greet", "invocation_type": "execution API"}}
    assert first["logName"] == "projects/my-gcp-project/logs/script.googleapis.com%2Fconsole_logs"
    assert first["labels"]["script.googleapis.com/project_key"] == script
    assert first["timestamp"] == rfc3339(clock.now_ms())  # the virtual clock did not move


def test_console_levels_map_to_cloud_logging_severities(api, logging_api, script):
    run(api, script, "warn")
    assert [e["severity"] for e in entries(logging_api)] == ["WARNING", "ERROR", "INFO"]


def test_an_uncaught_exception_is_logged_as_error_when_the_manifest_asks(api, logging_api, script):
    run(api, script, "boom")
    assert [(e["severity"], e["textPayload"]) for e in entries(logging_api)] == [
        ("DEBUG", "before"), ("ERROR", "kaput")]


def test_an_execution_that_logs_nothing_leaves_no_entry(api, logging_api, script):
    run(api, script, "quiet")
    assert entries(logging_api) == []


def test_filter_by_function_name(api, logging_api, script):
    run(api, script, "greet", "a")
    run(api, script, "warn")
    listed = entries(logging_api, filter='resource.labels.function_name="warn"')
    assert {e["resource"]["labels"]["function_name"] for e in listed} == {"warn"}
    assert len(listed) == 3


def test_filter_by_script_id(api, logging_api, script, new_project):
    other = new_project()
    api.projects().updateContent(scriptId=other, body={"files": files(
        js_file("Code", CODE), manifest=WEB_AND_API_MANIFEST)}).execute()
    run(api, script, "greet", "mine")
    run(api, other, "greet", "theirs")
    listed = entries(logging_api, filter=f'labels."script.googleapis.com/project_key"="{script}"')
    assert [e["textPayload"] for e in listed] == ["hello mine", "logged"]


def test_filter_by_time_as_clasp_logs_sends_it(api, logging_api, script, clock):
    run(api, script, "greet", "early")
    clock.advance(60_000)
    since = entries(logging_api)[-1]["timestamp"]
    clock.advance(1)
    run(api, script, "greet", "late")
    listed = entries(logging_api, filter=f'timestamp > "{since}"', orderBy="timestamp desc")
    assert [e["textPayload"] for e in listed] == ["logged", "hello late"]


def test_filter_by_severity_rank(api, logging_api, script):
    run(api, script, "warn")
    run(api, script, "greet", "x")
    listed = entries(logging_api, filter="severity>=WARNING")
    assert [e["textPayload"] for e in listed] == ["careful", "bad"]


def test_filter_or_binds_tighter_than_and_as_documented(api, logging_api, script):
    run(api, script, "warn")
    listed = entries(logging_api, filter='severity=WARNING textPayload:"CARE" OR textPayload:"fyi"')
    assert [e["textPayload"] for e in listed] == ["careful"]  # not (WARNING AND care) OR fyi


@pytest.mark.parametrize("negated", ["NOT severity=ERROR", "-severity=ERROR"])
def test_filter_negation(api, logging_api, script, negated):
    run(api, script, "warn")
    assert [e["textPayload"] for e in entries(logging_api, filter=negated)] == ["careful", "fyi"]


def test_paging_with_page_size_and_token(api, logging_api, script):
    for name in ("a", "b", "c"):
        run(api, script, "greet", name)
    seen, token = [], None
    for _ in range(10):
        page = logging_api.entries().list(body={"resourceNames": [PROJECT], "pageSize": 4,
                                                "pageToken": token}).execute()
        seen += [e["textPayload"] for e in page["entries"]]
        token = page.get("nextPageToken")
        if token is None:
            break
    assert seen == ["hello a", "logged", "hello b", "logged", "hello c", "logged"]


def test_a_project_other_than_the_configured_one_has_no_entries(api, logging_api, script, server):
    server.update_settings(cloud_project_id="the-real-one")
    run(api, script, "greet", "x")
    assert entries(logging_api) == []
    listed = logging_api.entries().list(body={"resourceNames": ["projects/the-real-one"]}).execute()
    assert len(listed["entries"]) == 2


def test_only_the_newest_executions_are_kept(api, logging_api, script, server):
    server.update_settings(max_logged_executions=2)
    for name in ("a", "b", "c"):
        run(api, script, "greet", name)
    assert [e["textPayload"] for e in entries(logging_api)][::2] == ["hello b", "hello c"]


def test_reset_forgets_the_logs(api, logging_api, script, server):
    run(api, script, "greet", "x")
    server.reset()
    assert entries(logging_api) == []


@pytest.mark.parametrize(("body", "message"), [
    ({"resourceNames": []}, errors.MSG_NO_RESOURCE_NAMES),
    ({"resourceNames": ["projets/x"]}, errors.MSG_BAD_RESOURCE_NAME.format(name="projets/x")),
    ({"resourceNames": [PROJECT], "orderBy": "severity"}, errors.MSG_BAD_ORDER_BY.format(value="severity")),
    ({"resourceNames": [PROJECT], "filter": "severity>=LOUD"},
     errors.MSG_BAD_FILTER.format(detail="invalid severity 'LOUD'")),
    ({"resourceNames": [PROJECT], "filter": "(severity=INFO"},
     errors.MSG_BAD_FILTER.format(detail="missing ')' at column 15")),
    ({"resourceNames": [PROJECT], "pageSize": -1}, "Invalid value at 'page_size' (TYPE_INT32), -1"),
    ({"resourceNames": [PROJECT], "colour": 1},
     'Invalid JSON payload received. Unknown name "colour": Cannot find field.'),
])
def test_bad_requests_are_refused_with_400(logging_api, body, message):
    with pytest.raises(HttpError) as exc:
        logging_api.entries().list(body=body).execute()
    assert exc.value.status_code == 400
    assert error_json(exc.value)["message"] == message


class WebLogsEngine:
    """Answers every web request with one logged line, as an engine that hands out web logs does."""

    def inspect(self, files):
        return [[] for _ in files]

    def web(self, script_id, files, method, **kwargs):
        return WebResult(200, "text/plain", "ok", (("info", f"{method} served", 0.0),))

    def reset(self):
        pass


def test_web_app_lines_are_kept_when_the_engine_hands_them_out(clock):
    from gas_emulator.api_server import FakeApiServer
    from gas_emulator.api_server.testing import checked_client

    with FakeApiServer(clock=clock, engine=WebLogsEngine()) as srv:
        api = checked_client(srv)
        script_id = api.projects().create(body={"title": "w"}).execute()["scriptId"]
        api.projects().updateContent(scriptId=script_id, body={"files": files(
            js_file("Code", "function doGet() {}"), manifest=WEB_AND_API_MANIFEST)}).execute()
        api.projects().versions().create(scriptId=script_id, body={}).execute()
        dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
        url = urlsplit(dep["entryPoints"][0]["webApp"]["url"])
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        conn.request("GET", url.path)
        assert conn.getresponse().read() == b"ok"
        conn.close()
        listed = checked_logging_client(srv).entries().list(body={"resourceNames": [PROJECT]}).execute()
    [entry] = listed["entries"]
    assert (entry["textPayload"], entry["resource"]["labels"]["function_name"],
            entry["resource"]["labels"]["invocation_type"]) == ("GET served", "doGet", "web app")


WEB_CODE = """function doGet(e) {
  console.log("serving " + e.parameter.who); Utilities.sleep(2000); console.warn("slow");
  return ContentService.createTextOutput("hi");
}"""


def deploy_web_app(api, source):
    script_id = api.projects().create(body={"title": "web"}).execute()["scriptId"]
    api.projects().updateContent(scriptId=script_id, body={"files": files(
        js_file("Code", source), manifest=WEB_AND_API_MANIFEST)}).execute()
    api.projects().versions().create(scriptId=script_id, body={}).execute()
    dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
    return dep["entryPoints"][0]["webApp"]["url"]


def http_get(url):
    return web_request(url)[1]


def test_a_v8_web_apps_lines_are_listed_with_virtual_timestamps(api, logging_api, clock):
    url = deploy_web_app(api, WEB_CODE)
    start = clock.now_ms()
    assert http_get(url + "?who=ada") == b"hi"
    listed = entries(logging_api)
    assert [(e["severity"], e["textPayload"], e["timestamp"]) for e in listed] == [
        ("DEBUG", "serving ada", rfc3339(start)), ("WARNING", "slow", rfc3339(start + 2000))]
    assert listed[0]["resource"]["labels"] == {
        "project_id": "my-gcp-project", "function_name": "doGet", "invocation_type": "web app"}
