"""Utilities.formatDate against java.text.SimpleDateFormat(pattern, Locale.US), the reference Apps Script
names ("the format follows Java SimpleDateFormat", spec 4.1).

The expected outputs were printed by a JDK (tests/fixtures/java/FormatDates.java, run by
regenerate.py): 48 zones x instants 1970-2040 (fixed dates, year ends, both sides of DST transitions)
x patterns using every letter. Every case must agree.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gas_emulator.services.dateformat import format_date
from gas_emulator.services.timezones import resolve_zone

JAVA = Path(__file__).resolve().parents[1] / "fixtures" / "java"


def _table() -> tuple[list[str], list[list[str]]]:
    lines = gzip.decompress((JAVA / "formatdate_expected.tsv.gz").read_bytes()).decode("utf-8").splitlines()
    return lines[0].split("\t")[1:], [line.split("\t") for line in lines[1:]]


PATTERNS, ROWS = _table()


def test_the_table_covers_thousands_of_cases_30_zones_and_every_letter():
    zones = {row[0] for row in ROWS}
    years = {datetime.fromtimestamp(int(row[1]) / 1000, UTC).year for row in ROWS}
    letters = {c for p in PATTERNS for c in p if c.isalpha()} - set("To")  # 'T' and "o'clock" are quoted
    assert len(ROWS) * len(PATTERNS) > 5000 and len(zones) >= 30
    assert (min(years), max(years)) == (1970, 2040)
    assert letters >= set("GyYMLwWDdFEuaHkKhmsSzZX")


def test_format_date_agrees_with_java_on_every_case():
    mismatches = []
    for zone_id, ms, _offset, *expected in ROWS:
        instant = datetime.fromtimestamp(int(ms) / 1000, UTC)
        zone = resolve_zone(zone_id)
        for pattern, want in zip(PATTERNS, expected):
            got = format_date(instant, zone, pattern)
            if got != want:
                mismatches.append((zone_id, ms, pattern, want, got))
    assert mismatches == []


@pytest.mark.parametrize(("zone", "short", "long"), [
    ("Asia/Dubai", "GST", "Gulf Standard Time"), ("Singapore", "SGT", "Singapore Standard Time"),
    ("America/Sao_Paulo", "BRT", "Brasilia Standard Time"), ("Asia/Kathmandu", "NPT", "Nepal Time"),
    ("Asia/Calcutta", "IST", "India Standard Time"), ("Europe/Moscow", "MSK", "Moscow Standard Time"),
])
def test_zone_names_the_issue_lists(zone, short, long):
    instant = datetime(2024, 1, 15, 12, tzinfo=UTC)
    assert format_date(instant, resolve_zone(zone), "z|zzzz") == f"{short}|{long}"


def test_a_negative_sub_minute_offset_is_truncated_as_java_does():
    # Africa/Monrovia was -0:44:30 until 1972; Java prints -0044 (integer division), not -0045
    assert format_date(datetime(1970, 1, 1, tzinfo=UTC), resolve_zone("Africa/Monrovia"), "Z XXX") == \
        "-0044 -00:44"


def test_names_table_is_json_of_zone_ids():
    names = json.loads((Path(__file__).resolve().parents[2] / "gas_emulator" / "services" /
                        "java_zone_names.json").read_text(encoding="utf-8"))
    assert names["Asia/Dubai"]["ss"] == "GST" and "America/New_York" in names


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK here: the committed tables are used")
def test_the_committed_tables_are_what_the_jdk_prints(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("regenerate", JAVA / "regenerate.py")
    regenerate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(regenerate)
    committed_table, committed_names = regenerate.TABLE.read_bytes(), regenerate.NAMES.read_bytes()
    monkeypatch.setattr(regenerate, "TABLE", tmp_path / "table.tsv.gz")
    monkeypatch.setattr(regenerate, "NAMES", tmp_path / "names.json")
    assert regenerate.main() == 0
    assert (tmp_path / "table.tsv.gz").read_bytes() == committed_table
    assert (tmp_path / "names.json").read_bytes() == committed_names
