"""The HTML report opened in headless Chromium: it renders, with no console message at all.

Needs Debian's ``chromium`` (``.ci/run`` installs it when missing); skipped, saying so, without it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from sim_helpers import py_workload

from gas_emulator.sim.html import write_html
from gas_emulator.sim.runner import simulate

BROWSER = next((shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome")
                if shutil.which(name)), None)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no chromium on PATH (apt-get install chromium)")
#: Chromium logs every console message (errors included) as one "CONSOLE" line with --v=0.
CONSOLE = re.compile(r":CONSOLE[:(\d]")


def open_in_chromium(page: Path) -> tuple[str, list[str]]:
    """(the DOM after loading ``page``, console lines)."""
    done = subprocess.run(
        [BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         "--dump-dom", page.resolve().as_uri()],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout, [line for line in done.stderr.splitlines() if CONSOLE.search(line)]


def test_the_report_renders_with_no_console_errors(tmp_path):
    report = simulate(py_workload("counter_with_lock", executions=8, users=2), seed=5, checks=["unique"])
    baseline = simulate(py_workload("counter_no_lock", executions=8, users=2), seed=5)
    page = write_html(report, tmp_path, title="Counter under a lock", baseline=baseline)
    dom, console = open_in_chromium(page)
    assert console == []
    assert "<h1>Counter under a lock</h1>" in dom
    assert "PASS: every check passed (unique)" in dom
    assert dom.count("<svg") == page.read_text().count("<svg") == 4  # 2 histograms, lock queue, timeline


def test_a_console_error_would_be_seen(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text("<!doctype html><title>t</title><script>notDefined()</script>")
    _, console = open_in_chromium(page)
    assert len(console) == 1 and "Uncaught ReferenceError: notDefined is not defined" in console[0]
