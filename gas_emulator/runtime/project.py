"""An Apps Script project as the runtime sees it: its files in evaluation order and its manifest.

Files are API-shaped (``name`` without extension, ``/`` for subfolders, ``type`` SERVER_JS / HTML /
JSON, the manifest is ``appsscript``), so the same ``Project`` comes from a directory laid out the
way clasp pushes it (``from_directory``, using ``gas_emulator.clasp``: ``filePushOrder`` first, the
rest sorted, ``.claspignore`` honoured) or from the Apps Script API's ``files`` list (``from_files``).
Apps Script evaluates the SERVER_JS files in this order at every execution (spec apps-script-api.md
1.5 step 4: "Apps Script executes top-level code in file order").
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .. import clasp
from .errors import ProjectError
from .scan import top_level_functions

MANIFEST = clasp.MANIFEST_NAME
FILE_TYPES = ("SERVER_JS", "HTML", "JSON")
#: The emulator's default when a manifest names no time zone (Emulator's own default).
DEFAULT_TIME_ZONE = "America/New_York"


@dataclass(frozen=True)
class SourceFile:
    name: str
    type: str
    source: str

    @classmethod
    def coerce(cls, item: SourceFile | Mapping) -> SourceFile:
        if isinstance(item, SourceFile):
            return item
        try:
            made = cls(str(item["name"]), str(item["type"]), str(item.get("source") or ""))
        except (KeyError, TypeError):
            raise ProjectError(f"a project file needs a name and a type, got {item!r:.80}") from None
        if made.type not in FILE_TYPES:
            raise ProjectError(f"file {made.name}: unknown type {made.type!r} (SERVER_JS, HTML or JSON)")
        return made


@dataclass(frozen=True)
class Project:
    files: tuple[SourceFile, ...]
    manifest: dict = field(default_factory=dict)
    root: Path | None = None  # the directory it was loaded from, if any

    # ------------------------------------------------------------------ loading
    @classmethod
    def from_files(cls, files: Iterable[SourceFile | Mapping], root: Path | None = None) -> Project:
        """API-shaped files, in evaluation order; the manifest is the JSON file ``appsscript``."""
        items = tuple(SourceFile.coerce(f) for f in files)
        manifest: dict = {}
        for f in items:
            if f.type == "JSON" and f.name == MANIFEST:
                manifest = _parse_manifest(f.source, f.name)
        return cls(items, manifest, root)

    @classmethod
    def from_directory(cls, root: Path, clasp_json: Path | None = None) -> Project:
        """A local project in clasp push order (its ``.clasp.json`` settings when given)."""
        root = Path(root)
        if not root.is_dir():
            raise ProjectError(f"no Apps Script project at {root}: not a directory")
        try:
            config = _config_for(root.resolve(), clasp_json)
            collected = clasp.collect_local_files(config)
        except clasp.ClaspFileError as err:
            raise ProjectError(str(err)) from None
        files = [SourceFile(f.name, f.type, f.source) for f in collected.files]
        if not any(f.type == "JSON" and f.name == MANIFEST for f in files):
            raise ProjectError(f"no Apps Script project at {root}: appsscript.json is missing")
        return cls.from_files(files, root=root)

    # ------------------------------------------------------------------ views
    @property
    def scripts(self) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.type == "SERVER_JS")

    @property
    def time_zone(self) -> str:
        zone = self.manifest.get("timeZone")
        return zone if isinstance(zone, str) and zone else DEFAULT_TIME_ZONE

    def html(self, name: str) -> SourceFile | None:
        return next((f for f in self.files if f.type == "HTML" and f.name == name), None)

    def function_names(self) -> list[str]:
        """Top-level function declarations, in push order (the API's ``functionSet``)."""
        names: list[str] = []
        for f in self.scripts:
            names.extend(n for n in top_level_functions(f.source) if n not in names)
        return names

    def with_files(self, files: Iterable[SourceFile]) -> Project:
        return dataclasses.replace(self, files=tuple(files))


def _config_for(root: Path, clasp_json: Path | None) -> clasp.ClaspConfig:
    if clasp_json is None:
        return clasp.ClaspConfig(project_root=root, script_id="", root_dir=root)
    # the explicit root wins over rootDir; filePushOrder, extensions and .claspignore still apply
    return dataclasses.replace(clasp.load_clasp_config(Path(clasp_json)), root_dir=root)


def _parse_manifest(source: str, name: str) -> dict:
    try:
        manifest = json.loads(source) if source.strip() else {}
    except json.JSONDecodeError as err:
        raise ProjectError(f"{name}.json is not valid JSON: {err}") from None
    if not isinstance(manifest, dict):
        raise ProjectError(f"{name}.json must hold a JSON object")
    return manifest
