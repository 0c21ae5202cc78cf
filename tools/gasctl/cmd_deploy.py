"""``deployments``, ``deploy``, ``undeploy``, ``rollback``: serve versions at a stable URL.

``deploy`` updates a deployment in place (same id, same web-app URL) when one is given with
``--deployment-id`` or configured as ``deploymentId`` in `.clasp.json`; otherwise it creates one and
records its id there. Caps are checked before anything is created (spec §2.5). The rollback record
is kept in the deployment description (see ``gasctl.history``), so a fresh clone can roll back.
"""

from __future__ import annotations

import click

from gasctl.cmd_versions import check_version_cap, require_version
from gasctl.context import App, pass_app
from gasctl.errors import ApiError, GasctlError, RefusedError
from gasctl.gate import maybe_run_gate
from gasctl.history import base_description, previous_version, with_previous
from gasctl.project import clear_deployment_id, save_deployment_id

# spec §2.5: at most 20 versioned deployments at a time (HEAD not counted)
MAX_VERSIONED_DEPLOYMENTS = 20
READ_ONLY = "Read-only deployments may not be modified."  # API text for HEAD (spec §1.7, §2.4)


def _summary(dep: dict) -> dict:
    config = dep.get("deploymentConfig", {})
    urls = [p["webApp"]["url"] for p in dep.get("entryPoints", []) if p.get("entryPointType") == "WEB_APP"]
    return {"deploymentId": dep["deploymentId"], "versionNumber": config.get("versionNumber"),
            "description": config.get("description", ""), "webAppUrl": urls[0] if urls else None,
            "previousVersion": previous_version(config.get("description"))}


def _get_versioned(app: App, script_id: str, deployment_id: str) -> dict:
    try:
        dep = app.api().get_deployment(script_id, deployment_id)
    except ApiError as err:
        if err.status == 404 and deployment_id == app.config().raw.get("deploymentId"):
            raise GasctlError(f"Deployment {deployment_id} (deploymentId in {app.config().config_path.name}) "
                              f"not found in script {script_id}. Run `gasctl deploy --new` to create one "
                              "and record it.") from None
        if err.status == 404:
            raise GasctlError(f"Deployment {deployment_id} not found in script {script_id}.") from None
        raise
    if dep.get("deploymentConfig", {}).get("versionNumber") is None:
        raise RefusedError(f"{deployment_id} is the HEAD deployment: {READ_ONLY}")
    return dep


def _check_deployment_cap(app: App, script_id: str) -> set[str]:
    """The existing deployment ids (a lost create is found among the others); RefusedError at the cap."""
    listed = app.api().list_deployments(script_id)
    versioned = [d for d in listed if d.get("deploymentConfig", {}).get("versionNumber") is not None]
    if len(versioned) >= MAX_VERSIONED_DEPLOYMENTS:
        raise RefusedError(
            f"Scripts may only have up to {MAX_VERSIONED_DEPLOYMENTS} versioned deployments at a time, and "
            "script "
            f"{script_id} has {len(versioned)}. Update one in place with --deployment-id ID, or remove one "
            "with "
            "`gasctl undeploy ID`. Nothing was created.")
    return {d["deploymentId"] for d in listed}


def _create_and_record(app: App, number: int, description: str, known: set[str]) -> dict:
    """Create a deployment; record its id in .clasp.json when none is configured or the configured one
    is gone (deleted outside gasctl: ``deploy --new`` then replaces it)."""
    config = app.config()
    dep = app.api().create_deployment(config.script_id, number, description, known)
    configured = config.raw.get("deploymentId")
    dead = configured if configured and configured not in known else None
    if (not configured or dead) and save_deployment_id(config.config_path, dep["deploymentId"], replace=dead):
        app.out.info(f"Saved deploymentId {dep['deploymentId']} in {config.config_path.name}.")
    return dep


@click.command()
@click.argument("script_id", required=False, metavar="[SCRIPT_ID]")
@pass_app
def deployments(app: App, script_id: str | None) -> None:
    """List deployments ("- ID @VERSION|@HEAD - description", as clasp prints them).

    \b
    Example:
      gasctl deployments --json
    """
    data = [_summary(d) for d in app.api().list_deployments(script_id or app.config().script_id)]
    lines = [f"- {d['deploymentId']} @{d['versionNumber'] or 'HEAD'} - {d['description']}".rstrip(" -")
             for d in data]
    app.out.result(data, [f"{len(data)} deployment(s)", *lines])


@click.command()
@click.option("--version", "-V", "--versionNumber", "number", type=int, metavar="N",
              help="Deploy version N (default: a new version).")
@click.option("--description", "-d", default="", help="Description of the new version and the deployment.")
@click.option("--deployment-id", "-i", "--deploymentId", "deployment_id", metavar="ID",
              help="Update this deployment in place (default: configured).")
