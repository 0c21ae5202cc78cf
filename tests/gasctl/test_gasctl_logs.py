"""gasctl logs / open-logs: Cloud Logging entries.list end to end against the fake (which records each
scripts.run execution's console lines), and clasp's line format."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from gasctl.cmd_logs import format_entry, local_time
from gasctl_helpers import needs_runtime, write_files

CODE = ('function greet(name) { console.log("hello " + name); console.warn("careful"); return 1; }\n'
        'function later() { console.error("second run"); }\n')


@pytest.fixture
def logged(gasctl, project):
    """A pushed project with projectId in .clasp.json and one run of greet("ada") in HEAD."""
    config = json.loads((project / ".clasp.json").read_text())
    (project / ".clasp.json").write_text(json.dumps({**config, "projectId": "my-gcp-project"}))
    write_files(project / "src", {"Api.js": CODE})
    gasctl("push")
    gasctl("run", "greet", "--dev", "--params", '["ada"]')
    return project


@needs_runtime
def test_logs_print_clasp_lines_oldest_first(gasctl, logged):
    assert gasctl("logs", "--simplified").stdout == ("DEBUG                greet           hello ada\n"
                                                     "WARNING              greet           careful\n")


@needs_runtime
def test_logs_json_is_one_document_of_entries(gasctl, logged):
    entries = gasctl.json("logs")
    assert [(e["severity"], e["textPayload"]) for e in entries] == [("DEBUG", "hello ada"),
                                                                    ("WARNING", "careful")]
    assert entries[0]["resource"]["labels"]["function_name"] == "greet"


@needs_runtime
def test_logs_watch_prints_only_new_entries(gasctl, logged):
    polls = []

    def sleep(seconds):  # between polls: another execution logs a line, then Ctrl-C on the next
        polls.append(seconds)
        if len(polls) == 1:
            gasctl("run", "later", "--dev")
        else:
            raise KeyboardInterrupt

    result = gasctl("logs", "--simplified", "--watch", obj={"sleep": sleep})
    assert result.stdout.splitlines()[-1] == "ERROR                later           second run"
    assert result.stdout.count("hello ada") == 1
    assert polls == [6.0, 6.0]
    assert result.stderr == "Stopped watching.\n"


@needs_runtime
def test_logs_show_a_web_apps_lines(gasctl, project):
    config = json.loads((project / ".clasp.json").read_text())
    (project / ".clasp.json").write_text(json.dumps({**config, "projectId": "my-gcp-project"}))
    write_files(project / "src", {"Code.js": 'function doGet(e) { console.info("visited " + e.parameter.p); '
                                             'return ContentService.createTextOutput("ok"); }\n'})
    gasctl("push")
    url = gasctl.json("deploy", "--no-gate")["webAppUrl"]
    with urllib.request.urlopen(url + "?p=home", timeout=30) as response:  # loopback: the fake's web app
        assert response.read() == b"ok"
    assert gasctl("logs", "--simplified").stdout == "INFO                 doGet           visited home\n"


def test_logs_need_a_gcp_project(gasctl, project):
    result = gasctl("logs", expect=1)
    assert result.stderr == ("Error: GCP project ID is not set, unable to continue. Add \"projectId\" (the "
                             "script's Google Cloud project) to .clasp.json, or pass --project-id ID.\n")


def test_open_logs_prints_the_console_url(gasctl, project):
    opened = []
    result = gasctl("open-logs", "--project-id", "p-1", "--browser", obj={"open_browser": opened.append})
    url = "https://console.cloud.google.com/logs/viewer?project=p-1&resource=app_script_function"
    assert (result.stdout, opened) == (url + "\n", [url])


def test_entry_without_resource_or_payload_is_skipped():
    assert format_entry({"timestamp": "2025-01-01T00:00:00Z", "textPayload": "x"}, True) is None
    assert format_entry({"timestamp": "2025-01-01T00:00:00Z", "resource": {"type": "t"}}, True) is None


def test_json_payload_message_is_the_text():
    entry = {"timestamp": "2025-01-01T00:00:00Z", "severity": "INFO", "resource": {"labels": {}},
             "jsonPayload": {"message": "from json", "serviceContext": {}}}
    assert format_entry(entry, True) == "INFO                 N/A             from json"


def test_time_is_local(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert local_time("2025-01-01T23:30:05.123456789Z") == "2025-01-02T08:30:05"
    finally:
        monkeypatch.undo()
        time.tzset()
