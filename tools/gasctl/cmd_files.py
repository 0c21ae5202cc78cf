"""``status``, ``diff``, ``pull``, ``push``: the local <-> remote content commands.

``push`` makes one ``updateContent`` (none when nothing changed), shows what the whole-project
replace will add, change and delete first, and refuses to delete or overwrite remote files edited
since the last sync unless ``--force`` (spec §1.5, §4 items 1, 2, 9). ``pull`` never writes outside
rootDir and never overwrites local edits made since the last sync unless ``--force``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import click

from gasctl.context import App, pass_app
from gasctl.errors import RefusedError
from gasctl.gate import maybe_run_gate
from gasctl.plan import api_file, plan_push, unified_diff
from gasctl.project import check_manifest
from gasctl.sync import RECORD_DIR, RECORD_FILE
from gasctl.workspace import collect, local_sources, write_remote_files

WATCH_TICK_MS = 50  # tests only: how often an empty batch reports that the watcher is running


@click.command()
@pass_app
def status(app: App) -> None:
    """List the files push would send (in push order) and the files it ignores; no API call.

    \b
    Example:
      gasctl status --json
    """
    config = app.config()
    collected = collect(config)
    record = app.sync_record()
    edited = [f.rel for f in collected.files if record.local.get(f.rel) != _hash(f.source)]
    data = {"scriptId": config.script_id, "rootDir": str(config.root_dir),
            "filesToPush": [{"path": f.rel, "name": f.name, "type": f.type} for f in collected.files],
            "untrackedFiles": collected.ignored, "changedSinceLastSync": edited}
    lines = [f"Script {config.script_id}, rootDir {config.root_dir}", "Files to push (in order):"]
    lines += [f"  {f.rel}  ->  {f.name} "
              f"({f.type})" + ("  *" if f.rel in edited else "") for f in collected.files]
    lines += ["Ignored:"] + [f"  {rel}" for rel in collected.ignored]
    if edited:
        lines.append("* changed since the last sync")
    app.out.result(data, lines)


def _hash(source: str) -> str:
    from gasctl.sync import source_hash

    return source_hash(source)


@click.command()
@click.option("--version", "version", type=int, metavar="N", help="Compare with version N instead of HEAD.")
@pass_app
def diff(app: App, version: int | None) -> None:
    """Unified diff of remote HEAD (or version N) against the local files push would send.

    \b
    Example:
      gasctl diff --version 3
    """
    config = app.config()
    local = collect(config).files
    remote = app.api().get_content(config.script_id, version).get("files", [])
    label = f"v{version}" if version is not None else "HEAD"
    text = unified_diff(local, remote, config, label)
    app.out.result({"scriptId": config.script_id, "against": label, "diff": text, "identical": not text},
                   [text.rstrip("\n")] if text else [f"No differences between local files and {label}."])


@click.command()
@click.option("--version", "--versionNumber", "version", type=int, metavar="N",
              help="Pull version N instead of HEAD.")
@click.option("--delete-unused", "-d", "--deleteUnusedFiles", "delete_unused", is_flag=True,
              help="Delete local pushable files absent remotely.")
@click.option("--force", "-f", is_flag=True,
              help="Overwrite or delete local files changed since the last sync.")
@pass_app
def pull(app: App, version: int | None, delete_unused: bool, force: bool) -> None:
    """Write remote HEAD (or version N) into rootDir; each file atomically, never outside rootDir.

    \b
    Example:
      gasctl pull --delete-unused
    """
    config = app.config()
    remote = app.api().get_content(config.script_id, version).get("files", [])
    record = app.sync_record()
    plan = write_remote_files(config, remote, record, force=force, delete_unused=delete_unused)
    # pulling an old version leaves remote HEAD as recorded; only the local side moved
    record.save("pull", remote if version is None else None, local_sources(config))
    written = [p.relative_to(config.project_root).as_posix() for p, _ in plan.writes]
    deleted = [p.relative_to(config.project_root).as_posix() for p in plan.deletes]
    lines = [f"Pulled {len(written)} changed file(s), {len(plan.unchanged)} unchanged."]
    lines += [f"  wrote {p}" for p in written] + [f"  deleted {p}" for p in deleted]
    app.out.result({"pulledFiles": written, "deletedFiles": deleted, "unchanged": len(plan.unchanged)}, lines)


def _push_once(app: App, *, dry_run: bool, force: bool, gate: bool) -> dict:
    config = app.config()
    local = collect(config).files
    check_manifest(local, config.root_dir)
    remote = app.api().get_content(config.script_id).get("files", [])
    record = app.sync_record()
    sources = {f.rel: f.source for f in local}
    repaired = record.repair(remote, [api_file(f) for f in local], sources)
    if repaired:
        app.out.info(f"Repaired {RECORD_DIR}/{RECORD_FILE}: {repaired}.")
    plan = plan_push(local, remote, record)
    data = {"scriptId": config.script_id, "pushed": False, "dryRun": dry_run, **plan.to_json()}
    if not plan.needs_update:
        if not record.exists and not dry_run:
            record.save("push", plan.files, sources)
        app.out.line("Script is already up to date.")  # clasp's text (spec §1.5 step 2)
        return data
    app.out.line(f"Push to script {config.script_id} replaces the whole project:")
    for text in plan.lines():
        app.out.line(text)
    if (plan.remote_new or plan.remote_edited) and not force:
        raise RefusedError(_remote_edit_message(plan.remote_new, plan.remote_edited, record.exists))
    data["gate"] = maybe_run_gate(config, lambda: plan.files, app.out, gate)
    if dry_run:
        app.out.line("Dry run: nothing was sent.")
        return data
    record.save_pending(plan.files, sources)  # so a lost answer is recognised next time
    with app.out.progress(f"pushing {len(plan.files)} files"):
        app.api().update_content(config.script_id, plan.files)
    record.save("push", plan.files, sources)
    app.out.line(f"Pushed {len(plan.files)} files.")
    data["pushed"] = True
    return data


def _remote_edit_message(new: list[str], edited: list[str], have_record: bool) -> str:
    parts = []
    if new and not have_record:
        names = ", ".join(new)
        parts.append(f"would delete remote files never synced here (no last-sync record yet): {names}")
    elif new:
        parts.append(f"would delete remote files added since the last sync: {', '.join(new)}")
    if edited:
        parts.append(f"would overwrite remote files edited since the last sync: {', '.join(edited)}")
    return ("push refused: " + "; ".join(parts) + " (edited in the web editor?). Run `gasctl diff` and "
            "`gasctl pull`, or pass --force. Nothing was sent.")


def pushable_filter(config: Any) -> Callable[[Any, str], bool]:
    """watchfiles filter: only changes to files push would send (the .claspignore rules and types)."""
    from gas_emulator.clasp import IGNORE_FILE_NAME, file_type_for, is_ignored, read_ignore_patterns

    patterns = read_ignore_patterns(config.ignore_file or config.project_root / IGNORE_FILE_NAME)
    root = config.root_dir

    def keep(_change: Any, path: str) -> bool:
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if rel.startswith("../") or (config.skip_subdirectories and "/" in rel):
            return False
        return not is_ignored(rel, patterns) and file_type_for(config, rel) is not None

    return keep


def _watch(app: App, **kwargs: bool) -> None:
    """Push after each change to a pushable file until Ctrl-C. Tests pass ``watch_stop`` (an Event) and
    ``watch_tick`` (called with every batch, an empty one each ``WATCH_TICK_MS`` of quiet)."""
    from watchfiles import watch

    config = app.config()
    tick = app.overrides.get("watch_tick")
    app.out.info(f"Watching {config.root_dir} for changes (Ctrl-C to stop).")
    batches = watch(config.root_dir, watch_filter=pushable_filter(config), raise_interrupt=False,
                    stop_event=app.overrides.get("watch_stop"), yield_on_timeout=tick is not None,
                    rust_timeout=WATCH_TICK_MS if tick is not None else 5000)
    for changes in batches:
        if tick is not None:
            tick(changes)
        if not changes:
            continue
        try:
            _push_once(app, **kwargs)
        except click.ClickException as err:
            app.out.info(f"Error: {err.format_message()}")
    app.out.info("Stopped watching.")


@click.command()
@click.option("--dry-run", is_flag=True, help="Show what would change; send nothing.")
@click.option("--force", "-f", is_flag=True,
              help="Also delete/overwrite remote files edited since the last sync.")
@click.option("--watch", "-w", is_flag=True, help="Keep watching rootDir; push after each change to a file "
                                                 "push would send (.claspignore applies).")
@click.option("--gate/--no-gate", default=False, help="Run the configured simulation gate first.")
@pass_app
def push(app: App, dry_run: bool, force: bool, watch: bool, gate: bool) -> None:
    """Replace remote HEAD with the local files (clasp's names, types and order), showing changes first.

    \b
    Example:
      gasctl push --dry-run && gasctl push
    """
    if watch and app.out.as_json:
        raise click.UsageError("--watch cannot be combined with --json (one document per run)")
    data = _push_once(app, dry_run=dry_run, force=force, gate=gate)
    if watch:
        _watch(app, dry_run=dry_run, force=force, gate=gate)
    app.out.result(data)


COMMANDS = (status, diff, pull, push)
