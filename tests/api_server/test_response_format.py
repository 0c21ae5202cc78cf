"""The JSON layout of answers: pretty-printed as Google does by default, compact on prettyPrint=false
(https://cloud.google.com/apis/docs/system-parameters), and the Date header."""

from __future__ import annotations

import http.client
import json
import time
from email.utils import parsedate_to_datetime

import pytest

from gas_emulator.api_server import server as server_module


def get(server, path: str) -> tuple[int, http.client.HTTPResponse, bytes]:
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


@pytest.fixture
def script_id(new_project):
    return new_project()


def test_answers_are_pretty_printed_by_default(server, script_id):
    status, _, payload = get(server, f"/v1/projects/{script_id}?alt=json")
    assert status == 200
    assert payload.decode() == json.dumps(json.loads(payload), indent=2)


def test_pretty_print_false_gives_compact_json(server, script_id):
    status, _, payload = get(server, f"/v1/projects/{script_id}?alt=json&prettyPrint=false")
    assert status == 200
    assert payload.decode() == json.dumps(json.loads(payload), separators=(",", ":"))


def test_pretty_print_false_applies_to_error_answers(server):
    status, _, payload = get(server, "/v1/projects/nope-nope?prettyPrint=false")
    assert status == 404
    assert payload.decode() == json.dumps(json.loads(payload), separators=(",", ":"))


def test_pretty_print_true_keeps_the_indented_layout(server, script_id):
    status, _, payload = get(server, f"/v1/projects/{script_id}?prettyPrint=true")
    assert status == 200
    assert payload.decode() == json.dumps(json.loads(payload), indent=2)


def test_the_date_header_is_the_current_http_date(server, script_id):
    """The Date header is cached per second: it must still be the current time, in GMT."""
    before = int(time.time())
    _, response, _ = get(server, f"/v1/projects/{script_id}")
    after = time.time()
    date = response.getheader("Date")
    assert date.endswith(" GMT")
    assert before <= parsedate_to_datetime(date).timestamp() <= after


def test_the_date_is_formatted_once_per_second():
    server_module._http_date.cache_clear()
    assert server_module._http_date(1_700_000_000) == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert server_module._http_date(1_700_000_000) == "Tue, 14 Nov 2023 22:13:20 GMT"
    assert server_module._http_date.cache_info().hits == 1


def test_a_compact_answer_does_not_make_the_next_one_on_the_connection_compact(server, script_id):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        conn.request("GET", f"/v1/projects/{script_id}?prettyPrint=false")
        conn.getresponse().read()
        conn.request("POST", "/v1/projects", body=b"x" * (server.settings.max_body_bytes + 1),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
    finally:
        conn.close()
    assert response.status == 400
    assert payload.decode() == json.dumps(json.loads(payload), indent=2)
