"""``gas-emu serve-api``: the fake Apps Script API as a long-running loopback server.

Registered under the ``gas-emu`` group by ``gas_emulator/cli.py``. Prints its base URL on one line
once it accepts connections (so a script can read it), then serves until SIGINT or SIGTERM.

The control plane's token comes from ``--control-token-file`` (read if the file exists, else made and
written there with mode 0600), else from ``$GAS_EMU_CONTROL_TOKEN``, else it is made fresh and
printed once on stderr.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import click

from gas_emulator.api_server import control
from gas_emulator.api_server.server import FakeApiServer
from gas_emulator.api_server.settings import ApiSettings
from gas_emulator.netaddr import is_loopback_host


def _make_store(state: Path | None) -> Any:
    if state is None:
        from gas_emulator.store.memory import MemoryStore

        return MemoryStore()
    from gas_emulator.store.sqlite import SqliteStore

    return SqliteStore(state)


def _control_token(path: Path | None) -> tuple[str, bool]:
    """(token, whether to print it): from the file, the environment, or new."""
    if path is not None:
        try:
            token = path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            token = control.new_token()
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except OSError as exc:
                raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(token + "\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"cannot read {path}: {exc}") from None
        if not token:
            raise click.BadParameter(f"{path} is empty", param_hint="--control-token-file")
        return token, False
    if os.environ.get(control.TOKEN_ENV):
        return os.environ[control.TOKEN_ENV], False
    return control.new_token(), True


@click.command("serve-api")
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="TCP port; 0 picks a free one.")
@click.option("--state", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="SQLite file that keeps projects between runs (default: in memory).")
@click.option("--require-auth", is_flag=True, help="Answer 401 to calls without a bearer token.")
@click.option("--api-disabled", is_flag=True,
              help='Answer 403 "User has not enabled the Apps Script API" to every call.')
@click.option("--fault-rate", type=click.FloatRange(0.0, 1.0), default=0.0, show_default=True,
              help="Share of API calls answered 429 or 500.")
@click.option("--fault-seed", type=int, default=0, show_default=True, help="Seed of the fault dice.")
@click.option("--control-token-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File holding the /__control token (created 0600 with a new token if missing).")
@click.option("--allow-state-reset", is_flag=True,
              help="Let POST /__control/reset delete the projects kept in the --state file.")
@click.option("--user", "user_email", default="user@example.com", show_default=True,
              help="The account that owns projects and runs executions.")
@click.option("--max-seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="End each execution after this many seconds (default: Apps Script's 360).")
def serve_api(host: str, port: int, state: Path | None, require_auth: bool, api_disabled: bool,
              fault_rate: float, fault_seed: int, control_token_file: Path | None,
              allow_state_reset: bool, user_email: str, max_seconds: float | None) -> None:
    """Serve a fake Apps Script API (v1) on loopback until stopped.

    Point google-api-python-client at it with client_options={"api_endpoint": URL}; deployed web
    apps answer at URL/macros/s/<deploymentId>/exec; URL/v2/entries:list serves the executions'
    logs (Cloud Logging). POST URL/__control/reset forgets every project (never the --state file
    without --allow-state-reset); POST URL/__control/settings changes auth and fault settings at
    run time. Both need the header X-Gas-Emu-Control-Token with the control token.

    Example: gas-emu serve-api --port 8085 --state api.sqlite
    """
    if not is_loopback_host(host):
        raise click.BadParameter(f"{host!r} is not a loopback address (the fake accepts any token)",
                                 param_hint="--host")
    settings = ApiSettings(require_auth=require_auth, api_disabled=api_disabled, fault_rate=fault_rate,
                           fault_seed=fault_seed, user_email=user_email)
    token, show_token = _control_token(control_token_file)
    store = _make_store(state)
    engine = _process_engine(store, state, max_seconds)
    server = FakeApiServer(store, host=host, port=port, settings=settings, engine=engine,
                           control_token=token, state_file=state, allow_state_reset=allow_state_reset)
    try:
        server.start()
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    click.echo(server.base_url)
    if show_token:
        click.echo(f"control token ({control.TOKEN_HEADER}): {token}", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        engine.close()
        if hasattr(store, "close"):
            store.close()


def _process_engine(store: Any, state: Path | None, max_seconds: float | None) -> Any:
    """Executions in worker processes (api_server.workers): no script can take the server down."""
    from gas_emulator.api_server.workers import ProcessEngine
    from gas_emulator.clock import RealClock
    from gas_emulator.settings import Settings

    settings = Settings() if max_seconds is None else Settings(max_execution_ms=max_seconds * 1000)
    return ProcessEngine(store, RealClock(), state_path=state, settings=settings)
