"""Every error the fake Apps Script API answers, in Google's JSON error shape, with its source.

``ApiError`` is raised anywhere in the backend or the HTTP layer and becomes
``{"error": {"code", "message", "status", "details"?, "errors"?}}`` (spec 2.4). Messages are
copied word for word from the real service where a source shows them; the ones nobody has seen
are named constants marked as assumptions.
"""

from __future__ import annotations

import json
from typing import Any

# -- Messages seen from the real API (spec 2.4 table unless said otherwise) -----------------------
# spec 2.4: updateContent without a manifest (clasp issues #534, #994, #214).
MSG_MISSING_MANIFEST = "Project contents must include a manifest file named appsscript."
# spec 2.4: unknown script / deployment / version (standard Google "not found" text).
MSG_NOT_FOUND = "Requested entity was not found."
# spec 2.4 / 1.7: update or delete of the HEAD deployment.
MSG_READ_ONLY_DEPLOYMENT = "Read-only deployments may not be modified."
# spec 2.4: the 21st versioned deployment (empirical notes; clasp-action #1).
MSG_DEPLOYMENT_CAP = "Scripts may only have up to {limit} versioned deployments at a time."
# ASSUMPTION (spec 2.5: "Exact API error text at the limit not found in sources"): worded like the
# deployment cap message; the status (FAILED_PRECONDITION) is assumed the same way.
MSG_VERSION_CAP = "Scripts may only have up to {limit} versions."
# spec 2.4: API toggle off for the user (clasp #973, #1051).
MSG_API_DISABLED = (
    "User has not enabled the Apps Script API. Enable it by visiting "
    "https://script.google.com/home/usersettings then retry. If you enabled this API recently, wait a "
    "few minutes for the action to propagate to our systems and retry."
)
# Standard Google API 401 text (identical across googleapis.com services) for a missing credential.
MSG_UNAUTHENTICATED = (
    "Request is missing required authentication credential. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)
# spec 2.4: quota exhausted (text quoted in clasp PR #582; the 429 status is presumed there too).
MSG_RESOURCE_EXHAUSTED = "Resource has been exhausted (e.g. check quota)."
# spec 2.4: transient failure (clasp #686).
MSG_INTERNAL = "Internal error encountered."
# Standard google.rpc INVALID_ARGUMENT text, used where Google gives no more specific message.
MSG_INVALID_ARGUMENT = "Request contains an invalid argument."
# Google's ESF (JSON transcoding front end) texts, the same for every googleapis.com service:
MSG_BAD_JSON = "Invalid JSON payload received. Unexpected token."  # Google appends a caret snippet.
MSG_UNKNOWN_FIELD = "Invalid JSON payload received. Unknown name \"{name}\"{where}: Cannot find field."
MSG_UNKNOWN_QUERY = (
    "Invalid JSON payload received. Unknown name \"{name}\": Cannot bind query parameter. "
    "Field '{name}' could not be found in request message."
)
# spec 2.4 shows the shape: Invalid value at 'files[1].type' (TYPE_ENUM), "MD"
MSG_INVALID_VALUE = "Invalid value at '{path}' ({kind}), {value}"
# Google front ends: "Request payload size exceeds the limit: N bytes." (400 INVALID_ARGUMENT).
MSG_PAYLOAD_TOO_LARGE = "Request payload size exceeds the limit: {limit} bytes."
# ASSUMPTION: the manifest is not valid JSON (no source shows the API's text for it).
MSG_BAD_MANIFEST = "Invalid manifest: the file appsscript is not valid JSON."
# Standard Google API 403 text for a token without the scopes a method needs (any googleapis.com API).
MSG_INSUFFICIENT_SCOPES = "Request had insufficient authentication scopes."
# ASSUMPTION: the prefix Cloud Logging puts on a filter it cannot parse; the detail is the fake's own.
MSG_BAD_FILTER = "Unparseable filter: {detail}"
# ASSUMPTION: wording of entries.list's refusals (the discovery document states the rules, not texts).
MSG_BAD_ORDER_BY = 'orderBy must be "timestamp asc" or "timestamp desc", not {value!r}'
MSG_NO_RESOURCE_NAMES = "resourceNames must name at least one parent resource, e.g. projects/my-project"
MSG_BAD_RESOURCE_NAME = "Invalid resource name {name!r}"
# ASSUMPTION: unknown URL on googleapis.com gives an HTML 404; the fake answers the JSON 404 below.
MSG_NO_SUCH_METHOD = "Method not found."

# google.rpc.Code names for the HTTP codes the fake answers (google/rpc/code.proto).
STATUS_FOR_HTTP = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ABORTED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """One Google-shaped error answer. Raising it anywhere changes nothing (transactions roll back)."""

    def __init__(
        self,
        code: int,
        message: str,
        status: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        errors: list[dict[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_FOR_HTTP.get(code, "UNKNOWN")
        self.details = details
        self.errors = errors
        self.headers = headers or {}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.errors:
            body["errors"] = self.errors
        if self.details:
            body["details"] = self.details
        return {"error": body}


def not_found() -> ApiError:
    return ApiError(404, MSG_NOT_FOUND)


def invalid_argument(message: str = MSG_INVALID_ARGUMENT, field: str | None = None) -> ApiError:
    """400 INVALID_ARGUMENT; with ``field`` it carries a google.rpc.BadRequest detail as Google does."""
    details = None
    if field is not None:
        details = [{
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": [{"field": field, "description": message}],
        }]
    return ApiError(400, message, details=details)


def invalid_value(path: str, kind: str, value: Any) -> ApiError:
    shown = json.dumps(value) if not isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return invalid_argument(MSG_INVALID_VALUE.format(path=path, kind=kind, value=shown), field=path)


def unknown_field(name: str, at: str) -> ApiError:
    where = f" at '{at}'" if at else ""
    return invalid_argument(MSG_UNKNOWN_FIELD.format(name=name, where=where), field=at or name)


def failed_precondition(message: str) -> ApiError:
    return ApiError(400, message, "FAILED_PRECONDITION")


def missing_manifest() -> ApiError:
    return invalid_argument(MSG_MISSING_MANIFEST)


def read_only_deployment() -> ApiError:
    # spec 2.4 gives 400; the status name is not shown there: INVALID_ARGUMENT is assumed.
    return invalid_argument(MSG_READ_ONLY_DEPLOYMENT)


def api_disabled() -> ApiError:
    # spec 2.4: 403 with the legacy errors[] entry (reason "forbidden", clasp #973).
    return ApiError(403, MSG_API_DISABLED, "PERMISSION_DENIED",
                    errors=[{"message": MSG_API_DISABLED, "domain": "global", "reason": "forbidden"}])


def unauthenticated() -> ApiError:
    return ApiError(401, MSG_UNAUTHENTICATED, "UNAUTHENTICATED",
                    headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'})


def insufficient_scopes() -> ApiError:
    # Google's standard answer carries a google.rpc.ErrorInfo with reason ACCESS_TOKEN_SCOPE_INSUFFICIENT.
    info = {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com", "metadata": {"service": "script.googleapis.com",
                                                     "method": "google.apps.script.v1.ScriptService.Run"}}
    return ApiError(403, MSG_INSUFFICIENT_SCOPES, "PERMISSION_DENIED", details=[info])


def fault(code: int) -> ApiError:
    if code == 429:
        return ApiError(429, MSG_RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED")
    if code == 503:
        return ApiError(503, "The service is currently unavailable.", "UNAVAILABLE")
    return ApiError(500, MSG_INTERNAL, "INTERNAL")
