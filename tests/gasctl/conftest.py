"""Fixtures for gasctl: an isolated HOME and working folder, the fake API on a free loopback port, and a
``gasctl(...)`` helper that runs the real click CLI (CliRunner) through the real client library.

Credentials: a ``{"type": "access_token"}`` file with a fake token (sent as ``Authorization: Bearer``;
the fake server is set to require it), never a Google call. Backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from gasctl_helpers import (
    CODE_V1,
    FAKE_TOKEN,
    HAVE_RUNTIME,
    WEBAPP_MANIFEST,
    ContentOnlyEngine,
    Gasctl,
    write_files,
)

from gas_emulator.api_server import FakeApiServer
from gas_emulator.clock import VirtualClock
from gas_emulator.store.memory import MemoryStore


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, gcloud config and cwd isolated; ADC can never find anything nor probe a metadata server."""
    home = tmp_path / "home"
    home.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(home / "gcloud"))
    monkeypatch.setenv("NO_GCE_CHECK", "True")
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "clasp_config_auth", "clasp_config_project",
                 "GASCTL_API_ENDPOINT", "GASCTL_CREDENTIALS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(work)
    return home


@pytest.fixture
def server() -> Any:
    engine = None if HAVE_RUNTIME else ContentOnlyEngine()
    with FakeApiServer(MemoryStore(), clock=VirtualClock(), engine=engine) as srv:
        srv.update_settings(require_auth=True)
        yield srv


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    path = tmp_path / "token.json"
    path.write_text(json.dumps({"type": "access_token", "access_token": FAKE_TOKEN}))
    return path


@pytest.fixture
def gasctl(home: Path, server: Any, token_file: Path) -> Gasctl:
    return Gasctl(server, token_file)


@pytest.fixture
def api(server: Any) -> Any:
    """A direct client on the fake ("someone else": the web editor, another machine)."""
    from google.oauth2.credentials import Credentials

    return server.build_client(credentials=Credentials(token="someone-else"))


@pytest.fixture
def project(gasctl: Gasctl, home: Path) -> Path:
    """`gasctl create` in the working folder (rootDir src) plus a web-app manifest and one script file."""
    gasctl("create", "--title", "fixture", "--root", "src")
    write_files(Path.cwd() / "src", {"appsscript.json": WEBAPP_MANIFEST, "Code.js": CODE_V1})
    return Path.cwd()
