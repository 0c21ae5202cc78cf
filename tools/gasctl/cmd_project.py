"""``create``, ``clone``, ``open``: start a project folder (clasp-compatible `.clasp.json`), show URLs."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError
from gasctl.project import API_MANIFEST, WEBAPP_MANIFEST, script_id_from, write_clasp_json
from gasctl.workspace import local_sources, write_remote_files

EDITOR_URL = "https://script.google.com/d/{script_id}/edit"
ROOT_HELP = "Folder for the source files (rootDir), inside the project folder."
# ASSUMPTION (Drive documents no id format): ids are url-safe base64 text, as in every Drive URL; the
# fake API checks the same shape. A container's URL holds its id after /d/.
DRIVE_ID = re.compile(r"[A-Za-z0-9_-]{10,}")
DOCUMENT_URL = re.compile(r"https://(?:docs|drive)\.google\.com/(?:[a-z]+/)*d/([A-Za-z0-9_-]+)")


def _target(app: App, root: str | None):
    """(project file path, ClaspConfig for the new folder); refuses an existing project file like clasp."""
    from gas_emulator.clasp import ClaspConfig

    path = app.project_path(must_exist=False)
    path = path if path is not None and app.project_option else Path.cwd() / ".clasp.json"
    if path.exists():
        raise GasctlError(f"Project file already exists. ({path})")  # clasp create/clone text
    project_root = path.parent.resolve()
    root_rel = root or "."
    root_dir = (project_root / root_rel).resolve()
    if root_dir != project_root and project_root not in root_dir.parents:
        raise GasctlError(f'--root "{root_rel}" escapes the project folder {project_root}')
    rel = os.path.relpath(root_dir, project_root).replace(os.sep, "/")
    return path, ClaspConfig(project_root=project_root, script_id="", root_dir=root_dir), rel


def _parent_id(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """A Drive file id, or the id inside a docs.google.com / drive.google.com URL."""
    if value is None:
        return None
    found = DOCUMENT_URL.match(value.strip())
    parent = found.group(1) if found else value.strip()
    if not DRIVE_ID.fullmatch(parent):
        raise click.BadParameter(f"{value!r} is not a Drive file id (10 or more of A-Z a-z 0-9 _ -) or a "
                                 "Google Docs/Sheets/Slides/Forms URL")
    return parent


def _refuse_existing_manifest(config) -> None:
    """create writes the new project's manifest into rootDir: refuse before creating anything remotely."""
    manifest = config.root_dir / "appsscript.json"
    if os.path.lexists(manifest):
        raise GasctlError(f"{manifest} already exists: `gasctl create` writes the new script's manifest "
                          "there. Nothing was created. Use another --root DIR for the new script (then copy "
                          "your files in and `gasctl push`), or move the file away.")


def _materialise(path: Path, config, rel: str, files: list[dict], operation: str,
                 remote: list[dict] | None = None) -> list[str]:
    """Write ``files`` into rootDir, then `.clasp.json`, then the last-sync record (remote = ``remote``)."""
    from gasctl.sync import SyncRecord

    record = SyncRecord(config.project_root, config.script_id)
    plan = write_remote_files(config, files, record, force=False, what=operation)
    write_clasp_json(path, config.script_id, rel, config.parent_id)
    record.save(operation, files if remote is None else remote, local_sources(config))
    return [p.relative_to(config.project_root).as_posix() for p, _ in plan.writes]


def _typed_manifest(files: list[dict], script_type: str) -> list[dict]:
    """gasctl addition: ``--type webapp|api`` adds the manifest section that makes it deployable as such."""
    extra = {"webapp": WEBAPP_MANIFEST, "api": API_MANIFEST}.get(script_type)
    if not extra:
        return files
    out = []
    for f in files:
        if f["name"] == "appsscript" and f["type"] == "JSON":
            manifest = json.loads(f.get("source") or "{}")
            f = {**f, "source": json.dumps({**manifest, **extra}, indent=2) + "\n"}
        out.append(f)
    return out


@click.command()
@click.option("--title", required=True, help="Project title.")
@click.option("--type", "script_type", type=click.Choice(["standalone", "webapp", "api"]),
              default="standalone", show_default=True,
              help="webapp/api also add the manifest's webapp/executionApi section locally.")
@click.option("--root", "--rootDir", "root", metavar="DIR", help=ROOT_HELP)
@click.option("--parentId", "--parent-id", "parent_id", metavar="ID_OR_URL", callback=_parent_id,
              help="Bind the script to this Doc/Sheet/Slides/Form (its Drive id or URL).")
