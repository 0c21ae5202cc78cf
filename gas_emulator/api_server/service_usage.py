"""A fake Service Usage v1: the Google APIs enabled in the fake's Cloud project.

Models: ``ServiceUsage`` keeps, per Cloud project, the services turned on (``api/service-usage/<id>``)
and the long-running operations it answered (``api/operations``). Wire: ``routes``/``dispatch`` serve
``services.list`` (filter ``state:ENABLED`` / ``state:DISABLED``, paging), ``services.enable``,
``services.disable`` and ``operations.get`` at the bundled discovery document's paths
(``/v1/projects/<id>/services...``, ``/v1/operations/...``; its servicePath is empty).

Which project is "the fake's" is ``ApiSettings.cloud_project_id`` ("" accepts any id, as the fake
Cloud Logging does); services start as ``ApiSettings.initially_enabled_services``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gas_emulator.api_server import errors
from gas_emulator.api_server import records as rec
from gas_emulator.api_server.wire import Route, serve

NS_OPERATIONS = "api/operations"
# serviceusage.v1 discovery, services.list pageSize: "cannot exceed 200 ... the default page size is 50".
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
FILTERS = {"state:ENABLED": "ENABLED", "state:DISABLED": "DISABLED", "": None}  # services.list filter doc
# The services the fake knows, with the titles of their service configs (the API Library's names):
# the APIs behind Apps Script's advanced services, and the ones clasp and gasctl call themselves.
CATALOGUE = {
    "admin.googleapis.com": "Admin SDK API", "bigquery.googleapis.com": "BigQuery API",
    "calendar-json.googleapis.com": "Google Calendar API", "chat.googleapis.com": "Google Chat API",
    "classroom.googleapis.com": "Google Classroom API", "docs.googleapis.com": "Google Docs API",
    "drive.googleapis.com": "Google Drive API", "driveactivity.googleapis.com": "Drive Activity API",
    "gmail.googleapis.com": "Gmail API", "people.googleapis.com": "People API",
    "sheets.googleapis.com": "Google Sheets API", "slides.googleapis.com": "Google Slides API",
    "tasks.googleapis.com": "Google Tasks API", "youtube.googleapis.com": "YouTube Data API v3",
    "script.googleapis.com": "Apps Script API", "logging.googleapis.com": "Cloud Logging API",
}
# The standard googleapis.com text for a project the caller cannot see (google.rpc PERMISSION_DENIED).
MSG_PROJECT_DENIED = "Permission denied on resource project {project}."
# clasp enable-api reports a refusal as "Not authorized to enable {name} or it does not exist."; the
# API's own text is ASSUMPTION, worded after it.
MSG_UNKNOWN_SERVICE = "Not found or permission denied for service(s): {name}."
# ASSUMPTION: wording (the discovery document states the two allowed filters, not the refusal's text).
MSG_BAD_FILTER = "Invalid filter {filter!r}: the allowed filters are state:ENABLED and state:DISABLED."
ENABLE_RESPONSE = "type.googleapis.com/google.api.serviceusage.v1.EnableServiceResponse"
DISABLE_RESPONSE = "type.googleapis.com/google.api.serviceusage.v1.DisableServiceResponse"


def ns_services(project: str) -> str:
    return f"api/service-usage/{project}"


class ServiceUsage:
    """The services of the fake's Cloud project; each call runs in one store transaction."""

    def __init__(self, store: Any, settings: Callable[[], Any]) -> None:
        self.store = store
        self._settings = settings

    def _tx(self, fn: Callable[[rec.Docs], Any]) -> Any:
        return self.store.doc_transaction(lambda txn: fn(rec.Docs(txn)))

    def _check_project(self, project: str) -> None:
        wanted = self._settings().cloud_project_id
        if wanted and project != wanted:
            raise errors.ApiError(403, MSG_PROJECT_DENIED.format(project=project))

    def _enabled(self, docs: rec.Docs, project: str) -> set[str]:
        stored = docs.get(ns_services(project), "enabled")
        return set(self._settings().initially_enabled_services if stored is None else stored)

    @staticmethod
    def service_json(project: str, name: str, state: str) -> dict[str, Any]:
        # The real name carries the project number; the fake has none and repeats the id it was given.
        return {"name": f"projects/{project}/services/{name}", "parent": f"projects/{project}",
                "config": {"name": name, "title": CATALOGUE.get(name, name)}, "state": state}

    def list_services(self, project: str, state: str | None, page_size: int,
                      page_token: str | None) -> dict[str, Any]:
        self._check_project(project)

        def fn(docs: rec.Docs) -> dict[str, Any]:
            enabled = self._enabled(docs, project)
            every = sorted(set(CATALOGUE) | enabled)
            chosen = [self.service_json(project, name, "ENABLED" if name in enabled else "DISABLED")
                      for name in every]
            chosen = [s for s in chosen if state is None or s["state"] == state]
            chunk, nxt = rec.page(chosen, "services", page_size, page_token)
            out: dict[str, Any] = {"services": chunk} if chunk else {}
            if nxt:
                out["nextPageToken"] = nxt
            return out

        return self._tx(fn)

    def set_state(self, project: str, name: str, enable: bool) -> dict[str, Any]:
        """Enable or disable one service: a finished Operation (both are idempotent)."""
        self._check_project(project)
        if name not in CATALOGUE:
            raise errors.ApiError(403, MSG_UNKNOWN_SERVICE.format(name=name))

        def fn(docs: rec.Docs) -> dict[str, Any]:
            enabled = self._enabled(docs, project)
            changed = (name in enabled) != enable
            enabled = enabled | {name} if enable else enabled - {name}
            docs.put(ns_services(project), "enabled", sorted(enabled))
            service = self.service_json(project, name, "ENABLED" if enable else "DISABLED")
            response = {"@type": ENABLE_RESPONSE if enable else DISABLE_RESPONSE, "service": service}
            if not changed:
                # Nothing to do: Service Usage answers its no-op operation at once, already done.
                return {"name": "operations/noop.DONE_OPERATION", "done": True, "response": response}
            operation_name = f"operations/acf.p2-{docs.next_number()}"
            operation = {"name": operation_name, "done": True, "response": response}
            docs.put(NS_OPERATIONS, operation["name"].partition("/")[2], operation)
            return operation

        return self._tx(fn)

    def get_operation(self, operation_id: str) -> dict[str, Any]:
        if operation_id == "noop.DONE_OPERATION":
            return {"name": "operations/noop.DONE_OPERATION", "done": True}

        def fn(docs: rec.Docs) -> dict[str, Any]:
            operation = docs.get(NS_OPERATIONS, operation_id)
            if operation is None:
                raise errors.not_found()
            return operation

        return self._tx(fn)


