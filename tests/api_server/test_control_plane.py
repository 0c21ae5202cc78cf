"""The locked-down /__control plane: token, loopback Host names only, nothing from a browser, and
reset that never clears a --state file unless the server was started to allow it."""

from __future__ import annotations

import os
import stat

import pytest
from click.testing import CliRunner

from gas_emulator.api_server import FakeApiServer, control
from gas_emulator.api_server.cli import _control_token
from gas_emulator.api_server.testing import control as call
from gas_emulator.api_server.testing import snapshot
from gas_emulator.clock import VirtualClock

TURN_AUTH_OFF = {"require_auth": False}


@pytest.fixture
def guarded(server):
    server.update_settings(require_auth=True)
    return server


def refused(server, status, message, **kwargs):
    got_status, body = call(server, "POST", "settings", TURN_AUTH_OFF, **kwargs)
    assert (got_status, body["error"]["message"]) == (status, message)
    assert server.settings.require_auth is True  # the attack changed nothing


def test_the_right_token_changes_settings(guarded):
    assert call(guarded, "POST", "settings", TURN_AUTH_OFF)[0] == 200
    assert guarded.settings.require_auth is False


def test_no_token_is_401(guarded):
    refused(guarded, 401, control.MSG_NO_TOKEN, token="")


def test_a_wrong_token_is_401(guarded):
    refused(guarded, 401, control.MSG_NO_TOKEN, token="guess")


def test_health_needs_the_token_too(server):
    assert call(server, "GET", "health", token="")[0] == 401


def test_a_cross_origin_plain_text_post_is_refused(guarded):
    headers = {"Origin": "http://evil.example", "Content-Type": "text/plain;charset=UTF-8"}
    refused(guarded, 403, control.MSG_BROWSER.format(why="Origin http://evil.example"), headers=headers)


def test_a_same_origin_page_is_refused_too(guarded):
    # web apps are served from this very origin: a deployed page must not reach the control plane
    origin = guarded.base_url
    refused(guarded, 403, control.MSG_BROWSER.format(why=f"Origin {origin}"), headers={"Origin": origin})


def test_sec_fetch_site_cross_site_is_refused(guarded):
    refused(guarded, 403, control.MSG_BROWSER.format(why="Sec-Fetch-Site: cross-site"),
            headers={"Sec-Fetch-Site": "cross-site"})


@pytest.mark.parametrize("kind", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_simple_request_content_types_are_refused(guarded, kind):
    refused(guarded, 403, control.MSG_NOT_JSON.format(kind=kind), headers={"Content-Type": kind})


@pytest.mark.parametrize("host", ["evil.example", "rebind.evil.example:{port}", "127.0.0.1:1",
                                  "0.0.0.0:{port}"])
def test_a_wrong_host_header_is_refused(guarded, host):
    host = host.format(port=guarded.port)
    allowed = f"127.0.0.1:{guarded.port}, localhost:{guarded.port}, [::1]:{guarded.port}"
    refused(guarded, 403, control.MSG_WRONG_HOST.format(allowed=allowed, host=host), headers={"Host": host})


@pytest.mark.parametrize("host", ["localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_loopback_names_are_accepted(guarded, host):
    headers = {"Host": host.format(port=guarded.port)}
    assert call(guarded, "POST", "settings", TURN_AUTH_OFF, headers=headers)[0] == 200


def test_reset_refuses_to_clear_a_state_file(tmp_path):
    from gas_emulator.store.sqlite import SqliteStore

    path = tmp_path / "api.sqlite"
    store = SqliteStore(path)
    try:
        with FakeApiServer(store, clock=VirtualClock(), state_file=path) as srv:
            srv.build_client().projects().create(body={"title": "kept"}).execute()
            before = snapshot(store)
            status, body = call(srv, "POST", "reset")
            assert (status, body["error"]["message"]) == (400, control.MSG_STATE_RESET.format(path=path))
            assert body["error"]["status"] == "FAILED_PRECONDITION"
            assert snapshot(store) == before
    finally:
        store.close()


def test_reset_clears_a_state_file_when_allowed(tmp_path):
    from gas_emulator.store.sqlite import SqliteStore

    path = tmp_path / "api.sqlite"
    store = SqliteStore(path)
    try:
        with FakeApiServer(store, clock=VirtualClock(), state_file=path, allow_state_reset=True) as srv:
            srv.build_client().projects().create(body={"title": "gone"}).execute()
            assert call(srv, "POST", "reset") == (200, {})
            assert store.doc_keys("api/projects") == []
    finally:
        store.close()


def test_the_token_file_is_created_0600_and_reused(tmp_path):
    path = tmp_path / "token"
    token, shown = _control_token(path)
    assert shown is False and len(token) >= 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _control_token(path) == (token, False)


def test_the_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(control.TOKEN_ENV, "from-env")
    assert _control_token(None) == ("from-env", False)


def test_a_fresh_token_is_printed(monkeypatch):
    monkeypatch.delenv(control.TOKEN_ENV, raising=False)
    token, shown = _control_token(None)
    assert shown is True and token != _control_token(None)[0]


def test_an_empty_token_file_is_a_usage_error(tmp_path):
    from gas_emulator.api_server.cli import serve_api

    (tmp_path / "token").write_text("\n")
    result = CliRunner().invoke(serve_api, ["--control-token-file", str(tmp_path / "token")])
    assert result.exit_code == 2
    assert "is empty" in result.output
