"""``versions``, ``version``, ``restore``: immutable snapshots of HEAD, and putting one back as HEAD.

Versions cannot be deleted through the API and a project may have at most 200 (spec §2.5), so
``version`` (and ``deploy``) count them first and refuse at the cap instead of failing half-way.
"""

from __future__ import annotations

import click

from gasctl.context import App, pass_app
from gasctl.errors import ApiError, RefusedError

# spec §2.5: "Script projects can have up to 200 versions" (developers.google.com/apps-script/guides/versions)
MAX_VERSIONS = 200


def check_version_cap(app: App, script_id: str) -> set[int]:
    """The existing version numbers (a lost create is found among the others); RefusedError at the cap."""
    numbers = {v["versionNumber"] for v in app.api().list_versions(script_id)}
    count = len(numbers)
    if count >= MAX_VERSIONS:
        raise RefusedError(
            f"Script {script_id} already has {count} versions; Apps Script allows up to {MAX_VERSIONS} and "
            "the "
            "API cannot delete versions. Delete unused versions in the Apps Script editor (Project "
            "history), or "
            "deploy an existing version with --version N. Nothing was created.")
    return numbers


def require_version(app: App, script_id: str, number: int) -> dict:
    """The version, or RefusedError when it does not exist."""
    try:
        return app.api().get_version(script_id, number)
    except ApiError as err:
        if err.status == 404:
            raise RefusedError(f"Version {number} does not exist in script {script_id}. Nothing was "
                               "changed.") from None
        raise


@click.command()
@click.argument("script_id", required=False, metavar="[SCRIPT_ID]")
@pass_app
def versions(app: App, script_id: str | None) -> None:
    """List versions, newest first ("N - description", as clasp prints them).

    \b
    Example:
      gasctl versions --json
    """
    script_id = script_id or app.config().script_id
    listed = sorted(app.api().list_versions(script_id), key=lambda v: v["versionNumber"], reverse=True)
    data = [{"versionNumber": v["versionNumber"], "description": v.get("description", ""),
             "createTime": v.get("createTime")} for v in listed]
    lines = [f"{v['versionNumber']} - {v['description'] or '(no description)'}" for v in data]
    app.out.result(data, [f"{len(data)} version(s)", *lines] if data else ["No versions."])


@click.command()
@click.argument("description", required=False)
@pass_app
def version(app: App, description: str | None) -> None:
    """Create a version (snapshot of HEAD), after checking the 200-version cap.

    \b
    Example:
      gasctl version "release 12"
    """
    script_id = app.config().script_id
    known = check_version_cap(app, script_id)
    created = app.api().create_version(script_id, description, known)
    app.out.result({"versionNumber": created["versionNumber"], "description": created.get("description", "")},
                   [f"Created version {created['versionNumber']}."])


@click.command()
@click.option("--version", "number", type=int, required=True, metavar="N", help="The version to restore.")
@pass_app
def restore(app: App, number: int) -> None:
    """Make HEAD's content equal version N's (one updateContent); local files are left alone.

    \b
    Example:
      gasctl restore --version 7 && gasctl pull
    """
    config = app.config()
    require_version(app, config.script_id, number)
    files = [{"name": f["name"], "type": f["type"], "source": f.get("source", "")}
             for f in app.api().get_content(config.script_id, number).get("files", [])]
    app.api().update_content(config.script_id, files)
    app.sync_record().save("restore", files, None)
    names = [f["name"] for f in files]
    app.out.result({"scriptId": config.script_id, "restoredVersion": number, "files": names},
                   [f"HEAD of script {config.script_id} now has version {number}'s {len(files)} files. "
                    "Run `gasctl pull` to update the local files."])


COMMANDS = (versions, version, restore)
