"""Authorization modes, injected 429/500 faults, and the /__control endpoints."""

from __future__ import annotations

import httplib2
import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError

from gas_emulator.api_server import errors
from gas_emulator.api_server.testing import CheckedRequest, checked_client, control, error_json, snapshot


def unauthenticated_client(server):
    """No credentials at all: no Authorization header and no refresh attempt on 401."""
    return build("script", "v1", http=httplib2.Http(), static_discovery=True, cache_discovery=False,
                 requestBuilder=CheckedRequest, client_options={"api_endpoint": server.base_url + "/"})


# -- authorization ---------------------------------------------------------------------------------
def test_by_default_no_token_is_needed(server):
    assert unauthenticated_client(server).projects().create(body={"title": "t"}).execute()["title"] == "t"


def test_require_auth_answers_401_without_a_token(server):
    server.update_settings(require_auth=True)
    with pytest.raises(HttpError) as exc:
        unauthenticated_client(server).projects().create(body={"title": "t"}).execute()
    assert exc.value.status_code == 401
    assert error_json(exc.value) == {"code": 401, "status": "UNAUTHENTICATED",
                                     "message": errors.MSG_UNAUTHENTICATED}


def test_require_auth_accepts_any_bearer_token(server):
    server.update_settings(require_auth=True)
    api = checked_client(server, credentials=Credentials(token="any-token"))
    assert api.projects().create(body={"title": "t"}).execute()["title"] == "t"


def test_api_disabled_answers_403_with_the_usersettings_message(server, store):
    server.update_settings(api_disabled=True)
    api = checked_client(server, credentials=Credentials(token="tok"))
    with pytest.raises(HttpError) as exc:
        api.projects().create(body={"title": "t"}).execute()
    err = error_json(exc.value)
    assert (exc.value.status_code, err["status"]) == (403, "PERMISSION_DENIED")
    assert err["message"].startswith("User has not enabled the Apps Script API. Enable it by visiting "
                                     "https://script.google.com/home/usersettings then retry.")
    assert err["errors"] == [{"message": err["message"], "domain": "global", "reason": "forbidden"}]
    assert store.doc_keys("api/projects") == []


# -- faults ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "status", "message"), [
    (429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota)."),
    (500, "INTERNAL", "Internal error encountered."),
])
def test_fault_answers_google_error_and_changes_nothing(api, server, store, code, status, message):
    server.update_settings(fault_rate=1.0, fault_codes=[code])
    with pytest.raises(HttpError) as exc:
        api.projects().create(body={"title": "t"}).execute()
    assert error_json(exc.value) == {"code": code, "status": status, "message": message}
    assert snapshot(store)["api/projects"] == {}


def test_client_retries_survive_transient_faults(api, server):
    server.update_settings(fail_next=2, fault_codes=[500])
    project = api.projects().create(body={"title": "t"}).execute(num_retries=3)
    assert project["title"] == "t"
    assert len(CheckedRequest.slept) == 2  # two back-offs, recorded instead of slept
    assert server.settings.fail_next == 0


def test_fault_share_is_reproducible_from_its_seed(api, server, new_project):
    script_id = new_project()

    def pattern():
        server.update_settings(fault_rate=0.5, fault_seed=7)
        outcome = []
        for _ in range(30):
            try:
                api.projects().get(scriptId=script_id).execute()
                outcome.append("ok")
            except HttpError as err:
                outcome.append(err.status_code)
        server.update_settings(fault_rate=0.0)
        return outcome

    first = pattern()
    assert first == pattern()
    assert 5 < first.count("ok") < 25
    assert {429, 500} <= set(first)


def test_control_endpoints_are_never_faulted(server):
    server.update_settings(fault_rate=1.0, require_auth=True)
    assert control(server, "GET", "health") == (200, {"ok": True, "baseUrl": server.base_url})


# -- control -----------------------------------------------------------------------------------------
def test_reset_forgets_every_project(api, server, new_project):
    script_id = new_project()
    assert control(server, "POST", "reset") == (200, {})
    with pytest.raises(HttpError) as exc:
        api.projects().get(scriptId=script_id).execute()
    assert exc.value.status_code == 404


def test_reset_state_equals_a_fresh_one(api, server, store, new_project):
    fresh = snapshot(store)
    new_project()
    server.reset()
    assert snapshot(store) == fresh


def test_ids_after_reset_repeat_a_fresh_servers(api, server, new_project):
    first = new_project()
    server.reset()
    assert new_project() == first


def test_settings_can_be_read_and_changed_over_http(server):
    status, body = control(server, "POST", "settings", {"require_auth": True, "fault_codes": [503]})
    assert status == 200
    assert body["require_auth"] is True and body["fault_codes"] == [503]
    assert control(server, "GET", "settings")[1] == body
    assert server.settings.require_auth is True


@pytest.mark.parametrize(("change", "message"), [
    ({"nope": 1}, "unknown setting 'nope'"),
    ({"require_auth": "yes"}, "setting 'require_auth' must be of type bool, not 'yes'"),
    ({"fault_rate": 2}, "fault_rate must be between 0 and 1, not 2.0"),
])
def test_bad_settings_are_400_and_change_nothing(server, change, message):
    before = server.settings
    status, body = control(server, "POST", "settings", change)
    assert status == 400
    assert body["error"]["message"].startswith(message)
    assert server.settings == before


def test_unknown_control_path_is_404(server):
    assert control(server, "GET", "nothing")[0] == 404
