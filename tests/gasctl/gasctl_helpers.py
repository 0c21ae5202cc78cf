"""Helpers shared by the gasctl tests (a uniquely named module, so no clash with other conftest files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from gasctl.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAKE_TOKEN = "ya29.fake-token-never-printed-0123456789"

try:  # the V8 runtime is written in parallel; without it the server checks no code
    from gas_emulator.runtime import run_web_request  # noqa: F401

    HAVE_RUNTIME = True
except ImportError:
    HAVE_RUNTIME = False

needs_runtime = pytest.mark.skipif(not HAVE_RUNTIME, reason="needs the V8 runtime (gas_emulator.runtime)")

WEBAPP_MANIFEST = json.dumps({"timeZone": "America/New_York", "runtimeVersion": "V8",
                              "webapp": {"access": "ANYONE_ANONYMOUS", "executeAs": "USER_DEPLOYING"},
                              "executionApi": {"access": "ANYONE"}}, indent=2) + "\n"
CODE_V1 = 'function doGet() {\n  return ContentService.createTextOutput("v1");\n}\n'
CODE_V2 = 'function doGet() {\n  return ContentService.createTextOutput("v2");\n}\n'


class ContentOnlyEngine:
    """Only while gas_emulator.runtime is missing: accepts content, runs nothing."""

    def inspect(self, files: list[dict[str, Any]]) -> list[list[str]]:
        return [[] for _ in files]

    def run(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("needs the runtime")

    web = run

    def reset(self) -> None:
        pass


class Gasctl:
    """Runs ``gasctl --api-endpoint <fake> --credentials <token file> ARGS``; keeps every output."""

    def __init__(self, server: Any, token_file: Path) -> None:
        self.server = server
        self.token_file = token_file
        self.sleeps: list[float] = []
        self.outputs: list[str] = []

    def __call__(self, *args: str, obj: dict | None = None, expect: int | None = 0) -> Any:
        overrides = {"sleep": self.sleeps.append, "rand": lambda: 0.5, **(obj or {})}
        base = ["--api-endpoint", self.server.base_url, "--credentials", str(self.token_file)]
        result = CliRunner().invoke(main, [*base, *args], obj=overrides, catch_exceptions=False)
        self.outputs += [result.stdout, result.stderr]
        if expect is not None:
            assert result.exit_code == expect, (result.exit_code, result.stdout, result.stderr)
        return result

    def json(self, *args: str, **kwargs: Any) -> Any:
        result = self("--json", *args, **kwargs)
        return json.loads(result.stdout)


def calls(result: Any) -> int:
    """The call count gasctl reports with --verbose ("gasctl: N HTTP calls")."""
    line = [x for x in result.stderr.splitlines() if x.startswith("gasctl: ") and x.endswith(" HTTP calls")]
    return int(line[-1].split()[1])


def copy_fixture(name: str, dest: Path) -> Path:
    shutil.copytree(FIXTURES / name, dest, dirs_exist_ok=True)
    return dest


def set_script_id(project_dir: Path, script_id: str) -> None:
    path = project_dir / ".clasp.json"
    text = path.read_text()
    start = text.index('"scriptId"')
    end = text.index(",", start)
    path.write_text(text[:start] + f'"scriptId": "{script_id}"' + text[end:])


def write_files(root: Path, files: dict[str, str]) -> None:
    for rel, source in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)


def script_id_of(project_dir: Path) -> str:
    return json.loads((project_dir / ".clasp.json").read_text())["scriptId"]


def remote_files(api: Any, script_id: str, version: int | None = None) -> list[dict]:
    kwargs = {"versionNumber": version} if version else {}
    content = api.projects().getContent(scriptId=script_id, **kwargs).execute()
    return [{"name": f["name"], "type": f["type"], "source": f.get("source", "")} for f in content["files"]]


def set_remote(api: Any, script_id: str, files: list[dict]) -> None:
    """Replace remote HEAD as someone else would (web editor)."""
    api.projects().updateContent(scriptId=script_id, body={"files": files}).execute()
