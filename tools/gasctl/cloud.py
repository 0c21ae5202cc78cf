"""The Google APIs besides Apps Script that gasctl calls: Cloud Logging, Service Usage, Drive.

Each goes through ``ScriptApi.client(name, version)``: the library's bundled discovery document, the same
counted transport, the same retries and one-line errors. ``--api-endpoint`` points every one of them at
the same base URL (the fake serves Cloud Logging's ``entries.list`` beside the Apps Script API).
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
