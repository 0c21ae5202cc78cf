"""``logs`` and ``open-logs``: a script's Cloud Logging entries (clasp 3 ``tail-logs`` / ``open-logs``).

Entries come from Cloud Logging v2 ``entries.list`` through google-api-python-client's bundled
``logging`` v2 discovery document, with clasp's request (src/core/logs.ts): the script's GCP project
(``projectId`` in .clasp.json, or ``--project-id``), ``orderBy: "timestamp desc"``, and with ``--watch``
a ``timestamp >= "<newest seen>"`` filter every 6 s, each entry printed once (by ``insertId``), oldest
first. Lines are clasp's: severity, local time (not with ``--simplified``), function, message.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import click

from gasctl.context import App, pass_app
from gasctl.errors import GasctlError

POLL_INTERVAL_S = 6.0  # clasp tail-logs --watch: POLL_INTERVAL = 6000 ms (src/commands/tail-logs.ts)
# clasp open-logs's URL (src/commands/open-logs.ts), without its authUser hint
LOGS_CONSOLE_URL = "https://console.cloud.google.com/logs/viewer?project={project}&resource=app_script_function"
_FRACTION = re.compile(r"(\.\d{6})\d+")  # RFC 3339 nanoseconds; datetime keeps microseconds


def local_time(timestamp: str) -> str:
    """An RFC 3339 UTC time as local ``YYYY-MM-DDTHH:MM:SS`` (clasp getLocalISODateTime)."""
    moment = datetime.fromisoformat(_FRACTION.sub(r"\1", timestamp).replace("Z", "+00:00"))
    return moment.astimezone().strftime("%Y-%m-%dT%H:%M:%S")


def entry_message(entry: dict) -> str | None:
    """The text of an entry: textPayload, else jsonPayload.message, else jsonPayload as JSON."""
    if entry.get("textPayload"):
        return entry["textPayload"]
    payload = entry.get("jsonPayload")
    if isinstance(payload, dict) and payload.get("message"):
        return str(payload["message"])
    return json.dumps(payload) if payload else None


def format_entry(entry: dict, simplified: bool) -> str | None:
    """clasp's line (padded severity 20, function 15), or None for an entry clasp skips."""
    message = entry_message(entry)
    if not entry.get("resource") or not entry.get("timestamp") or message is None:
        return None
    function = (entry["resource"].get("labels") or {}).get("function_name") or "N/A"
    parts = [entry.get("severity", "").ljust(20)]
    if not simplified:
        parts.append(local_time(entry["timestamp"]))
    parts += [function.ljust(15), message]
    return " ".join(parts).rstrip()


def gcp_project_id(app: App, option: str | None) -> str:
    project_id = option or app.config().project_id
    if not project_id:
        # clasp's text (src/commands/utils.ts assertGcpProjectConfigured), then how to set it
        raise GasctlError("GCP project ID is not set, unable to continue. Add \"projectId\" (the script's "
                          "Google Cloud project) to .clasp.json, or pass --project-id ID.")
    return project_id


class _Tail:
    """Prints entries once each, oldest first, and remembers the newest time for the next poll."""

    def __init__(self, app: App, simplified: bool, stream: bool) -> None:
        self.app, self.simplified, self.stream = app, simplified, stream
        self.seen: set[str] = set()
        self.since: str | None = None
        self.kept: list[dict] = []

    def take(self, newest_first: list[dict]) -> None:
        for entry in reversed(newest_first):
            self.since = entry.get("timestamp") or self.since
            key = entry.get("insertId")
            if not key or key in self.seen:
                continue
            self.seen.add(key)
            self.kept.append(entry)
            if self.stream:  # --watch --json: one compact JSON object per line
                click.echo(json.dumps(entry, sort_keys=True))
                continue
            line = format_entry(entry, self.simplified)
            if line is not None:
                self.app.out.line(line)

    @property
    def filter(self) -> str:
        # cloud.google.com/logging/docs/view/advanced-filters#search-by-time (clasp's filter)
        return f'timestamp >= "{self.since}"' if self.since else ""


@click.command()
@click.option("--watch", is_flag=True, help="Keep polling (every 6 s) and print new entries; Ctrl-C stops.")
@click.option("--simplified", is_flag=True, help="Hide the timestamps.")
@click.option("--project-id", metavar="ID", help="The script's Google Cloud project (default: projectId in "
                                                 ".clasp.json).")
@pass_app
def logs(app: App, watch: bool, simplified: bool, project_id: str | None) -> None:
    """Print the script's most recent log entries (Cloud Logging), oldest first.

    \b
    With --json: one document (a list of entries); with --watch --json, one entry per line.
    Example:
      gasctl logs --simplified --watch
    """
    from gasctl.cloud import list_log_entries

    project_id = gcp_project_id(app, project_id)
    tail = _Tail(app, simplified, stream=watch and app.out.as_json)
    tail.take(list_log_entries(app.api(), project_id, tail.filter))
    if not watch:
        app.out.result(tail.kept)
        return
    try:
        while True:
            app.sleep(POLL_INTERVAL_S)
            tail.take(list_log_entries(app.api(), project_id, tail.filter))
    except KeyboardInterrupt:
        app.out.info("Stopped watching.")


@click.command(name="open-logs")
@click.option("--project-id", metavar="ID", help="The script's Google Cloud project (default: projectId in "
                                                 ".clasp.json).")
@click.option("--browser", is_flag=True, help="Also open the URL in a browser.")
@pass_app
def open_logs(app: App, project_id: str | None, browser: bool) -> None:
    """Print the Cloud Logging console URL of the script's logs (clasp's open-logs URL).

    \b
    Example:
      gasctl open-logs --browser
    """
    from gasctl.cmd_project import open_url

    url = LOGS_CONSOLE_URL.format(project=gcp_project_id(app, project_id))
    open_url(app, url, browser)
    app.out.result({"url": url}, [url])


COMMANDS: tuple[Any, ...] = (logs, open_logs)
