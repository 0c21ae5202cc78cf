"""status / diff / push / pull against the fake API over loopback, through the real client library."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

from gasctl_helpers import (
    CODE_V2,
    WEBAPP_MANIFEST,
    calls,
    copy_fixture,
    needs_runtime,
    remote_files,
    script_id_of,
    set_remote,
    set_script_id,
    write_files,
)


def test_push_sends_one_update_in_push_order(gasctl, project, api):
    write_files(project / "src", {"lib/util.gs": "var U = 1;\n"})
    result = gasctl("--verbose", "push")
    assert calls(result) == 2  # getContent + updateContent
    assert [(f["name"], f["type"]) for f in remote_files(api, script_id_of(project))] == [
        ("appsscript", "JSON"), ("Code", "SERVER_JS"), ("lib/util", "SERVER_JS")]
    assert "  + Code (new)\n" in result.stdout
    assert "  ~ appsscript (manifest)\n" in result.stdout
    assert result.stdout.endswith("Pushed 3 files.\n")


def test_push_with_nothing_changed_sends_nothing(gasctl, project):
    gasctl("push")
    result = gasctl("--verbose", "push")
    assert result.stdout == "Script is already up to date.\n"
    assert calls(result) == 1  # getContent only


def test_push_dry_run_sends_nothing(gasctl, project, api):
    before = remote_files(api, script_id_of(project))
    data = gasctl.json("push", "--dry-run")
    assert (data["pushed"], data["dryRun"]) == (False, True)
    assert (data["added"], data["changed"]) == (["Code"], ["appsscript"])
    assert data["manifestChanged"] is True
    assert remote_files(api, script_id_of(project)) == before


def test_push_deletes_locally_removed_file_and_says_so(gasctl, project, api):
    write_files(project / "src", {"Old.js": "var old = 1;\n"})
    gasctl("push")
    (project / "src" / "Old.js").unlink()
    result = gasctl("push")
    assert "  - Old (deleted remotely by this push)\n" in result.stdout
    assert [f["name"] for f in remote_files(api, script_id_of(project))] == ["appsscript", "Code"]


def test_push_refuses_to_delete_remote_file_added_since_last_sync(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id) + [{"name": "EditorOnly", "type": "SERVER_JS", "source": "var e;"}]
    set_remote(api, script_id, files)
    (project / "src" / "Code.js").write_text("function doGet() {}\n")
    result = gasctl("push", expect=1)
    assert result.stderr == (
        "Error: push refused: would delete remote files added since the last sync: EditorOnly (edited in "
        "the web "
        "editor?). Run `gasctl diff` and `gasctl pull`, or pass --force. Nothing was sent.\n")
    assert remote_files(api, script_id) == files


def test_push_refuses_to_overwrite_remote_edit_since_last_sync(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id)
    files[1]["source"] = "// edited in the web editor\n"
    set_remote(api, script_id, files)
    (project / "src" / "Code.js").write_text("function doGet() {}\n")
    result = gasctl("push", expect=1)
    assert "would overwrite remote files edited since the last sync: Code" in result.stderr
    assert remote_files(api, script_id) == files


def test_push_force_overrides_remote_edit_check(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id) + [{"name": "EditorOnly", "type": "SERVER_JS", "source": "var e;"}]
    set_remote(api, script_id, files)
    gasctl("push", "--force")
    assert [f["name"] for f in remote_files(api, script_id)] == ["appsscript", "Code"]


def test_push_refuses_malformed_manifest_naming_file(gasctl, project):
    (project / "src" / "appsscript.json").write_text('{"timeZone": }')
    result = gasctl("push", expect=1)
    path = project / "src" / "appsscript.json"
    assert result.stderr == f"Error: {path}: invalid JSON: Expecting value at line 1 column 14\n"


def test_push_reports_malformed_claspignore_free_config_error(gasctl, project):
    (project / ".clasp.json").write_text('{"scriptId": "x", "rootDir": 3}')
    result = gasctl("push", expect=1)
    assert result.stderr == f'Error: {project / ".clasp.json"}: "rootDir" must be a string\n'


@needs_runtime
def test_push_syntax_error_is_one_line(gasctl, project):
    (project / "src" / "Code.js").write_text("function (\n")
    result = gasctl("push", expect=1)
    assert result.stderr.startswith("Error: pushing to script ")
    assert "Syntax error: SyntaxError:" in result.stderr and result.stderr.count("\n") == 1


def test_status_lists_files_and_ignored_without_api(gasctl, project):
    write_files(project / "src", {"notes.md": "x"})
    result = gasctl("--verbose", "status")
    assert calls(result) == 0
    assert "  appsscript.json  ->  appsscript (JSON)  *\n" in result.stdout
    assert "Ignored:\n  notes.md\n" in result.stdout


def test_diff_shows_unified_diff_against_head(gasctl, project):
    gasctl("push")
    (project / "src" / "Code.js").write_text(CODE_V2)
    result = gasctl("diff")
    assert result.stdout == (
        "--- HEAD/Code.js\n+++ local/Code.js\n@@ -1,3 +1,3 @@\n function doGet() {\n"
        '-  return ContentService.createTextOutput("v1");\n+  return '
        'ContentService.createTextOutput("v2");\n }\n')


def test_diff_identical(gasctl, project):
    gasctl("push")
    assert gasctl("diff").stdout == "No differences between local files and HEAD.\n"


def test_pull_writes_remote_files_and_records_sync(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id) + [{"name": "ui/Page", "type": "HTML", "source": "<p>hi</p>"}]
    set_remote(api, script_id, files)
    data = gasctl.json("pull")
    assert data["pulledFiles"] == ["src/ui/Page.html"]
    assert (project / "src" / "ui" / "Page.html").read_text() == "<p>hi</p>"
    record = json.loads((project / ".gasctl" / "sync.json").read_text())
    assert set(record["scripts"][script_id]["remote"]) == {"appsscript", "Code", "ui/Page"}


def test_pull_refuses_path_escaping_remote_name(gasctl, project, api, tmp_path):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id) + [{"name": "../../evil", "type": "SERVER_JS", "source": "var x;"}]
    set_remote(api, script_id, files)
    (project / "src" / "Code.js").write_text("// local only\n")
    result = gasctl("pull", "--force", expect=1)
    assert result.stderr == ("Error: pull refused: ../../evil: remote file name has an empty, '.' or '..' "
                             "path "
                             "segment; refusing to write it outside rootDir\n")
    assert not (tmp_path / "evil.js").exists() and not (project / "evil.js").exists()
    assert (project / "src" / "Code.js").read_text() == "// local only\n"  # nothing written at all


def test_pull_refuses_absolute_remote_name(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id) + [{"name": "/tmp/evil", "type": "HTML", "source": "x"}]
    set_remote(api, script_id, files)
    result = gasctl("pull", expect=1)
    assert "remote file name is an absolute path or uses backslashes" in result.stderr


def test_pull_refuses_to_overwrite_local_edit(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id)
    files[1]["source"] = "// remote\n"
    set_remote(api, script_id, files)
    (project / "src" / "Code.js").write_text("// local edit\n")
    result = gasctl("pull", expect=1)
    assert result.stderr == ("Error: pull refused: local files changed since the last sync would be "
                             "overwritten "
                             "or deleted: src/Code.js. Push or commit them first, or pass --force. Nothing "
                             "was "
                             "written.\n")
    assert (project / "src" / "Code.js").read_text() == "// local edit\n"
    gasctl("pull", "--force")
    assert (project / "src" / "Code.js").read_text() == "// remote\n"


def test_pull_overwrites_unedited_local_file(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = remote_files(api, script_id)
    files[1]["source"] = "// remote\n"
    set_remote(api, script_id, files)
    gasctl("pull")
    assert (project / "src" / "Code.js").read_text() == "// remote\n"


def test_pull_keeps_gs_extension_of_existing_file(gasctl, project, api):
    os.rename(project / "src" / "Code.js", project / "src" / "Code.gs")
    gasctl("push")
    gasctl("pull")
    assert sorted(p.name for p in (project / "src").iterdir()) == ["Code.gs", "appsscript.json"]


def test_pull_delete_unused(gasctl, project, api):
    gasctl("push")
    script_id = script_id_of(project)
    files = [f for f in remote_files(api, script_id) if f["name"] != "Code"]
    set_remote(api, script_id, files)
    data = gasctl.json("pull", "--delete-unused")
    assert data["deletedFiles"] == ["src/Code.js"]
    assert not (project / "src" / "Code.js").exists()


def test_pull_version(gasctl, project, api):
    gasctl("push")
    gasctl("version", "one")
    (project / "src" / "Code.js").write_text("// two\n")
    gasctl("push")
    gasctl("pull", "--version", "1", "--force")
    assert "v1" in (project / "src" / "Code.js").read_text()


def test_manifest_only_change_is_pushed(gasctl, project, api):
    gasctl("push")
    manifest = json.loads(WEBAPP_MANIFEST)
    manifest["timeZone"] = "Europe/Paris"
    (project / "src" / "appsscript.json").write_text(json.dumps(manifest))
    result = gasctl("push")
    assert "  ~ appsscript (manifest)\n" in result.stdout
    pushed = {f["name"]: f["source"] for f in remote_files(api, script_id_of(project))}
    assert json.loads(pushed["appsscript"])["timeZone"] == "Europe/Paris"


def test_push_watch_pushes_after_a_change(gasctl, project, api):
    gasctl("push")
    code = project / "src" / "Code.js"
    stop = threading.Event()
    batches = []

    def tick(changes):  # called by the watcher: first on a quiet period (it is running), then per change
        batches.append({Path(path).name for _, path in changes})
        if len(batches) == 1:
            code.write_text("// changed while watching\n")
        elif changes:
            stop.set()

    result = gasctl("push", "--watch", obj={"watch_stop": stop, "watch_tick": tick})
    assert "Code.js" in set().union(*batches)
    assert result.stdout.endswith("Pushed 2 files.\n")
    assert remote_files(api, script_id_of(project))[1]["source"] == "// changed while watching\n"


def test_watch_filter_applies_the_ignore_rules(project):
    from gasctl.cmd_files import pushable_filter

    from gas_emulator.clasp import load_clasp_config

    (project / ".claspignore").write_text("**/**\n!appsscript.json\n!*.js\nlegacy/**\n")
    keep = pushable_filter(load_clasp_config(project))
    src = project / "src"
    assert [keep(None, str(src / rel)) for rel in ("Code.js", "notes.txt", "legacy/Old.js", "page.html")] == [
        True, False, False, False]
    assert keep(None, str(project / "outside.js")) is False


def test_push_watch_with_json_is_usage_error(gasctl, project):
    result = gasctl("--json", "push", "--watch", expect=2)
    assert "--watch cannot be combined with --json" in result.stderr


def test_clasp_fixture_pushes_clasp_names_types_order(gasctl, home, api, tmp_path):
    script_id = api.projects().create(body={"title": "clasp"}).execute()["scriptId"]
    folder = copy_fixture("clasp_project", Path.cwd())
    set_script_id(folder, script_id)
    gasctl("push")
    assert [(f["name"], f["type"]) for f in remote_files(api, script_id)] == [
        ("lib/Polyfill", "SERVER_JS"), ("Config", "SERVER_JS"), ("appsscript", "JSON"), ("Code", "SERVER_JS"),
        ("keep/special.test", "SERVER_JS"), ("lib/util", "SERVER_JS"), ("ui/app.js", "HTML"),
        ("ui/Index", "HTML")]


def test_push_names_a_malformed_claspignore(gasctl, project, api):
    (project / ".claspignore").write_text("**/*.md\n{a,[z-a]}.js\n")
    result = gasctl("push", expect=1)
    ignore = project / ".claspignore"
    assert result.stderr == (f'Error: {ignore}: line 2: invalid glob pattern "{{a,[z-a]}}.js" '
                             "(bad character range z-a)\n")
    assert [f["name"] for f in remote_files(api, script_id_of(project))] == ["appsscript"]


def test_push_without_sync_record_refuses_to_delete_unknown_remote_files(gasctl, home, api):
    script_id = api.projects().create(body={"title": "from clasp"}).execute()["scriptId"]
    old = {"name": "Old", "type": "SERVER_JS", "source": ""}
    set_remote(api, script_id, [*remote_files(api, script_id), old])
    Path(".clasp.json").write_text(json.dumps({"scriptId": script_id}))
    write_files(Path.cwd(), {"appsscript.json": WEBAPP_MANIFEST})
    result = gasctl("push", expect=1)
    assert "would delete remote files never synced here (no last-sync record yet): Old" in result.stderr
    gasctl("pull", "--force")  # a pull starts the record; a local removal is then an ordinary deletion
    (Path.cwd() / "Old.js").unlink()
    assert "  - Old (deleted remotely by this push)" in gasctl("push").stdout
