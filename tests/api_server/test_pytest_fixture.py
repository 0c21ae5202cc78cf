"""The ``gas_api`` fixture shipped in the package's pytest plugin (server mode, like moto's)."""

from __future__ import annotations

from gas_emulator.api_server.testing import control


def test_gas_api_yields_a_ready_script_client(gas_api):
    project = gas_api.script.projects().create(body={"title": "from the fixture"}).execute()
    got = gas_api.script.projects().get(scriptId=project["scriptId"]).execute()
    assert got["title"] == "from the fixture"


def test_gas_api_endpoint_is_a_loopback_url_of_the_running_server(gas_api):
    assert gas_api.endpoint == gas_api.server.base_url
    assert gas_api.endpoint.startswith("http://127.0.0.1:")


def test_gas_api_control_token_opens_the_control_plane(gas_api):
    assert control(gas_api.server, "GET", "health", token=gas_api.control_token) == (
        200, {"ok": True, "baseUrl": gas_api.endpoint})


def test_gas_api_logging_client_lists_entries(gas_api):
    assert gas_api.logging().entries().list(body={"resourceNames": ["projects/p"]}).execute() == {}

