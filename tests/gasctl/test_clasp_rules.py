"""clasp's file rules (gas_emulator.clasp): config loading, ignore globs, collection order, pull mapping."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gas_emulator.clasp import (
    DEFAULT_IGNORE_PATTERNS,
    ClaspFileError,
    collect_local_files,
    find_clasp_config,
    glob_match,
    is_ignored,
    load_clasp_config,
    local_path_for,
    locale_sorted,
    read_ignore_patterns,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "clasp_project"


def write_project(tmp_path: Path, config: dict | str, files: dict[str, str]) -> Path:
    text = config if isinstance(config, str) else json.dumps(config)
    (tmp_path / ".clasp.json").write_text(text)
    for rel, source in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return tmp_path / ".clasp.json"


def test_fixture_pushes_clasp_names_types_and_order():
    config = load_clasp_config(FIXTURE / ".clasp.json")
    collected = collect_local_files(config)
    assert [(f.name, f.type) for f in collected.files] == [
        ("lib/Polyfill", "SERVER_JS"),  # filePushOrder first, in its order
        ("Config", "SERVER_JS"),
        ("appsscript", "JSON"),  # then localeCompare: case-insensitive, lower case first
        ("Code", "SERVER_JS"),
        ("keep/special.test", "SERVER_JS"),  # re-included by a later negation
        ("lib/util", "SERVER_JS"),
        ("ui/app.js", "HTML"),  # only the last extension is stripped (spec §1.6)
        ("ui/Index", "HTML"),
    ]


def test_fixture_ignored_lists_pattern_and_type_exclusions():
    collected = collect_local_files(load_clasp_config(FIXTURE))
    assert collected.ignored == ["Code.test.js", "README.md", "types.ts", "vendor/lib.js"]


def test_source_is_read_byte_exact(tmp_path):
    path = write_project(tmp_path, {"scriptId": "s"}, {"appsscript.json": "{}", "a.js": ""})
    (tmp_path / "a.js").write_bytes(b"\xef\xbb\xbfvar a = 1;\r\n")
    files = collect_local_files(load_clasp_config(path)).files
    assert files[0].source == "\ufeffvar a = 1;\r\n"


def test_config_defaults_and_extension_fixup(tmp_path):
    raw = {"scriptId": "abc", "scriptExtensions": ["GS", ".Js"], "htmlExtensions": "htm", "parentId": ["p1"]}
    config = load_clasp_config(write_project(tmp_path, raw, {}))
    assert (config.script_id, config.root_dir) == ("abc", tmp_path.resolve())
    assert config.project_root == tmp_path.resolve()
    assert config.script_extensions == [".gs", ".js"]
    assert config.html_extensions == [".htm"]
    assert config.json_extensions == [".json"]
    assert config.parent_id == "p1"  # clasp uses the first element
    assert config.extension_for("SERVER_JS") == ".gs"


def test_legacy_file_extension_setting(tmp_path):
    config = load_clasp_config(write_project(tmp_path, {"scriptId": "a", "fileExtension": "ts"}, {}))
    assert config.script_extensions == [".ts"]


def test_src_dir_wins_over_root_dir(tmp_path):
    (tmp_path / "src").mkdir()
    raw = {"scriptId": "a", "rootDir": "x", "srcDir": "src"}
    config = load_clasp_config(write_project(tmp_path, raw, {}))
    assert config.root_dir == (tmp_path / "src").resolve()


def test_root_dir_escaping_project_is_refused(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a", "rootDir": "../elsewhere"}, {})
    with pytest.raises(ClaspFileError) as err:
        load_clasp_config(path)
    assert str(err.value) == f'{path}: rootDir "../elsewhere" escapes the project root {tmp_path.resolve()}'


def test_malformed_config_names_file_and_position(tmp_path):
    path = write_project(tmp_path, '{"scriptId": "a",\n  "rootDir" "src"}', {})
    with pytest.raises(ClaspFileError) as err:
        load_clasp_config(path)
    assert str(err.value) == f'{path}: invalid JSON: Unexpected """ at line 2 column 13'


def test_config_that_is_not_an_object(tmp_path):
    path = write_project(tmp_path, "[1, 2]", {})
    with pytest.raises(ClaspFileError, match=r"must contain a JSON object$"):
        load_clasp_config(path)


