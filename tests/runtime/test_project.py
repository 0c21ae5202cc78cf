"""Loading projects: clasp push order, .claspignore, the manifest, API-shaped files."""

from __future__ import annotations

import pytest

from gas_emulator import Emulator
from gas_emulator.runtime import Project, ProjectError, SourceFile, run_function


def test_files_come_in_clasp_push_order_with_file_push_order_first(load):
    project = load("gas_order")
    assert [f.name for f in project.scripts] == ["z_first", "a", "b", "lib/c"]


def test_top_level_code_runs_in_push_order_at_every_execution(load):
    project, emu = load("gas_order"), Emulator()
    assert run_function(emu, project, "order").result == ["z_first", "a", "b", "lib/c"]
    assert run_function(emu, project, "order").result == ["z_first", "a", "b", "lib/c"]


def test_claspignore_keeps_ignored_files_out(load):
    assert "skip/nope" not in [f.name for f in load("gas_order").files]


def test_script_time_zone_comes_from_the_manifest(load):
    assert run_function(Emulator(), load("gas_order"), "timeZone").result == "Asia/Tokyo"


def test_function_names_are_top_level_declarations_in_push_order(load):
    assert load("gas_order").function_names() == ["order", "timeZone"]


def test_from_files_accepts_api_shaped_dicts_and_keeps_their_order():
    project = Project.from_files([
        {"name": "appsscript", "type": "JSON", "source": '{"timeZone": "Etc/UTC"}'},
        {"name": "Second", "type": "SERVER_JS", "source": "var x = [];"},
        SourceFile("First", "SERVER_JS", "x.push(1); function f() { return x; }"),
    ])
    assert [f.name for f in project.scripts] == ["Second", "First"]
    assert project.time_zone == "Etc/UTC"
    assert run_function(Emulator(), project, "f").result == [1]


def test_a_directory_without_a_manifest_is_refused_in_one_line(tmp_path):
    (tmp_path / "Code.js").write_text("function f() {}")
    with pytest.raises(ProjectError) as err:
        Project.from_directory(tmp_path)
    assert str(err.value) == f"no Apps Script project at {tmp_path}: appsscript.json is missing"


def test_a_missing_directory_is_refused_in_one_line(fixtures):
    with pytest.raises(ProjectError) as err:
        Project.from_directory(fixtures / "no_such_project")
    assert str(err.value) == f"no Apps Script project at {fixtures / 'no_such_project'}: not a directory"
