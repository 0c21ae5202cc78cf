"""What push and pull would do, computed before anything is sent or written (pure logic, no I/O but reads).

``plan_push`` compares the local files (clasp push order) with remote HEAD and the last-sync record:
added / changed / deleted / reordered, plus the two unsafe cases a whole-project replace would hide
(spec §1.5: updateContent deletes every remote file not sent): remote files that appeared since the
last sync, and remote files edited since the last sync. ``plan_pull`` maps remote files to local paths
(refusing names that escape rootDir) and finds local files edited since the last sync.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gasctl.errors import GasctlError
from gasctl.sync import SyncRecord, file_hash, source_hash


def api_file(local: Any) -> dict:
    return {"name": local.name, "type": local.type, "source": local.source}


@dataclass
class PushPlan:
    files: list[dict]
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reordered: bool = False
    remote_new: list[str] = field(default_factory=list)
    remote_edited: list[str] = field(default_factory=list)

    @property
    def needs_update(self) -> bool:
        return bool(self.added or self.changed or self.deleted or self.reordered)

    @property
    def manifest_changed(self) -> bool:
        return "appsscript" in self.added or "appsscript" in self.changed

    def lines(self) -> list[str]:
        out = [f"  + {name} (new)" for name in self.added]
        out += [f"  ~ {name}" + (" (manifest)" if name == "appsscript" else "") for name in self.changed]
        out += [f"  - {name} (deleted remotely by this push)" for name in self.deleted]
        if self.reordered:
            out.append("  ↕ file order changes (filePushOrder)")
        return out

    def to_json(self) -> dict:
        return {"added": self.added, "changed": self.changed, "deleted": self.deleted,
                "unchanged": self.unchanged, "reordered": self.reordered,
                "manifestChanged": self.manifest_changed, "remoteNewSinceSync": self.remote_new,
                "remoteEditedSinceSync": self.remote_edited, "files": [f["name"] for f in self.files]}


def plan_push(local_files: list[Any], remote_files: list[dict], record: SyncRecord) -> PushPlan:
    """Compare local files (push order) against remote HEAD and the last-sync record."""
    plan = PushPlan(files=[api_file(f) for f in local_files])
    remote = {f["name"]: f for f in remote_files}
    for local in local_files:
        other = remote.get(local.name)
        if other is None:
            plan.added.append(local.name)
        elif other.get("type") != local.type or other.get("source", "") != local.source:
            plan.changed.append(local.name)
        else:
            plan.unchanged.append(local.name)
    local_names = {f.name for f in local_files}
    plan.deleted = [f["name"] for f in remote_files if f["name"] not in local_names]
    common_local = [f.name for f in local_files if f.name in remote]
    common_remote = [f["name"] for f in remote_files if f["name"] in local_names]
    plan.reordered = common_local != common_remote
    for name in plan.deleted:
        if not record.exists or name not in record.remote:
            plan.remote_new.append(name)
    if record.exists:
        for name in plan.changed + plan.deleted:
            recorded = record.remote_hash(name)
            if recorded is not None and recorded != source_hash(remote[name].get("source", "")):
                plan.remote_edited.append(name)
    return plan


def unified_diff(local_files: list[Any], remote_files: list[dict], config: Any, remote_label: str) -> str:
    """Unified diff from the remote content (``remote_label``: HEAD or version N) to the local files."""
    remote = {f["name"]: f for f in remote_files}
    local = {f.name: f for f in local_files}
    names = [f.name for f in local_files] + [f["name"] for f in remote_files if f["name"] not in local]
    chunks: list[str] = []
    for name in names:
        before = remote.get(name, {}).get("source")
        after = local[name].source if name in local else None
        if before == after:
            continue
        ftype = (local[name].type if name in local else remote[name]["type"])
        a_label = f"{remote_label}/{name}{config.extension_for(ftype)}" if before is not None else "/dev/null"
        b_label = f"local/{local[name].rel}" if after is not None else "/dev/null"
        chunks.extend(difflib.unified_diff((before or "").splitlines(keepends=True),
                                           (after or "").splitlines(keepends=True), a_label, b_label))
    text = "".join(chunk if chunk.endswith("\n") else chunk + "\n" for chunk in chunks)
    return text


@dataclass
class PullPlan:
    writes: list[tuple[Path, str]] = field(default_factory=list)  # (path, source)
    unchanged: list[Path] = field(default_factory=list)
    conflicts: list[Path] = field(default_factory=list)
    deletes: list[Path] = field(default_factory=list)


def _locally_edited(path: Path, rel: str, record: SyncRecord) -> bool:
    current = file_hash(path)
    return current is not None and (not record.exists or record.local.get(rel) != current)


def plan_pull(config: Any, local_files: list[Any], remote_files: list[dict], record: SyncRecord,
              delete_unused: bool) -> PullPlan:
    """Where each remote file goes; which local files changed since the last sync would be overwritten."""
    from gas_emulator.clasp import ClaspFileError, local_path_for

    existing = {(f.name, f.type): f.path for f in local_files}
    plan = PullPlan()
    for remote in remote_files:
        try:
            target = existing.get((remote["name"], remote["type"])) or local_path_for(
                config, remote["name"], remote["type"])
        except ClaspFileError as err:
            raise GasctlError(f"pull refused: {err}") from None
        source = remote.get("source", "")
        rel = target.relative_to(config.root_dir).as_posix()
        if file_hash(target) == source_hash(source):
            plan.unchanged.append(target)
            continue
        if _locally_edited(target, rel, record):
            plan.conflicts.append(target)
        plan.writes.append((target, source))
    if delete_unused:
        remote_names = {(f["name"], f["type"]) for f in remote_files}
        for local in local_files:
            if (local.name, local.type) not in remote_names:
                plan.deletes.append(local.path)
                if _locally_edited(local.path, local.rel, record):
                    plan.conflicts.append(local.path)
    return plan
