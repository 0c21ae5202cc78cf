"""Web apps: doGet/doPost get the real event object; ContentService and HtmlService answer."""

from __future__ import annotations

import json

from gas_emulator import Emulator
from gas_emulator.runtime import Project, WebResponse, run_web_request


def test_do_post_json_round_trip(app):
    response = run_web_request(Emulator(), app, "POST", path_info="/v1/ids", query="a=1&a=2&b=",
                               body=b'{"type": "BDL", "count": 2}', content_type="application/json")
    assert (response.status, response.mime_type) == (200, "application/json")
    assert json.loads(response.body) == {
        "echo": {"type": "BDL", "count": 2}, "type": "application/json", "length": 27, "contentLength": 27,
        "query": "a=1&a=2&b=", "parameter": {"a": "1", "b": ""}, "parameters": {"a": ["1", "2"], "b": [""]},
        "pathInfo": "v1/ids"}


def test_do_get_returns_html_output(app):
    response = run_web_request(Emulator(), app, "GET", query="name=Ada")
    assert response == WebResponse(200, "text/html", "<p>Hello, Ada</p>")


def test_form_fields_of_a_post_join_the_parameters(app):
    response = run_web_request(Emulator(), app, "POST", body=b"x=1&y=2",
                               content_type="application/x-www-form-urlencoded")
    assert json.loads(response.body)["parameter"] == {"x": "1", "y": "2"}


def test_an_error_in_do_get_is_an_error_page_with_the_message():
    source = "function doGet(e) { throw new Error('down for <maintenance>'); }"
    project = Project.from_files([{"name": "Code", "type": "SERVER_JS", "source": source}])
    response = run_web_request(Emulator(), project, "GET")
    assert response.status == 500 and "down for &lt;maintenance&gt;" in response.body


LOGGING_APP = """function doGet(e) {
  console.log("debug line"); Utilities.sleep(1500); Logger.log("info line"); console.warn("warned");
  return ContentService.createTextOutput("ok");
}"""


def test_a_web_requests_log_lines_come_with_its_response_on_virtual_time():
    emulator = Emulator()
    start = emulator.clock.now_ms()
    project = Project.from_files([{"name": "Code", "type": "SERVER_JS", "source": LOGGING_APP}])
    response = run_web_request(emulator, project, "GET")
    assert [(r.level, r.text, r.time_ms - start) for r in response.logs] == [
        ("debug", "debug line", 0), ("info", "info line", 1500), ("warn", "warned", 1500)]


def test_the_log_lines_of_a_failed_web_request_are_kept_too():
    source = "function doGet(e) { console.error('about to fail'); throw new Error('down'); }"
    project = Project.from_files([{"name": "Code", "type": "SERVER_JS", "source": source}])
    response = run_web_request(Emulator(), project, "GET")
    lines = [(r.level, r.text) for r in response.logs]
    assert (response.status, lines) == (500, [("error", "about to fail")])
