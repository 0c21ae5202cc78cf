"""Every `gas-emu` example, in `--help` and in the README, runs as printed (in a shell, in a copy of
the repository's project: `.clasp.json`, `gas_src/`, and the README's `myproj/ids.py`)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gas_emulator.cli import COMMANDS, main

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
#: serve-api serves until it is stopped (tests/api_server start and stop it themselves).
LONG_RUNNING = {"serve-api"}


def help_examples(command: str | None) -> list[str]:
    """The lines of an Example(s) paragraph of a --help text (click keeps them as written with \\b)."""
    args = [command, "--help"] if command else ["--help"]
    text = CliRunner().invoke(main, args).output
    block = text.split("Example", 1)[1].split("\n\n", 1)[0]
    return [line.strip().removeprefix("s:").removeprefix(":").strip()
            for line in block.splitlines() if "gas-emu " in line]


def readme_block(section: str, lang: str = "") -> str:
    body = README.split(f"## {section}", 1)[1]
    return body.split(f"```{lang}\n", 1)[1].split("```", 1)[0]


def readme_commands(section: str) -> list[str]:
    text = readme_block(section).replace("\\\n", " ")
    return [line for line in text.splitlines() if line.startswith("gas-emu ")]


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(REPO / "gas_src", tmp_path / "gas_src")
    shutil.copy(REPO / ".clasp.json", tmp_path / ".clasp.json")
    module = readme_block("Simulate concurrency", "python")
    path = tmp_path / module.splitlines()[0].removeprefix("# ")
    path.parent.mkdir(parents=True)
    path.write_text(module)
    return tmp_path


def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    bin_dir = Path(sys.executable).parent  # gas-emu as a shell finds it on PATH
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    return subprocess.run(["bash", "-ec", command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("command", [None, *sorted(set(COMMANDS) - LONG_RUNNING)])
def test_every_help_example_runs_as_printed(command, project):
    examples = help_examples(command)
    assert examples, f"gas-emu {command or ''} --help has no example"
    done = shell("\n".join(examples), project)
    assert done.returncode == 0, f"{examples}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"


def test_help_examples_are_not_rewrapped():
    text = CliRunner().invoke(main, ["simulate", "--help"]).output
    assert re.search(r"^    gas-emu simulate --root gas_src .* --check unique$", text, re.MULTILINE)


@pytest.mark.parametrize("section", ["Run Apps Script code", "Simulate concurrency"])
def test_every_readme_example_runs_as_written(section, project):
    commands = readme_commands(section)
    assert commands
    for command in commands:
        done = shell(command, project)
        assert done.returncode == 0, f"{command}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
