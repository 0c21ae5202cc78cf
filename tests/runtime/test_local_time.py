"""Date's local time follows the script's time zone (appsscript.json), with daylight saving time.

Apps Script's values for America/New_York on 2024-07-04 12:00 UTC: getHours() 8, getTimezoneOffset()
240, toString() "... GMT-0400 (Eastern Daylight Time)" (issue #12, measured on Apps Script); the other
zones' values follow the tz database (the ICU data V8 ships), as V8 prints them.
"""

from __future__ import annotations

import json
import shutil
import threading

import pytest
from click.testing import CliRunner

from gas_emulator import Emulator
from gas_emulator.cli import main
from gas_emulator.runtime import Project, run_function, run_web_request

LOCAL = "(function (d) { return [d.getHours(), d.getTimezoneOffset(), d.toString()]; })"


def _at(js, iso_instant: str, zone: str) -> list:
    return js(f"{LOCAL}(new Date('{iso_instant}'))", zone)


def test_new_york_summer_is_daylight_time(js):
    assert _at(js, "2024-07-04T12:00:00Z", "America/New_York") == [
        8, 240, "Thu Jul 04 2024 08:00:00 GMT-0400 (Eastern Daylight Time)"]


def test_new_york_winter_is_standard_time(js):
    assert _at(js, "2024-01-15T12:00:00Z", "America/New_York") == [
        7, 300, "Mon Jan 15 2024 07:00:00 GMT-0500 (Eastern Standard Time)"]


def test_london_summer_is_british_summer_time(js):
    assert _at(js, "2024-07-04T12:00:00Z", "Europe/London") == [
        13, -60, "Thu Jul 04 2024 13:00:00 GMT+0100 (British Summer Time)"]


def test_a_zone_without_dst(js):
    assert _at(js, "2024-07-04T12:00:00Z", "Asia/Kolkata") == [
        17, -330, "Thu Jul 04 2024 17:30:00 GMT+0530 (India Standard Time)"]


def test_a_southern_zone_is_in_daylight_time_in_january(js):
    assert _at(js, "2024-01-15T12:00:00Z", "Australia/Sydney") == [
        23, -660, "Mon Jan 15 2024 23:00:00 GMT+1100 (Australian Eastern Daylight Time)"]


@pytest.mark.parametrize(("instant", "expected"), [
    ("2024-03-10T06:59:59Z", [1, 300]),  # one second before the spring-forward edge: 01:59:59 EST
    ("2024-03-10T07:00:00Z", [3, 240]),  # the edge: 03:00 EDT (02:xx does not exist)
    ("2024-11-03T05:59:59Z", [1, 240]),  # 01:59:59 EDT, the first pass through 01:xx
    ("2024-11-03T06:00:00Z", [1, 300]),  # 01:00 EST, the second pass
])
def test_local_time_across_new_york_dst_edges(js, instant, expected):
    assert _at(js, instant, "America/New_York")[:2] == expected


def test_local_date_constructor_is_in_the_script_zone(js):
    assert js("new Date(2024, 6, 4, 12).toISOString()", "America/New_York") == "2024-07-04T16:00:00.000Z"


def test_a_skipped_local_time_moves_forward_as_in_v8(js):
    # 2024-03-10 02:30 does not exist in New York; ECMAScript picks the offset before the transition
    assert js("new Date(2024, 2, 10, 2, 30).toISOString()", "America/New_York") == "2024-03-10T07:30:00.000Z"


def test_a_project_without_a_time_zone_uses_the_emulator_default(js):
    assert js("new Date(Date.UTC(2024, 6, 4, 12)).getHours()", None) == 8  # Emulator: America/New_York


def test_an_unknown_zone_is_gmt_as_java_reads_it(js):
    assert _at(js, "2024-07-04T12:00:00Z", "Mars/Olympus")[:2] == [12, 0]


def test_two_zones_at_once_on_two_threads_each_keep_their_own(one_file_project):
    projects = {zone: one_file_project(f"function f() {{ return {LOCAL}(new Date(Date.UTC(2024, 6, 4, 12)))"
                               ".slice(0, 2); }", zone) for zone in ("Asia/Tokyo", "America/Los_Angeles")}
    results: dict[str, list] = {}

    def run(zone: str) -> None:
        results[zone] = [run_function(Emulator(), projects[zone], "f").result for _ in range(5)]

    threads = [threading.Thread(target=run, args=(zone,)) for zone in projects]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert results == {"Asia/Tokyo": [[21, -540]] * 5, "America/Los_Angeles": [[5, 420]] * 5}


# 2024-07-04T12:00:00Z and 2024-01-15T12:00:00Z in a zone with DST and in one without
NEW_YORK = "America/New_York"
ENTRY_POINT_CASES = [
    (NEW_YORK, 1720094400000, [8, 240, "Thu Jul 04 2024 08:00:00 GMT-0400 (Eastern Daylight Time)"]),
    (NEW_YORK, 1705320000000, [7, 300, "Mon Jan 15 2024 07:00:00 GMT-0500 (Eastern Standard Time)"]),
    ("Asia/Dubai", 1720094400000, [16, -240, "Thu Jul 04 2024 16:00:00 GMT+0400 (Gulf Standard Time)"]),
]


