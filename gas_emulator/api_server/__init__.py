"""A fake of the Apps Script REST API v1 on loopback, for release tooling and CI (spec 2).

    from gas_emulator.api_server import FakeApiServer
    with FakeApiServer() as srv:
        service = srv.build_client()   # google-api-python-client, static discovery, pointed here
        service.projects().create(body={"title": "t"}).execute()

Layout (after moto): ``models`` the plain backend (operations in snake_case), ``executions``
scripts.run / web apps / metrics, ``responses`` the wire mapping, ``errors`` every message with its
source, ``schema`` the discovery document (request checks, response validation), ``server`` the
HTTP server, ``cli`` the ``gas-emu serve-api`` command.
"""

from gas_emulator.api_server.errors import ApiError
from gas_emulator.api_server.models import ApiBackend
from gas_emulator.api_server.server import FakeApiServer
from gas_emulator.api_server.settings import ApiSettings

__all__ = ["ApiBackend", "ApiError", "ApiSettings", "FakeApiServer"]
