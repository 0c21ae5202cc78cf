"""Generated text kept between two marker lines: the README's tables and bench/RESULTS.md sections.

    <!-- begin:NAME -->
    ...generated, rewritten whole...
    <!-- end:NAME -->

Everything outside the markers is left as it is.
"""

from __future__ import annotations

from pathlib import Path

RESULTS_TITLE = "# Benchmark results\n"


def splice(text: str, begin: str, end: str, body: str) -> str:
    """``text`` with ``body`` between the ``begin`` and ``end`` lines (appended when they are absent)."""
    body = body.strip("\n")
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        return f"{head}{begin}\n{body}\n{end}{rest.split(end, 1)[1]}"
    return f"{text.rstrip(chr(10))}\n\n{begin}\n{body}\n{end}\n"


def write_section(path: Path, name: str, body: str) -> None:
    """Rewrite the ``name`` section of the file at ``path`` (a benchmark's own part of RESULTS.md)."""
    text = path.read_text(encoding="utf-8") if path.exists() else RESULTS_TITLE
    path.write_text(splice(text, f"<!-- begin:{name} -->", f"<!-- end:{name} -->", body), encoding="utf-8")