@click.option("--new", "new", is_flag=True, help="Create another deployment even if one is configured.")
@click.option("--gate/--no-gate", default=True, help="Run the configured simulation gate first (default on).")
@pass_app
def deploy(app: App, number: int | None, description: str, deployment_id: str | None, new: bool,
           gate: bool) -> None:
    """Deploy HEAD as a new version (or version N), updating the deployment in place when there is one.

    \b
    Example:
      gasctl deploy --description "release 12"
    """
    config = app.config()
    script_id = config.script_id
    if new and deployment_id:
        raise click.UsageError("--new and --deployment-id exclude each other")
    deployment_id = deployment_id or (None if new else config.raw.get("deploymentId"))
    current = _get_versioned(app, script_id, deployment_id) if deployment_id else None
    known_deployments = _check_deployment_cap(app, script_id) if current is None else set()
    if number is None:
        known_versions = check_version_cap(app, script_id)
    else:
        require_version(app, script_id, number)
    def files_to_deploy() -> list[dict]:  # what the new version will hold: HEAD, or version N
        return app.api().get_content(script_id, number)["files"]

    gate_result = maybe_run_gate(config, files_to_deploy, app.out, gate)
    if number is None:
        number = app.api().create_version(script_id, description or None, known_versions)["versionNumber"]
    if current is None:
        dep = _create_and_record(app, number, description, known_deployments)
    else:
        served = current["deploymentConfig"]["versionNumber"]
        old_text = current["deploymentConfig"].get("description")
        previous = served if served != number else previous_version(old_text)
        text = with_previous(description or base_description(old_text), previous)
        dep = app.api().update_deployment(script_id, deployment_id, number, text)
    data = {**_summary(dep), "gate": gate_result}
    lines = [f"Deployed version {number} to {data['deploymentId']}"
             + (f" (was version {data['previousVersion']})" if current is not None else " (new deployment)")]
    if data["webAppUrl"]:
        lines.append(f"Web app: {data['webAppUrl']}")
    app.out.result(data, lines)


def _delete(app: App, script_id: str, deployment_id: str) -> None:
    """One deletesDeployment call; the API itself refuses HEAD (400, spec §2.4), so no read first."""
    try:
        app.api().delete_deployment(script_id, deployment_id)
    except ApiError as err:
        if err.status == 400 and READ_ONLY in err.message:
            raise RefusedError(f"{deployment_id} is the HEAD deployment: {READ_ONLY}") from None
        if err.status == 404:
            raise GasctlError(f"Deployment {deployment_id} not found in script {script_id}.") from None
        raise


def _forget_deleted(app: App, deleted: list[str]) -> None:
    """Drop a deleted ``deploymentId`` from .clasp.json, so deploy/rollback/open do not use a dead id."""
    config = app.config()
    configured = config.raw.get("deploymentId")
    if configured not in deleted:
        return
    if clear_deployment_id(config.config_path, configured):
        app.out.info(f"Removed deploymentId {configured} from {config.config_path.name}.")
    else:
        app.out.info(f"Remove \"deploymentId\": \"{configured}\" from {config.config_path.name} by hand "
                     "(it is not plain JSON, so gasctl leaves it as written); that deployment is gone.")


@click.command()
@click.argument("deployment_id", required=False, metavar="ID")
@click.option("--all", "-a", "all_", is_flag=True, help="Delete every versioned deployment (never HEAD).")
@pass_app
def undeploy(app: App, deployment_id: str | None, all_: bool) -> None:
    """Delete a deployment, or --all versioned ones; the HEAD deployment is never touched.

    \b
    Example:
      gasctl undeploy AKfycb...   |   gasctl undeploy --all
    """
    if bool(deployment_id) == all_:
        raise click.UsageError("pass a deployment ID or --all (not both)")
    script_id = app.config().script_id
    if all_:
        targets = [d["deploymentId"] for d in app.api().list_deployments(script_id)
                   if d.get("deploymentConfig", {}).get("versionNumber") is not None]
    else:
        targets = [deployment_id]
    for target in targets:
        _delete(app, script_id, target)
    _forget_deleted(app, targets)
    app.out.result({"deletedDeploymentIds": targets},
                   [f"Deleted deployment {t}." for t in targets] or ["No versioned deployments to delete."])


@click.command()
@click.option("--deployment-id", metavar="ID", help="The deployment (default: deploymentId in .clasp.json).")
@click.option("--to", "target", type=int, metavar="VERSION", help="Version to serve (default: the recorded "
                                                                  "one).")
@pass_app
def rollback(app: App, deployment_id: str | None, target: int | None) -> None:
    """Point a deployment back at an earlier version in place (same id, same URL).

    \b
    Without --to it goes to the version served before the last deploy, read from the deployment
    description suffix "[gasctl prev=N]", so it works from a fresh clone with no local state.
    Example:
      gasctl rollback            |   gasctl rollback --to 11
    """
    config = app.config()
    deployment_id = deployment_id or config.raw.get("deploymentId")
    if not deployment_id:
        raise click.UsageError("no deployment to roll back: pass --deployment-id ID or set deploymentId in "
                               ".clasp.json")
    current = _get_versioned(app, config.script_id, deployment_id)
    dep_config = current["deploymentConfig"]
    served = dep_config["versionNumber"]
    target = target if target is not None else previous_version(dep_config.get("description"))
    if target is None:
        raise RefusedError(f"Deployment {deployment_id} has no recorded previous version (no \"[gasctl "
                           "prev=N]\" "
                           "in its description); pass --to VERSION. Nothing was changed.")
    if target == served:
        app.out.result({**_summary(current), "changed": False}, [f"{deployment_id} already serves version "
                                                                 f"{served}."])
        return
    require_version(app, config.script_id, target)
    dep = app.api().update_deployment(config.script_id, deployment_id, target,
                                      with_previous(dep_config.get("description"), served))
    app.out.result({**_summary(dep), "changed": True, "rolledBackFrom": served},
                   [f"Rolled back {deployment_id} from version {served} to version {target}."])


COMMANDS = (deployments, deploy, undeploy, rollback)
