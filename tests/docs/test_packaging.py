"""The distributions: LICENSE, py.typed and the templates inside, no warning from the build backend,
google-api-python-client only in the `deploy` extra. Built from the committed files with setuptools'
own backend (the one pip calls), in a temporary copy."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = ("import json\nfrom setuptools import build_meta as backend\n"
         "names = [backend.build_sdist('dist'), backend.build_wheel('dist')]\n"
         "with open('built.json', 'w') as f:\n    json.dump(names, f)\n")


def _tracked_files() -> list[str]:
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout: the committed files are unknown")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path, str]:
    copy = tmp_path_factory.mktemp("source")
    for name in _tracked_files():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, copy / name)
    done = subprocess.run([sys.executable, "-c", BUILD], cwd=copy, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    sdist, wheel = (copy / "dist" / name for name in json.loads((copy / "built.json").read_text()))
    return sdist, wheel, done.stdout + done.stderr


def test_the_wheel_carries_the_license_py_typed_and_templates(built):
    names = zipfile.ZipFile(built[1]).namelist()
    assert "gas_emulator-0.1.0.dist-info/licenses/LICENSE" in names
    assert "gas_emulator/py.typed" in names
    assert "gas_codegen/templates/IdService.js.j2" in names


def test_the_sdist_carries_the_license_and_changelog(built):
    with tarfile.open(built[0]) as sdist:
        names = sdist.getnames()
    assert {"gas_emulator-0.1.0/LICENSE", "gas_emulator-0.1.0/CHANGELOG.md",
            "gas_emulator-0.1.0/gas_emulator/py.typed"} <= set(names)


def test_the_license_is_the_apache_2_text():
    text = (REPO / "LICENSE").read_text()
    assert "Apache License\n                           Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_build_backend_warns_about_nothing(built):
    # "warning: ... byte-compiling is disabled" is distutils reporting PYTHONDONTWRITEBYTECODE, not us
    problems = [line for line in built[2].splitlines() if "Warning" in line or line.strip() == "!!"]
    assert problems == []


def test_the_api_client_is_only_in_the_deploy_extra():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    names = lambda deps: {re.match(r"[A-Za-z0-9_.-]+", dep).group() for dep in deps}  # noqa: E731
    api_client = {"google-api-python-client", "google-auth", "google-auth-oauthlib", "httplib2",
                  "google-auth-httplib2"}
    assert names(project["dependencies"]) & api_client == set()
    assert names(project["optional-dependencies"]["deploy"]) == api_client
