"""The per-invocation context every command receives: options, output, project, credentials, API.

Built by the group callback in ``cli.py`` and passed with ``pass_app``. Everything heavy is lazy:
the project file is read, credentials resolved and the API client built only when a command asks.
Tests inject fakes with ``CliRunner.invoke(main, args, obj={...})``; recognised keys: ``sleep``
(backoff sleeper), ``rand`` (the library's backoff jitter), ``credentials`` (google-auth credentials
object), ``env`` (environment mapping),
``flow_factory`` (login flow), ``open_browser``, ``watch_stop`` / ``watch_tick`` (see ``push --watch``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from gasctl.errors import GasctlError
from gasctl.output import Output

ENV_API_ENDPOINT = "GASCTL_API_ENDPOINT"
ENV_CREDENTIALS = "GASCTL_CREDENTIALS"
ENV_PROJECT = "clasp_config_project"  # clasp's own variable (spec §1.1)
ENV_IGNORE = "clasp_config_ignore"  # clasp 3 src/commands/program.ts (-I, --ignore)


class App:
    """Options plus lazily built collaborators for one gasctl invocation."""

    def __init__(self, *, project: str | None, api_endpoint: str | None, credentials_file: str | None,
                 user: str, as_json: bool, verbose: bool, overrides: Mapping[str, Any] | None = None,
                 ignore: str | None = None, adc: bool = False) -> None:
        self.overrides = dict(overrides or {})
        self.env: Mapping[str, str] = self.overrides.get("env", os.environ)
        self.project_option = project
        self.ignore_option = ignore
        self.api_endpoint = api_endpoint
        self.credentials_file = credentials_file
        self.adc = adc  # --adc: Application Default Credentials only, as clasp's global option
        self.user = user
        self.out = Output(as_json=as_json, verbose=verbose)
        self.sleep = self.overrides.get("sleep", time.sleep)
        self._config: Any = None
        self._api: Any = None
        self._source: Any = None

    # -- project ---------------------------------------------------------------------------------
    def project_path(self, *, must_exist: bool = True) -> Path | None:
        """The `.clasp.json` in use: ``--project`` (file or folder) or the first one found walking up."""
        if self.project_option:
            path = Path(self.project_option)
            if path.is_dir():
                path = path / ".clasp.json"
            if must_exist and not path.is_file():
                # clasp's text for a bad -P (src/core/clasp.ts)
                raise GasctlError(f"Invalid --project path: {self.project_option}. File or directory does "
                                  "not exist.")
            return path.absolute()
        from gas_emulator.clasp import find_clasp_config

        found = find_clasp_config(Path.cwd())
        if found is None and must_exist:
            raise GasctlError(f"Project settings not found: no .clasp.json in {Path.cwd()} or its parents "
                              "(run `gasctl clone` or `gasctl create`, or pass --project FILE).")
        return found

    def config(self):
        """The loaded ClaspConfig (scriptId required)."""
        if self._config is None:
            from gas_emulator.clasp import ClaspFileError, load_clasp_config

            path = self.project_path()
            try:
                config = load_clasp_config(path)
            except ClaspFileError as err:
                raise GasctlError(str(err)) from None
            config.ignore_file = self._ignore_file()
            if not config.script_id:
                raise GasctlError(f'{path}: "scriptId" is missing (clasp: "Project settings not found.")')
            self._config = config
            self.out.debug(f"project file: {path} (script {config.script_id}, rootDir {config.root_dir})")
        return self._config

    def _ignore_file(self) -> Path | None:
        """``-I/--ignore``: a `.claspignore` or a folder holding one (clasp 3's option)."""
        if not self.ignore_option:
            return None
        path = Path(self.ignore_option)
        path = (path / ".claspignore" if path.is_dir() else path).absolute()
        if not os.path.lexists(path):
            raise GasctlError(f"Invalid --ignore path: {self.ignore_option}. File or directory does not "
                              "exist.")
        return path

    def sync_record(self):
        from gasctl.sync import SyncRecord

        config = self.config()
        return SyncRecord(config.project_root, config.script_id)

    # -- API -------------------------------------------------------------------------------------
    def credentials(self):
        if "credentials" in self.overrides:
            return self.overrides["credentials"]
        from gasctl.auth import NoCredentialsError, resolve_credentials

        try:
            credentials, self._source = resolve_credentials(self.credentials_file, self.user, self.env,
                                                            adc=self.adc)
        except NoCredentialsError:  # none anywhere; a file named or found but unusable is its own error
            if self.adc or not _is_loopback(self.api_endpoint):
                raise
            # A local fake (gas-emu serve-api) accepts any caller by default: no token to leak.
            from google.auth.credentials import AnonymousCredentials

            self.out.debug("credentials: none found; anonymous for the loopback endpoint")
            return AnonymousCredentials()
        self.out.debug(f"credentials: {self._source.kind} ({self._source.format})")
        return credentials

    def api(self):
        if self._api is None:
            from gasctl.api import ScriptApi

            self._api = ScriptApi(self.credentials(), endpoint=self.api_endpoint, sleep=self.sleep,
                                  log=self.out.debug, rand=self.overrides.get("rand"))
        return self._api

    @property
    def http_calls(self) -> int:
        return len(self._api.calls) if self._api is not None else 0

    def close(self) -> None:
        """End of command: persist a refreshed clasp token, report the call count with --verbose."""
        if self._api is not None and self._source is not None:
            from gasctl.auth import persist_refreshed

            persist_refreshed(self._api.credentials, self._source)
        self.out.debug(f"gasctl: {self.http_calls} HTTP calls")


pass_app = click.make_pass_decorator(App)


def _is_loopback(endpoint: str | None) -> bool:
    """True for an API endpoint on this machine (127.0.0.0/8, localhost, ::1)."""
    from gas_emulator.netaddr import is_loopback_url  # lazy: gasctl --help imports no emulator

    return is_loopback_url(endpoint)
