"""Credentials: clasp's .clasprc.json formats (v3, v2, 1.x), --user, ADC, login/logout/whoami, no leaks."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from gasctl.auth import BUILTIN_CLIENT_ID, build_credentials, read_credentials_file, resolve_credentials
from gasctl.cli import main
from gasctl.errors import GasctlError
from gasctl_helpers import FAKE_TOKEN

FUTURE_MS = 4102444800000  # 2100-01-01: never refreshed during a test


def id_token(email: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"email": email}).encode()).decode().rstrip("=")
    return f"e30.{payload}.sig"


def v3_file(path: Path) -> Path:
    entry = {"client_id": "cid.apps.googleusercontent.com", "client_secret": "csecret",
             "type": "authorized_user",
             "refresh_token": "1//refresh-default", "access_token": "ya29.default", "expiry_date": FUTURE_MS,
             "id_token": id_token("dev@example.com")}
    ci = {**entry, "refresh_token": "1//refresh-ci", "access_token": "ya29.ci",
          "id_token": id_token("ci@example.com")}
    path.write_text(json.dumps({"tokens": {"default": entry, "ci": ci}}))
    return path


def test_v3_format_default_user(tmp_path):
    creds = build_credentials(read_credentials_file(v3_file(tmp_path / "rc.json"), "default"))
    assert (creds.token, creds.refresh_token, creds.client_id, creds.client_secret) == (
        "ya29.default", "1//refresh-default", "cid.apps.googleusercontent.com", "csecret")
    assert creds.expiry == dt.datetime(2100, 1, 1)
    assert creds.valid


def test_v3_format_named_user(tmp_path):
    source = read_credentials_file(v3_file(tmp_path / "rc.json"), "ci")
    assert (build_credentials(source).token, source.email) == ("ya29.ci", "ci@example.com")


def test_v3_format_unknown_user(tmp_path):
    path = v3_file(tmp_path / "rc.json")
    with pytest.raises(GasctlError) as err:
        read_credentials_file(path, "prod")
    assert err.value.message == f'{path}: no credentials for user "prod" (users in this file: ci, default)'


def test_v3_entry_without_secret_from_clasp_head(tmp_path):
    path = tmp_path / "rc.json"
    path.write_text(json.dumps({"tokens": {"default": {"client_id": BUILTIN_CLIENT_ID, "refresh_token": "r",
                                                       "access_token": "a", "type": "authorized_user"}}}))
    source = read_credentials_file(path, "default")
    assert build_credentials(source).client_secret is None
    assert source.describe()["clientType"] == "google-provided"


def test_v2_format(tmp_path):
    path = tmp_path / "rc.json"
    path.write_text(json.dumps({"token": {"access_token": "ya29.v2", "refresh_token": "1//v2", "scope": "s",
                                          "token_type": "Bearer", "expiry_date": FUTURE_MS},
                                "oauth2ClientSettings": {"clientId": "v2id", "clientSecret": "v2secret",
                                                         "redirectUri": "http://localhost"},
                                "isLocalCreds": False}))
    creds = build_credentials(read_credentials_file(path, "default"))
    assert (creds.token, creds.refresh_token, creds.client_id, creds.client_secret) == (
        "ya29.v2", "1//v2", "v2id", "v2secret")


def test_v2_format_has_only_default_user(tmp_path):
    path = tmp_path / "rc.json"
    path.write_text(json.dumps({"token": {"access_token": "a"}, "oauth2ClientSettings": {}}))
    with pytest.raises(GasctlError, match='the clasp v2 credentials format has no entry for user "ci"'):
        read_credentials_file(path, "ci")


def test_1x_format_with_clasp_typo(tmp_path):
    path = tmp_path / "rc.json"
    path.write_text(json.dumps({"access_token": "ya29.old", "refresh_token": "1//old", "scope": "s",
                                "token_type": "Bearer", "exprity_date": FUTURE_MS}))
    source = read_credentials_file(path, "default")
    creds = build_credentials(source)
    assert (source.format, creds.token, creds.client_id) == ("clasp-1.x", "ya29.old", BUILTIN_CLIENT_ID)
    assert creds.expiry == dt.datetime(2100, 1, 1)


def test_unrecognised_credentials_file(tmp_path):
    path = tmp_path / "rc.json"
    path.write_text(json.dumps({"hello": 1}))
    with pytest.raises(GasctlError, match="unrecognised credentials format"):
        read_credentials_file(path, "default")


def test_clasprc_in_home_is_used_for_api_calls(gasctl, home, server, api):
    v3_file(home / ".clasprc.json")
    script_id = api.projects().create(body={"title": "t"}).execute()["scriptId"]
    result = CliRunner().invoke(main, ["--api-endpoint", server.base_url, "--user", "ci", "clone", script_id])
    assert result.exit_code == 0, result.stderr
    assert (Path.cwd() / "appsscript.json").is_file()


def test_clasp_config_auth_env_points_at_file(tmp_path, home):
    path = v3_file(tmp_path / "custom.json")
    _creds, source = resolve_credentials(None, "default", {"clasp_config_auth": str(path), "HOME": str(home)})
    assert (source.kind, source.path) == ("clasprc", str(path))


def test_adc_is_last(home, tmp_path, monkeypatch):
    adc = tmp_path / "adc.json"
    adc.write_text(json.dumps({"type": "authorized_user", "client_id": "adc-id", "client_secret": "s",
                               "refresh_token": "r"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    result = CliRunner().invoke(main, ["whoami"])
    assert result.stdout.startswith("Credentials: adc (application-default)")


def test_no_credentials_anywhere(home, monkeypatch):
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)  # never probe a metadata server
    result = CliRunner().invoke(main, ["whoami"])
    assert (result.exit_code, result.stdout) == (1, "Not logged in.\n")  # clasp's text; exit 1 for scripts
    assert result.stderr == ("No credentials: run `gasctl login`, pass --credentials FILE, or set up "
                             f"Application Default Credentials (looked for {home / '.clasprc.json'})\n")


class FakeFlowCredentials:
    token = "ya29.from-login"
    refresh_token = "1//from-login"
    expiry = dt.datetime(2100, 1, 1)
    id_token = id_token("me@example.com")


class FakeFlow:
    def __init__(self, config, scopes):
        self.config, self.scopes = config, scopes

    def run_local_server(self, port, open_browser):
        assert port == 0
        print("Please visit https://accounts.example/auth to authorize")  # must land on stderr
        return FakeFlowCredentials()


def test_login_writes_clasp_v3_entry_0600_and_prints_no_token(home, tmp_path):
    secret = tmp_path / "client_secret.json"
    secret.write_text(json.dumps({"installed": {"client_id": "mine", "client_secret": "shh",
                                                "redirect_uris": ["http://localhost"]}}))
    result = CliRunner().invoke(main, ["login", "--creds", str(secret), "--user", "ci"],
                                obj={"flow_factory": FakeFlow})
    rc = home / ".clasprc.json"
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f'Logged in as me@example.com (user "ci"); credentials saved to {rc}\n'
    assert stat.S_IMODE(os.stat(rc).st_mode) == 0o600
    entry = json.loads(rc.read_text())["tokens"]["ci"]
    assert entry == {"client_id": "mine", "client_secret": "shh", "type": "authorized_user",
                     "refresh_token": "1//from-login", "access_token": "ya29.from-login",
                     "token_type": "Bearer",
                     "expiry_date": FUTURE_MS, "id_token": FakeFlowCredentials.id_token}
    for secret_value in ("ya29.from-login", "1//from-login", "shh"):
        assert secret_value not in result.stdout + result.stderr


def test_logout_removes_entry_and_legacy_keys(home):
    rc = v3_file(home / ".clasprc.json")
    data = json.loads(rc.read_text())
    data["token"] = {"access_token": "legacy"}
    rc.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["logout"])
    assert result.stdout == 'Logged out user "default".\n'
    assert json.loads(rc.read_text()) == {"tokens": {"ci": data["tokens"]["ci"]}}
    assert stat.S_IMODE(os.stat(rc).st_mode) == 0o600


def test_whoami_shows_source_without_tokens(home):
    rc = v3_file(home / ".clasprc.json")
    result = CliRunner().invoke(main, ["--user", "ci", "whoami"])
    assert result.stdout == (f'Credentials: clasprc {rc} (clasp-v3), user "ci"\n'
                             "Client: cid.apps.googleusercontent.com (user-provided)\n"
                             "Account: ci@example.com\n")
    assert "ya29" not in result.stdout and "1//" not in result.stdout


def test_token_never_appears_in_any_output(gasctl, project, api):
    gasctl("--verbose", "push")
    gasctl("--verbose", "--json", "status")
    gasctl("--verbose", "deploy", "--no-gate")
    gasctl("--verbose", "--json", "deployments")
    gasctl("--verbose", "whoami")
    gasctl.server.update_settings(api_disabled=True)
    gasctl("--verbose", "--json", "versions", expect=1)
    assert all(FAKE_TOKEN not in text for text in gasctl.outputs)
    assert any("HTTP GET" in text for text in gasctl.outputs)  # verbose logging did run


class PasteFlow(FakeFlow):
    """A flow for login --no-localhost: no local server; the code comes back pasted."""

    redirect_uri = None
    fetched = []

    def run_local_server(self, port, open_browser):
        raise AssertionError("--no-localhost must not start a local server")

    def authorization_url(self, prompt):
        return f"https://accounts.example/auth?redirect_uri={self.redirect_uri}", "state"

    def fetch_token(self, code):
        PasteFlow.fetched.append(code)

    @property
    def credentials(self):
        return FakeFlowCredentials()


def test_login_no_localhost_takes_the_pasted_redirect_url(home):
    PasteFlow.fetched = []
    result = CliRunner().invoke(main, ["login", "--no-localhost"], obj={"flow_factory": PasteFlow},
                                input="http://localhost:8888/?state=state&code=4/0Abc-code&scope=x\n")
    assert result.exit_code == 0, result.stderr
    assert "https://accounts.example/auth?redirect_uri=http://localhost:8888" in result.stderr
    assert PasteFlow.fetched == ["4/0Abc-code"]
    saved = json.loads((home / ".clasprc.json").read_text())["tokens"]["default"]
    assert saved["refresh_token"] == "1//from-login"


def test_login_with_project_and_extra_scopes(home, tmp_path, monkeypatch):
    seen = []

    class ScopeFlow(FakeFlow):
        def __init__(self, config, scopes):
            super().__init__(config, scopes)
            seen.append(scopes)

    monkeypatch.chdir(tmp_path)
    (tmp_path / ".clasp.json").write_text(json.dumps({"scriptId": "s"}))
    manifest = {"oauthScopes": ["https://www.googleapis.com/auth/spreadsheets"]}
    (tmp_path / "appsscript.json").write_text(json.dumps(manifest))
    extra = "https://www.googleapis.com/auth/drive, openid"
    args = ["login", "--use-project-scopes", "--extra-scopes", extra]
    result = CliRunner().invoke(main, args, obj={"flow_factory": ScopeFlow})
    assert result.exit_code == 0, result.stderr
    assert seen == [["https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive",
                     "openid"]]
    assert result.stderr.startswith("Authorizing with the following scopes:\nhttps://www.googleapis.com/auth/"
                                    "spreadsheets\n")


def test_include_clasp_scopes_needs_project_scopes(home):
    result = CliRunner().invoke(main, ["login", "--include-clasp-scopes"], obj={"flow_factory": FakeFlow})
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: --include-clasp-scopes can only be used with --use-project-scopes.\n")


def test_extra_scopes_must_not_be_empty(home):
    result = CliRunner().invoke(main, ["login", "--extra-scopes", "a,,b"], obj={"flow_factory": FakeFlow})
    assert result.exit_code == 2
    assert "must be a comma-separated list of non-empty scopes." in result.stderr


def test_login_no_localhost_refuses_a_url_from_another_login(home):
    result = CliRunner().invoke(main, ["login", "--no-localhost"], obj={"flow_factory": PasteFlow},
                                input="http://localhost:8888/?state=someone-else&code=4/0Abc\n")
    assert result.exit_code == 1
    assert result.stderr.endswith("Error: login: the pasted URL is not from this login (its state differs); "
                                  "run `gasctl login --no-localhost` again and paste the URL the browser "
                                  "shows. Nothing was saved.\n")
    assert not (home / ".clasprc.json").exists()
