"""Execution logs of the fake API, served as a fake Cloud Logging v2 ``entries.list``.

``LoggedEngine`` wraps the code engine: after each ``scripts.run`` execution it hands the
execution's ``console.*``/``Logger`` lines (and, with ``exceptionLogging: STACKDRIVER`` in the
manifest, the uncaught exception) to ``LogBook.record``, which keeps them in the store (namespace
``api/logs``: one document per execution, the oldest dropped beyond ``ApiSettings.max_logged_executions``).
``LogBook.list_entries`` answers ``POST /v2/entries:list`` in the shape of google-api-python-client's
bundled ``logging.v2`` discovery document (ListLogEntriesRequest -> ListLogEntriesResponse).

Each line becomes one LogEntry shaped like the example in the Logger reference
(developers.google.com/apps-script/reference/base/logger, ``log(data)``): resource
``app_script_function`` with labels ``project_id``, ``function_name``, ``invocation_type``; entry
labels ``script.googleapis.com/project_key`` and ``.../process_id``; logName
``projects/<id>/logs/script.googleapis.com%2Fconsole_logs``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from gas_emulator.api_server import errors, logfilter
from gas_emulator.api_server import records as rec
from gas_emulator.api_server.engine import LOGS_KEY, CodeEngine, WebResult
from gas_emulator.api_server.settings import ApiSettings

NS_LOGS = "api/logs"
RESOURCE_TYPE = "app_script_function"  # cloud.google.com/logging/docs/api/v2/resource-list
LOG_ID = "script.googleapis.com%2Fconsole_logs"  # the Logger reference's example logName
# ASSUMPTION: the invocation_type labels of API and web-app executions (the reference shows "editor").
INVOCATION_EXECUTION_API = "execution API"
INVOCATION_WEB_APP = "web app"
# LogRecord level (services/logger.py) -> LogEntry.severity (console reference: DEBUG/INFO/WARNING/ERROR).
SEVERITY_OF_LEVEL = {"debug": "DEBUG", "info": "INFO", "warn": "WARNING", "error": "ERROR"}
# discovery ListLogEntriesRequest.pageSize: "Default is 50"; ASSUMPTION: larger pages are cut to 1,000.
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 1000
MAX_RESOURCE_NAMES = 100  # discovery: "A maximum of 100 resources may be specified in a single request"
ORDERS = {"timestamp asc": False, "timestamp desc": True}  # discovery: "the only permitted values"
_PROJECT_NAME = re.compile(r"projects/([a-z0-9][a-z0-9:.-]{0,99})")
_OTHER_PARENT = re.compile(r"(organizations|folders|billingAccounts|projects)/[^/]+(/locations/.+)?")


class LogBook:
    """The kept execution logs of one fake API (state in its store, so reset and --state apply)."""

    def __init__(self, store: Any, clock: Any, settings: Callable[[], ApiSettings]) -> None:
        self.store = store
        self.clock = clock
        self._settings = settings

    def record(self, script_id: str, function: str, invocation_type: str,
               lines: Sequence[Sequence[Any]]) -> None:
        """Keep one execution's ``[level, text, time_ms]`` lines (nothing if it logged nothing)."""
        if not lines:
            return
        received = self.clock.now_ms()
        limit = self._settings().max_logged_executions

        def fn(docs: rec.Docs) -> None:
            if docs.get(rec.NS_PROJECTS, script_id) is None:  # reset while it ran
                return
            number = (docs.get(rec.NS_META, "log-counter") or 0) + 1
            docs.put(rec.NS_META, "log-counter", number)
            docs.put(NS_LOGS, f"{number:012d}", {
                "scriptId": script_id, "function": function, "invocationType": invocation_type,
                "receivedMs": received, "lines": [list(line) for line in lines]})
            keys = docs.keys(NS_LOGS)
            for old in keys[: max(0, len(keys) - limit)]:
                docs.delete(NS_LOGS, old)

        self.store.doc_transaction(lambda txn: fn(rec.Docs(txn)))

    # -- entries.list ----------------------------------------------------------------------------
    def list_entries(self, body: dict[str, Any]) -> dict[str, Any]:
        projects = _requested_projects(body)
        descending = _order(body.get("orderBy", ""))
        size = body.get("pageSize", 0)
        if size < 0:  # discovery: "If the value is negative, the request is rejected."
            raise errors.invalid_value("page_size", "TYPE_INT32", size)
        size = min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        matches = logfilter.compile_filter(body.get("filter", ""))
        wanted = self._settings().cloud_project_id
        entries = [e for project in sorted(projects) if not wanted or project == wanted
                   for e in self._entries(project) if matches(e)]
        # discovery orderBy: by timestamp, "Entries with equal timestamps ... in order of their insert_id"
        entries.sort(key=lambda e: (logfilter.parse_time(e["timestamp"]), e["insertId"]), reverse=descending)
        chunk, nxt = rec.page(entries, "entries", size, body.get("pageToken"))
        out: dict[str, Any] = {}
        if chunk:
            out["entries"] = chunk
        if nxt:
            out["nextPageToken"] = nxt
        return out

    def _entries(self, project: str) -> list[dict[str, Any]]:
        def read(docs: rec.Docs) -> list[tuple[str, dict[str, Any]]]:
            return [(key, docs.get(NS_LOGS, key)) for key in docs.keys(NS_LOGS)]

        kept = self.store.doc_transaction(lambda txn: read(rec.Docs(txn)))
        return [log_entry(project, key, i, execution, line)
                for key, execution in kept for i, line in enumerate(execution["lines"])]


