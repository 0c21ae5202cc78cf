"""Rollback history scheme: the previous version is kept in the deployment's own description.

A fresh clone in CI has no local state, and the deployment on the server is the one place it can read,
so when ``gasctl deploy`` (or ``rollback``) changes which version a deployment serves, it writes the
version served just before as a suffix of the deployment description::

    "release 12 [gasctl prev=11]"

``gasctl rollback`` without ``--to`` reads that suffix and points the deployment back at version 11,
writing ``[gasctl prev=12]`` (so a second rollback undoes the first). The suffix is the last thing in
the description; a description without it (made by clasp or the editor) has no recorded previous
version and ``rollback`` then asks for ``--to``. Version descriptions are never touched.
"""

from __future__ import annotations

import re

SUFFIX = re.compile(r"\s*\[gasctl prev=(\d+)\]\s*$")


def base_description(description: str | None) -> str:
    return SUFFIX.sub("", description or "")


def previous_version(description: str | None) -> int | None:
    match = SUFFIX.search(description or "")
    return int(match.group(1)) if match else None


def with_previous(description: str | None, previous: int | None) -> str:
    base = base_description(description)
    if previous is None:
        return base
    return f"{base} [gasctl prev={previous}]".strip()
