"""``make demo`` (gas_emulator.demo), run small: it checks drift, compares both forms, and says PASS."""

from __future__ import annotations

from gas_emulator import demo


def test_demo_passes_and_writes_the_html_report(tmp_path, capsys):
    code = demo.main(["--executions", "40", "--seed", "3", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "gas_src/ matches a fresh render of tools/codegen/templates: yes" in out
    assert "IdService.js in V8 vs the Python reference: identical" in out
    assert "Duplicates: 0   Unexplained gaps: 0" in out
    assert out.splitlines()[-1].startswith("Verdict: PASS")
    assert (tmp_path / "report.html").is_file()


def test_the_demo_explains_its_figures_in_plain_words(tmp_path, capsys):
    demo.main(["--executions", "40", "--seed", "3", "--report-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert "repeats for requests that came again with a request key already served" in out
    assert "take turns on one script lock" in out and "mostly waiting in line" in out
    assert "brief" not in out  # no internal jargon
