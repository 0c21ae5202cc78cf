"""gasctl: push, pull, version, deploy and roll back Apps Script projects (a safer clasp), over the API.

The click group, its global options and the error edge. Commands live one group per module
(``cmd_*.py``); only click is imported at startup, everything heavy is imported inside commands, so
``gasctl --help`` stays well under 300 ms. Exit codes: 0 ok, 1 failure, 2 usage.
"""

from __future__ import annotations

import click

from gasctl import (
    cmd_auth,
    cmd_cloud,
    cmd_deploy,
    cmd_files,
    cmd_generate,
    cmd_logs,
    cmd_project,
    cmd_run,
    cmd_versions,
)
from gasctl.clasp_names import CLASP_NAMES, expand
from gasctl.context import ENV_API_ENDPOINT, ENV_CREDENTIALS, ENV_IGNORE, ENV_PROJECT, App
from gasctl.errors import EXIT_FAILURE, GasctlError
from gasctl.output import Output

#: Top-level modules of the `deploy` extra (pyproject.toml): absent in an emulator-only install.
DEPLOY_MODULES = {"googleapiclient", "google", "google_auth_oauthlib", "httplib2", "google_auth_httplib2"}


class GasctlGroup(click.Group):
    """A group that turns known failures into one-line errors (and a JSON error document with --json)."""

    def make_context(self, info_name, args, parent=None, **extra):  # type: ignore[override]
        given = list(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as err:  # a bad global option: no command ran, --json still holds
            before = given[:given.index("--")] if "--" in given else given
            if "--json" in before:
                Output(as_json=True).error_document(err.format_message(), err.exit_code)
            raise

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        # kept so that an error before any command ran (`gasctl --json frob`) can still honour --json
        ctx.meta["gasctl.args"] = list(args)
        return super().parse_args(ctx, args)

    def resolve_command(self, ctx: click.Context, args: list[str]):
        args, note = expand(args)  # clasp 3's names (create-script, run-function, ...)
        if note:
            click.echo(f"Note: {note}.", err=True)
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: click.Context, cmd_name: str):
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in CLASP_NAMES:  # `gasctl create-script --help`
            command = super().get_command(ctx, CLASP_NAMES[cmd_name].command)
        return command

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("clasp 3 names (aliases)"):
            formatter.write_dl([(name, " ".join((alias.command, *alias.args)))
                                for name, alias in CLASP_NAMES.items()])

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.ClickException as err:
            self._json_error(ctx, err.format_message(), err.exit_code, getattr(err, "details", None))
            raise
        except ModuleNotFoundError as err:  # installed without the API client libraries
            top = (err.name or "").split(".")[0]
            if top not in DEPLOY_MODULES:
                raise
            message = (f"gasctl needs the Google API client libraries (no module {top!r}): "
                       "pip install 'gas-emulator[deploy]'")
            self._json_error(ctx, message, EXIT_FAILURE, None)
            raise GasctlError(message) from None
        except OSError as err:  # a file we could not read or write: name it, no traceback
            message = f"{err.filename or ''}: {err.strerror or err}".lstrip(": ")
            self._json_error(ctx, message, EXIT_FAILURE, None)
            raise GasctlError(message) from None
        finally:
            app = ctx.obj if isinstance(ctx.obj, App) else None
            if app is not None:
                app.close()

    @staticmethod
    def _json_error(ctx: click.Context, message: str, exit_code: int, details: dict | None) -> None:
        args = ctx.meta.get("gasctl.args", [])
        args = args[:args.index("--")] if "--" in args else args
        # --json may not have been parsed yet (`gasctl --json frob`, `gasctl push --bogus --json`)
        wanted = bool(ctx.params.get("as_json")) or "--json" in args
        out = ctx.obj.out if isinstance(ctx.obj, App) else Output()
        out.as_json = out.as_json or wanted
        out.error_document(message, exit_code, details)


def _safe_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """An http(s) URL; plain http only to this machine (the access token would otherwise travel in clear)."""
    if value is None:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise click.BadParameter(f"{value}: not an http:// or https:// URL")
    from gas_emulator.netaddr import is_loopback_host  # lazy: gasctl --help imports no emulator

    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise click.BadParameter(f"{value}: plain http is allowed only to this machine (localhost, "
                                 "127.0.0.1, ::1); the access token would travel in clear. Use https://.")
    return value


def _json_after_command(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """``gasctl push --json`` means ``gasctl --json push`` (the group's App already exists here)."""
    app = ctx.find_object(App)
    if value and app is not None:
        app.out.as_json = True


@click.group(cls=GasctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "-P", "project", metavar="FILE", envvar=ENV_PROJECT,
              help="Project file (.clasp.json or a folder holding one), e.g. .clasp.prod.json. "
                   f"Env: {ENV_PROJECT}.")
@click.option("--api-endpoint", metavar="URL", envvar=ENV_API_ENDPOINT, callback=_safe_endpoint,
              help=f"Apps Script API base URL (e.g. the fake API). Env: {ENV_API_ENDPOINT}.")
@click.option("--credentials", "-A", "--auth", "credentials_file", metavar="FILE", envvar=ENV_CREDENTIALS,
              help=f"Credentials file (clasp .clasprc.json, authorized_user, access_token). Env: "
                   f"{ENV_CREDENTIALS}.")
@click.option("--ignore", "-I", "ignore", metavar="FILE", envvar=ENV_IGNORE,
              help=f"Ignore file (.claspignore or a folder holding one) instead of the project's. Env: "
                   f"{ENV_IGNORE}.")
@click.option("--adc", is_flag=True, help="Use only Application Default Credentials (e.g. a service account "
                                          "in CI), as clasp's --adc.")
@click.option("--user", "-u", default="default", show_default=True, metavar="NAME",
              help="Named entry in clasp's credentials file.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout.")
@click.option("--verbose", is_flag=True, help="Log each HTTP call (never tokens) and the call count on "
                                              "stderr.")
@click.version_option(package_name="gas-emulator", prog_name="gasctl")
@click.pass_context
def main(ctx: click.Context, project: str | None, api_endpoint: str | None, credentials_file: str | None,
         ignore: str | None, adc: bool, user: str, as_json: bool, verbose: bool) -> None:
    """Push, pull, version, deploy and roll back Apps Script projects. Reads clasp's files as they are.

    \b
    Example:
      gasctl push --dry-run && gasctl push && gasctl deploy --description "release 12"
    """
    overrides = ctx.obj if isinstance(ctx.obj, dict) else {}
    if adc and credentials_file:
        raise click.UsageError("--adc and --credentials (or $GASCTL_CREDENTIALS) name two sources of "
                               "credentials: pass one.")
    ctx.obj = App(project=project, api_endpoint=api_endpoint, credentials_file=credentials_file, user=user,
                  as_json=as_json, verbose=verbose, overrides=overrides, ignore=ignore, adc=adc)


for module in (cmd_auth, cmd_project, cmd_files, cmd_versions, cmd_deploy, cmd_run, cmd_logs, cmd_cloud,
               cmd_generate):
    for command in module.COMMANDS:
        leaves = command.commands.values() if isinstance(command, click.Group) else [command]
        for leaf in leaves:
            leaf.params.append(click.Option(["--json"], is_flag=True, expose_value=False,
                                            callback=_json_after_command,
                                            help="One JSON document on stdout (as gasctl --json)."))
        main.add_command(command)
