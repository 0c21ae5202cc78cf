"""Advanced Google services a script can turn on in its manifest (``dependencies.enabledAdvancedServices``).

Each entry is what the Apps Script editor writes into appsscript.json when the service is added
(developers.google.com/apps-script/guides/services/advanced; manifest reference
developers.google.com/apps-script/manifest/dependencies: ``userSymbol``, ``serviceId``, ``version``).
``apis enable NAME`` takes the ``serviceId`` (and enables ``NAME.googleapis.com`` in the Cloud project).
"""

from __future__ import annotations

# (userSymbol, serviceId, version): the common services, as the editor adds them.
ADVANCED_SERVICES: tuple[tuple[str, str, str], ...] = (
    ("AdminDirectory", "admin", "directory_v1"),
    ("AdminReports", "admin", "reports_v1"),
    ("BigQuery", "bigquery", "v2"),
    ("Calendar", "calendar", "v3"),
    ("Chat", "chat", "v1"),
    ("Classroom", "classroom", "v1"),
    ("Docs", "docs", "v1"),
    ("Drive", "drive", "v3"),
    ("DriveActivity", "driveactivity", "v2"),
    ("Gmail", "gmail", "v1"),
    ("People", "peopleapi", "v1"),
    ("Sheets", "sheets", "v4"),
    ("Slides", "slides", "v1"),
    ("Tasks", "tasks", "v1"),
    ("YouTube", "youtube", "v3"),
)


def manifest_entry(service_id: str) -> dict | None:
    """The manifest entry for ``service_id`` (the first, for ``admin``), or None when unknown."""
    for symbol, known_id, version in ADVANCED_SERVICES:
        if known_id == service_id:
            return {"userSymbol": symbol, "serviceId": known_id, "version": version}
    return None


def known_ids() -> list[str]:
    return sorted({service_id for _, service_id, _ in ADVANCED_SERVICES})
