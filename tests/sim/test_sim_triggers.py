"""Triggers fire on the virtual clock: continuations, every-minute jobs, quotas, event objects."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner
from sim_helpers import FIXTURES

from gas_emulator.cli import main
from gas_emulator.sim.checks import CheckResult
from gas_emulator.sim.explore import explore
from gas_emulator.sim.runner import simulate
from gas_emulator.sim.workload import Workload, parse_duration_ms

HOUR = 3_600_000
#: Seeds the fixed batch job must pass here (1,000 in bench/samples.py, kept out of CI time).
FIXED_SEEDS = 100


def each_item_once(report) -> CheckResult:
    """Every item of the batch job processed by exactly one continuation."""
    seen = Counter(i for rec in report.executions for i in (rec.result or []))
    twice = sorted(i for i, n in seen.items() if n > 1)
    return CheckResult("each-item-once", not twice, f"items processed twice: {twice[:5]}")


def _batch(name: str, function: str = "start", until_ms: float = 2 * HOUR) -> Workload:
    return Workload(function=function, root=str(FIXTURES / name), until_ms=until_ms)


def test_the_racy_continuation_runs_two_continuations_at_once():
    result = explore(_batch("batch_job_racy"), range(20), checks=[each_item_once])
    assert not result.ok


def test_the_fixed_continuation_processes_every_item_once_over_many_seeds():
    result = explore(_batch("batch_job_fixed"), range(FIXED_SEEDS), checks=[each_item_once, "no-errors"])
    assert result.ok, result.failures[:1]


def test_the_fixed_continuation_finishes_all_items():
    report = simulate(_batch("batch_job_fixed"), seed=3)
    assert sorted(i for rec in report.executions for i in (rec.result or [])) == list(range(120))


def test_an_every_minute_trigger_fires_once_a_minute_until_the_horizon():
    report = simulate(_batch("batch_job_fixed", "startEveryMinute", until_ms=HOUR), seed=0)
    fired = [rec for rec in report.executions if rec.name.startswith("t")]
    assert (len(fired), fired[0].arrival_ms, fired[-1].arrival_ms) == (60, 60_000.0, 3_600_000.0)


def test_triggers_never_fire_without_a_horizon():
    report = simulate(_batch("batch_job_fixed", "startEveryMinute", until_ms=None), seed=0)
    assert [rec.name for rec in report.executions] == ["e0001"]


def test_the_daily_trigger_runtime_quota_stops_the_job(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text(
        "function start() { ScriptApp.newTrigger('work').timeBased().everyMinutes(1).create(); }\n"
        "function work() { Utilities.sleep(50000); return 1; }\n")
    report = simulate(Workload(function="start", root=str(tmp_path), until_ms=2 * HOUR), seed=0,
                      latency="zero")
    outcomes = Counter(rec.error or "ok" for rec in report.executions if rec.name.startswith("t"))
    # 90 min a day for a consumer account (spec 5): 108 runs of 50 s, the 109th is refused
    assert outcomes == {"ok": 108, "Service using too much computer time for one day.": 12}


def test_the_event_object_of_a_time_driven_trigger(tmp_path):
    (tmp_path / "appsscript.json").write_text("{}")
    (tmp_path / "Code.js").write_text(
        "function start() { ScriptApp.newTrigger('fired').timeBased().after(90000).create(); }\n"
        "function fired(e) { return e; }\n")
    report = simulate(Workload(function="start", root=str(tmp_path), until_ms=HOUR), seed=0)
    event = report.executions[1].result
    assert {k: event[k] for k in ("authMode", "hour", "minute", "second", "timezone")} == {
        "authMode": "FULL", "hour": 0, "minute": 1, "second": 30, "timezone": "UTC"}
    assert event["triggerUid"] == "10000001"


def test_the_replay_command_carries_until_in_a_form_it_parses():
    args = _batch("batch_job_fixed", until_ms=2 * HOUR).command_args()
    text = args[args.index("--until") + 1]
    assert (text, parse_duration_ms(text)) == ("7200000ms", 2 * HOUR)


def test_until_takes_a_duration_with_a_unit():
    assert [parse_duration_ms(t) for t in ("24h", "90m", "30s", "500ms", "2d")] == [
        86_400_000, 5_400_000, 30_000, 500, 172_800_000]


def test_the_cli_until_option_fires_triggers():
    result = CliRunner().invoke(main, ["simulate", "--root", str(FIXTURES / "batch_job_fixed"),
                                       "--function", "startEveryMinute", "--until", "10m", "--json"])
    assert result.exit_code == 0, result.output
    assert "--until 600000ms" in result.stdout


def test_a_python_workload_fires_its_handler_by_name():
    from sim_helpers import py_workload

    report = simulate(py_workload("arm_every_hour", until_ms=3 * HOUR), seed=0)
    assert [rec.result for rec in report.executions[1:]] == [[1, 1], [2, 2], [3, 3]]