def log_entry(project: str, key: str, index: int, execution: dict[str, Any],
              line: Sequence[Any]) -> dict[str, Any]:
    """One kept line as a LogEntry (the Logger reference's example shape; text as textPayload)."""
    level, text, time_ms = line
    return {
        "logName": f"projects/{project}/logs/{LOG_ID}",
        "resource": {"type": RESOURCE_TYPE, "labels": {
            "project_id": project, "function_name": execution["function"],
            "invocation_type": execution["invocationType"]}},
        "timestamp": rec.rfc3339(time_ms),
        "receiveTimestamp": rec.rfc3339(execution["receivedMs"]),
        "severity": SEVERITY_OF_LEVEL.get(level, "DEFAULT"),
        "insertId": f"{key}{index:06d}",
        "labels": {
            # ASSUMPTION: the real project_key is an older key of the project; the fake uses the script id.
            "script.googleapis.com/project_key": execution["scriptId"],
            "script.googleapis.com/process_id": hashlib.sha256(key.encode()).hexdigest()[:24],
        },
        "textPayload": text,
    }


def _requested_projects(body: dict[str, Any]) -> set[str]:
    names = list(body.get("resourceNames", [])) + [f"projects/{p}" for p in body.get("projectIds", [])]
    if not names:
        raise errors.invalid_argument(errors.MSG_NO_RESOURCE_NAMES, field="resource_names")
    if len(names) > MAX_RESOURCE_NAMES:
        raise errors.invalid_argument(field="resource_names")
    projects = set()
    for name in names:
        project = _PROJECT_NAME.fullmatch(name)
        if project is not None:
            projects.add(project.group(1))
        elif not _OTHER_PARENT.fullmatch(name):
            raise errors.invalid_argument(errors.MSG_BAD_RESOURCE_NAME.format(name=name),
                                          field="resource_names")
    return projects  # organizations, folders, billing accounts and log views hold no script logs here


def _order(order_by: str) -> bool:
    key = " ".join(order_by.lower().split()) or "timestamp asc"
    if key not in ORDERS:
        raise errors.invalid_argument(errors.MSG_BAD_ORDER_BY.format(value=order_by), field="order_by")
    return ORDERS[key]


class LoggedEngine:
    """A ``CodeEngine`` that passes every call through and keeps each run's log lines."""

    def __init__(self, inner: CodeEngine, book: LogBook) -> None:
        self.inner = inner
        self.book = book

    def inspect(self, files: Sequence[dict[str, Any]]) -> list[list[str]]:
        return self.inner.inspect(files)

    def run(self, script_id: str, files: Sequence[dict[str, Any]], function: str,
            parameters: Sequence[Any], user: str) -> dict[str, Any]:
        operation = self.inner.run(script_id, files, function, parameters, user)
        lines = list(operation.pop(LOGS_KEY, None) or [])
        if "error" in operation and _logs_exceptions(files):
            lines.append(["error", _exception_text(operation), self.book.clock.now_ms()])
        self.book.record(script_id, function, INVOCATION_EXECUTION_API, lines)
        return operation

    def web(self, script_id: str, files: Sequence[dict[str, Any]], method: str, **kwargs: Any) -> WebResult:
        """Pass the request through; keep the lines of the engine's ``WebResult.logs``."""
        result = self.inner.web(script_id, files, method, **kwargs)
        lines = list(result.logs)
        self.book.record(script_id, "doGet" if method == "GET" else "doPost", INVOCATION_WEB_APP, lines)
        return result

    def reset(self) -> None:
        self.inner.reset()


def _logs_exceptions(files: Sequence[dict[str, Any]]) -> bool:
    # manifest reference: exceptionLogging "STACKDRIVER" logs exceptions to Cloud Logging (the default
    # manifest of a new project has it).
    return rec.manifest_of(files).get("exceptionLogging") == "STACKDRIVER"


def _exception_text(operation: dict[str, Any]) -> str:
    details = operation["error"].get("details") or [{}]
    return str(details[0].get("errorMessage", operation["error"].get("message", "")))


def parse_request(raw: bytes) -> dict[str, Any]:
    """The request body, checked against the logging discovery document (Google's 400 texts)."""
    from gas_emulator.api_server import schema

    return schema.parse_body("logging.entries.list", raw or json.dumps({}).encode())
