"""gas_codegen: the configuration, deterministic rendering, drift detection, and the committed gas_src/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest
from gas_codegen.config import ConfigError, load_config, parse_config
from gas_codegen.render import OUTPUTS, render_all, render_files

from gas_emulator.clasp import load_clasp_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def raw() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "tools/codegen/idservice.toml").read_text())


def test_shipped_configuration_loads():
    cfg = load_config()
    assert (cfg.types["BDL"].prefix, cfg.types["BDL"].width, cfg.types["BDL"].start) == ("BDL-", 6, 1)
    assert cfg.lock.timeout_ms == 30_000 and cfg.lock.max_attempts == 5


def test_missing_section_is_named(raw):
    del raw["lock"]
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "x.toml")
    assert str(err.value) == "x.toml: missing section [lock]"


def test_unknown_setting_is_named(raw):
    raw["cache"]["size"] = 3
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "x.toml")
    assert str(err.value) == "x.toml: [cache] has unknown settings: size"


def test_wrong_type_is_named(raw):
    raw["lock"]["timeout_ms"] = "30s"
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "x.toml")
    assert str(err.value) == "x.toml: [lock] timeout_ms must be an integer, not '30s'"


def test_bad_type_name_is_refused(raw):
    raw["types"]["bdl"] = raw["types"].pop("BDL")
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "x.toml")
    assert str(err.value) == ("x.toml: type name 'bdl' must be 1-16 upper-case letters, digits or _ "
                              "starting with a letter")


def test_thresholds_must_rise(raw):
    raw["quota"]["refuse_low_pct"] = 60
    with pytest.raises(ConfigError) as err:
        parse_config(raw, "x.toml")
    assert "thresholds must rise" in str(err.value)


def test_render_is_deterministic():
    assert render_files() == render_files()


def test_strict_undefined_refuses_a_missing_value(tmp_path):
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_config_is_rendered_into_the_javascript():
    text = render_files()["IdService.js"]
    start = text.index("var IDSVC_CONFIG = ") + len("var IDSVC_CONFIG = ")
    rendered = json.loads(text[start:text.index(";\n", start)])
    assert rendered == load_config().to_js()


def test_every_generated_script_has_the_header():
    for name, text in render_files().items():
        if name.endswith(".js"):
            banner = f"// GENERATED FILE - DO NOT EDIT. {name} is rendered by `gasctl generate`"
            assert text.startswith(banner)


def test_manifest_is_v8_with_web_app_and_execution_api():
    manifest = json.loads(render_files()["appsscript.json"])
    assert manifest["runtimeVersion"] == "V8"
    assert manifest["timeZone"] == "America/New_York"
    assert manifest["webapp"] == {"executeAs": "USER_DEPLOYING", "access": "ANYONE"}
    assert manifest["executionApi"] == {"access": "MYSELF"}


def test_check_names_missing_files_and_writes_nothing(tmp_path):
    assert render_all(check=True, root=tmp_path) == sorted(name for name, _ in OUTPUTS)
    assert not (tmp_path / "gas_src").exists()


def test_render_then_check_is_clean(tmp_path):
    render_all(root=tmp_path)
    assert render_all(check=True, root=tmp_path) == []


def test_check_names_an_edited_file(tmp_path):
    render_all(root=tmp_path)
    target = tmp_path / "gas_src" / "LockManager.js"
    target.write_text(target.read_text() + "// hand edit\n")
    assert render_all(check=True, root=tmp_path) == ["LockManager.js"]


def test_check_names_a_stray_file(tmp_path):
    render_all(root=tmp_path)
    (tmp_path / "gas_src" / "Extra.js").write_text("function f() {}\n")
    assert render_all(check=True, root=tmp_path) == ["Extra.js"]


def test_committed_gas_src_matches_a_fresh_render(tmp_path):
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "gas_src", copy / "gas_src")
    assert render_all(check=True, root=copy) == []


def test_clasp_json_pushes_gas_src_with_a_placeholder_script_id():
    config = load_clasp_config(ROOT / ".clasp.json")
    assert config.root_dir == (ROOT / "gas_src").resolve()
    assert config.script_id == "REPLACE_WITH_YOUR_SCRIPT_ID"


def test_rendered_sources_are_valid_javascript():
    from gas_emulator.runtime import Project, check_syntax

    check_syntax(Project.from_directory(ROOT / "gas_src", ROOT / ".clasp.json"))


def test_clasp_pushes_exactly_the_generated_sources():
    from gas_emulator.runtime import Project

    project = Project.from_directory(ROOT / "gas_src", ROOT / ".clasp.json")
    assert [f.name for f in project.files] == ["QuotaIntegration", "LockManager", "CacheManager", "IdService",
                                               "appsscript"]
