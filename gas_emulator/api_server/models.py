"""The fake Apps Script API's logic: plain methods named after the API operations (snake_case).

``ApiBackend`` knows nothing of HTTP: it takes validated request bodies, keeps every resource in the
store (see ``records``) inside one ``doc_transaction`` per call, and returns the API's JSON shapes
(spec 2.2). Any ``ApiError`` it raises leaves the store as it was. ``scripts.run``, web apps and
metrics live in ``executions.ExecutionsMixin``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from gas_emulator.api_server import errors, rules
from gas_emulator.api_server import records as rec
from gas_emulator.api_server.engine import CodeEngine
from gas_emulator.api_server.executions import ExecutionsMixin
from gas_emulator.api_server.settings import ApiSettings

# spec 2.1: updateContent accepts these types; ENUM_TYPE_UNSPECIFIED is "never actually used".
FILE_TYPES = ("SERVER_JS", "HTML", "JSON")
DEFAULT_TIME_ZONE = "America/New_York"  # the emulator's default time zone (contracts: Emulator)


class ApiBackend(ExecutionsMixin):
    """One fake Apps Script API over one store. ``reset()`` makes it equal to a fresh one."""

    def __init__(self, store: Any, clock: Any, engine: CodeEngine, *,
                 settings: ApiSettings | None = None, base_url: Callable[[], str] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.engine = engine
        self.settings = settings or ApiSettings()
        self._base_url = base_url or (lambda: "http://127.0.0.1")

    # -- plumbing ------------------------------------------------------------------------------
    def _tx(self, fn: Callable[[rec.Docs], Any]) -> Any:
        return self.store.doc_transaction(lambda txn: fn(rec.Docs(txn)))

    def _now(self) -> str:
        return rec.rfc3339(self.clock.now_ms())

    def _user(self) -> dict[str, str]:
        return rec.user_json(self.settings.user_email)

    def reset(self) -> None:
        self.store.reset()
        self.engine.reset()

    @staticmethod
    def _project(docs: rec.Docs, script_id: str) -> dict[str, Any]:
        project = docs.get(rec.NS_PROJECTS, script_id)
        if project is None:
            raise errors.not_found()
        return project

    # -- projects --------------------------------------------------------------------------------
    def create_project(self, body: dict[str, Any]) -> dict[str, Any]:
        rules.check_parent_id(body.get("parentId"), self.settings.known_parent_ids)

        def fn(docs: rec.Docs) -> dict[str, Any]:
            now, user = self._now(), self._user()
            script_id = rec.make_id("script", docs.next_number())
            head_id = rec.make_id("deployment", docs.next_number())
            manifest = {"name": rec.MANIFEST_NAME, "type": "JSON",
                        "source": rec.default_manifest(DEFAULT_TIME_ZONE),
                        "createTime": now, "updateTime": now, "lastModifyUser": user}
            project = {"scriptId": script_id, "title": body.get("title", "Untitled project"),
                       "createTime": now, "updateTime": now, "creator": user, "lastModifyUser": user,
                       "files": [manifest], "versionCount": 0, "deploymentSeq": 0,
                       "headDeploymentId": head_id}
            if body.get("parentId"):
                project["parentId"] = body["parentId"]
            docs.put(rec.NS_PROJECTS, script_id, project)
            # spec 2.5: "HEAD deployment is extra and always exists (a new project lists 1)".
            self._put_deployment(docs, project, head_id, None, "", now)
            return self._project_json(project)

        return self._tx(fn)

    def get_project(self, script_id: str) -> dict[str, Any]:
        return self._tx(lambda docs: self._project_json(self._project(docs, script_id)))

    @staticmethod
    def _project_json(project: dict[str, Any]) -> dict[str, Any]:
        keys = ("scriptId", "title", "parentId", "createTime", "updateTime", "creator", "lastModifyUser")
        return {k: project[k] for k in keys if k in project}

    # -- scripts.run: Google's refusals first (rules.py), then the run (executions.py) -------------
    def run(self, script_or_deployment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self._tx(lambda docs: rules.check_run(self, docs, script_or_deployment_id, body))
        return super().run(script_or_deployment_id, body)

    # -- content ---------------------------------------------------------------------------------
    def get_content(self, script_id: str, version_number: int | None = None) -> dict[str, Any]:
        head_asked = version_number == 0 and self.settings.get_content_version_zero_is_head

        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._project(docs, script_id)
            files = project["files"]
            if version_number is not None and not head_asked:
                files = self._version(docs, script_id, version_number)["files"]
            return {"scriptId": script_id, "files": files}

        return self._tx(fn)

    def update_content(self, script_id: str, body: dict[str, Any]) -> dict[str, Any]:
        self.get_project(script_id)  # an unknown project is 404 before any check of the files
        files = self._checked_files(body.get("files", []))
        function_sets = self.engine.inspect(files)  # compiles in V8: refuses a syntax error (spec 2.4)

        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._project(docs, script_id)
            now, user = self._now(), self._user()
            before = {(f["name"], f["type"]): f for f in project["files"]}
            stored = [self._stored_file(f, names, before.get((f["name"], f["type"])), now, user)
                      for f, names in zip(files, function_sets)]
            project.update(files=stored, updateTime=now, lastModifyUser=user)
            docs.put(rec.NS_PROJECTS, script_id, project)
            return {"scriptId": script_id, "files": stored}

        return self._tx(fn)

    @staticmethod
    def _checked_files(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """spec 2.1: name/type/source in, output-only fields ignored, manifest required."""
        checked: list[dict[str, Any]] = []
        for i, f in enumerate(files):
            kind = f.get("type", "ENUM_TYPE_UNSPECIFIED")
            if kind not in FILE_TYPES:  # spec 2.4: Invalid value at 'files[1].type' (TYPE_ENUM), "MD"
                raise errors.invalid_value(f"files[{i}].type", "TYPE_ENUM", kind)
            name = f.get("name", "")
            if not name or any(ord(c) < 32 for c in name):
                raise errors.invalid_argument(field=f"files[{i}].name")  # ASSUMPTION: text unknown
            checked.append({"name": name, "type": kind, "source": f.get("source", "")})
        if len({f["name"] for f in checked}) != len(checked):
            raise errors.invalid_argument(field="files")  # ASSUMPTION: duplicate names refused
        manifests = [f for f in checked if f["name"] == rec.MANIFEST_NAME and f["type"] == "JSON"]
        if not manifests:
            raise errors.missing_manifest()
        if any(f["type"] == "JSON" and f["name"] != rec.MANIFEST_NAME for f in checked):
            # spec 2.1 / discovery File.type: JSON "is only used for the script project's manifest".
            raise errors.invalid_argument(field="files")
        try:
            manifest = json.loads(manifests[0]["source"])
        except ValueError:
            manifest = None
        if not isinstance(manifest, dict):
            raise errors.invalid_argument(errors.MSG_BAD_MANIFEST)
        return checked

    @staticmethod
    def _stored_file(f: dict[str, Any], names: list[str], old: dict[str, Any] | None, now: str,
                     user: dict[str, str]) -> dict[str, Any]:
        unchanged = old is not None and old["source"] == f["source"]
        stored = dict(f, createTime=old["createTime"] if old else now,
                      updateTime=old["updateTime"] if unchanged else now,
                      lastModifyUser=old["lastModifyUser"] if unchanged else user)
        if names:
            stored["functionSet"] = {"values": [{"name": n} for n in names]}
        return stored

    # -- versions --------------------------------------------------------------------------------
    def create_version(self, script_id: str, body: dict[str, Any]) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._project(docs, script_id)
            limit = self.settings.max_versions
            if project["versionCount"] >= limit:  # spec 2.5: 200 versions, no delete
                raise errors.failed_precondition(errors.MSG_VERSION_CAP.format(limit=limit))
            number = project["versionCount"] + 1
            version = {"scriptId": script_id, "versionNumber": number, "createTime": self._now(),
                       "files": project["files"]}
            if body.get("description"):
                version["description"] = body["description"]
            project["versionCount"] = number
            docs.put(rec.NS_PROJECTS, script_id, project)
            docs.put(rec.ns_versions(script_id), rec.version_key(number), version)
            return self._version_json(version)

        return self._tx(fn)

    def get_version(self, script_id: str, version_number: int) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            return self._version_json(self._version(docs, script_id, version_number))

        return self._tx(fn)

    def list_versions(self, script_id: str, page_size: int | None,
                      page_token: str | None) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._project(docs, script_id)
            numbers = range(1, project["versionCount"] + 1)  # spec 2.3: oldest first
            chunk, nxt = rec.page(numbers, "versions", page_size or self.settings.default_page_size,
                                  page_token)
            out: dict[str, Any] = {}
            if chunk:
                ns = rec.ns_versions(script_id)
                out["versions"] = [self._version_json(docs.get(ns, rec.version_key(n))) for n in chunk]
            if nxt:
                out["nextPageToken"] = nxt
            return out

        return self._tx(fn)

    @staticmethod
    def _version(docs: rec.Docs, script_id: str, number: int) -> dict[str, Any]:
        version = docs.get(rec.ns_versions(script_id), rec.version_key(number)) if number > 0 else None
        if version is None:
            raise errors.not_found()
        return version

    @staticmethod
    def _version_json(version: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in version.items() if k != "files"}

    # -- deployments -----------------------------------------------------------------------------
    def create_deployment(self, script_id: str, body: dict[str, Any]) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            project = self._project(docs, script_id)
            number = self._deployable_version(docs, script_id, body)
            versioned = [d for d in self._deployments(docs, script_id) if d["versionNumber"] is not None]
            limit = self.settings.max_versioned_deployments
            if len(versioned) >= limit:  # spec 2.4: the 21st versioned deployment
                raise errors.failed_precondition(errors.MSG_DEPLOYMENT_CAP.format(limit=limit))
            dep_id = rec.make_id("deployment", docs.next_number())
            description = body.get("description", "")
            dep = self._put_deployment(docs, project, dep_id, number, description, self._now())
            return self._deployment_json(docs, dep)

        return self._tx(fn)

    def get_deployment(self, script_id: str, deployment_id: str) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            return self._deployment_json(docs, self._deployment(docs, script_id, deployment_id))

        return self._tx(fn)

    def list_deployments(self, script_id: str, page_size: int | None,
                         page_token: str | None) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            deps = self._deployments(docs, script_id)  # spec 2.3: HEAD first, then by creation
            if page_size is None and self.settings.list_deployments_without_page_size_returns_head_only:
                deps = deps[:1]
            chunk, nxt = rec.page(deps, "deployments", page_size or self.settings.default_page_size,
                                  page_token)
            out: dict[str, Any] = {}
            if chunk:
                out["deployments"] = [self._deployment_json(docs, d) for d in chunk]
            if nxt:
                out["nextPageToken"] = nxt
            return out

        return self._tx(fn)

    def update_deployment(self, script_id: str, deployment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        config = body.get("deploymentConfig", {})

        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            dep = self._deployment(docs, script_id, deployment_id)
            if dep["versionNumber"] is None:  # spec 1.7: HEAD is read-only
                raise errors.read_only_deployment()
            # The request has no field mask: the whole config is replaced (spec 1.7 update body).
            dep.update(versionNumber=self._deployable_version(docs, script_id, config),
                       description=config.get("description", ""), updateTime=self._now())
            docs.put(rec.ns_deployments(script_id), deployment_id, dep)
            return self._deployment_json(docs, dep)

        return self._tx(fn)

    def delete_deployment(self, script_id: str, deployment_id: str) -> dict[str, Any]:
        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            dep = self._deployment(docs, script_id, deployment_id)
            if dep["versionNumber"] is None:
                raise errors.read_only_deployment()
            docs.delete(rec.ns_deployments(script_id), deployment_id)
            docs.delete(rec.NS_INDEX, deployment_id)
            return {}  # spec 3.2: DELETE answers {}

        return self._tx(fn)

    def _deployable_version(self, docs: rec.Docs, script_id: str, config: dict[str, Any]) -> int:
        if "versionNumber" not in config:
            raise errors.invalid_argument(field="deployment_config.version_number")  # ASSUMPTION: text
        if config.get("manifestFileName", rec.MANIFEST_NAME) != rec.MANIFEST_NAME:
            raise errors.invalid_argument(field="deployment_config.manifest_file_name")  # ASSUMPTION
        return self._version(docs, script_id, config["versionNumber"])["versionNumber"]

    @staticmethod
    def _put_deployment(docs: rec.Docs, project: dict[str, Any], dep_id: str, number: int | None,
                        description: str, now: str) -> dict[str, Any]:
        project["deploymentSeq"] += 1
        docs.put(rec.NS_PROJECTS, project["scriptId"], project)
        dep = {"deploymentId": dep_id, "scriptId": project["scriptId"], "versionNumber": number,
               "description": description, "updateTime": now, "seq": project["deploymentSeq"]}
        docs.put(rec.ns_deployments(project["scriptId"]), dep_id, dep)
        docs.put(rec.NS_INDEX, dep_id, project["scriptId"])
        return dep

    @staticmethod
    def _deployments(docs: rec.Docs, script_id: str) -> list[dict[str, Any]]:
        ns = rec.ns_deployments(script_id)
        return sorted((docs.get(ns, k) for k in docs.keys(ns)), key=lambda d: d["seq"])

    @staticmethod
    def _deployment(docs: rec.Docs, script_id: str, deployment_id: str) -> dict[str, Any]:
        dep = docs.get(rec.ns_deployments(script_id), deployment_id)
        if dep is None:
            raise errors.not_found()
        return dep

    def deployment_files(self, docs: rec.Docs, dep: dict[str, Any]) -> list[dict[str, Any]]:
        """What a deployment serves: HEAD's latest files, or its version's (spec 2.5)."""
        if dep["versionNumber"] is None:
            return self._project(docs, dep["scriptId"])["files"]
        return self._version(docs, dep["scriptId"], dep["versionNumber"])["files"]

    def web_app_url(self, dep: dict[str, Any]) -> str:
        """The real URL is https://script.google.com/macros/s/<id>/exec (HEAD: .../dev, the test
        deployment, developers.google.com/apps-script/guides/web); the fake serves it itself."""
        suffix = "dev" if dep["versionNumber"] is None else "exec"
        return f"{self._base_url().rstrip('/')}/macros/s/{dep['deploymentId']}/{suffix}"

    def _deployment_json(self, docs: rec.Docs, dep: dict[str, Any]) -> dict[str, Any]:
        config: dict[str, Any] = {"scriptId": dep["scriptId"], "manifestFileName": rec.MANIFEST_NAME}
        if dep["versionNumber"] is not None:
            config["versionNumber"] = dep["versionNumber"]
        if dep["description"]:
            config["description"] = dep["description"]
        out: dict[str, Any] = {"deploymentId": dep["deploymentId"], "deploymentConfig": config,
                               "updateTime": dep["updateTime"]}
        points = rec.entry_points(rec.manifest_of(self.deployment_files(docs, dep)), self.web_app_url(dep))
        if points:
            out["entryPoints"] = points
        return out
