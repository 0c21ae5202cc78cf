"""Knobs of the fake Apps Script API: limits, authorization modes and injected faults.

Limits default to the documented values (spec 2.5); the behaviours the real service leaves unknown
are named here with their default. ``ApiSettings.updated(mapping)`` applies a partial JSON update
(the ``/__control/settings`` endpoint) and refuses unknown names and wrong types.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class ApiSettings:
    # -- Limits ------------------------------------------------------------------------------
    #: spec 2.5: "Script projects can have up to 200 versions" (guides/versions).
    max_versions: int = 200
    #: spec 2.5: at most 20 versioned deployments at a time (HEAD not counted).
    max_versioned_deployments: int = 20
    #: spec 2.3: documented default page size of versions.list / deployments.list.
    default_page_size: int = 50
    #: ASSUMPTION (spec 2.5: request size limits undocumented): 10 MiB, the common Google front-end cap.
    max_body_bytes: int = 10 * 1024 * 1024
    #: spec 2.3 empirical note: deployments.list without pageSize returned only HEAD. Off by default.
    list_deployments_without_page_size_returns_head_only: bool = False

    # -- Google's rules (rules.py) -----------------------------------------------------------------
    #: getContent?versionNumber=0 returns HEAD: 0 is proto3's default int32, which a server cannot
    #: tell from "not set" (protobuf.dev/programming-guides/proto3, "Default Values"), and the
    #: discovery doc says "If not provided, the project's HEAD version is returned". False: 404.
    get_content_version_zero_is_head: bool = True
    #: scripts.run with devMode needs executionApi in HEAD's manifest or an API-executable deployment
    #: (api/how-tos/execute: "must be deployed as an API executable"); else 404 like a run without one.
    run_dev_mode_requires_api_executable: bool = True
    #: Refuse scripts.run (403 insufficient scopes) when the manifest's oauthScopes are not all in
    #: ``token_scopes``. Off by default: the fake cannot see which scopes a real token carries.
    check_run_scopes: bool = False
    #: The scopes the fake assumes every bearer token has (used only by ``check_run_scopes``).
    token_scopes: tuple[str, ...] = ()
    #: Drive ids that projects.create accepts as parentId; empty: any well-formed Drive id.
    known_parent_ids: tuple[str, ...] = ()

    # -- Identity and authorization -----------------------------------------------------------
    #: The Google account that owns every project and runs every execution.
    user_email: str = "user@example.com"
    #: Demand ``Authorization: Bearer <token>`` and answer 401 without it (any token is accepted).
    require_auth: bool = False
    #: Answer every API call 403 "User has not enabled the Apps Script API" (spec 2.4).
    api_disabled: bool = False

    # -- Connections (connections.py; ASSUMPTION: Google's front-end timeouts are not published) -----
    #: Seconds a request may take to arrive (line, headers, body; and the idle wait before it on a
    #: kept-alive connection); then the connection is closed (slowloris).
    request_read_timeout_s: float = 10.0
    #: Seconds one socket read or write may block (a client that stops reading its answer).
    socket_timeout_s: float = 30.0

    # -- Execution logs (fake Cloud Logging entries.list) ------------------------------------------
    #: The Cloud project whose logs hold the scripts' entries; "" (default) means any ``projects/<id>``
    #: asked for, so a client with any projectId in .clasp.json sees the logs.
    cloud_project_id: str = ""
    #: ASSUMPTION (which APIs a new Cloud project has on is not documented): the services the fake
    #: Service Usage reports enabled before any ``services.enable``; none by default.
    initially_enabled_services: tuple[str, ...] = ()
    #: ASSUMPTION (fake-only bound; Cloud Logging keeps entries 30 days): executions whose logs are kept.
    max_logged_executions: int = 1000

    # -- Faults --------------------------------------------------------------------------------
    #: Share (0..1) of API calls answered with one of ``fault_codes`` before doing anything.
    fault_rate: float = 0.0
    #: HTTP codes a fault picks from (429 RESOURCE_EXHAUSTED, 500 INTERNAL, 503 UNAVAILABLE).
    fault_codes: tuple[int, ...] = (429, 500)
    #: Seed of the fault dice, so a faulty run is reproducible.
    fault_seed: int = 0
    #: The next N API calls fail with ``fault_codes[0]`` (deterministic; counts down).
    fail_next: int = 0
    #: The next call of this discovery method (e.g. ``script.projects.versions.create``) is carried out,
    #: then the connection is closed with no answer: a lost response. Cleared once used ("" = off).
    drop_next_response: str = ""

    def __post_init__(self) -> None:
        if not 0.0 <= self.fault_rate <= 1.0:
            raise ValueError(f"fault_rate must be between 0 and 1, not {self.fault_rate!r}")
        bad = [c for c in self.fault_codes if c not in (429, 500, 503)]
        if bad or not self.fault_codes:
            raise ValueError(f"fault_codes must be a non-empty list of 429, 500, 503, "
                             f"not {self.fault_codes!r}")
        for name in ("max_versions", "max_versioned_deployments", "default_page_size", "max_body_bytes",
                     "max_logged_executions"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        for name in ("request_read_timeout_s", "socket_timeout_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive")
        if self.fail_next < 0:
            raise ValueError("fail_next must not be negative")

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("fault_codes", "token_scopes", "known_parent_ids"):
            data[name] = list(data[name])
        return data

    def updated(self, changes: dict[str, Any]) -> ApiSettings:
        """A copy with ``changes`` applied; ValueError names the first bad key or value."""
        types = {f.name: f.type for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in changes.items():
            if key not in types:
                raise ValueError(f"unknown setting {key!r}; known: {', '.join(sorted(types))}")
            clean[key] = _coerce(key, types[key], value)
        return replace(self, **clean)


def _coerce(key: str, type_name: str, value: Any) -> Any:
    ok = {
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, float)) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "tuple[int, ...]": isinstance(value, list) and all(isinstance(v, int) for v in value),
        "tuple[str, ...]": isinstance(value, list) and all(isinstance(v, str) for v in value),
    }[type_name]
    if not ok:
        raise ValueError(f"setting {key!r} must be of type {type_name}, not {value!r}")
    if type_name.startswith("tuple["):
        return tuple(value)
    if type_name == "float":
        return float(value)
    return value
