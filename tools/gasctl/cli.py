"""gasctl: push, pull, version, deploy and roll back Apps Script projects (a safer clasp), over the API.

The click group, its global options and the error edge. Commands live one group per module
(``cmd_*.py``); only click is imported at startup, everything heavy is imported inside commands, so
``gasctl --help`` stays well under 300 ms. Exit codes: 0 ok, 1 failure, 2 usage.
"""

from __future__ import annotations

import click

from gasctl import cmd_auth, cmd_deploy, cmd_files, cmd_generate, cmd_project, cmd_run, cmd_versions
from gasctl.context import ENV_API_ENDPOINT, ENV_CREDENTIALS, ENV_PROJECT, App
from gasctl.errors import EXIT_FAILURE, GasctlError

#: Top-level modules of the `deploy` extra (pyproject.toml): absent in an emulator-only install.
DEPLOY_MODULES = {"googleapiclient", "google", "google_auth_oauthlib", "httplib2", "google_auth_httplib2"}


class GasctlGroup(click.Group):
    """A group that turns known failures into one-line errors (and a JSON error document with --json)."""

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
        if isinstance(ctx.obj, App):
            ctx.obj.out.error_document(message, exit_code, details)


@click.group(cls=GasctlGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--project", "project", metavar="FILE", envvar=ENV_PROJECT,
              help="Project file (.clasp.json or a folder holding one), e.g. .clasp.prod.json. "
                   f"Env: {ENV_PROJECT}.")
@click.option("--api-endpoint", metavar="URL", envvar=ENV_API_ENDPOINT,
              help=f"Apps Script API base URL (e.g. the fake API). Env: {ENV_API_ENDPOINT}.")
@click.option("--credentials", "credentials_file", metavar="FILE", envvar=ENV_CREDENTIALS,
              help=f"Credentials file (clasp .clasprc.json, authorized_user, access_token). Env: "
                   f"{ENV_CREDENTIALS}.")
@click.option("--user", default="default", show_default=True, metavar="NAME",
              help="Named entry in clasp's credentials file.")
@click.option("--json", "as_json", is_flag=True, help="Print exactly one JSON document on stdout.")
@click.option("--verbose", is_flag=True, help="Log each HTTP call (never tokens) and the call count on "
                                              "stderr.")
@click.version_option(package_name="gas-emulator", prog_name="gasctl")
@click.pass_context
def main(ctx: click.Context, project: str | None, api_endpoint: str | None, credentials_file: str | None,
         user: str, as_json: bool, verbose: bool) -> None:
    """Push, pull, version, deploy and roll back Apps Script projects. Reads clasp's files as they are.

    \b
    Example:
      gasctl push --dry-run && gasctl push && gasctl deploy --description "release 12"
    """
    overrides = ctx.obj if isinstance(ctx.obj, dict) else {}
    ctx.obj = App(project=project, api_endpoint=api_endpoint, credentials_file=credentials_file, user=user,
                  as_json=as_json, verbose=verbose, overrides=overrides)


for module in (cmd_auth, cmd_project, cmd_files, cmd_versions, cmd_deploy, cmd_run, cmd_generate):
    for command in module.COMMANDS:
        main.add_command(command)
