"""How the fake API's resources live in the emulator's Store, and the small shapes they share.

Every document is a JSON string in a ``Store`` namespace (``doc_*`` / ``doc_transaction``), so the
same backend runs on MemoryStore and SqliteStore:

- ``api/projects``            scriptId -> project (metadata, HEAD files, counters)
- ``api/versions/<id>``       zero-padded number -> version (metadata and its files)
- ``api/deployments/<id>``    deploymentId -> deployment (config, order)
- ``api/deployment-index``    deploymentId -> scriptId (web-app URLs and scripts.run name deployments)
- ``api/metrics/<id>``        ``<day>|<deploymentId>`` -> execution counters
- ``api/meta``                ``counter`` -> last id number handed out
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from gas_emulator.api_server import errors

NS_PROJECTS = "api/projects"
NS_INDEX = "api/deployment-index"
NS_META = "api/meta"
MANIFEST_NAME = "appsscript"  # spec 1.4: remote manifest name is fixed


def ns_versions(script_id: str) -> str:
    return f"api/versions/{script_id}"


def ns_deployments(script_id: str) -> str:
    return f"api/deployments/{script_id}"


def ns_metrics(script_id: str) -> str:
    return f"api/metrics/{script_id}"


def version_key(number: int) -> str:
    return f"{number:06d}"


class Docs:
    """JSON view over one DocTxn."""

    def __init__(self, txn: Any) -> None:
        self.txn = txn

    def get(self, ns: str, key: str) -> Any:
        raw = self.txn.get(ns, key)
        return None if raw is None else json.loads(raw)

    def put(self, ns: str, key: str, value: Any) -> None:
        self.txn.put(ns, key, json.dumps(value, separators=(",", ":"), sort_keys=True))

    def delete(self, ns: str, key: str) -> None:
        self.txn.delete(ns, key)

    def keys(self, ns: str) -> list[str]:
        return sorted(self.txn.keys(ns))

    def next_number(self) -> int:
        number = (self.get(NS_META, "counter") or 0) + 1
        self.put(NS_META, "counter", number)
        return number


def make_id(kind: str, number: int) -> str:
    """Deterministic ids shaped like the real ones: script ids are "1" + 56 url-safe characters,
    deployment ids "AKfycb" + 66 (as seen in script.google.com/macros/s/<id>/exec URLs)."""
    digest = hashlib.sha512(f"gas-emu:{kind}:{number}".encode()).digest()
    text = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    return "1" + text[:56] if kind == "script" else "AKfycb" + text[:66]


def rfc3339(ms: float) -> str:
    """spec 2.2: timestamps are RFC 3339 UTC strings (Google prints fractional seconds)."""
    moment = datetime.fromtimestamp(int(ms) / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{int(ms) % 1000:03d}Z"


def user_json(email: str) -> dict[str, str]:
    name, _, domain = email.partition("@")
    return {"domain": domain, "email": email, "name": name}


# -- Paging (spec 2.3: pageSize + pageToken in, nextPageToken out, absent on the last page) -------
def encode_token(kind: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{offset}".encode()).decode().rstrip("=")


def decode_token(kind: str, token: str) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        got_kind, offset = text.split(":")
        value = int(offset)
    except (ValueError, UnicodeDecodeError):
        raise errors.invalid_argument(field="page_token") from None
    if got_kind != kind or value < 0:
        raise errors.invalid_argument(field="page_token")
    return value


def page(items: Sequence[Any], kind: str, page_size: int, token: str | None) -> tuple[list[Any], str | None]:
    start = decode_token(kind, token) if token else 0
    end = start + page_size
    nxt = encode_token(kind, end) if end < len(items) else None
    return list(items[start:end]), nxt


# -- Entry points (spec 2.2: output only, derived from the deployed content's manifest) -----------
ACCESS = ("MYSELF", "DOMAIN", "ANYONE", "ANYONE_ANONYMOUS")
EXECUTE_AS = ("USER_ACCESSING", "USER_DEPLOYING")


def manifest_of(files: Sequence[dict[str, Any]]) -> dict[str, Any]:
    for f in files:
        if f["name"] == MANIFEST_NAME and f["type"] == "JSON":
            data = json.loads(f["source"])
            return data if isinstance(data, dict) else {}
    return {}


def entry_points(manifest: dict[str, Any], web_url: str) -> list[dict[str, Any]]:
    """Manifest ``webapp`` -> WEB_APP, ``executionApi`` -> EXECUTION_API (manifest reference:
    developers.google.com/apps-script/manifest; the enum names are the API's)."""
    points: list[dict[str, Any]] = []
    webapp = manifest.get("webapp")
    if isinstance(webapp, dict):
        config = {"access": _enum(webapp.get("access"), ACCESS, "UNKNOWN_ACCESS"),
                  "executeAs": _enum(webapp.get("executeAs"), EXECUTE_AS, "UNKNOWN_EXECUTE_AS")}
        points.append({"entryPointType": "WEB_APP", "webApp": {"url": web_url, "entryPointConfig": config}})
    api = manifest.get("executionApi")
    if isinstance(api, dict):
        config = {"access": _enum(api.get("access"), ACCESS, "UNKNOWN_ACCESS")}
        points.append({"entryPointType": "EXECUTION_API", "executionApi": {"entryPointConfig": config}})
    return points


def _enum(value: Any, allowed: tuple[str, ...], unknown: str) -> str:
    return value if value in allowed else unknown


def default_manifest(time_zone: str) -> str:
    """The manifest of a new project (the shape clasp pulls after ``create``; whitespace assumed)."""
    return (
        "{\n"
        f'  "timeZone": "{time_zone}",\n'
        '  "dependencies": {\n  },\n'
        '  "exceptionLogging": "STACKDRIVER",\n'
        '  "runtimeVersion": "V8"\n'
        "}"
    )
