"""SpreadsheetApp from JavaScript: the types a script sees, and Apps Script's errors as Errors."""

from __future__ import annotations

from datetime import UTC, datetime

from gas_emulator import Emulator
from gas_emulator.runtime import Project, run_function
from gas_emulator.services import workbooks

SOURCE = """
function types() {
  var sheet = SpreadsheetApp.getActive().getSheetByName('Data');
  var row = sheet.getRange(1, 1, 1, 4).getValues()[0];
  return row.map(function (v) { return v instanceof Date ? 'Date:' + v.toISOString() : typeof v; });
}
function writeDate() {
  var sheet = SpreadsheetApp.getActive().getSheetByName('Data');
  sheet.appendRow([new Date(Date.UTC(2026, 0, 2)), 'x']);
  return sheet.getLastRow();
}
function badRange() {
  try { SpreadsheetApp.getActive().getSheetByName('Data').getRange(0, 1); }
  catch (e) { return e.message; }
}
"""


def _run(function: str, emu: Emulator):
    project = Project.from_files([{"name": "Code", "type": "SERVER_JS", "source": SOURCE}])
    return run_function(emu, project, function)


def _emu() -> Emulator:
    emu = Emulator()
    when = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    workbooks.create(emu, "book", {"Data": [[1.5, "text", True, when]]}, bound=True)
    return emu


def test_values_reach_javascript_as_numbers_strings_booleans_and_dates():
    assert _run("types", _emu()).result == ["number", "string", "boolean", "Date:2026-03-04T05:06:07.000Z"]


def test_a_javascript_date_is_stored_as_a_date():
    emu = _emu()
    assert _run("writeDate", emu).result == 2
    assert workbooks.values(emu, "book", "Data")[1][:2] == [datetime(2026, 1, 2, tzinfo=UTC), "x"]


def test_a_range_error_is_a_catchable_error_with_the_message():
    assert _run("badRange", _emu()).result == "The starting row of the range is too small."