def test_config_with_wrong_field_type(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a", "filePushOrder": "Code.js"}, {})
    with pytest.raises(ClaspFileError) as err:
        load_clasp_config(path)
    assert err.value.problem == '"filePushOrder" must be a list of strings'


def test_missing_config_file(tmp_path):
    with pytest.raises(ClaspFileError) as err:
        load_clasp_config(tmp_path / ".clasp.json")
    assert err.value.problem == "file not found"


def test_find_clasp_config_walks_up(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a"}, {"deep/er/x.js": ""})
    assert find_clasp_config(tmp_path / "deep" / "er") == path


def test_default_ignore_list_when_no_claspignore(tmp_path):
    assert read_ignore_patterns(tmp_path / ".claspignore") == list(DEFAULT_IGNORE_PATTERNS)


def test_claspignore_keeps_patterns_verbatim(tmp_path):
    ignore = tmp_path / ".claspignore"
    ignore.write_bytes(b"\xef\xbb\xbf**/*.md\r\n\r\n# comment\n node_modules/**\n")
    assert read_ignore_patterns(ignore) == ["**/*.md", "# comment", " node_modules/**"]


def test_claspignore_with_invalid_pattern_names_file_and_line(tmp_path):
    ignore = tmp_path / ".claspignore"
    ignore.write_text("**/*.md\n[z-a].js\n")
    with pytest.raises(ClaspFileError) as err:
        read_ignore_patterns(ignore)
    assert str(err.value) == (f'{ignore}: line 2: invalid glob pattern "[z-a].js" '
                              "(bad character range z-a)")


def test_claspignore_not_utf8(tmp_path):
    ignore = tmp_path / ".claspignore"
    ignore.write_bytes(b"\xff\xfe*.md\n")
    with pytest.raises(ClaspFileError, match=r"\.claspignore: cannot be read \("):
        read_ignore_patterns(ignore)


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("a.js", "**/**", True),
        ("x/y/a.js", "**/*.js", True),
        (".prettierrc.js", "**/*.js", True),  # dot: true
        ("build/a.js", "build/", False),  # glob, not gitignore (spec §1.4)
        ("Code.js", "/Code.js", False),
        ("sub/secrets.js", "secrets.js", False),
        ("sub/secrets.js", "**/secrets.js", True),
        ("a/b.js", "a/**/b.js", True),
        ("a/x/y/b.js", "a/**/b.js", True),
        ("a.ts", "*.{js,ts}", True),
        ("a1.js", "a[0-9].js", True),
        ("ab.js", "a[!0-9].js", True),
    ],
)
def test_glob_semantics(path, pattern, expected):
    assert glob_match(path, pattern) is expected


def test_ignore_last_match_wins():
    assert not is_ignored("a.js", ["**/**", "!**/*.js", "node_modules/**"])
    assert is_ignored("node_modules/b.js", ["**/**", "!**/*.js", "node_modules/**"])
    assert is_ignored("a.js", ["!**/*.js", "**/**"])


def test_only_negations_ignore_everything_else():
    # micromatch: when every pattern is negated the match set starts as "everything"
    assert is_ignored("a.html", ["!**/*.js"])
    assert not is_ignored("a.js", ["!**/*.js"])


def test_default_ignore_keeps_script_files_and_drops_node_modules():
    assert not is_ignored("lib/a.gs", DEFAULT_IGNORE_PATTERNS)
    assert is_ignored("node_modules/x/a.js", DEFAULT_IGNORE_PATTERNS)
    assert is_ignored(".git/hooks/a.js", DEFAULT_IGNORE_PATTERNS)


def test_code_js_beside_code_gs_is_refused(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a"}, {"appsscript.json": "{}", "Code.gs": "", "Code.js": ""})
    with pytest.raises(ClaspFileError) as err:
        collect_local_files(load_clasp_config(path))
    assert err.value.problem == (
        'Conflicting files found: Code.gs and Code.js would both be pushed as SERVER_JS file "Code"')


def test_skip_subdirectories(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a", "skipSubdirectories": True},
                         {"appsscript.json": "{}", "a.js": "", "sub/b.js": ""})
    assert [f.name for f in collect_local_files(load_clasp_config(path)).files] == ["a", "appsscript"]


def test_only_appsscript_json_is_a_json_file(tmp_path):
    path = write_project(tmp_path, {"scriptId": "a"}, {"appsscript.json": "{}", "data.json": "{}"})
    (tmp_path / ".claspignore").write_text("node_modules/**\n")
    collected = collect_local_files(load_clasp_config(path))
    assert [f.name for f in collected.files] == ["appsscript"]
    assert collected.ignored == [".clasp.json", ".claspignore", "data.json"]


def test_locale_sorted_matches_localecompare():
    unsorted = ["b.js", "Code.js", "a_b.js", "a.js", "B.js"]
    assert locale_sorted(unsorted) == ["a_b.js", "a.js", "b.js", "B.js", "Code.js"]


def test_local_path_for_maps_type_to_first_extension():
    config = load_clasp_config(FIXTURE)
    assert local_path_for(config, "lib/util", "SERVER_JS") == config.root_dir / "lib" / "util.js"
    assert local_path_for(config, "appsscript", "JSON") == config.root_dir / "appsscript.json"
    assert local_path_for(config, "ui/Index", "HTML") == config.root_dir / "ui" / "Index.html"


@pytest.mark.parametrize("name", ["../evil", "a/../../evil", "/etc/passwd", "C:evil", "a\\..\\b", ""])
def test_local_path_for_refuses_escaping_names(name):
    with pytest.raises(ClaspFileError, match="refusing to write it outside rootDir"):
        local_path_for(load_clasp_config(FIXTURE), name, "SERVER_JS")


def test_local_path_for_refuses_symlink_escape(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    (project / "src" / "link").symlink_to(outside)
    with pytest.raises(ClaspFileError) as err:
        local_path_for(load_clasp_config(project), "link/x", "SERVER_JS")
    assert err.value.problem == "remote file name resolves outside rootDir; refusing to write it"
