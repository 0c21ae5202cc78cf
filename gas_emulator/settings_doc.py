"""Renders the README's settings table from ``settings.py`` itself (fields, defaults, sources).

The ``#:`` comment lines above each field are its documentation; a test keeps the README's copy
(between ``<!-- settings:begin -->`` and ``<!-- settings:end -->``) equal to this rendering.
"""

from __future__ import annotations

import dataclasses
import inspect
import re

from . import markers
from . import settings as settings_module
from .settings import Settings

BEGIN, END = "<!-- settings:begin -->", "<!-- settings:end -->"
_FIELD = re.compile(r"^\s{4}(\w+):")


def field_docs() -> dict[str, str]:
    """Field name -> the ``#:`` comment lines right above it, joined."""
    docs: dict[str, str] = {}
    pending: list[str] = []
    for line in inspect.getsource(settings_module).splitlines():
        stripped = line.strip()
        if stripped.startswith("#:"):
            pending.append(stripped[2:].strip())
            continue
        match = _FIELD.match(line)
        if match and pending:
            docs[match.group(1)] = " ".join(pending)
        if not stripped.startswith("#"):
            pending = []
    return docs


def render_table() -> str:
    docs = field_docs()
    rows = ["| setting | default | what and source |", "| --- | --- | --- |"]
    for f in dataclasses.fields(Settings):
        if f.name == "extra":
            continue
        default = f.default if f.default is not dataclasses.MISSING else f.default_factory()
        rows.append(f"| `{f.name}` | `{default!r}` | {docs.get(f.name, '').replace('|', '/')} |")
    return "\n".join(rows)


def splice(readme: str, begin: str, end: str, body: str) -> str:
    """``readme`` with the text between the two markers replaced by ``body``."""
    return markers.splice(readme, begin, end, body)


if __name__ == "__main__":
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "README.md"
    path.write_text(splice(path.read_text(), BEGIN, END, render_table()))