@pass_app
def create(app: App, title: str, script_type: str, root: str | None, parent_id: str | None) -> None:
    """Create a standalone script and write its manifest and a clasp-compatible .clasp.json here.

    \b
    Example:
      gasctl create --title "IdService" --type webapp --root gas_src
    """
    path, config, rel = _target(app, root)
    _refuse_existing_manifest(config)
    project = app.api().create_project(title, parent_id)
    config.script_id, config.parent_id = project["scriptId"], parent_id
    remote = app.api().get_content(config.script_id).get("files", [])
    written = _materialise(path, config, rel, _typed_manifest(remote, script_type), "create", remote)
    app.out.result({"scriptId": config.script_id, "title": title, "files": written, "projectFile": str(path)},
                   [f"Created script {config.script_id} ({title}); "
                    f"wrote {path.name} and {len(written)} file(s)."])


@click.command()
@click.argument("script", metavar="SCRIPT_ID_OR_URL")
@click.argument("version_number", required=False, type=int, metavar="[VERSION]")
@click.option("--version", "--versionNumber", "version", type=int, metavar="N",
              help="Clone version N instead of HEAD (also as clasp's second argument).")
@click.option("--root", "--rootDir", "root", metavar="DIR", help=ROOT_HELP)
@pass_app
def clone(app: App, script: str, version_number: int | None, version: int | None, root: str | None) -> None:
    """Download a script into rootDir and write a clasp-compatible .clasp.json here.

    \b
    Example:
      gasctl clone https://script.google.com/d/1AbC.../edit --root src
    """
    script_id = script_id_from(script)
    if version is not None and version_number is not None and version != version_number:
        raise click.UsageError(f"version {version_number} and --version {version} disagree")
    version = version if version is not None else version_number
    path, config, rel = _target(app, root)
    config.script_id = script_id
    files = app.api().get_content(script_id, version).get("files", [])
    written = _materialise(path, config, rel, files, "clone")
    app.out.result({"scriptId": script_id, "files": written, "projectFile": str(path)},
                   [f"Cloned script {script_id}: {len(written)} file(s) into {config.root_dir}."])


def open_url(app: App, url: str, browser: bool) -> None:
    """Open ``url`` in a browser when asked (tests inject ``open_browser``)."""
    if not browser:
        return
    opener = app.overrides.get("open_browser")
    if opener is None:
        import webbrowser

        opener = webbrowser.open
    opener(url)


def _web_app_url(app: App, deployment_id: str | None) -> tuple[str, str]:
    config = app.config()
    api = app.api()
    if deployment_id:
        candidates = [api.get_deployment(config.script_id, deployment_id)]
    else:
        candidates = sorted(api.list_deployments(config.script_id), key=lambda d: d.get("updateTime", ""),
                            reverse=True)
    for dep in candidates:
        for point in dep.get("entryPoints", []):
            if point.get("entryPointType") == "WEB_APP":
                return dep["deploymentId"], point["webApp"]["url"]
    raise GasctlError(f"No web app deployment found for script {config.script_id} "
                      "(the deployed manifest needs a \"webapp\" section).")


@click.command(name="open")
@click.argument("deployment_arg", required=False, metavar="[DEPLOYMENT_ID]")
@click.option("--webapp", is_flag=True, help="The web app URL of a deployment instead of the editor URL.")
@click.option("--deployment-id", metavar="ID", help="Which deployment (default: configured, else latest).")
@click.option("--browser", is_flag=True, help="Also open the URL in a browser.")
@pass_app
def open_(app: App, deployment_arg: str | None, webapp: bool, deployment_id: str | None,
          browser: bool) -> None:
    """Print the script editor URL (or --webapp URL); opens a browser only with --browser.

    \b
    A DEPLOYMENT_ID argument (clasp open-web-app's) means --webapp --deployment-id DEPLOYMENT_ID.
    Example:
      gasctl open --webapp
    """
    if deployment_arg is not None:
        webapp, deployment_id = True, deployment_id or deployment_arg
    config = app.config()
    data = {"scriptId": config.script_id}
    if webapp:
        data["deploymentId"], url = _web_app_url(app, deployment_id or config.raw.get("deploymentId"))
    else:
        url = EDITOR_URL.format(script_id=config.script_id)
    data["url"] = url
    open_url(app, url, browser)
    app.out.result(data, [url])


COMMANDS = (create, clone, open_)
