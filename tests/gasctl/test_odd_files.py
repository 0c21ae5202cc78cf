"""Odd files in a project (issue 14, 15): FIFOs, dangling or escaping symlinks and deeply nested JSON give
one clear error naming the file (never a hang or a traceback); JSON5 `.clasp.json`; push order."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from gasctl_helpers import remote_files, script_id_of, write_files

from gas_emulator.clasp import ClaspFileError, collect_local_files, load_clasp_config, locale_sorted


def project_dir(tmp_path: Path, files: dict[str, str] | None = None) -> Path:
    (tmp_path / ".clasp.json").write_text(json.dumps({"scriptId": "s", "rootDir": "src"}))
    write_files(tmp_path / "src", files or {"appsscript.json": "{}", "Code.js": "function f() {}\n"})
    return tmp_path


def test_fifo_that_would_be_pushed_is_an_error_not_a_hang(tmp_path):
    root = project_dir(tmp_path)
    os.mkfifo(root / "src" / "Pipe.js")
    with pytest.raises(ClaspFileError) as err:
        collect_local_files(load_clasp_config(root))
    pipe = root / "src" / "Pipe.js"
    assert str(err.value) == f"{pipe}: is not a regular file (a FIFO); refusing to read it"


def test_ignored_fifo_is_never_opened(tmp_path):
    root = project_dir(tmp_path)
    os.mkfifo(root / "src" / "pipe")  # no pushable extension: ignored by the default rules
    collected = collect_local_files(load_clasp_config(root))
    assert collected.ignored == ["pipe"]


def test_fifo_claspignore_is_an_error(tmp_path):
    root = project_dir(tmp_path)
    os.mkfifo(root / ".claspignore")
    with pytest.raises(ClaspFileError) as err:
        collect_local_files(load_clasp_config(root))
    assert str(err.value) == f"{root / '.claspignore'}: is not a regular file (a FIFO); refusing to read it"


def test_gasctl_status_with_a_fifo_exits_1(gasctl, project):
    os.mkfifo(project / "src" / "Pipe.js")
    result = gasctl("status", expect=1)
    assert result.stderr == (f"Error: {project / 'src' / 'Pipe.js'}: is not a regular file (a FIFO); "
                             "refusing to read it\n")


def test_gas_emu_run_with_a_fifo_exits_2(tmp_path):
    from gas_emulator.cli import main as gas_emu

    write_files(tmp_path, {"appsscript.json": "{}", "Code.js": "function f() { return 1; }\n"})
    os.mkfifo(tmp_path / "Pipe.js")
    result = CliRunner().invoke(gas_emu, ["run", "--root", str(tmp_path), "f"])
    assert result.exit_code == 2
    assert result.stderr.endswith(f"{tmp_path / 'Pipe.js'}: is not a regular file (a FIFO); refusing to read "
                                  "it\n")


def test_dangling_symlink_is_named(tmp_path):
    root = project_dir(tmp_path)
    (root / "src" / "Gone.js").symlink_to(root / "missing.js")
    with pytest.raises(ClaspFileError) as err:
        collect_local_files(load_clasp_config(root))
    assert str(err.value) == (f"{root / 'src' / 'Gone.js'}: is a symbolic link to {root / 'missing.js'}, "
                              "which does not exist")


def test_symlink_outside_the_project_is_refused(gasctl, project, tmp_path, api):
    secret = tmp_path / "secret.js"
    secret.write_text("var KEY = 'do-not-upload';\n")
    link = project / "src" / "Secret.js"
    link.symlink_to(secret)
    result = gasctl("push", expect=1)
    assert result.stderr == (f"Error: {link}: is a symbolic link to {secret}, outside the project {project}; "
                             "refusing to push it (copy the file into the project, or add the link to "
                             ".claspignore)\n")
    assert [f["name"] for f in remote_files(api, script_id_of(project))] == ["appsscript"]


def test_symlink_inside_the_project_is_pushed(gasctl, project, api):
    write_files(project, {"shared/lib.js": "function lib() {}\n"})
    (project / "src" / "Lib.js").symlink_to(project / "shared" / "lib.js")
    gasctl("push")
    pushed = {f["name"]: f["source"] for f in remote_files(api, script_id_of(project))}
    assert pushed["Lib"] == "function lib() {}\n"


def test_deeply_nested_clasp_json_is_one_error(tmp_path):
    (tmp_path / ".clasp.json").write_text('{"scriptId": "s", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ClaspFileError) as err:
        load_clasp_config(tmp_path)
    assert str(err.value) == f"{tmp_path / '.clasp.json'}: invalid JSON: nested too deeply"


def test_gasctl_with_deeply_nested_clasp_json_exits_1(gasctl, home):
    Path(".clasp.json").write_text('{"scriptId": "s", "x": ' + "[" * 100_000 + "]" * 100_000 + "}")
    result = gasctl("status", expect=1)
    assert result.stderr == f"Error: {Path.cwd() / '.clasp.json'}: invalid JSON: nested too deeply\n"


def test_clasp_json_is_json5(tmp_path):
    (tmp_path / ".clasp.json").write_text("{\n  // the dev project\n  scriptId: 'abc',\n"
                                          '  rootDir: "src, }",\n  filePushOrder: [],\n}\n')
    (tmp_path / "src, }").mkdir()
    config = load_clasp_config(tmp_path)
    assert (config.script_id, config.root_dir.name) == ("abc", "src, }")


def test_accented_names_sort_like_localecompare():
    # expected: JavaScript's [...].sort((a, b) => a.localeCompare(b)) (accents are secondary differences)
    assert locale_sorted(["zeta.js", "Été.js", "apple.js", "émile.js"]) == [
        "apple.js", "émile.js", "Été.js", "zeta.js"]


def test_file_push_order_applies_from_a_subfolder(gasctl, project, monkeypatch):
    write_files(project / "src", {"A.js": "var a;\n", "lib/Z.js": "var z;\n"})
    config = json.loads((project / ".clasp.json").read_text())
    (project / ".clasp.json").write_text(json.dumps({**config, "filePushOrder": ["src/lib/Z.js"]}))
    monkeypatch.chdir(project / "src" / "lib")
    data = gasctl.json("status")
    assert [f["name"] for f in data["filesToPush"]] == ["lib/Z", "A", "appsscript", "Code"]



def test_deeply_nested_sync_record_is_one_error(gasctl, project):
    record = project / ".gasctl" / "sync.json"
    record.write_text("[" * 100_000 + "]" * 100_000)
    result = gasctl("push", expect=1)
    assert result.stderr == (f"Error: {record}: unreadable last-sync record (nested too deeply); delete it "
                             "and run `gasctl pull` to start a new one\n")
