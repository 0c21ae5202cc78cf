"""Web-app log lines from the worker-process engine of ``gas-emu serve-api`` (api_server.workers):
a deployed doGet that logs, fetched over HTTP, then listed through google-api-python-client's
Cloud Logging v2 client."""

from __future__ import annotations

import time

import pytest

from gas_emulator.api_server import FakeApiServer
from gas_emulator.api_server.cli import _process_engine
from gas_emulator.api_server.records import rfc3339
from gas_emulator.api_server.testing import (
    WEB_AND_API_MANIFEST,
    checked_client,
    checked_logging_client,
    js_file,
    web_request,
)
from gas_emulator.api_server.testing import content_files as files
from gas_emulator.store.memory import MemoryStore

CODE = """function doGet(e) {
  console.log("serving " + e.parameter.who); Logger.log("logged"); console.error("oops");
  return ContentService.createTextOutput("hi " + e.parameter.who);
}"""


@pytest.fixture(scope="module")
def served():
    """The server ``gas-emu serve-api`` builds: a store and the worker-process engine."""
    store = MemoryStore()
    engine = _process_engine(store, None, None)
    with FakeApiServer(store, engine=engine) as server:
        api = checked_client(server)
        script_id = api.projects().create(body={"title": "web logs"}).execute()["scriptId"]
        api.projects().updateContent(scriptId=script_id, body={"files": files(
            js_file("Code", CODE), manifest=WEB_AND_API_MANIFEST)}).execute()
        api.projects().versions().create(scriptId=script_id, body={}).execute()
        dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
        yield server, dep["entryPoints"][0]["webApp"]["url"]
    engine.close()


def http_get(url: str) -> bytes:
    return web_request(url)[1]


def test_a_worker_web_apps_lines_are_listed_by_entries_list(served):
    server, url = served
    before = rfc3339(time.time() * 1000)
    assert http_get(url + "?who=ada") == b"hi ada"
    after = rfc3339(time.time() * 1000)
    listed = checked_logging_client(server).entries().list(body={
        "resourceNames": ["projects/my-gcp-project"],
        "filter": 'resource.labels.function_name="doGet"'}).execute()["entries"]
    assert [(e["severity"], e["textPayload"]) for e in listed] == [
        ("DEBUG", "serving ada"), ("INFO", "logged"), ("ERROR", "oops")]
    assert {(e["resource"]["labels"]["function_name"], e["resource"]["labels"]["invocation_type"])
            for e in listed} == {("doGet", "web app")}
    assert all(before <= e["timestamp"] <= after for e in listed)  # the worker's (real) clock
