"""The README's service coverage table equals a fresh rendering from the code."""

from __future__ import annotations

from pathlib import Path

from gas_emulator.runtime import coverage

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_carries_the_current_coverage_table():
    text = README.read_text(encoding="utf-8")
    assert text == coverage.splice(text, coverage.render_table()), \
        "README coverage table is stale: run python -m gas_emulator.runtime.coverage --write"


def test_a_stub_that_raises_not_emulated_counts_as_not_emulated():
    rows = {(cls, method): ok for cls, method, _, ok in coverage.coverage()}
    assert rows[("ClockTriggerBuilder", "onWeekDay")] is False
    assert rows[("Properties", "getProperty")] is True


def test_a_method_written_in_javascript_counts_as_emulated():
    rows = {(cls, method): ok for cls, method, _, ok in coverage.coverage()}
    assert rows[("HtmlTemplate", "evaluate")] is True


def test_the_spreadsheet_core_is_listed_apart():
    rows = {(cls, method): ok for cls, method, _, ok in coverage.coverage(coverage.CORE_ONLY)}
    assert rows[("Sheet", "appendRow")] is True and ("Sheet", "appendRow") not in dict.fromkeys(
        (cls, method) for cls, method, _, _ in coverage.coverage())
