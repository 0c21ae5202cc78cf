"""gasctl generate works on the project it is run in (nearest .clasp.json / pyproject.toml), or --root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from gasctl.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def clone(tmp_path) -> Path:
    """Another checkout of the project: its own gas_src/, templates and configuration."""
    root = tmp_path / "clone"
    shutil.copytree(REPO / "gas_src", root / "gas_src")
    shutil.copytree(REPO / "tools" / "codegen", root / "tools" / "codegen",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".clasp.json", root / ".clasp.json")
    (root / "docs").mkdir()
    return root


def _generate(*args: str):
    return CliRunner().invoke(main, ["generate", *args])


def test_check_finds_drift_in_the_clone_it_is_run_in(clone, monkeypatch):
    with (clone / "gas_src" / "LockManager.js").open("a") as f:
        f.write("// edited by hand\n")
    monkeypatch.chdir(clone / "docs")  # a subfolder: the project is found walking up
    result = _generate("--check")
    assert result.exit_code == 1
    assert "Error: generated files are out of date: LockManager.js (run `gasctl generate`)" in result.stderr


def test_the_clone_s_own_templates_are_used(clone, monkeypatch):
    with (clone / "tools" / "codegen" / "templates" / "CacheManager.js.j2").open("a") as f:
        f.write("// a template change not rendered yet\n")
    monkeypatch.chdir(clone)
    assert "CacheManager.js" in _generate("--check").stderr
    assert _generate().exit_code == 0
    rendered = (clone / "gas_src" / "CacheManager.js").read_text()
    assert rendered.endswith("// a template change not rendered yet\n")
    assert _generate("--check").stdout == "Generated files are up to date.\n"


def test_root_names_the_project_from_anywhere(clone, tmp_path, monkeypatch):
    (clone / "gas_src" / "IdService.js").write_text("// replaced\n")
    monkeypatch.chdir(tmp_path)
    result = _generate("--check", "--root", str(clone))
    assert result.exit_code == 1 and "IdService.js" in result.stderr


def test_outside_any_project_it_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _generate("--check")
    assert result.exit_code == 2
    assert ("Error: no project here: no .clasp.json or pyproject.toml in this folder or above (name one "
            "with --root)") in result.stderr
