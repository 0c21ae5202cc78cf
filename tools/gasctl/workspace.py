"""Local side helpers shared by commands: collect the files push would send, write pulled files safely.

Converts clasp rule violations (``ClaspFileError``) into gasctl's one-line errors naming the file.
Writes are atomic per file and happen only after every check passed, so a refused pull or clone
leaves the folder as it was.
"""

from __future__ import annotations

from typing import Any

from gasctl.errors import GasctlError, RefusedError
from gasctl.plan import PullPlan, plan_pull
from gasctl.sync import SyncRecord, atomic_write_text


def collect(config: Any) -> Any:
    """``Collected`` files (clasp push order) for a config; ClaspFileError becomes GasctlError."""
    from gas_emulator.clasp import ClaspFileError, collect_local_files

    try:
        return collect_local_files(config)
    except ClaspFileError as err:
        raise GasctlError(str(err)) from None


def local_sources(config: Any) -> dict[str, str]:
    return {f.rel: f.source for f in collect(config).files}


def write_remote_files(config: Any, remote_files: list[dict], record: SyncRecord, *, force: bool,
                       delete_unused: bool = False, what: str = "pull") -> PullPlan:
    """Check then write remote files into rootDir; refuse to overwrite local edits unless ``force``."""
    local_files = collect(config).files if config.root_dir.is_dir() else []
    plan = plan_pull(config, local_files, remote_files, record, delete_unused)
    if plan.conflicts and not force:
        names = ", ".join(path.relative_to(config.project_root).as_posix() for path in plan.conflicts)
        raise RefusedError(f"{what} refused: local files changed since the last sync would be overwritten or "
                           f"deleted: {names}. Push or commit them first, or pass --force. Nothing was "
                           "written.")
    for path, source in plan.writes:
        atomic_write_text(path, source)
    for path in plan.deletes:
        path.unlink(missing_ok=True)
    return plan
