"""The last-sync record: what local and remote looked like after gasctl's last push, pull, clone or create.

Lives in the project, not in a home directory: ``<project root>/.gasctl/sync.json`` beside
``.clasp.json`` (commit it, so a fresh clone in CI knows the last sync too). One entry per scriptId, so
several project files (``--project .clasp.prod.json``) can share one folder. Content hashes only
(SHA-256 of the exact source string, UTF-8), no sources, no timestamps (stable diffs)::

    {"format": 1,
     "scripts": {"<scriptId>": {"operation": "push",
                                "remote": {"<remote name>": {"type": "SERVER_JS", "sha256": "..."}},
                                "local": {"<rootDir-relative path>": "<sha256>"}}}}

``push`` uses ``remote`` to tell files that appeared or changed in the web editor since the last sync
(refused without ``--force``) from files deleted or edited locally (fine). ``pull`` uses ``local`` to
refuse overwriting local edits made since the last sync.

Before a push is sent, the entry gets ``"pending": {"remote": ..., "local": ...}`` (what the record will
be once the push lands). If the push's answer is lost, the next command finds remote HEAD equal to
``pending`` and repairs the record (``repair``) instead of taking its own push for a web-editor edit.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from gasctl.errors import GasctlError

RECORD_DIR = ".gasctl"
RECORD_FILE = "sync.json"
FORMAT = 1


def source_hash(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8", errors="surrogatepass")).hexdigest()


def remote_hashes(files: Iterable[dict]) -> dict[str, dict]:
    """API files as the record keeps them: name -> type and SHA-256 of the source."""
    return {f["name"]: {"type": f["type"], "sha256": source_hash(f.get("source", ""))} for f in files}


def file_hash(path: Path) -> str | None:
    """Hash of a local file as gasctl reads it (UTF-8, invalid bytes replaced), None when absent."""
    try:
        return source_hash(path.read_bytes().decode("utf-8", errors="replace"))
    except FileNotFoundError:
        return None


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file atomically (temp file in the same directory, then rename); newlines kept as given."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.gasctl-tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class SyncRecord:
    """The record for one script in one project folder."""

    def __init__(self, project_root: Path, script_id: str) -> None:
        self.path = project_root / RECORD_DIR / RECORD_FILE
        self.script_id = script_id
        self._all = self._load()
        entry = self._all["scripts"].get(script_id)
        self.exists = isinstance(entry, dict)
        entry = entry if isinstance(entry, dict) else {}
        self.remote: dict[str, dict] = dict(entry.get("remote") or {})
        self.local: dict[str, str] = dict(entry.get("local") or {})
        pending = entry.get("pending")
        self.pending: dict | None = pending if isinstance(pending, dict) else None

    def _load(self) -> dict:
        if not self.path.is_file():
            return {"format": FORMAT, "scripts": {}}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, RecursionError) as err:
            reason = "nested too deeply" if isinstance(err, RecursionError) else str(err)
            raise GasctlError(f"{self.path}: unreadable last-sync record ({reason}); delete it and run "
                              "`gasctl pull` to start a new one") from None
        if not isinstance(data, dict) or not isinstance(data.get("scripts"), dict):
            raise GasctlError(f"{self.path}: not a gasctl last-sync record (expected a \"scripts\" object)")
        return data

    def remote_hash(self, name: str) -> str | None:
        entry = self.remote.get(name)
        return entry.get("sha256") if isinstance(entry, dict) else None

    def save(self, operation: str, remote_files: Iterable[dict] | None,
             local_files: dict[str, str] | None) -> None:
        """Replace this script's entry: ``remote_files`` are API files, ``local_files`` rel path -> source.

        ``None`` keeps that side as recorded: ``restore`` changes only the remote, ``pull --version``
        only the local side (remote HEAD did not change).
        """
        if remote_files is not None:
            self.remote = remote_hashes(remote_files)
        if local_files is not None:
            self.local = {rel: source_hash(source) for rel, source in local_files.items()}
        self.pending = None
        self._write({"operation": operation, "remote": self.remote, "local": self.local})
        self.exists = True

    def save_pending(self, remote_files: Iterable[dict], local_files: dict[str, str]) -> None:
        """Note what the record becomes once a push now being sent lands (kept if its answer is lost)."""
        self.pending = {"remote": remote_hashes(remote_files),
                        "local": {rel: source_hash(source) for rel, source in local_files.items()}}
        entry = {"operation": "push", "remote": self.remote, "local": self.local, "pending": self.pending}
        self._write(entry)

    def repair(self, remote_files: list[dict], local_files: list[dict],
               local_sources: dict[str, str]) -> str | None:
        """Bring a stale record up to date; returns why, or None when it was not stale.

        Stale when remote HEAD equals the pending push (it landed, its answer was lost), or equals the
        local files (``local_files`` in API form) while the record says otherwise.
        """
        remote = remote_hashes(remote_files)
        if self.pending is not None and self.pending.get("remote") == remote:
            self.remote, self.local = remote, dict(self.pending.get("local") or {})
            self.save("push", None, None)
            return "the last push had reached the server (its answer was lost)"
        if self.exists and remote != self.remote and remote == remote_hashes(local_files):
            self.save("push", remote_files, local_sources)
            return "remote HEAD already equals the local files"
        return None

    def _write(self, entry: dict) -> None:
        self._all["scripts"][self.script_id] = entry
        self._all["format"] = FORMAT
        atomic_write_text(self.path, json.dumps(self._all, indent=2, sort_keys=True) + "\n")
