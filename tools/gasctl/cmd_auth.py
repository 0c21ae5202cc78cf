"""``login``, ``logout``, ``whoami``: credentials in clasp's own file, never printed."""

from __future__ import annotations

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError


@click.command()
@click.option("--creds", "client_secret", metavar="CLIENT_SECRET_JSON", type=click.Path(dir_okay=False),
              help="Your own OAuth Desktop client file (default: clasp's built-in public client).")
@click.option("--user", "login_user", metavar="NAME", help="Store under this name (default: the global "
                                                           "--user).")
@pass_app
def login(app: App, client_secret: str | None, login_user: str | None) -> None:
    """Log in with the installed-app flow on localhost; saves tokens in clasp's .clasprc.json (0600).

    \b
    Example:
      gasctl login --creds client_secret.json --user ci
    """
    from gasctl.auth import clasprc_path
    from gasctl.auth import login as do_login

    user = login_user or app.user
    rc = clasprc_path(app.env)
    source = do_login(client_secret, user, rc, app.overrides.get("flow_factory"))
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

    \b
    Example:
      gasctl --user ci whoami
    """
    from gasctl.auth import resolve_credentials

    if "credentials" in app.overrides:
        raise GasctlError("whoami: credentials were injected by the caller")
    _credentials, source = resolve_credentials(app.credentials_file, app.user, app.env)
    info = {"loggedIn": True, **source.describe()}
    where = f" {source.path}" if source.path else ""
    lines = [f"Credentials: {source.kind}{where} ({source.format}), user \"{source.user or '-'}\""]
    if source.client_id:
        lines.append(f"Client: {source.client_id} ({info['clientType']})")
    lines.append(f"Account: {source.email or 'unknown (no id_token saved)'}")
    app.out.result(info, lines)


COMMANDS = (login, logout, whoami)
