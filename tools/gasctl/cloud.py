"""The Google APIs besides Apps Script that gasctl calls: Cloud Logging, Service Usage, Drive.

Each goes through ``ScriptApi.client(name, version)``: the library's bundled discovery document, the same
counted transport, the same retries and one-line errors. ``--api-endpoint`` points every one of them at
the same host, each under its own path (the fake serves all three beside the Apps Script API).
"""

from __future__ import annotations

from typing import Any

# clasp fetchWithPages defaults (src/core/utils.ts): pages of 100, at most 10 pages
LOG_PAGE_SIZE, LOG_MAX_PAGES = 100, 10


def list_log_entries(api: Any, project_id: str, filter_text: str) -> list[dict]:
    """Cloud Logging ``entries.list`` for one GCP project, newest first (clasp src/core/logs.ts)."""
    entries = api.client("logging", "v2").entries()
    body: dict[str, Any] = {"resourceNames": [f"projects/{project_id}"], "filter": filter_text,
                            "orderBy": "timestamp desc", "pageSize": LOG_PAGE_SIZE}
    found: list[dict] = []
    for _ in range(LOG_MAX_PAGES):
        response = api.execute(f"reading the logs of GCP project {project_id}", entries.list(body=body))
        found.extend(response.get("entries", []))
        token = response.get("nextPageToken")
        if not token:
            break
        body = {**body, "pageToken": token}
    return found


# -- Drive: scripts are Drive files ---------------------------------------------------------------
SCRIPT_MIME_TYPE = "application/vnd.google-apps.script"  # developers.google.com/drive/api/guides/mime-types
DRIVE_PAGE_SIZE, DRIVE_MAX_PAGES = 100, 10  # clasp fetchWithPages defaults (src/core/utils.ts)


def list_scripts(api: Any) -> list[dict]:
    """Drive ``files.list`` of Apps Script files not in the trash: ``[{"id", "name"}]``.

    clasp (src/core/project.ts) asks only ``mimeType="..."``, so the scripts it has trashed stay in its
    list (files.list includes trashed files unless the query excludes them: drive/api/guides/search-files).
    gasctl adds ``trashed=false``: a script ``gasctl delete`` moved to the trash is no longer listed.
    """
    files = api.client("drive", "v3").files()
    found: list[dict] = []
    token = None
    for _ in range(DRIVE_MAX_PAGES):
        request = files.list(q=f'mimeType="{SCRIPT_MIME_TYPE}" and trashed=false',
                             fields="nextPageToken, files(id, name)",
                             pageSize=DRIVE_PAGE_SIZE, pageToken=token)
        response = api.execute("listing your scripts in Drive", request)
        found.extend(response.get("files", []))
        token = response.get("nextPageToken")
        if not token:
            break
    return found


def trash_script(api: Any, script_id: str) -> None:
    """Move the script's Drive file to the trash (``files.update`` trashed=true, as clasp deletes)."""
    request = api.client("drive", "v3").files().update(fileId=script_id, body={"trashed": True})
    api.execute(f"moving script {script_id} to the Drive trash", request)


# -- Service Usage: the APIs enabled in the script's Cloud project ----------------------------------
# Advanced services whose Google API is not <serviceId>.googleapis.com (the API Library's names:
# the Calendar advanced service calls calendar-json.googleapis.com, People people.googleapis.com).
API_HOST_FOR_SERVICE = {"calendar": "calendar-json", "peopleapi": "people"}


def service_api_name(service_id: str) -> str:
    """``sheets`` -> ``sheets.googleapis.com``: the Cloud API behind an advanced service."""
    return f"{API_HOST_FOR_SERVICE.get(service_id, service_id)}.googleapis.com"


def list_enabled_services(api: Any, project_id: str) -> list[dict]:
    """``services.list`` with ``state:ENABLED`` (clasp src/core/services.ts): name and title of each."""
    services = api.client("serviceusage", "v1").services()
    request = services.list(parent=f"projects/{project_id}", filter="state:ENABLED", pageSize=200)
    found: list[dict] = []
    while request is not None:
        response = api.execute(f"listing the APIs enabled in GCP project {project_id}", request)
        found.extend(response.get("services", []))
        request = services.list_next(request, response)
    return [{"name": (s.get("config") or {}).get("name") or s.get("name", "").rsplit("/", 1)[-1],
             "title": (s.get("config") or {}).get("title", "")} for s in found]


def set_service_state(api: Any, project_id: str, service: str, enabled: bool) -> None:
    """``services.enable`` / ``services.disable`` of the advanced service's API (both repeatable)."""
    services = api.client("serviceusage", "v1").services()
    api_name = service_api_name(service)
    name = f"projects/{project_id}/services/{api_name}"
    request = services.enable(name=name, body={}) if enabled else services.disable(name=name, body={})
    api.execute(f"{'enabling' if enabled else 'disabling'} {api_name} in {project_id}", request)
