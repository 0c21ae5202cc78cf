"""clasp 3's command names, accepted as aliases of gasctl's commands (with a note where gasctl differs).

clasp 3.x names each command verb-noun and keeps the old short name as an alias (google/clasp
``src/commands/*.ts``: ``new Command('create-script').alias('create')``). gasctl's own names are the short
ones; every clasp name below resolves to one gasctl command, with the leading arguments it implies.
"""

from __future__ import annotations

from typing import NamedTuple


class ClaspName(NamedTuple):
    command: str
    args: tuple[str, ...] = ()
    note: str = ""  # printed on stderr when the clasp name is used: where gasctl differs on purpose


CLASP_NAMES: dict[str, ClaspName] = {
    "create-script": ClaspName("create"),
    "clone-script": ClaspName("clone"),
    "create-version": ClaspName("version"),
    "list-versions": ClaspName("versions"),
    "create-deployment": ClaspName(
        "deploy", note="gasctl deploy updates the configured deployment in place (same URL) and checks the "
                       "caps first; pass --new for a separate deployment as clasp makes"),
    "update-deployment": ClaspName("deploy", ("--deployment-id",)),
    "redeploy": ClaspName("deploy", ("--deployment-id",)),
    "list-deployments": ClaspName("deployments"),
    "delete-deployment": ClaspName("undeploy"),
    "run-function": ClaspName(
        "run", note="gasctl run calls the deployed version by default (clasp: HEAD in devMode); pass --dev "
                    "for HEAD. A script error exits 1 (clasp exits 0)"),
    "open-script": ClaspName("open", note="gasctl prints the URL; pass --browser to open it"),
    "open-web-app": ClaspName("open", ("--webapp",), note="gasctl prints the URL; pass --browser to open it"),
    "show-file-status": ClaspName("status"),
    "show-authorized-user": ClaspName("whoami"),
    "tail-logs": ClaspName("logs"),
    "list-scripts": ClaspName("list"),
    "delete-script": ClaspName("delete"),
    "list-apis": ClaspName("apis", ("list",)),
    "enable-api": ClaspName("apis", ("enable",)),
    "disable-api": ClaspName("apis", ("disable",)),
}


def expand(args: list[str]) -> tuple[list[str], str]:
    """``args`` with a leading clasp name replaced by gasctl's command (and implied args); the note."""
    if not args or args[0] not in CLASP_NAMES:
        return args, ""
    name = CLASP_NAMES[args[0]]
    implied = () if {"--help", "-h"} & set(args[1:]) else name.args  # help: of the command itself
    return [name.command, *implied, *args[1:]], name.note
