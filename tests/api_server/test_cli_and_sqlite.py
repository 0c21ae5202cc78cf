"""``gas-emu serve-api`` as a real process, and the API's state on a SqliteStore (persistence)."""

from __future__ import annotations

import selectors
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner

from gas_emulator.api_server import FakeApiServer
from gas_emulator.api_server.cli import serve_api
from gas_emulator.api_server.testing import checked_client
from gas_emulator.clock import VirtualClock

SERVE = "from gas_emulator.api_server.cli import serve_api; serve_api()"


class _Url:
    def __init__(self, url: str) -> None:
        host_port = url.removeprefix("http://")
        self.base_url = url
        self.host, _, port = host_port.rpartition(":")
        self.port = int(port)


def start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-c", SERVE, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout=30):
            proc.kill()
            raise AssertionError("serve-api printed nothing in 30 s")
    return proc, proc.stdout.readline().strip()


def stop(proc: subprocess.Popen) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_serve_api_prints_its_url_serves_and_stops_cleanly(tmp_path):
    proc, url = start("--port", "0")
    try:
        assert url.startswith("http://127.0.0.1:")
        project = checked_client(_Url(url)).projects().create(body={"title": "cli"}).execute()
        assert project["title"] == "cli"
    finally:
        assert stop(proc) == 0


def test_serve_api_state_file_persists_between_runs(tmp_path):
    state = str(tmp_path / "api.sqlite")
    proc, url = start("--state", state)
    try:
        script_id = checked_client(_Url(url)).projects().create(body={"title": "kept"}).execute()["scriptId"]
    finally:
        stop(proc)
    proc, url = start("--state", state)
    try:
        assert checked_client(_Url(url)).projects().get(scriptId=script_id).execute()["title"] == "kept"
    finally:
        stop(proc)


def test_serve_api_refuses_a_non_loopback_host():
    result = CliRunner().invoke(serve_api, ["--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "is not a loopback address" in result.output


def test_serve_api_help_has_an_example():
    result = CliRunner().invoke(serve_api, ["--help"])
    assert result.exit_code == 0
    assert "Example: gas-emu serve-api" in result.output


def test_the_whole_lifecycle_runs_on_a_sqlite_store(tmp_path):
    from gas_emulator.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "s.sqlite")
    try:
        with FakeApiServer(store, clock=VirtualClock()) as srv:
            api = checked_client(srv)
            script_id = api.projects().create(body={"title": "t"}).execute()["scriptId"]
            api.projects().versions().create(scriptId=script_id, body={}).execute()
            dep = api.projects().deployments().create(scriptId=script_id, body={"versionNumber": 1}).execute()
            deployments = api.projects().deployments()
            deployments.delete(scriptId=script_id, deploymentId=dep["deploymentId"]).execute()
            listed = api.projects().deployments().list(scriptId=script_id, pageSize=5).execute()
            assert len(listed["deployments"]) == 1
            srv.reset()
            assert store.doc_keys("api/projects") == []
    finally:
        store.close()


@pytest.mark.parametrize("port", ["-1", "70000"])
def test_serve_api_refuses_a_bad_port(port):
    assert CliRunner().invoke(serve_api, ["--port", port]).exit_code == 2


def test_serve_api_takes_its_control_token_from_a_file_and_keeps_the_state_file(tmp_path):
    from gas_emulator.api_server.testing import control

    token_file = tmp_path / "token"
    token_file.write_text("s3cret-token\n")
    proc, url = start("--state", str(tmp_path / "api.sqlite"), "--control-token-file", str(token_file))
    try:
        server = _Url(url)
        server.control_token = "s3cret-token"
        assert control(server, "GET", "health")[0] == 200
        assert control(server, "GET", "health", token="other")[0] == 401
        status, body = control(server, "POST", "reset")
        assert (status, body["error"]["status"]) == (400, "FAILED_PRECONDITION")
    finally:
        assert stop(proc) == 0
