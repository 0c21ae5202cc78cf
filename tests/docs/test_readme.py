"""The README's generated sections equal a fresh rendering from the code."""

from pathlib import Path

from gas_emulator import settings_doc

README = Path(__file__).resolve().parents[2] / "README.md"


def test_settings_table_matches_code():
    text = README.read_text()
    expected = settings_doc.splice(text, settings_doc.BEGIN, settings_doc.END, settings_doc.render_table())
    assert text == expected, "README settings table is stale: run python -m gas_emulator.settings_doc"


def test_every_setting_is_documented():
    docs = settings_doc.field_docs()
    import dataclasses

    from gas_emulator.settings import Settings

    undocumented = [f.name for f in dataclasses.fields(Settings) if f.name != "extra" and f.name not in docs]
    assert undocumented == []


def test_readme_opens_with_the_two_commands():
    lines = README.read_text().splitlines()
    block = lines[lines.index("```") + 1: lines.index("```") + 3]
    assert block[0].startswith("make demo") and block[1].startswith("make test")


def test_readme_python_example_runs_as_written(capsys):
    section = README.read_text().split("## Use it from Python", 1)[1]
    block = section.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    emu = namespace["emu"]
    with emu.execution() as ex:
        assert ex.PropertiesService.getScriptProperties().getProperty("n") == "1"
    assert capsys.readouterr().out.strip() == str(emu.clock.now_ms())
