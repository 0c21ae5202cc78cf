"""The parts of the fake API that run code: ``scripts.run``, web apps, ``projects.getMetrics``.

Mixed into ``ApiBackend``. A run resolves which content to execute inside a store transaction
(HEAD for ``devMode``, else the deployment's version), runs it through the engine outside the
transaction (so a long run blocks nobody's API calls), then counts the execution for getMetrics.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gas_emulator.api_server import errors
from gas_emulator.api_server import records as rec
from gas_emulator.api_server.engine import WebResult

DAY_MS = 86_400_000
# discovery script.v1 metricsGranularity: DAILY = "daily metrics over a period of 7 days".
DAILY_INTERVALS = 7
# ASSUMPTION: WEEKLY ("Represents weekly metrics") answers one interval, the last 7 days.
WEEKLY_INTERVALS = 1
# discovery: UNSPECIFIED_GRANULARITY = "Default metric granularity used to query no metrics."
GRANULARITIES = ("UNSPECIFIED_GRANULARITY", "WEEKLY", "DAILY")


class ExecutionsMixin:
    # -- scripts.run -----------------------------------------------------------------------------
    def run(self, script_or_deployment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """spec 2.1: the path names an API-executable deployment, or the script (HEAD with devMode)."""
        dev_mode = bool(body.get("devMode", False))
        script_id, dep_id, files = self._tx(lambda docs: self._run_target(docs, script_or_deployment_id,
                                                                          dev_mode))
        operation = self.engine.run(script_id, files, body.get("function", ""),
                                    body.get("parameters", []), self.settings.user_email)
        self._count_execution(script_id, dep_id, failed="error" in operation)
        return operation

    def _run_target(self, docs: rec.Docs, target: str, dev_mode: bool) -> tuple[str, str, list[dict]]:
        script_id = docs.get(rec.NS_INDEX, target)
        if script_id is not None:
            dep = self._deployment(docs, script_id, target)
            candidates = [dep]
        else:
            script_id = target
            candidates = [d for d in reversed(self._deployments(docs, script_id))
                          if d["versionNumber"] is not None]
        project = self._project(docs, script_id)
        if dev_mode:  # spec 2.1: "devMode: true only works for owners and runs HEAD"
            return script_id, project["headDeploymentId"], project["files"]
        for dep in sorted(candidates, key=lambda d: d["updateTime"], reverse=True):
            files = self.deployment_files(docs, dep)
            if _has_entry_point(files, "executionApi"):
                return script_id, dep["deploymentId"], files
        raise errors.not_found()  # ASSUMPTION: no API-executable deployment answers 404

    # -- web apps ----------------------------------------------------------------------------------
    def serve_web(self, deployment_id: str, suffix: str, method: str, *, path_info: str = "",
                  query: str = "", body: bytes = b"", content_type: str = "") -> WebResult:
        """``/macros/s/<id>/exec`` runs doGet/doPost of that deployment's content; ``/dev`` is HEAD's."""

        def target(docs: rec.Docs) -> tuple[str, list[dict[str, Any]]]:
            script_id = docs.get(rec.NS_INDEX, deployment_id)
            if script_id is None:
                raise errors.not_found()
            dep = self._deployment(docs, script_id, deployment_id)
            if suffix == "dev" and dep["versionNumber"] is not None:
                raise errors.not_found()
            files = self.deployment_files(docs, dep)
            if not _has_entry_point(files, "webapp"):
                raise errors.not_found()
            return script_id, files

        script_id, files = self._tx(target)
        result = self.engine.web(script_id, files, method, path_info=path_info, query=query, body=body,
                                 content_type=content_type, user=self.settings.user_email)
        self._count_execution(script_id, deployment_id, failed=result.status >= 500)
        return result

    # -- projects.getMetrics -----------------------------------------------------------------------
    def get_metrics(self, script_id: str, granularity: str | None,
                    deployment_id: str | None) -> dict[str, Any]:
        if granularity is not None and granularity not in GRANULARITIES:
            raise errors.invalid_value("metrics_granularity", "TYPE_ENUM", granularity)

        def fn(docs: rec.Docs) -> dict[str, Any]:
            self._project(docs, script_id)
            if granularity in (None, "UNSPECIFIED_GRANULARITY"):
                return {}
            count, width = (DAILY_INTERVALS, 1) if granularity == "DAILY" else (WEEKLY_INTERVALS, 7)
            today = _day_start(self.clock.now_ms())
            ends = [today + timedelta(days=1) - timedelta(days=width * i) for i in range(count)][::-1]
            counters = self._counters(docs, script_id, deployment_id)
            out: dict[str, list[dict[str, str]]] = {"activeUsers": [], "totalExecutions": [],
                                                    "failedExecutions": []}
            for end in ends:
                start = end - timedelta(days=width)
                days = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(width)]
                picked = [c for day, c in counters if day in days]
                span = {"startTime": _stamp(start), "endTime": _stamp(end)}
                users = {u for c in picked for u in c["users"]}
                out["activeUsers"].append({"value": str(len(users)), **span})
                out["totalExecutions"].append({"value": str(sum(c["total"] for c in picked)), **span})
                out["failedExecutions"].append({"value": str(sum(c["failed"] for c in picked)), **span})
            return out

        return self._tx(fn)

    @staticmethod
    def _counters(docs: rec.Docs, script_id: str, deployment_id: str | None) -> list[tuple[str, dict]]:
        ns = rec.ns_metrics(script_id)
        found = []
        for key in docs.keys(ns):
            day, _, dep = key.partition("|")
            if deployment_id is None or dep == deployment_id:
                found.append((day, docs.get(ns, key)))
        return found

    def _count_execution(self, script_id: str, deployment_id: str, *, failed: bool) -> None:
        day = _day_start(self.clock.now_ms()).strftime("%Y-%m-%d")
        user = self.settings.user_email

        def fn(docs: rec.Docs) -> None:
            if docs.get(rec.NS_PROJECTS, script_id) is None:  # reset while it ran
                return
            ns, key = rec.ns_metrics(script_id), f"{day}|{deployment_id}"
            counter = docs.get(ns, key) or {"total": 0, "failed": 0, "users": []}
            counter["total"] += 1
            counter["failed"] += int(failed)
            if user not in counter["users"]:
                counter["users"].append(user)
            docs.put(ns, key, counter)

        self._tx(fn)


def _has_entry_point(files: list[dict[str, Any]], section: str) -> bool:
    return isinstance(rec.manifest_of(files).get(section), dict)


def _day_start(ms: float) -> datetime:
    moment = datetime.fromtimestamp(int(ms) // DAY_MS * DAY_MS / 1000, tz=UTC)
    return moment


def _stamp(moment: datetime) -> str:
    return rec.rfc3339(moment.timestamp() * 1000)
