"""clasp 3's login and credential options: ``login --redirect-port``, the global ``--adc``, and
``whoami`` when nothing is logged in."""

from __future__ import annotations

import json
import socket

import pytest
from click.testing import CliRunner
from gasctl.cli import main
from test_gasctl_auth import FakeFlowCredentials, PasteFlow, v3_file


@pytest.fixture
def no_metadata_server(monkeypatch):
    from google.auth.compute_engine import _metadata

    monkeypatch.setattr(_metadata, "_NO_GCE_CHECK", True)  # never probe a metadata server


@pytest.fixture
def adc_file(tmp_path, monkeypatch):
    adc = tmp_path / "adc.json"
    adc.write_text(json.dumps({"type": "authorized_user", "client_id": "adc-id", "client_secret": "s",
                               "refresh_token": "r"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(adc))
    return adc


class PortFlow:
    """Records the port the local redirect server is asked to listen on."""

    ports: list[int] = []

    def __init__(self, config, scopes):
        pass

    def run_local_server(self, port, open_browser):
        PortFlow.ports.append(port)
        return FakeFlowCredentials()


def run(args, **kwargs):
    return CliRunner().invoke(main, args, **kwargs)


# -- login --redirect-port --------------------------------------------------------------------------
def test_redirect_port_is_the_local_servers_port(home):
    PortFlow.ports = []
    with socket.socket() as spare:  # a port free right now
        spare.bind(("localhost", 0))
        port = spare.getsockname()[1]
    result = run(["login", "--redirect-port", str(port)], obj={"flow_factory": PortFlow})
    assert result.exit_code == 0, result.stderr
    assert PortFlow.ports == [port]


def test_without_redirect_port_any_free_port_is_used(home):
    PortFlow.ports = []
    assert run(["login"], obj={"flow_factory": PortFlow}).exit_code == 0
    assert PortFlow.ports == [0]


def test_redirect_port_in_use_fails_before_any_browser_and_saves_nothing(home):
    PortFlow.ports = []
    with socket.socket() as busy:
        busy.bind(("localhost", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        result = run(["login", "--redirect-port", str(port)], obj={"flow_factory": PortFlow})
    assert (result.exit_code, PortFlow.ports) == (1, [])
    assert result.stderr == (f"Error: Port {port} is already in use. Please specify a different port with "
                             "--redirect-port. Nothing was saved.\n")
    assert not (home / ".clasprc.json").exists()


def test_redirect_port_out_of_range_is_a_usage_error(home):
    result = run(["login", "--redirect-port", "65536"], obj={"flow_factory": PortFlow})
    assert result.exit_code == 2
    assert "Invalid value for '--redirect-port': 65536 is not in the range 0<=x<=65535." in result.stderr


def test_redirect_port_names_the_pasted_url_with_no_localhost(home):
    PasteFlow.fetched = []
    result = run(["login", "--no-localhost", "--redirect-port", "9999"], obj={"flow_factory": PasteFlow},
                 input="http://localhost:9999/?state=state&code=4/0Abc-code\n")
    assert result.exit_code == 0, result.stderr
    assert "https://accounts.example/auth?redirect_uri=http://localhost:9999" in result.stderr


# -- --adc ------------------------------------------------------------------------------------------
def test_adc_skips_the_clasprc_file(home, adc_file):
    v3_file(home / ".clasprc.json")
    assert run(["--adc", "whoami"]).stdout == 'Credentials: adc (application-default), user "-"\n' \
                                              "Account: unknown (no id_token saved)\n"


def test_adc_asks_for_clasps_scopes(home, adc_file, monkeypatch):
    import google.auth

    asked = []
    real_default = google.auth.default
    monkeypatch.setattr(google.auth, "default",
                        lambda scopes: asked.append(scopes) or real_default(scopes=scopes))
    run(["--adc", "whoami"])
    assert "https://www.googleapis.com/auth/service.management" in asked[0]
    assert "https://www.googleapis.com/auth/logging.read" in asked[0]


def test_adc_without_any_is_not_logged_in(home, no_metadata_server):
    v3_file(home / ".clasprc.json")
    result = run(["--adc", "whoami"])
    assert (result.exit_code, result.stdout) == (1, "Not logged in.\n")
    assert result.stderr == ("--adc: no Application Default Credentials found. Set "
                             "GOOGLE_APPLICATION_CREDENTIALS to a key file, or run `gcloud auth "
                             "application-default login`.\n")


def test_adc_with_credentials_file_is_a_usage_error(home, tmp_path):
    result = run(["--adc", "--credentials", str(tmp_path / "x.json"), "whoami"])
    assert result.exit_code == 2
    assert result.stderr.endswith("Error: --adc and --credentials (or $GASCTL_CREDENTIALS) name two sources "
                                  "of credentials: pass one.\n")


def test_adc_missing_is_not_anonymous_even_on_loopback(gasctl, home, no_metadata_server):
    result = CliRunner().invoke(main, ["--api-endpoint", gasctl.server.base_url, "--adc", "list"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --adc: no Application Default Credentials found.")


# -- whoami without credentials --------------------------------------------------------------------
def test_whoami_not_logged_in_json(home, no_metadata_server):
    result = run(["--json", "whoami"])
    assert (result.exit_code, json.loads(result.stdout)) == (1, {"loggedIn": False})
