"""projects.getMetrics shapes (execution counting itself is in test_execution.py)."""

from __future__ import annotations

import http.client
import json

import pytest
from googleapiclient.errors import HttpError


def test_unspecified_granularity_queries_no_metrics(api, new_project):
    script_id = new_project()
    assert api.projects().getMetrics(scriptId=script_id,
                                     metricsGranularity="UNSPECIFIED_GRANULARITY").execute() == {}


def test_daily_metrics_cover_the_last_seven_days(api, new_project, clock):
    clock.advance(3 * 3_600_000)  # 2026-01-01T03:00Z
    metrics = api.projects().getMetrics(scriptId=new_project(), metricsGranularity="DAILY").execute()
    totals = metrics["totalExecutions"]
    assert len(totals) == 7
    assert totals[0] == {"value": "0", "startTime": "2025-12-26T00:00:00.000Z",
                         "endTime": "2025-12-27T00:00:00.000Z"}
    assert totals[-1]["endTime"] == "2026-01-02T00:00:00.000Z"
    assert [v["value"] for v in metrics["activeUsers"]] == ["0"] * 7


def test_weekly_metrics_are_one_seven_day_interval(api, new_project):
    metrics = api.projects().getMetrics(scriptId=new_project(), metricsGranularity="WEEKLY").execute()
    assert metrics["failedExecutions"] == [{"value": "0", "startTime": "2025-12-26T00:00:00.000Z",
                                            "endTime": "2026-01-02T00:00:00.000Z"}]


def test_metrics_of_unknown_project_is_404(api):
    with pytest.raises(HttpError) as exc:
        api.projects().getMetrics(scriptId="1nope", metricsGranularity="DAILY").execute()
    assert exc.value.status_code == 404


def test_unknown_granularity_is_400(server, new_project):
    conn = http.client.HTTPConnection(server.host, server.port, timeout=10)
    conn.request("GET", f"/v1/projects/{new_project()}/metrics?metricsGranularity=HOURLY")
    response = conn.getresponse()
    body = json.loads(response.read())
    conn.close()
    assert response.status == 400
    assert body["error"]["message"] == "Invalid value at 'metrics_granularity' (TYPE_ENUM), \"HOURLY\""
