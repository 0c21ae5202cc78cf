"""``login``, ``logout``, ``whoami``: credentials in clasp's own file, never printed."""

from __future__ import annotations

import click

from gasctl.context import App, pass_app
from gasctl.errors import EXIT_FAILURE, GasctlError


def _scope_list(value: str | None) -> list[str]:
    if value is None:
        return []
    scopes = [scope.strip() for scope in value.split(",")]
    if not all(scopes):  # clasp's text (parseExtraScopes)
        raise click.BadParameter("must be a comma-separated list of non-empty scopes.")
    return scopes


def _merged(*groups: list[str]) -> list[str]:
    return list(dict.fromkeys(scope for group in groups for scope in group))


def _login_scopes(app: App, project: bool, with_gasctl: bool, extra: list[str]) -> list[str]:
    """clasp buildScopes: gasctl's, or the manifest's oauthScopes (plus gasctl's on request), plus extra."""
    from gasctl.auth import LOGIN_SCOPES

    scopes = list(LOGIN_SCOPES)
    if project:
        from gasctl.cmd_cloud import read_manifest

        manifest_scopes = read_manifest(app).get("oauthScopes")
        scopes = list(manifest_scopes) if isinstance(manifest_scopes, list) and manifest_scopes else scopes
        scopes = _merged(LOGIN_SCOPES, scopes) if with_gasctl else scopes
    return _merged(scopes, extra)


def _paste_prompt(url: str) -> str:
    click.echo(f"Authorize gasctl by visiting this URL:\n{url}\n", err=True)
    return click.prompt("After authorizing, copy the URL from your browser and paste it here", err=True)


@click.command()
@click.option("--creds", "client_secret", metavar="CLIENT_SECRET_JSON", type=click.Path(dir_okay=False),
              help="Your own OAuth Desktop client file (default: clasp's built-in public client).")
@click.option("--user", "login_user", metavar="NAME", help="Store under this name (default: the global "
                                                           "--user).")
@click.option("--localhost/--no-localhost", default=True,
              help="--no-localhost: no local server (headless); paste back the URL the browser shows.")
@click.option("--use-project-scopes", is_flag=True, help="Ask for the manifest's oauthScopes (for `run`).")
@click.option("--include-clasp-scopes", is_flag=True, help="With --use-project-scopes: gasctl's scopes too.")
@click.option("--extra-scopes", metavar="SCOPES", callback=lambda ctx, param, value: _scope_list(value),
              help="More OAuth scopes, comma-separated.")
# clasp login --redirect-port <port>: validateOptionInt(val, 0, 65535) (src/commands/login.ts)
@click.option("--redirect-port", type=click.IntRange(0, 65535), metavar="PORT",
              help="Port of the redirect URL: the local server's (default: any free port), or with "
                   "--no-localhost the one the pasted URL names (default 8888).")
@pass_app
def login(app: App, client_secret: str | None, login_user: str | None, localhost: bool,
          use_project_scopes: bool, include_clasp_scopes: bool, extra_scopes: list[str],
          redirect_port: int | None) -> None:
    """Log in with the installed-app flow; saves tokens in clasp's .clasprc.json (0600).

    \b
    Example:
      gasctl login --creds client_secret.json --user ci --no-localhost
      gasctl login --redirect-port 37473
    """
    from gasctl.auth import clasprc_path
    from gasctl.auth import login as do_login

    if include_clasp_scopes and not use_project_scopes:
        # clasp's text (src/commands/login.ts)
        raise click.UsageError("--include-clasp-scopes can only be used with --use-project-scopes.")
    scopes = _login_scopes(app, use_project_scopes, include_clasp_scopes, extra_scopes)
    if use_project_scopes or extra_scopes:
        app.out.info("Authorizing with the following scopes:\n" + "\n".join(scopes))
    user = login_user or app.user
    rc = clasprc_path(app.env)
    paste = None if localhost else _paste_prompt
    source = do_login(client_secret, user, rc, app.overrides.get("flow_factory"), scopes=scopes, paste=paste,
                      redirect_port=redirect_port)
    who = source.email or "unknown account"
    app.out.result({"email": source.email, "user": user, "path": str(rc)},
                   [f'Logged in as {who} (user "{user}"); credentials saved to {rc}'])


@click.command()
@pass_app
def logout(app: App) -> None:
    """Forget the saved credentials of --user in clasp's .clasprc.json.

    \b
    Example:
      gasctl --user ci logout
    """
    from gasctl.auth import clasprc_path
    from gasctl.auth import logout as do_logout

    rc = clasprc_path(app.env)
    removed = do_logout(app.user, rc)
    text = f'Logged out user "{app.user}".' if removed else f'No saved credentials for user "{app.user}".'
    app.out.result({"success": True, "removed": removed}, [text])


@click.command()
@pass_app
def whoami(app: App) -> None:
    """Show which credentials gasctl would use (source, format, client, email); no network call.

    With none anywhere it prints clasp's "Not logged in." and exits 1, so a script can test it.

    \b
    Example:
      gasctl --user ci whoami || gasctl --user ci login
    """
    from gasctl.auth import NoCredentialsError, resolve_credentials

    if "credentials" in app.overrides:
        raise GasctlError("whoami: credentials were injected by the caller")
    try:
        _credentials, source = resolve_credentials(app.credentials_file, app.user, app.env, adc=app.adc)
    except NoCredentialsError as err:
        # clasp show-authorized-user prints "Not logged in." ({"loggedIn": false}) and exits 0; gasctl
        # exits 1 as well, so `gasctl whoami || gasctl login` and CI checks need no output parsing.
        app.out.result({"loggedIn": False}, ["Not logged in."])
        app.out.info(err.format_message())
        click.get_current_context().exit(EXIT_FAILURE)
    info = {"loggedIn": True, **source.describe()}
    where = f" {source.path}" if source.path else ""
    lines = [f"Credentials: {source.kind}{where} ({source.format}), user \"{source.user or '-'}\""]
    if source.client_id:
        lines.append(f"Client: {source.client_id} ({info['clientType']})")
    lines.append(f"Account: {source.email or 'unknown (no id_token saved)'}")
    app.out.result(info, lines)


COMMANDS = (login, logout, whoami)