def _list_arguments(query: dict[str, str]) -> tuple[str | None, int, str | None]:
    filter_text = query.get("filter", "")
    if filter_text not in FILTERS:
        raise errors.invalid_argument(MSG_BAD_FILTER.format(filter=filter_text), field="filter")
    size = DEFAULT_PAGE_SIZE
    if "pageSize" in query:
        try:
            size = int(query["pageSize"])
        except ValueError:
            raise errors.invalid_value("page_size", "TYPE_INT32", query["pageSize"]) from None
        if not 0 <= size <= MAX_PAGE_SIZE:
            raise errors.invalid_value("page_size", "TYPE_INT32", query["pageSize"])
    return FILTERS[filter_text], size or DEFAULT_PAGE_SIZE, query.get("pageToken")


def routes(usage: ServiceUsage) -> tuple[Route, ...]:
    services = ("v1", "projects", "{project}", "services")
    return (
        Route("GET", services, "serviceusage.services.list",
              lambda p, q, b: (200, usage.list_services(p["project"], *_list_arguments(q)))),
        Route("POST", (*services, "{service}:enable"), "serviceusage.services.enable",
              lambda p, q, b: (200, usage.set_state(p["project"], p["service"], True))),
        Route("POST", (*services, "{service}:disable"), "serviceusage.services.disable",
              lambda p, q, b: (200, usage.set_state(p["project"], p["service"], False))),
        Route("GET", ("v1", "operations", "{operation}"), "serviceusage.operations.get",
              lambda p, q, b: (200, usage.get_operation(p["operation"]))),
    )


def handles(path: str) -> bool:
    """Service Usage's paths; everything else under ``/v1/`` is the Apps Script API's."""
    parts = path.split("/")
    return path.startswith("/v1/operations/") or (
        len(parts) >= 5 and parts[1:3] == ["v1", "projects"] and parts[4].startswith("services"))


def dispatch(usage: ServiceUsage, http_method: str, path: str, query: str, body: bytes
             ) -> tuple[int, Any, str]:
    """Serve one Service Usage call: ``(status, JSON body, method id)``."""
    return serve(routes(usage), http_method, path, query, body)
