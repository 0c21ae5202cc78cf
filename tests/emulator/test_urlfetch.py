"""UrlFetchApp: stub answers, HTTPResponse, muteHttpExceptions, errors, quota, faults, latency."""

from __future__ import annotations

import json

import pytest

from gas_emulator import Emulator, Settings
from gas_emulator.errors import GasError
from gas_emulator.services import urlfetch

STUBS = [urlfetch.Stub("https://api.example.com/ok*", body='{"a": 1}', headers={"X-Id": "7"},
                       latency_ms=120),
         urlfetch.Stub("https://api.example.com/missing", status=404, body="no such thing"),
         urlfetch.Stub("https://api.example.com/echo", method="POST", body=lambda r: r["payload"])]


def _emu(**settings) -> Emulator:
    emu = Emulator(settings=Settings(**settings))
    urlfetch.install(emu, STUBS)
    return emu


def test_fetch_answers_from_the_stub_table():
    with _emu().execution() as ex:
        response = ex.UrlFetchApp.fetch("https://api.example.com/ok?x=1")
        assert (response.getResponseCode(), response.getContentText(), response.getHeaders()) == (
            200, '{"a": 1}', {"X-Id": "7"})


def test_fetch_waits_the_stub_latency_on_the_virtual_clock():
    with _emu().execution() as ex:
        ex.UrlFetchApp.fetch("https://api.example.com/ok")
        assert ex.now_ms() - ex.start_ms == 120


def test_an_error_status_throws_apps_script_text():
    with _emu().execution() as ex, pytest.raises(GasError) as err:
        ex.UrlFetchApp.fetch("https://api.example.com/missing")
    assert str(err.value) == ("Request failed for https://api.example.com returned code 404. Truncated "
                              "server response: no such thing (use muteHttpExceptions option to examine "
                              "full response)")


def test_mute_http_exceptions_returns_the_error_response():
    with _emu().execution() as ex:
        response = ex.UrlFetchApp.fetch("https://api.example.com/missing", {"muteHttpExceptions": True})
        assert (response.getResponseCode(), response.getContentText()) == (404, "no such thing")


def test_a_url_no_stub_matches_fails_like_an_unknown_host():
    with _emu().execution() as ex, pytest.raises(GasError) as err:
        ex.UrlFetchApp.fetch("https://elsewhere.example.org/")
    assert str(err.value) == "DNS error: https://elsewhere.example.org/"


def test_the_method_selects_the_stub_and_a_body_function_sees_the_request():
    with _emu().execution() as ex:
        response = ex.UrlFetchApp.fetch("https://api.example.com/echo", {"method": "post", "payload": "hi"})
        assert response.getContentText() == "hi"


def test_get_request_describes_without_fetching():
    emu = _emu(urlfetch_timeout_p=1.0)
    with emu.execution() as ex:
        request = ex.UrlFetchApp.getRequest("https://api.example.com/ok", {"method": "put"})
        assert (request["method"], request["muteHttpExceptions"]) == ("put", False)
        assert emu.quotas.usage(ex.user, urlfetch.URLFETCH) == 0


def test_fetch_all_answers_in_order():
    with _emu().execution() as ex:
        answers = ex.UrlFetchApp.fetchAll(["https://api.example.com/ok",
                                           {"url": "https://api.example.com/missing",
                                            "muteHttpExceptions": True}])
        assert [a.getResponseCode() for a in answers] == [200, 404]


def test_the_daily_fetch_quota():
    emu = _emu()
    with emu.execution() as ex:
        emu.store.quota_charge(ex.user, urlfetch.URLFETCH, 20_000, 20_000, ex.now_ms(), 86_400_000)
        with pytest.raises(GasError) as err:
            ex.UrlFetchApp.fetch("https://api.example.com/ok")
    assert str(err.value) == "Service invoked too many times for one day: urlfetch."


def test_a_drawn_timeout_throws_after_60_virtual_seconds():
    with _emu(urlfetch_timeout_p=1.0).execution() as ex, pytest.raises(GasError) as err:
        ex.UrlFetchApp.fetch("https://api.example.com/ok")
    assert (str(err.value), ex.now_ms() - ex.start_ms) == ("Timeout: https://api.example.com/ok", 60_000)


def test_a_drawn_429_is_an_http_error():
    with _emu(urlfetch_429_p=1.0).execution() as ex:
        muted = ex.UrlFetchApp.fetch("https://api.example.com/ok", {"muteHttpExceptions": True})
        assert muted.getResponseCode() == 429


def test_stubs_from_a_json_file(tmp_path):
    path = tmp_path / "stubs.json"
    path.write_text(json.dumps([{"url": "https://x.example/*", "method": "get", "status": 201,
                                 "body": "made", "latency_ms": 5}]))
    emu = Emulator()
    urlfetch.install(emu, urlfetch.load_stubs(path))
    with emu.execution() as ex:
        assert ex.UrlFetchApp.fetch("https://x.example/a").getResponseCode() == 201