def _project_in(zone: str, fixtures, tmp_path):
    root = tmp_path / "project"
    shutil.copytree(fixtures / "gas_local_time", root)
    (root / "appsscript.json").write_text(json.dumps({"timeZone": zone, "runtimeVersion": "V8"}))
    return root


@pytest.mark.parametrize(("zone", "ms", "expected"), ENTRY_POINT_CASES)
def test_local_time_in_gas_emu_run(fixtures, tmp_path, zone, ms, expected):
    root = _project_in(zone, fixtures, tmp_path)
    out = CliRunner().invoke(main, ["run", "--root", str(root), "--json", "localTime", str(ms)])
    assert json.loads(out.stdout)["result"] == expected


@pytest.mark.parametrize(("zone", "ms", "expected"), ENTRY_POINT_CASES)
def test_local_time_in_simulate(fixtures, tmp_path, zone, ms, expected):
    root = _project_in(zone, fixtures, tmp_path)
    out = CliRunner().invoke(main, ["simulate", "--root", str(root), "--function", "localTime",
                                    "--args", f"[{ms}]", "-n", "2", "--json"])
    assert [e["result"] for e in json.loads(out.stdout)["executions"]] == [expected, expected]


@pytest.mark.parametrize(("zone", "ms", "expected"), ENTRY_POINT_CASES)
def test_local_time_in_a_web_app_request(fixtures, tmp_path, zone, ms, expected):
    project = Project.from_directory(_project_in(zone, fixtures, tmp_path))
    response = run_web_request(Emulator(), project, "GET", query=f"ms={ms}")
    assert json.loads(response.body) == expected


# Intl and formatDate follow the script's zone too: (toLocaleString, Intl's zone, formatDate "z|zzzz")
INTL_CASES = [
    (NEW_YORK, 1720094400000, ["7/4/2024, 8:00:00 AM", NEW_YORK, "EDT|Eastern Daylight Time"]),
    (NEW_YORK, 1705320000000, ["1/15/2024, 7:00:00 AM", NEW_YORK, "EST|Eastern Standard Time"]),
    ("Asia/Dubai", 1720094400000, ["7/4/2024, 4:00:00 PM", "Asia/Dubai", "GST|Gulf Standard Time"]),
]
EVERYWHERE = ["1,234.5", "ab"]  # en-US number format and collation


@pytest.mark.parametrize(("zone", "ms", "expected"), INTL_CASES)
def test_intl_and_format_date_in_gas_emu_run(fixtures, tmp_path, zone, ms, expected):
    root = _project_in(zone, fixtures, tmp_path)
    out = CliRunner().invoke(main, ["run", "--root", str(root), "--json", "intl", str(ms)])
    assert json.loads(out.stdout)["result"] == expected + EVERYWHERE


@pytest.mark.parametrize(("zone", "ms", "expected"), INTL_CASES)
def test_intl_and_format_date_in_simulate(fixtures, tmp_path, zone, ms, expected):
    root = _project_in(zone, fixtures, tmp_path)
    out = CliRunner().invoke(main, ["simulate", "--root", str(root), "--function", "intl",
                                    "--args", f"[{ms}]", "-n", "2", "--json"])
    assert [e["result"] for e in json.loads(out.stdout)["executions"]] == [expected + EVERYWHERE] * 2


@pytest.mark.parametrize(("zone", "ms", "expected"), INTL_CASES)
def test_intl_and_format_date_in_a_web_app_request(fixtures, tmp_path, zone, ms, expected):
    project = Project.from_directory(_project_in(zone, fixtures, tmp_path))
    response = run_web_request(Emulator(), project, "GET", query=f"ms={ms}&fn=intl")
    assert json.loads(response.body) == expected + EVERYWHERE


def test_a_java_custom_whole_hour_zone_is_that_fixed_offset(js):
    assert _at(js, "2024-07-04T12:00:00Z", "GMT+4")[:2] == [16, -240]


def test_a_custom_zone_with_minutes_is_utc_for_local_time_a_documented_limit(js):
    assert _at(js, "2024-07-04T12:00:00Z", "GMT+05:30")[:2] == [12, 0]


def test_an_emulator_zone_that_is_not_a_string_is_gmt(one_file_project):
    emu = Emulator()
    emu.time_zone = None  # set by hand, bypassing the manifest
    project = one_file_project("function f() { return new Date(0).getTimezoneOffset(); }", zone=None)
    assert run_function(emu, project, "f").result == 0


def test_an_idle_isolate_moves_to_the_next_zone_instead_of_a_new_one(monkeypatch):
    """Isolates are few however many zones a process serves one after another (each reserves ~0.5 GB
    of address space, which a worker's data cap counts), and each run still sees its own zone."""
    from gas_emulator.runtime import engine

    pool = engine.IsolatePool(size=1)
    monkeypatch.setattr(engine, "POOL", pool)
    monkeypatch.setattr(engine.Session.__init__, "__defaults__", (pool,))
    from tests.runtime.conftest import one_file

    hours = []
    for zone in ["UTC", "America/New_York", "Asia/Kolkata", "UTC"]:
        project = one_file("function f() { return new Date('2024-07-04T12:00:00Z').getHours(); }", zone)
        hours.append(run_function(Emulator(), project, "f").unwrap())
    assert hours == [12, 8, 17, 12]
    assert pool.created == 1
