"""Project files gasctl reads and writes: `.clasp.json` (clasp's format), the manifest, ``[tool.gasctl]``.

gasctl extends `.clasp.json` with one optional key, ``deploymentId`` (the deployment that ``deploy`` and
``rollback`` update in place; clasp ignores unknown keys when reading). Gate and other settings live in
``pyproject.toml`` under ``[tool.gasctl]`` (found beside `.clasp.json` or in a parent directory).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

from gasctl.errors import GasctlError
from gasctl.sync import atomic_write_text

SCRIPT_URL = re.compile(r"https://script\.google\.com/(?:[a-z/0-9]*/)?d/([A-Za-z0-9_-]+)")
WEBAPP_MANIFEST = {"webapp": {"access": "MYSELF", "executeAs": "USER_DEPLOYING"}}
API_MANIFEST = {"executionApi": {"access": "MYSELF"}}


def script_id_from(value: str) -> str:
    """A script id, or the id inside a ``https://script.google.com/d/<id>/...`` URL (clasp clone)."""
    match = SCRIPT_URL.match(value.strip())
    script_id = match.group(1) if match else value.strip()
    if not re.fullmatch(r"[A-Za-z0-9_-]+", script_id):
        raise GasctlError(f'"{value}" is not a script id or a https://script.google.com/d/<id>/... URL')
    return script_id


def write_clasp_json(path: Path, script_id: str, root_dir: str, parent_id: str | None = None) -> dict:
    """Write `.clasp.json` with exactly the fields clasp v3 writes (spec §1.4 "clasp v3 rewrites")."""
    data: dict[str, Any] = {"scriptId": script_id, "rootDir": root_dir}
    if parent_id:
        data["parentId"] = parent_id
    data.update({"scriptExtensions": [".js", ".gs"], "htmlExtensions": [".html"], "jsonExtensions": [".json"],
                 "filePushOrder": [], "skipSubdirectories": False})
    atomic_write_text(path, json.dumps(data, indent=2) + "\n")
    return data


def _plain_json(config_path: Path) -> dict | None:
    """`.clasp.json` as a dict when it is plain JSON (a JSON5 file with comments is never rewritten)."""
    try:
        data = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def save_deployment_id(config_path: Path, deployment_id: str, *, replace: str | None = None) -> bool:
    """Set ``deploymentId`` in a plain-JSON `.clasp.json` when it has none (or holds ``replace``)."""
    data = _plain_json(config_path)
    if data is None or data.get("deploymentId") not in (None, "", replace):
        return False
    data["deploymentId"] = deployment_id
    atomic_write_text(config_path, json.dumps(data, indent=2) + "\n")
    return True


def clear_deployment_id(config_path: Path, deployment_id: str) -> bool:
    """Remove ``deploymentId`` (when it is ``deployment_id``) from a plain-JSON `.clasp.json`."""
    data = _plain_json(config_path)
    if data is None or data.get("deploymentId") != deployment_id:
        return False
    del data["deploymentId"]
    atomic_write_text(config_path, json.dumps(data, indent=2) + "\n")
    return True


def check_manifest(files: list[Any], root_dir: Path) -> dict:
    """The local manifest must exist and be a JSON object (the API refuses content without it, spec §1.4)."""
    manifest = next((f for f in files if f.name == "appsscript" and f.type == "JSON"), None)
    if manifest is None:
        raise GasctlError(f"{root_dir}: no appsscript.json manifest to push (the API answers "
                          "\"Project contents must include a manifest file named appsscript.\")")
    try:
        data = json.loads(manifest.source.removeprefix("\ufeff"))
    except json.JSONDecodeError as err:
        where = f"line {err.lineno} column {err.colno}"
        raise GasctlError(f"{manifest.path}: invalid JSON: {err.msg} at {where}") from None
    if not isinstance(data, dict):
        raise GasctlError(f"{manifest.path}: the manifest must be a JSON object")
    return data


def find_pyproject(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def tool_config(project_root: Path) -> dict:
    """``[tool.gasctl]`` of the nearest pyproject.toml (empty when there is none)."""
    path = find_pyproject(project_root)
    if path is None:
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise GasctlError(f"{path}: invalid TOML: {err}") from None
    section = data.get("tool", {}).get("gasctl", {})
    if not isinstance(section, dict):
        raise GasctlError(f"{path}: [tool.gasctl] must be a table")
    return section
