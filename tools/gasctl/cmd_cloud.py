"""``list``, ``delete``, ``open-container``, ``apis list|enable|disable``: the script as a Drive file and
the Google APIs of its Cloud project (clasp 3 ``list-scripts``, ``delete-script``, ``open-container``,
``list-apis``, ``enable-api``, ``disable-api``)."""

from __future__ import annotations

import json
import sys

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError, RefusedError

DRIVE_OPEN_URL = "https://drive.google.com/open?id={id}"  # clasp open-container's URL
EDITOR_URL = "https://script.google.com/d/{id}/edit"
SHORT_NAME = 20  # clasp list-scripts: ellipsize(name, 20) unless --noShorten


def _shorten(name: str, keep: bool) -> str:
    return name if keep or len(name) <= SHORT_NAME else name[: SHORT_NAME - 1] + "…"


@click.command(name="list")
@click.option("--noShorten", "no_shorten", is_flag=True, help="Do not shorten long names.")
@pass_app
def list_(app: App, no_shorten: bool) -> None:
    """List your Apps Script projects (Drive files of type script), with their editor URLs.

    \b
    Example:
      gasctl list --noShorten
    """
    from gasctl.cloud import list_scripts

    scripts = [{"id": f["id"], "name": f.get("name", "")} for f in list_scripts(app.api())]
    lines = [f"Found {len(scripts)} script{'s' if len(scripts) != 1 else ''}."]  # clasp's texts
    lines += [f"{_shorten(s['name'], no_shorten)} - {EDITOR_URL.format(id=s['id'])}" for s in scripts]
    app.out.result(scripts, lines if scripts else ["No script files found."])


@click.command()
@click.argument("script_id", required=False, metavar="[SCRIPT_ID]")
@click.option("--force", "-f", is_flag=True, help="Do not ask for confirmation (needed without a terminal).")
@pass_app
def delete(app: App, script_id: str | None, force: bool) -> None:
    """Move a script (default: this project's) to the Drive trash, as clasp delete-script does.

    \b
    Example:
      gasctl delete --force
    """
    from gasctl.cloud import trash_script

    script_id = script_id or app.config().script_id
    if not force:
        if not sys.stdin.isatty():
            raise RefusedError(f"delete refused: pass --force to move script {script_id} to the Drive trash "
                               "(there is no terminal to confirm). Nothing was changed.")
        click.confirm(f"Move script {script_id} to the Drive trash?", abort=True, err=True)
    trash_script(app.api(), script_id)
    app.out.result({"scriptId": script_id, "trashed": True}, [f"Deleted script {script_id}"])


@click.command(name="open-container")
@click.option("--browser", is_flag=True, help="Also open the URL in a browser.")
@pass_app
def open_container(app: App, browser: bool) -> None:
    """Print the URL of the document a container-bound script belongs to (parentId in .clasp.json).

    \b
    Example:
      gasctl open-container --browser
    """
    from gasctl.cmd_project import open_url

    parent_id = app.config().parent_id
    if not parent_id:
        raise GasctlError("Parent ID not set, unable to open document.")  # clasp's text
    url = DRIVE_OPEN_URL.format(id=parent_id)
    open_url(app, url, browser)
    app.out.result({"url": url, "parentId": parent_id}, [url])


@click.group()
def apis() -> None:
    """List, enable or disable Google APIs of the script's Cloud project (projectId in .clasp.json).

    \b
    Example:
      gasctl apis enable sheets
    """


def _gcp_project(app: App) -> str:
    from gasctl.cmd_logs import gcp_project_id

    return gcp_project_id(app, None)


@apis.command(name="list")
@pass_app
def apis_list(app: App) -> None:
    """List the APIs enabled in the Cloud project, and the advanced services in the manifest.

    \b
    Example:
      gasctl apis list --json
    """
    from gasctl.cloud import list_enabled_services

    enabled = list_enabled_services(app.api(), _gcp_project(app))
    in_manifest = read_manifest(app).get("dependencies", {}).get("enabledAdvancedServices", [])
    lines = ["Enabled APIs:"] + [f"  {s['name']} - {s['title']}".rstrip(" -") for s in enabled]
    lines += ["Advanced services in appsscript.json:"]
    lines += [f"  {s.get('userSymbol')} ({s.get('serviceId')} {s.get('version')})" for s in in_manifest]
    app.out.result({"enabled": enabled, "manifest": in_manifest}, lines)


def _manifest_path(app: App):
    path = app.config().root_dir / "appsscript.json"
    if not path.is_file():
        raise GasctlError(f"{path}: manifest file does not exist.")
    return path


def read_manifest(app: App) -> dict:
    path = _manifest_path(app)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, RecursionError) as err:
        raise GasctlError(f"{path}: invalid JSON ({type(err).__name__})") from None
    if not isinstance(data, dict):
        raise GasctlError(f"{path}: the manifest must be a JSON object")
    return data


def _set_api(app: App, name: str, enabled: bool) -> None:
    from gasctl.advanced_services import known_ids, manifest_entry
    from gasctl.cloud import service_api_name, set_service_state
    from gasctl.sync import atomic_write_text

    entry = manifest_entry(name)
    if entry is None:
        raise click.BadParameter(f"{name} is not an advanced service gasctl knows (known: "
                                 f"{', '.join(known_ids())})", param_hint="API")
    manifest = read_manifest(app)  # read and checked before anything changes
    set_service_state(app.api(), _gcp_project(app), name, enabled)
    services = manifest.setdefault("dependencies", {}).setdefault("enabledAdvancedServices", [])
    kept = [s for s in services if s.get("serviceId") != name]
    manifest["dependencies"]["enabledAdvancedServices"] = kept + ([entry] if enabled else [])
    atomic_write_text(_manifest_path(app), json.dumps(manifest, indent=2) + "\n")
    verb = "Enabled" if enabled else "Disabled"
    app.out.result({"api": service_api_name(name), "enabled": enabled},
                   [f"{verb} {service_api_name(name)}; appsscript.json updated (run `gasctl push`)."])


@apis.command(name="enable")
@click.argument("name", metavar="API")
@pass_app
def apis_enable(app: App, name: str) -> None:
    """Enable an advanced service: in the Cloud project, then in appsscript.json.

    \b
    Example:
      gasctl apis enable drive
    """
    _set_api(app, name, True)


@apis.command(name="disable")
@click.argument("name", metavar="API")
@pass_app
def apis_disable(app: App, name: str) -> None:
    """Disable an advanced service: in the Cloud project, then in appsscript.json.

    \b
    Example:
      gasctl apis disable drive
    """
    _set_api(app, name, False)


COMMANDS = (list_, delete, open_container, apis)
