"""Google's rules that the fake enforces before a call does anything (each one a named setting).

- ``scripts.run`` with ``devMode`` needs an API-executable project: "The script being called must be
  deployed as an API executable" (developers.google.com/apps-script/api/how-tos/execute,
  Requirements). With neither an API-executable deployment nor ``executionApi`` in HEAD's manifest,
  the run is refused like a run without an API-executable deployment (404, see ``executions``).
- ``scripts.run`` scope check (off by default: the fake cannot read a token's scopes, so
  ``ApiSettings.token_scopes`` says what every token carries): a function needs the scopes listed in
  the manifest's ``oauthScopes`` (manifest reference, "oauthScopes"; spec 2.1: "a token covering
  all of the script's scopes"); a token without them gets Google's standard 403
  ``ACCESS_TOKEN_SCOPE_INSUFFICIENT`` answer.
- ``projects.create`` ``parentId`` must look like a Drive file id (spec 2.1: the Drive id of a
  Doc/Sheet/Form/Slides); with ``ApiSettings.known_parent_ids`` set, it must be one of them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from gas_emulator.api_server import errors
from gas_emulator.api_server import records as rec

if TYPE_CHECKING:
    from gas_emulator.api_server.models import ApiBackend

# ASSUMPTION: Drive file ids are url-safe base64 text (28 to 44 characters as seen in Drive URLs);
# anything outside 10..256 such characters cannot be one.
DRIVE_ID = re.compile(r"[A-Za-z0-9_-]{10,256}")


def check_run(backend: ApiBackend, docs: rec.Docs, target: str, body: dict[str, Any]) -> None:
    """Refuse a ``scripts.run`` that Google refuses; the run itself is resolved again afterwards."""
    dev_mode = bool(body.get("devMode", False))
    script_id, _, files = backend._run_target(docs, target, dev_mode)
    settings = backend.settings
    if dev_mode and settings.run_dev_mode_requires_api_executable and not _api_executable(
            backend, docs, script_id, files):
        raise errors.not_found()
    if settings.check_run_scopes:
        needed = rec.manifest_of(files).get("oauthScopes") or []
        missing = [s for s in needed if isinstance(s, str) and s not in settings.token_scopes]
        if missing:
            raise errors.insufficient_scopes()


def _api_executable(backend: ApiBackend, docs: rec.Docs, script_id: str, head_files: list[dict]) -> bool:
    if isinstance(rec.manifest_of(head_files).get("executionApi"), dict):
        return True
    return any(isinstance(rec.manifest_of(backend.deployment_files(docs, dep)).get("executionApi"), dict)
               for dep in backend._deployments(docs, script_id) if dep["versionNumber"] is not None)


def check_parent_id(parent_id: Any, known: tuple[str, ...]) -> None:
    if parent_id in (None, ""):
        return
    if not isinstance(parent_id, str) or not DRIVE_ID.fullmatch(parent_id):
        raise errors.invalid_argument(field="parent_id")  # ASSUMPTION: Google's text unknown
    if known and parent_id not in known:
        raise errors.not_found()
