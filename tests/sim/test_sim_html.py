"""The HTML report: verdict, figures beside a baseline, histogram, lock queue, round axis ticks."""

from __future__ import annotations

import re

import pytest
from sim_helpers import py_workload

from gas_emulator.sim import svg
from gas_emulator.sim.html import render_html
from gas_emulator.sim.runner import simulate


@pytest.fixture(scope="module")
def locked():
    return simulate(py_workload("counter_with_lock", executions=6, users=2), seed=3, checks=["unique"])


@pytest.mark.parametrize(("end", "ticks"), [
    (9_170.0, [0, 2000, 4000, 6000, 8000, 10000]),
    (413.2, [0, 100, 200, 300, 400, 500]),
    (350.0, [0, 50, 100, 150, 200, 250, 300, 350]),
    (1.0, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
])
def test_axis_ticks_fall_on_round_values_and_cover_the_end(end, ticks):
    assert svg.nice_ticks(end) == ticks


def test_count_ticks_are_whole_numbers():
    assert svg.nice_ticks(1, 4, minimum=1) == [0, 1] and svg.nice_ticks(3, 4, minimum=1) == [0, 1, 2, 3]


def test_tick_labels_switch_to_seconds_at_a_second_step():
    assert (svg.time_label(3000, 1000), svg.time_label(250, 50)) == ("3 s", "250 ms")


def test_histogram_counts_every_value_once():
    chart = svg.histogram([10.0, 12.0, 55.0, 99.0, 100.0])
    counts = [int(n) for n in re.findall(r"<title>(\d+) executions took", chart)]
    assert sum(counts) == 5 and max(counts) == 2


def test_histogram_axis_ends_on_a_round_tick():
    chart = svg.histogram([1_000.0, 91_300.0])
    labels = re.findall(r"text-anchor='middle'>([^<]+)</text>", chart)
    assert labels[:-1] == ["0 s", "20 s", "40 s", "60 s", "80 s", "100 s"]


def test_the_page_has_a_title_and_a_verdict(locked):
    page = render_html(locked, title="Counter under a lock")
    assert "<title>Counter under a lock</title>" in page and "<h1>Counter under a lock</h1>" in page
    assert "<p class='verdict pass'>PASS: every check passed (unique)</p>" in page


def test_a_failed_check_is_the_verdict():
    report = simulate(py_workload("counter_no_lock", executions=4), seed=0, checks=["unique"])
    page = render_html(report)
    assert "<p class='verdict fail'>FAIL: unique: 1 duplicate results" in page


def test_a_baseline_is_shown_beside_the_run(locked):
    other = simulate(py_workload("counter_no_lock", executions=6, users=2), seed=3)
    page = render_html(locked, baseline=other, baseline_name="no lock")
    assert "<th>this run</th><th>no lock, same requests</th>" in page
    assert page.count("aria-label='latency histogram'") == 2


def test_the_lock_queue_lists_holders_in_the_order_they_got_the_lock(locked):
    page = render_html(locked)
    queue = page.split("<h2>Lock queue</h2>", 1)[1].split("<h2>Timeline</h2>", 1)[0]
    names = re.findall(r">\d+\. (e\d{4})<", queue)
    holds = {rec.name: locked.timeline[rec.name].holds[0][1] for rec in locked.executions}
    assert sorted(names) == sorted(holds)
    assert [holds[n] for n in names] == sorted(holds.values())


def test_labels_are_never_cut(locked):
    page = render_html(locked)
    assert ">e0001 user1@example.com<" in page
    width = float(re.search(r"<svg xmlns='http://www.w3.org/2000/svg' width='(\d+)' height='\d+'>",
                            page.split("<h2>Timeline</h2>", 1)[1]).group(1))
    assert width >= svg.label_width(["e0001 user1@example.com"]) + svg.PLOT_W
